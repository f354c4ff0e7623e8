/**
 * Whether a (signature-checked) certificate may be used here and now, the
 * checks of OpenSSH's `sshkey_cert_check_authority` and sshd's certificate
 * options: certificate type, validity period, principals, critical options
 * and `source-address`.
 *
 * Trust in the CA (TrustedUserCAKeys, an authorized_keys `cert-authority`
 * line) and revocation (krl.ts) are separate checks.
 *
 * @example
 * ```ts
 * const problem = certificateProblem(cert, { kind: "user", principal: user, sourceAddress: peerIp });
 * if (problem) return reject(problem);
 * ```
 * @module
 */

import { CERT_TYPE_HOST, CERT_TYPE_USER, type Certificate } from "./certificate.ts";
import { KNOWN_CRITICAL_OPTIONS } from "./cert_options.ts";
import { cidrListMatches, parseCidrList } from "./cert_source_address.ts";

/** What {@link certificateProblem} checks a certificate against. */
export interface CertificatePolicy {
  /** Which certificate type is wanted. */
  kind: "user" | "host";
  /** The current time in milliseconds since the epoch. Default `Date.now()`. */
  now?: number;
  /**
   * A name that must be one of the certificate's principals (the user name,
   * as sshd does for TrustedUserCAKeys without AuthorizedPrincipalsFile).
   */
  principal?: string;
  /**
   * Names of which at least one must be a principal of the certificate
   * (AuthorizedPrincipalsFile, authorized_keys `principals="…"`).
   */
  authorizedPrincipals?: readonly string[];
  /**
   * The client's IP address, checked against a `source-address` option. A
   * certificate with that option is refused when this is missing.
   */
  sourceAddress?: string;
}

/**
 * Why `cert` must be refused under `policy`, or undefined if nothing is
 * wrong. A certificate with no principals is refused (OpenSSH: "Certificate
 * lacks principal list"), whatever the policy. Host certificates may carry no
 * critical options; user certificates only `force-command`, `source-address`
 * and `verify-required` (the caller must enforce the first and last, e.g. via
 * `certificatePermissions`).
 *
 * @example
 * ```ts
 * certificateProblem(cert, { kind: "user", principal: "alice", now: Date.now() });
 * // undefined, or e.g. "certificate has expired"
 * ```
 */
export function certificateProblem(cert: Certificate, policy: CertificatePolicy): string | undefined {
  const wantType = policy.kind === "host" ? CERT_TYPE_HOST : CERT_TYPE_USER;
  if (cert.type !== wantType) return `certificate is not a ${policy.kind} certificate`;
  const nowMs = policy.now ?? Date.now();
  if (!Number.isFinite(nowMs) || nowMs < 0) return "certificate is not yet valid";
  const now = BigInt(Math.floor(nowMs / 1000));
  if (now < cert.validAfter) return "certificate is not yet valid";
  if (now >= cert.validBefore) return "certificate has expired";
  if (cert.principals.length === 0) return "certificate lacks principal list";
  if (policy.principal !== undefined && !cert.principals.includes(policy.principal)) {
    return `"${policy.principal}" is not a listed principal of the certificate`;
  }
  if (policy.authorizedPrincipals && !cert.principals.some((p) => policy.authorizedPrincipals!.includes(p))) {
    return "certificate does not contain an authorized principal";
  }
  for (const name of cert.criticalOptions.keys()) {
    if (policy.kind === "host" || !KNOWN_CRITICAL_OPTIONS.has(name)) {
      return `certificate critical option "${name}" is not supported`;
    }
  }
  const sources = cert.criticalOptions.get("source-address");
  if (sources !== undefined) {
    const list = parseCidrList(sources);
    if (!list) return "certificate source-address is invalid";
    if (policy.sourceAddress === undefined || !cidrListMatches(list, policy.sourceAddress)) {
      return `source address ${policy.sourceAddress ?? "(unknown)"} is not permitted by the certificate`;
    }
  }
  return undefined;
}
