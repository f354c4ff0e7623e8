/**
 * The registry of packet MACs, keyed by SSH algorithm name: HMAC-SHA1
 * (RFC 4253 §6.4), HMAC-SHA2-256/512 (RFC 6668) and their OpenSSH
 * Encrypt-then-MAC variants (`-etm@openssh.com`, OpenSSH PROTOCOL §1.5).
 *
 * A MAC is `HMAC(key, uint32 sequence_number ‖ data)`, where `data` is the
 * whole unencrypted packet for the classic Encrypt-and-MAC names, and
 * `uint32 packet_length ‖ encrypted rest` (length in the clear) for `-etm` ones.
 * MACs are negotiated only with non-AEAD ciphers; their keys are derived with
 * letters E (client to server) and F (server to client), RFC 4253 §7.2.
 *
 * @module
 */
import type { CryptoProvider, HashName, KeyedHmac } from "./provider.ts";

/**
 * One direction's MAC with its key fixed.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const mac = HMAC_SHA2_256.create(createCryptoProvider(), new Uint8Array(32));
 * const tag = mac.compute(7, new Uint8Array([0, 0, 0, 12, 10, 21]));
 * mac.verify(7, new Uint8Array([0, 0, 0, 12, 10, 21]), tag); // true
 * ```
 */
export interface Mac {
  /** SSH name, e.g. `hmac-sha2-256-etm@openssh.com`. */
  readonly name: string;
  /** Bytes of MAC appended to each packet. */
  readonly length: number;
  /** True for Encrypt-then-MAC (the MAC covers the ciphertext and the clear length). */
  readonly etm: boolean;
  /** The MAC of `uint32 seq ‖ data`. */
  compute(seq: number, data: Uint8Array): Uint8Array;
  /** Whether `tag` is the MAC of `uint32 seq ‖ data`, compared in constant time. */
  verify(seq: number, data: Uint8Array, tag: Uint8Array): boolean;
}

/**
 * A MAC algorithm as the key exchange sees it.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const alg = findMac("hmac-sha2-512")!;
 * const mac = alg.create(createCryptoProvider(), new Uint8Array(alg.keyLength));
 * mac.length; // 64
 * ```
 */
export interface MacAlgorithm {
  /** SSH name. */
  readonly name: string;
  /** Bytes of key material to derive (letters E/F). */
  readonly keyLength: number;
  /** Bytes of MAC per packet. */
  readonly macLength: number;
  /** True for Encrypt-then-MAC. */
  readonly etm: boolean;
  /** Key one direction. Throws {@link RangeError} unless `key` is `keyLength` bytes. */
  create(provider: CryptoProvider, key: Uint8Array): Mac;
}

/**
 * Constant-time equality: the time taken depends only on the lengths.
 *
 * @example
 * ```ts
 * constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 * constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])); // false
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

class HmacMac implements Mac {
  readonly #hmac: KeyedHmac;
  /** `uint32 seq`, rewritten for every call (all calls are synchronous). */
  readonly #seq = new Uint8Array(4);
  readonly #seqView = new DataView(this.#seq.buffer);

  constructor(readonly name: string, readonly length: number, readonly etm: boolean, hmac: KeyedHmac) {
    this.#hmac = hmac;
  }

  compute(seq: number, data: Uint8Array): Uint8Array {
    this.#seqView.setUint32(0, seq >>> 0);
    return this.#hmac.compute(this.#seq, data);
  }

  verify(seq: number, data: Uint8Array, tag: Uint8Array): boolean {
    return constantTimeEqual(this.compute(seq, data), tag);
  }
}

function hmacAlgorithm(name: string, hash: HashName, length: number, etm: boolean): MacAlgorithm {
  return {
    name,
    keyLength: length,
    macLength: length,
    etm,
    create(provider, key) {
      if (key.length !== length) throw new RangeError(`${name} needs a ${length}-byte key, got ${key.length}`);
      return new HmacMac(name, length, etm, provider.keyedHmac(hash, key));
    },
  };
}

