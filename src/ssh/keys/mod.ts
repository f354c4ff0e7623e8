/**
 * Keys: public key blobs, signatures, private and public key files in the
 * OpenSSH, PEM (PKCS#1, SEC 1, PKCS#8), PuTTY and RFC 4716 formats (with
 * passphrases), fingerprints, host keys, key generation and authorized_keys
 * files.
 *
 * @example
 * ```ts
 * import { createHostKey, parsePrivateKeyFile } from "./src/ssh/keys/mod.ts";
 * const hostKey = createHostKey(provider, parsePrivateKeyFile(text, { passphrase }));
 * ```
 * @module
 */

export * from "./errors.ts";
export { decodeBase64, encodeBase64 } from "./base64.ts";
export * from "./public_key.ts";
export * from "./public_key_line.ts";
export * from "./signature.ts";
export * from "./sign.ts";
export * from "./fingerprint.ts";
export * from "./private_key.ts";
export * from "./openssh_key.ts";
export { KEY_FILE_CIPHERS } from "./openssh_key_ciphers.ts";
export * from "./passphrase.ts";
export * from "./key_file.ts";
export { parseRfc4716PublicKey, type Rfc4716PublicKey } from "./rfc4716.ts";
export { isPpk, parsePpkPrivateKey, parsePpkPublicKey } from "./ppk.ts";
export { bcryptPbkdf, BcryptPbkdfError } from "./bcrypt_pbkdf.ts";
export * from "./host_key.ts";
export * from "./keygen.ts";
export * from "./key_options.ts";
export * from "./authorized_keys.ts";
export { curveByKeyType, EC_CURVES, type EcCurve, isValidPublicPoint } from "./ec_curves.ts";
