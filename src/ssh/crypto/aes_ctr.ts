/**
 * `aes128-ctr`, `aes192-ctr` and `aes256-ctr` (RFC 4344 §4): AES in counter
 * mode as one keystream per direction. The 16-byte IV from the key exchange is
 * the initial counter block, taken as a 128-bit big-endian integer and
 * incremented (mod 2^128) after every block, across packet boundaries, for the
 * life of the keys. The cipher carries no integrity: it is always paired with a
 * MAC (see `cipher_with_mac.ts`).
 *
 * @module
 */
import type { CryptoProvider } from "./provider.ts";
import type { PacketCipher } from "../transport/cipher.ts";
import type { Mac } from "./macs.ts";
import { createCipherWithMac } from "./cipher_with_mac.ts";

/**
 * The SSH name of AES-128-CTR.
 *
 * @example
 * ```ts
 * AES128_CTR_NAME; // "aes128-ctr"
 * ```
 */
export const AES128_CTR_NAME = "aes128-ctr";
/**
 * The SSH name of AES-192-CTR.
 *
 * @example
 * ```ts
 * AES192_CTR_NAME; // "aes192-ctr"
 * ```
 */
export const AES192_CTR_NAME = "aes192-ctr";
/**
 * The SSH name of AES-256-CTR.
 *
 * @example
 * ```ts
 * AES256_CTR_NAME; // "aes256-ctr"
 * ```
 */
export const AES256_CTR_NAME = "aes256-ctr";

/**
 * AES's block size, which is also the packet alignment in CTR mode.
 *
 * @example
 * ```ts
 * AES_BLOCK_SIZE; // 16
 * ```
 */
export const AES_BLOCK_SIZE = 16;

/**
 * One direction of `aes{128,192,256}-ctr` with its MAC. Stateful: packets must
 * be sealed or opened in order, each exactly once.
 *
 * @param provider the crypto backend (AES-CTR).
 * @param key 16, 24 or 32 bytes (picks AES-128/192/256).
 * @param iv the 16-byte initial counter block.
 * @param mac the keyed MAC for this direction (Encrypt-and-MAC or Encrypt-then-MAC).
 * @throws {RangeError} on a wrong key or IV length.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * import { HMAC_SHA2_256_ETM } from "./macs.ts";
 * const provider = createCryptoProvider();
 * const mac = HMAC_SHA2_256_ETM.create(provider, new Uint8Array(32));
 * const c = createAesCtrCipher(provider, new Uint8Array(16), new Uint8Array(16), mac);
 * c.name; // "aes128-ctr"
 * ```
 */
export function createAesCtrCipher(provider: CryptoProvider, key: Uint8Array, iv: Uint8Array, mac: Mac): PacketCipher {
  const name = key.length === 16
    ? AES128_CTR_NAME
    : key.length === 24
    ? AES192_CTR_NAME
    : key.length === 32
    ? AES256_CTR_NAME
    : undefined;
  if (!name) throw new RangeError(`AES-CTR needs a 16-, 24- or 32-byte key, got ${key.length}`);
  if (iv.length !== AES_BLOCK_SIZE) throw new RangeError(`AES-CTR needs a 16-byte IV, got ${iv.length}`);
  return createCipherWithMac(name, AES_BLOCK_SIZE, provider.aesCtr(key, iv), mac);
}
