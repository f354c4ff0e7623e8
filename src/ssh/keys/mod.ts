/**
 * Keys: public key blobs, signatures, private and public key files in the
 * OpenSSH, PEM (PKCS#1, SEC 1, PKCS#8), PuTTY and RFC 4716 formats (with
 * passphrases), fingerprints, host keys, key generation, authorized_keys
 * files, OpenSSH certificates and revocation lists (KRL).
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
export * from "./certificate.ts";
export * from "./cert_algorithms.ts";
export * from "./cert_signature.ts";
export * from "./cert_policy.ts";
export * from "./cert_permissions.ts";
export { KNOWN_CRITICAL_OPTIONS, KNOWN_EXTENSIONS } from "./cert_options.ts";
export { type Cidr, cidrListMatches, parseCidrList } from "./cert_source_address.ts";
export * from "./krl.ts";
export { curveByKeyType, EC_CURVES, type EcCurve, isValidPublicPoint } from "./ec_curves.ts";
