/**
 * The registry of packet ciphers, keyed by SSH algorithm name. The key
 * exchange negotiates a name, derives `keyLength` bytes of key and
 * `ivLength` bytes of IV for each direction, and calls `create`.
 *
 * AEAD ciphers (`aead: true`) authenticate packets themselves, so no MAC is
 * negotiated for them (the MAC lists are ignored, as OpenSSH does). Non-AEAD
 * ciphers (`aes{128,192,256}-ctr`, `aead: false`) are paired with the
 * negotiated MAC of the same direction: `create` then needs a {@link MacKey}
 * (the algorithm and its key, derived with letter E client→server or F
 * server→client).
 *
 * @module
 */
import type { CryptoProvider } from "./provider.ts";
import type { PacketCipher } from "../transport/cipher.ts";
import type { MacAlgorithm } from "./macs.ts";
import { CHACHA20_POLY1305_NAME, ChaCha20Poly1305Cipher } from "./chacha20_poly1305.ts";
import { AES128_GCM_NAME, AES256_GCM_NAME, AesGcmCipher } from "./aes_gcm.ts";
import { AES128_CTR_NAME, AES192_CTR_NAME, AES256_CTR_NAME, AES_BLOCK_SIZE, createAesCtrCipher } from "./aes_ctr.ts";

/**
 * Which way a cipher instance runs: we send (`"encrypt"`) or we receive (`"decrypt"`).
 *
 * @example
 * ```ts
 * const outgoing: CipherDirection = "encrypt";
 * ```
 */
export type CipherDirection = "encrypt" | "decrypt";

/**
 * The MAC half of a non-AEAD cipher: the negotiated algorithm and its derived key.
 *
 * @example
 * ```ts
 * import { HMAC_SHA2_256_ETM } from "./macs.ts";
 * const mac: MacKey = { algorithm: HMAC_SHA2_256_ETM, key: new Uint8Array(HMAC_SHA2_256_ETM.keyLength) };
 * ```
 */
export interface MacKey {
  readonly algorithm: MacAlgorithm;
  /** `algorithm.keyLength` bytes (letter E or F). */
  readonly key: Uint8Array;
}

/**
 * A packet cipher algorithm as the key exchange sees it.
 *
 * @example
 * ```ts
 * import type { CryptoProvider } from "./provider.ts";
 * function newKeys(alg: CipherAlgorithm, provider: CryptoProvider, key: Uint8Array, iv: Uint8Array) {
 *   return alg.create(provider, key.subarray(0, alg.keyLength), iv.subarray(0, alg.ivLength), "decrypt");
 * }
 * ```
 */
export interface CipherAlgorithm {
  /** SSH name, e.g. `chacha20-poly1305@openssh.com`. */
  readonly name: string;
  /** Bytes of key material to derive (RFC 4253 §7.2, letters C/D). */
  readonly keyLength: number;
  /** Bytes of IV to derive (letters A/B); 0 when unused. */
  readonly ivLength: number;
  /** Padding alignment, as on the created {@link PacketCipher}. */
  readonly blockSize: number;
  /** True when the cipher authenticates packets itself, so no MAC is negotiated. */
  readonly aead: boolean;
  /**
   * Create one direction's cipher. `direction` matters only to ciphers that
   * keep separate encrypt/decrypt state; the current ones ignore it. `mac` is
   * required when `aead` is false (a {@link RangeError} otherwise) and ignored
   * when it is true.
   */
  create(
    provider: CryptoProvider,
    key: Uint8Array,
    iv: Uint8Array,
    direction: CipherDirection,
    mac?: MacKey,
  ): PacketCipher;
}

/** An AEAD registry entry whose `create` checks the derived key and IV lengths first. */
function aeadCipher(
  name: string,
  keyLength: number,
  ivLength: number,
  blockSize: number,
  make: (provider: CryptoProvider, key: Uint8Array, iv: Uint8Array) => PacketCipher,
): CipherAlgorithm {
  return {
    name,
    keyLength,
    ivLength,
    blockSize,
    aead: true,
    create(provider, key, iv) {
      if (key.length !== keyLength || iv.length !== ivLength) {
        throw new RangeError(
          `${name} needs a ${keyLength}-byte key and ${ivLength}-byte IV, got ${key.length} and ${iv.length}`,
        );
      }
      return make(provider, key, iv);
    },
  };
}

/**
 * `chacha20-poly1305@openssh.com`: 64-byte key, no IV.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const c = CHACHA20_POLY1305.create(createCryptoProvider(), new Uint8Array(64), new Uint8Array(0), "encrypt");
 * c.tagLength; // 16
 * ```
 */