/**
 * `hmac-sha2-256-etm@openssh.com`: 32-byte key and MAC, Encrypt-then-MAC.
 *
 * @example
 * ```ts
 * HMAC_SHA2_256_ETM.etm; // true
 * ```
 */
export const HMAC_SHA2_256_ETM: MacAlgorithm = hmacAlgorithm("hmac-sha2-256-etm@openssh.com", "sha256", 32, true);
/**
 * `hmac-sha2-512-etm@openssh.com`: 64-byte key and MAC, Encrypt-then-MAC.
 *
 * @example
 * ```ts
 * HMAC_SHA2_512_ETM.macLength; // 64
 * ```
 */
export const HMAC_SHA2_512_ETM: MacAlgorithm = hmacAlgorithm("hmac-sha2-512-etm@openssh.com", "sha512", 64, true);
/**
 * `hmac-sha2-256` (RFC 6668): 32-byte key and MAC, Encrypt-and-MAC.
 *
 * @example
 * ```ts
 * HMAC_SHA2_256.etm; // false
 * ```
 */
export const HMAC_SHA2_256: MacAlgorithm = hmacAlgorithm("hmac-sha2-256", "sha256", 32, false);
/**
 * `hmac-sha2-512` (RFC 6668): 64-byte key and MAC, Encrypt-and-MAC.
 *
 * @example
 * ```ts
 * HMAC_SHA2_512.keyLength; // 64
 * ```
 */
export const HMAC_SHA2_512: MacAlgorithm = hmacAlgorithm("hmac-sha2-512", "sha512", 64, false);
/**
 * `hmac-sha1-etm@openssh.com`: 20-byte key and MAC, Encrypt-then-MAC. Not offered by default.
 *
 * @example
 * ```ts
 * HMAC_SHA1_ETM.macLength; // 20
 * ```
 */
export const HMAC_SHA1_ETM: MacAlgorithm = hmacAlgorithm("hmac-sha1-etm@openssh.com", "sha1", 20, true);
/**
 * `hmac-sha1` (RFC 4253 §6.4): 20-byte key and MAC, Encrypt-and-MAC. Not offered by default.
 *
 * @example
 * ```ts
 * HMAC_SHA1.name; // "hmac-sha1"
 * ```
 */
export const HMAC_SHA1: MacAlgorithm = hmacAlgorithm("hmac-sha1", "sha1", 20, false);

/**
 * Every supported MAC by SSH name.
 *
 * @example
 * ```ts
 * MACS.get("hmac-sha2-256")?.macLength; // 32
 * ```
 */
export const MACS: ReadonlyMap<string, MacAlgorithm> = new Map(
  [HMAC_SHA2_256_ETM, HMAC_SHA2_512_ETM, HMAC_SHA2_256, HMAC_SHA2_512, HMAC_SHA1_ETM, HMAC_SHA1].map((
    m,
  ) => [m.name, m]),
);

/**
 * The server's default MAC preference (first is most preferred): SHA-2 only, Encrypt-then-MAC first.
 *
 * @example
 * ```ts
 * DEFAULT_MACS[0]; // "hmac-sha2-256-etm@openssh.com"
 * ```
 */
export const DEFAULT_MACS: readonly string[] = [
  HMAC_SHA2_256_ETM.name,
  HMAC_SHA2_512_ETM.name,
  HMAC_SHA2_256.name,
  HMAC_SHA2_512.name,
];

/**
 * Supported MACs that are off unless configured (SHA-1 based).
 *
 * @example
 * ```ts
 * const macs = [...DEFAULT_MACS, ...OPTIONAL_MACS]; // everything, SHA-1 last
 * ```
 */
export const OPTIONAL_MACS: readonly string[] = [HMAC_SHA1_ETM.name, HMAC_SHA1.name];

/**
 * Look a MAC up by SSH name.
 *
 * @example
 * ```ts
 * findMac("hmac-sha2-256-etm@openssh.com")?.etm; // true
 * findMac("hmac-md5"); // undefined
 * ```
 */
export function findMac(name: string): MacAlgorithm | undefined {
  return MACS.get(name);
}
