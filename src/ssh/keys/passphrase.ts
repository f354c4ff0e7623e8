/**
 * Passphrases for encrypted private key files, and the options every
 * private-key parser takes.
 *
 * A passphrase is bytes (OpenSSH, OpenSSL and PuTTY all hash raw bytes); a
 * string is taken as its UTF-8 encoding.
 *
 * @example
 * ```ts
 * const key = parsePrivateKeyFile(text, { passphrase: "correct horse" });
 * passphraseBytes("é"); // Uint8Array [0xc3, 0xa9]
 * ```
 * @module
 */

import type { PublicKeyOptions } from "./public_key.ts";

/** A passphrase: bytes, or a string taken as UTF-8. */
export type Passphrase = string | Uint8Array;

/** Options for reading private key files. */
export interface PrivateKeyFileOptions extends PublicKeyOptions {
  /**
   * Passphrase for an encrypted file. Without it an encrypted file throws
   * `EncryptedKeyError`; a wrong one throws `WrongPassphraseError`.
   * Unencrypted files ignore it.
   */
  passphrase?: Passphrase;
}

/**
 * The bytes of a passphrase.
 *
 * @example
 * ```ts
 * passphraseBytes("secret").length; // 6
 * ```
 */
export function passphraseBytes(p: Passphrase): Uint8Array {
  return typeof p === "string" ? new TextEncoder().encode(p) : p;
}