export const CHACHA20_POLY1305: CipherAlgorithm = aeadCipher(
  CHACHA20_POLY1305_NAME,
  64,
  0,
  8,
  (provider, key) => new ChaCha20Poly1305Cipher(provider, key),
);

/**
 * `aes128-gcm@openssh.com`: 16-byte key, 12-byte IV.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const c = AES128_GCM.create(createCryptoProvider(), new Uint8Array(16), new Uint8Array(12), "decrypt");
 * c.lengthExcludedFromPadding; // true
 * ```
 */
export const AES128_GCM: CipherAlgorithm = aeadCipher(
  AES128_GCM_NAME,
  16,
  12,
  16,
  (provider, key, iv) => new AesGcmCipher(provider, key, iv),
);

/**
 * `aes256-gcm@openssh.com`: 32-byte key, 12-byte IV.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const c = AES256_GCM.create(createCryptoProvider(), new Uint8Array(32), new Uint8Array(12), "encrypt");
 * c.name; // "aes256-gcm@openssh.com"
 * ```
 */
export const AES256_GCM: CipherAlgorithm = aeadCipher(
  AES256_GCM_NAME,
  32,
  12,
  16,
  (provider, key, iv) => new AesGcmCipher(provider, key, iv),
);

/** An AES-CTR registry entry: checks the key, IV and MAC, then pairs the keystream with the MAC. */
function ctrCipher(name: string, keyLength: number): CipherAlgorithm {
  return {
    name,
    keyLength,
    ivLength: AES_BLOCK_SIZE,
    blockSize: AES_BLOCK_SIZE,
    aead: false,
    create(provider, key, iv, _direction, mac) {
      if (key.length !== keyLength || iv.length !== AES_BLOCK_SIZE) {
        throw new RangeError(
          `${name} needs a ${keyLength}-byte key and ${AES_BLOCK_SIZE}-byte IV, got ${key.length} and ${iv.length}`,
        );
      }
      if (!mac) throw new RangeError(`${name} is not an AEAD cipher: it needs a MAC`);
      return createAesCtrCipher(provider, key, iv, mac.algorithm.create(provider, mac.key));
    },
  };
}

/**
 * `aes128-ctr` (RFC 4344): 16-byte key, 16-byte IV (initial counter), paired with a MAC.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * import { HMAC_SHA2_256_ETM } from "./macs.ts";
 * const c = AES128_CTR.create(createCryptoProvider(), new Uint8Array(16), new Uint8Array(16), "encrypt", {
 *   algorithm: HMAC_SHA2_256_ETM,
 *   key: new Uint8Array(32),
 * });
 * c.tagLength; // 32
 * ```
 */
export const AES128_CTR: CipherAlgorithm = ctrCipher(AES128_CTR_NAME, 16);

/**
 * `aes192-ctr` (RFC 4344): 24-byte key, 16-byte IV, paired with a MAC.
 *
 * @example
 * ```ts
 * AES192_CTR.aead; // false
 * ```
 */
export const AES192_CTR: CipherAlgorithm = ctrCipher(AES192_CTR_NAME, 24);

/**
 * `aes256-ctr` (RFC 4344): 32-byte key, 16-byte IV, paired with a MAC.
 *
 * @example
 * ```ts
 * AES256_CTR.keyLength; // 32
 * ```
 */
export const AES256_CTR: CipherAlgorithm = ctrCipher(AES256_CTR_NAME, 32);

/**
 * Every supported cipher by SSH name.
 *
 * @example
 * ```ts
 * CIPHERS.get("aes256-gcm@openssh.com")?.keyLength; // 32
 * ```
 */
export const CIPHERS: ReadonlyMap<string, CipherAlgorithm> = new Map(
  [CHACHA20_POLY1305, AES128_GCM, AES256_GCM, AES128_CTR, AES192_CTR, AES256_CTR].map((c) => [c.name, c]),
);

/**
 * The server's default preference order (first is most preferred), as sent in KEXINIT:
 * the AEAD ciphers, then AES-CTR (which needs a MAC).
 *
 * @example
 * ```ts
 * DEFAULT_CIPHERS[0]; // "chacha20-poly1305@openssh.com"
 * DEFAULT_CIPHERS.at(-1); // "aes256-ctr"
 * ```
 */
export const DEFAULT_CIPHERS: readonly string[] = [
  CHACHA20_POLY1305.name,
  AES128_GCM.name,
  AES256_GCM.name,
  AES128_CTR.name,
  AES192_CTR.name,
  AES256_CTR.name,
];

/**
 * Look a cipher up by SSH name.
 *
 * @example
 * ```ts
 * findCipher("chacha20-poly1305@openssh.com")?.aead; // true
 * findCipher("3des-cbc"); // undefined
 * ```
 */
export function findCipher(name: string): CipherAlgorithm | undefined {
  return CIPHERS.get(name);
}
