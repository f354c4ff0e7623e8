/**
 * What a user certificate allows once accepted (PROTOCOL.certkeys): a
 * certificate starts with everything off, and its extensions turn things on
 * (`permit-pty`, `permit-port-forwarding`, …); its critical options force a
 * command or require FIDO user verification. Also the log text sshd writes
 * for a certificate.
 *
 * @example
 * ```ts
 * const p = certificatePermissions(cert);
 * p.noPty; // true unless the certificate has permit-pty
 * describeCertificate(crypto, cert); // 'ED25519-CERT SHA256:… ID alice (serial 7) CA ED25519 SHA256:…'
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import type { Certificate } from "./certificate.ts";
import { fingerprintSha256, keyTypeLabel } from "./fingerprint.ts";

/** Restrictions from a certificate, named like the engine's `Permissions` fields. */
export interface CertificatePermissions {
  /** `force-command`. */
  forceCommand?: string;
  /** No `permit-pty` extension. */
  noPty?: boolean;
  /** No `permit-port-forwarding` extension. */
  noPortForwarding?: boolean;
  /** No `permit-agent-forwarding` extension. */
  noAgentForwarding?: boolean;
  /** No `permit-X11-forwarding` extension. */
  noX11Forwarding?: boolean;
  /** No `permit-user-rc` extension (~/.ssh/rc must not run). */
  noUserRc?: boolean;
  /** `no-touch-required` extension (FIDO keys). */
  noTouchRequired?: boolean;
  /** `verify-required` critical option (FIDO keys). */
  verifyRequired?: boolean;
}

/**
 * The restrictions a user certificate carries. Check it with
 * `certificateProblem` first (unknown critical options, source address).
 *
 * @example
 * ```ts
 * const perms = { ...certificatePermissions(cert) }; // e.g. { forceCommand: "/bin/backup", noPty: true, … }
 * ```
 */
export function certificatePermissions(cert: Certificate): CertificatePermissions {
  const ext = cert.extensions;
  const p: CertificatePermissions = {};
  const command = cert.criticalOptions.get("force-command");
  if (command !== undefined) p.forceCommand = command;
  if (!ext.has("permit-pty")) p.noPty = true;
  if (!ext.has("permit-port-forwarding")) p.noPortForwarding = true;
  if (!ext.has("permit-agent-forwarding")) p.noAgentForwarding = true;
  if (!ext.has("permit-X11-forwarding")) p.noX11Forwarding = true;
  if (!ext.has("permit-user-rc")) p.noUserRc = true;
  if (ext.has("no-touch-required")) p.noTouchRequired = true;
  if (cert.criticalOptions.has("verify-required")) p.verifyRequired = true;
  return p;
}

/**
 * The key description sshd logs for a certificate:
 * `LABEL-CERT SHA256:<key> ID <key id> (serial <n>) CA LABEL SHA256:<CA key>`.
 * The key ID is JSON-quoted when it has spaces, quotes or control characters.
 *
 * @example
 * ```ts
 * log.info(`Accepted publickey for alice from ${ip} ssh2: ${describeCertificate(crypto, cert)}`);
 * ```
 */
export function describeCertificate(crypto: CryptoProvider, cert: Certificate): string {
  const id = /^[\x21-\x7e]+$/.test(cert.keyId) && !cert.keyId.includes('"') ? cert.keyId : JSON.stringify(cert.keyId);
  return `${keyTypeLabel(cert.key)}-CERT ${fingerprintSha256(crypto, cert.key.blob)} ID ${id} (serial ${cert.serial})` +
    ` CA ${keyTypeLabel(cert.signatureKey)} ${fingerprintSha256(crypto, cert.signatureKey.blob)}`;
}
