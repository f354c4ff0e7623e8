/**
 * The CA signature over a certificate (PROTOCOL.certkeys: "signature is
 * computed over all preceding fields … up to, and including the signature
 * key"), checked against a list of allowed CA signature algorithms like
 * OpenSSH's `CASignatureAlgorithms`.
 *
 * @example
 * ```ts
 * const check = verifyCertificateSignature(crypto, cert);
 * if (!check.ok) log.info(`certificate rejected: ${check.reason}`);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import type { Certificate } from "./certificate.ts";
import { checkSignature, type SignatureCheck, type VerifyOptions } from "./signature.ts";

/**
 * CA signature algorithms accepted by default: OpenSSH's
 * `CASignatureAlgorithms` default (no SHA-1 `ssh-rsa`).
 *
 * @example
 * ```ts
 * DEFAULT_CA_SIGNATURE_ALGORITHMS.includes("ssh-rsa"); // false
 * ```
 */
export const DEFAULT_CA_SIGNATURE_ALGORITHMS: readonly string[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  "rsa-sha2-512",
  "rsa-sha2-256",
];

/**
 * Check the CA's signature over `cert.signedData` with `cert.signatureKey`.
 * The algorithm inside the signature must be in `allowedAlgorithms` and fit
 * the CA key type. Never throws for malformed input. It does not say whether
 * the CA is trusted: compare `cert.signatureKey.blob` with the trusted CA keys.
 *
 * @example
 * ```ts
 * verifyCertificateSignature(crypto, cert).ok; // true for a certificate made by ssh-keygen -s
 * verifyCertificateSignature(crypto, cert, ["ssh-ed25519"]); // only Ed25519 CAs
 * ```
 */
export function verifyCertificateSignature(
  crypto: CryptoProvider,
  cert: Certificate,
  allowedAlgorithms: readonly string[] = DEFAULT_CA_SIGNATURE_ALGORITHMS,
  options: VerifyOptions = {},
): SignatureCheck {
  const check = checkSignature(crypto, cert.signatureKey, cert.signedData, cert.signature, allowedAlgorithms, options);
  return check.ok ? check : { ok: false, reason: `certificate CA signature: ${check.reason}` };
}
