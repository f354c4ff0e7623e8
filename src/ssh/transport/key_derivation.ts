/**
 * The exchange hash inputs and key derivation (RFC 4253 §7.2, §8).
 *
 * @module
 */
import type { CryptoProvider, HashName } from "../crypto/provider.ts";
import { concat, SshWriter } from "../wire.ts";

/**
 * The part of the exchange hash every method shares:
 * `string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S`.
 * Each method appends its own values and `K`, then hashes (RFC 4253 §8, RFC 5656 §4, RFC 4419 §3).
 *
 * @example
 * ```ts
 * const prefix = exchangeHashPrefix("SSH-2.0-c", "SSH-2.0-s", clientKexInit, serverKexInit, hostKeyBlob);
 * ```
 */
export function exchangeHashPrefix(
  clientVersion: string,
  serverVersion: string,
  clientKexInit: Uint8Array,
  serverKexInit: Uint8Array,
  hostKeyBlob: Uint8Array,
): Uint8Array {
  return new SshWriter(2048)
    .string(clientVersion)
    .string(serverVersion)
    .string(clientKexInit)
    .string(serverKexInit)
    .string(hostKeyBlob)
    .bytes();
}

/**
 * Derive `length` bytes of key material for letter `letter` ('A'…'F'):
 * K1 = HASH(K ‖ H ‖ letter ‖ session_id), Kn = HASH(K ‖ H ‖ K1 ‖ … ‖ Kn-1).
 */
export function deriveKey(
  crypto: CryptoProvider,
  hash: HashName,
  sharedSecret: Uint8Array,
  h: Uint8Array,
  letter: string,
  sessionId: Uint8Array,
  length: number,
): Uint8Array {
  let out = crypto.hash(hash, concat(sharedSecret, h, new Uint8Array([letter.charCodeAt(0)]), sessionId));
  while (out.length < length) {
    out = concat(out, crypto.hash(hash, concat(sharedSecret, h, out)));
  }
  return out.slice(0, length);
}
