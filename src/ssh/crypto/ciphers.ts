/**
 * The registry of packet ciphers, keyed by SSH algorithm name. The key
 * exchange negotiates a name, derives `keyLength` bytes of key and
 * `ivLength` bytes of IV for each direction, and calls `create`.
 *
 * AEAD ciphers (`aead: true`) authenticate packets themselves, so no MAC is
 * negotiated for them (the MAC lists are ignored, as OpenSSH does). Non-AEAD
 * ciphers (e.g. a later `aes256-ctr` paired with an HMAC) will set `aead: false`.
 *
 * @module
 */
import type { CryptoProvider } from "./provider.ts";
import type { PacketCipher } from "../transport/cipher.ts";
import { CHACHA20_POLY1305_NAME, ChaCha20Poly1305Cipher } from "./chacha20_poly1305.ts";
import { AES128_GCM_NAME, AES256_GCM_NAME, AesGcmCipher } from "./aes_gcm.ts";

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
   * Create one direction's cipher. `direction` matters only to stream ciphers
   * that keep separate encrypt/decrypt state (CTR); AEAD ciphers ignore it.
   */
  create(provider: CryptoProvider, key: Uint8Array, iv: Uint8Array, direction: CipherDirection): PacketCipher;
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

/**
 * Every supported cipher by SSH name.
 *
 * @example
 * ```ts
 * CIPHERS.get("aes256-gcm@openssh.com")?.keyLength; // 32
 * ```
 */
export const CIPHERS: ReadonlyMap<string, CipherAlgorithm> = new Map(
  [CHACHA20_POLY1305, AES128_GCM, AES256_GCM].map((c) => [c.name, c]),
);

/**
 * The server's default preference order (first is most preferred), as sent in KEXINIT.
 *
 * @example
 * ```ts
 * DEFAULT_CIPHERS.join(","); // "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
 * ```
 */
export const DEFAULT_CIPHERS: readonly string[] = [CHACHA20_POLY1305.name, AES128_GCM.name, AES256_GCM.name];

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
