/**
 * The server's half of finite-field Diffie-Hellman (RFC 4253 §8): check the
 * client's `e`, pick a private exponent `y`, and compute `f = g^y mod p` and
 * `K = e^y mod p`.
 *
 * The private exponent has {@link DH_EXPONENT_BITS} bits. OpenSSH draws twice
 * as many bits as the strongest negotiated key needs (at least 512): discrete
 * logarithms in an exponent of n bits cost about 2^(n/2), so 512 bits match
 * the 256-bit ciphers and exceed every group's own strength (≤ ~200 bits for 8192-bit p).
 *
 * @module
 */
import { bigIntToBytes, bytesToBigInt, modPow } from "./bigint.ts";
import type { DhGroup } from "./dh_groups.ts";
import { kexFailed } from "./kex_errors.ts";

/**
 * Size in bits of the server's private exponent.
 *
 * @example
 * ```ts
 * DH_EXPONENT_BITS; // 512
 * ```
 */
export const DH_EXPONENT_BITS = 512;

/**
 * The values of one finite-field exchange, as unsigned big-endian bytes.
 *
 * @example
 * ```ts
 * const { e, f, k }: FfdhValues = ffdhRespond(MODP_2048, eMpint);
 * writer.mpint(e).mpint(f).mpint(k);
 * ```
 */
export interface FfdhValues {
  /** The client's public value `e`, minimal length. */
  e: Uint8Array;
  /** Our public value `f = g^y mod p`. */
  f: Uint8Array;
  /** The shared secret `K = e^y mod p`. */
  k: Uint8Array;
}

function randomExponent(bits: number): bigint {
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  crypto.getRandomValues(bytes);
  const excess = bytes.length * 8 - bits;
  bytes[0] &= 0xff >> excess;
  bytes[0] |= 0x80 >> excess; // full length, like OpenSSH's BN_rand(…, top = 0, …)
  return bytesToBigInt(bytes);
}

/**
 * Check `e` (the client's mpint as read from the wire, two's complement) and
 * compute `f` and `K` in `group`. Throws a KEY_EXCHANGE_FAILED `DisconnectError`
 * unless 1 < e < p − 1 (RFC 4253 §8) and e is not a power of two (as OpenSSH's `dh_pub_is_valid`).
 * `exponent` fixes the private exponent `y` (known-answer tests only; by
 * default a fresh random one of {@link DH_EXPONENT_BITS} bits).
 *
 * @example
 * ```ts
 * const { f, k } = ffdhRespond(MODP_2048, reader.mpintBytes());
 * ```
 */
export function ffdhRespond(group: DhGroup, eMpint: Uint8Array, exponent?: bigint): FfdhValues {
  if (eMpint.length > 0 && eMpint[0] & 0x80) throw kexFailed("DH public value e is negative");
  let i = 0;
  while (i < eMpint.length && eMpint[i] === 0) i++;
  const eBytes = eMpint.subarray(i);
  if (eBytes.length > Math.ceil(group.bits / 8)) throw kexFailed("DH public value e is larger than p");
  const e = bytesToBigInt(eBytes);
  if (e <= 1n || e >= group.p - 1n) throw kexFailed("DH public value e is out of range (1 < e < p - 1)");
  // OpenSSH also refuses e with a single bit set: for g = 2 its discrete log is trivial.
  if ((e & (e - 1n)) === 0n) throw kexFailed("DH public value e is a power of two");
  const y = exponent ?? randomExponent(Math.min(DH_EXPONENT_BITS, group.bits - 2));
  const f = modPow(group.g, y, group.p);
  const k = modPow(e, y, group.p);
  if (k <= 1n) throw kexFailed("DH shared secret is degenerate");
  return { e: eBytes.slice(), f: bigIntToBytes(f), k: bigIntToBytes(k) };
}
