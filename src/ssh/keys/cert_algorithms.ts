/**
 * Public key algorithm names for certificates in `publickey` userauth
 * requests (PROTOCOL.certkeys, RFC 8332 §3 applied to certificates): the
 * name the client sends, the certificate blob type it must come with, and
 * the plain signature algorithm the client's signature is made with.
 *
 * | algorithm name                                | blob type                            | signature      |
 * | --------------------------------------------- | ------------------------------------ | -------------- |
 * | `ssh-ed25519-cert-v01@openssh.com`            | same                                 | `ssh-ed25519`  |
 * | `rsa-sha2-512-cert-v01@openssh.com`           | `ssh-rsa-cert-v01@openssh.com`       | `rsa-sha2-512` |
 * | `ssh-rsa-cert-v01@openssh.com` (SHA-1)        | same                                 | `ssh-rsa`      |
 *
 * OpenSSH's sshd lists only plain algorithms in `server-sig-algs`; clients
 * derive the certificate names from them.
 *
 * @example
 * ```ts
 * certSignatureAlgorithm("rsa-sha2-512-cert-v01@openssh.com"); // "rsa-sha2-512"
 * certKeyTypeForAlgorithm("rsa-sha2-512-cert-v01@openssh.com"); // "ssh-rsa-cert-v01@openssh.com"
 * ```
 * @module
 */

import type { CertificateKeyType } from "./certificate.ts";

const ALGORITHMS: Readonly<Record<string, { keyType: CertificateKeyType; signature: string }>> = {
  "ssh-ed25519-cert-v01@openssh.com": { keyType: "ssh-ed25519-cert-v01@openssh.com", signature: "ssh-ed25519" },
  "ecdsa-sha2-nistp256-cert-v01@openssh.com": {
    keyType: "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    signature: "ecdsa-sha2-nistp256",
  },
  "ecdsa-sha2-nistp384-cert-v01@openssh.com": {
    keyType: "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    signature: "ecdsa-sha2-nistp384",
  },
  "ecdsa-sha2-nistp521-cert-v01@openssh.com": {
    keyType: "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    signature: "ecdsa-sha2-nistp521",
  },
  "sk-ssh-ed25519-cert-v01@openssh.com": {
    keyType: "sk-ssh-ed25519-cert-v01@openssh.com",
    signature: "sk-ssh-ed25519@openssh.com",
  },
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com": {
    keyType: "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    signature: "sk-ecdsa-sha2-nistp256@openssh.com",
  },
  "rsa-sha2-512-cert-v01@openssh.com": { keyType: "ssh-rsa-cert-v01@openssh.com", signature: "rsa-sha2-512" },
  "rsa-sha2-256-cert-v01@openssh.com": { keyType: "ssh-rsa-cert-v01@openssh.com", signature: "rsa-sha2-256" },
  "ssh-rsa-cert-v01@openssh.com": { keyType: "ssh-rsa-cert-v01@openssh.com", signature: "ssh-rsa" },
};

/**
 * Certificate algorithms to accept for user authentication by default, in
 * OpenSSH's `PubkeyAcceptedAlgorithms` order (SHA-1 `ssh-rsa-cert-v01` left
 * out, as OpenSSH does since 8.8).
 *
 * @example
 * ```ts
 * const accepted = [...DEFAULT_USER_CERT_ALGORITHMS, ...DEFAULT_USER_SIG_ALGS];
 * ```
 */
export const DEFAULT_USER_CERT_ALGORITHMS: readonly string[] = [
  "ssh-ed25519-cert-v01@openssh.com",
  "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "sk-ssh-ed25519-cert-v01@openssh.com",
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "rsa-sha2-512-cert-v01@openssh.com",
  "rsa-sha2-256-cert-v01@openssh.com",
];

/**
 * True if `algorithm` is a certificate public key algorithm name.
 *
 * @example
 * ```ts
 * isCertAlgorithm("rsa-sha2-256-cert-v01@openssh.com"); // true
 * isCertAlgorithm("rsa-sha2-256"); // false
 * ```
 */
export function isCertAlgorithm(algorithm: string): boolean {
  return Object.hasOwn(ALGORITHMS, algorithm);
}

/**
 * The plain signature algorithm a certificate algorithm's signatures use, or
 * undefined for a name that is not a certificate algorithm.
 *
 * @example
 * ```ts
 * certSignatureAlgorithm("ssh-ed25519-cert-v01@openssh.com"); // "ssh-ed25519"
 * certSignatureAlgorithm("ssh-ed25519"); // undefined
 * ```
 */
export function certSignatureAlgorithm(algorithm: string): string | undefined {
  return Object.hasOwn(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm].signature : undefined;
}

/**
 * The certificate blob type a certificate algorithm must come with, or
 * undefined for a name that is not a certificate algorithm.
 *
 * @example
 * ```ts
 * certKeyTypeForAlgorithm("rsa-sha2-256-cert-v01@openssh.com"); // "ssh-rsa-cert-v01@openssh.com"
 * ```
 */
export function certKeyTypeForAlgorithm(algorithm: string): CertificateKeyType | undefined {
  return Object.hasOwn(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm].keyType : undefined;
}
