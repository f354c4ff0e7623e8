/**
 * Keys: public key blobs, signatures, OpenSSH private key files,
 * fingerprints, host keys, key generation and authorized_keys files.
 *
 * @example
 * ```ts
 * import { createHostKey, parseOpenSshPrivateKey } from "./src/ssh/keys/mod.ts";
 * const hostKey = createHostKey(provider, parseOpenSshPrivateKey(text));
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
export * from "./host_key.ts";
export * from "./keygen.ts";
export * from "./key_options.ts";
export * from "./authorized_keys.ts";
export { curveByKeyType, EC_CURVES, type EcCurve, isValidPublicPoint } from "./ec_curves.ts";
