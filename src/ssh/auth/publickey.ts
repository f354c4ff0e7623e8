/**
 * The `publickey` method (RFC 4252 §7) and OpenSSH's
 * `publickey-hostbound-v00@openssh.com` (PROTOCOL §2.5): a query (no
 * signature) gets PK_OK only if the ops find the key acceptable; a signed
 * request is verified here over the session id first, and only then put to
 * the ops. FIDO signatures must show user presence unless the key's
 * permissions waive it.
 *
 * @module
 */
import { MSG } from "../messages.ts";
import { protocolError } from "../errors.ts";
import { concat, SshWriter, timingSafeEqual } from "../wire.ts";
import { decisionOf, type Permissions, type PublicKeyInfo } from "../auth_ops.ts";
import type { PublicKey } from "../keys/public_key.ts";
import { type Certificate, parseUserKey } from "../keys/certificate.ts";
import { verifyCertificateSignature } from "../keys/cert_signature.ts";
import { certKeyTypeForAlgorithm, certSignatureAlgorithm, isCertAlgorithm } from "../keys/cert_algorithms.ts";
import { describeCertificate } from "../keys/cert_permissions.ts";
import { checkSignature } from "../keys/signature.ts";
import { SK_USER_PRESENT, SK_USER_VERIFIED } from "../keys/sk.ts";
import { fingerprintSha256, keyTypeLabel } from "../keys/fingerprint.ts";
import { printable } from "../transport/version.ts";
import { askOps, type Attempt, type Outcome } from "./attempt.ts";

/** Name of the host-bound variant. */
export const HOSTBOUND = "publickey-hostbound-v00@openssh.com";

/** Public-key queries allowed per connection (stops key enumeration beyond MaxAuthTries). */
export const MAX_PUBLICKEY_QUERIES = 15;

/**
 * Handle a publickey request.
 *
 * @example
 * ```ts
 * const outcome = await publickeyAttempt(attempt, "publickey");
 * ```
 */
export async function publickeyAttempt(a: Attempt, method: string): Promise<Outcome> {
  const { ctx, r } = a;
  const t = ctx.transport;
  const hasSig = r.boolean();
  const algorithm = r.utf8();
  const blob = r.string();
  const boundHostKey = method === HOSTBOUND ? r.string() : undefined;
  const sigStart = r.pos;
  const sig = hasSig ? r.string() : undefined;
  r.end();
  if (boundHostKey && !(t.hostKey && timingSafeEqual(boundHostKey, t.hostKey.publicBlob))) {
    throw protocolError("publickey-hostbound request names a host key that is not ours");
  }
  let key: PublicKey;
  let certificate: Certificate | undefined;
  try {
    ({ key, certificate } = parseUserKey(blob));
  } catch (e) {
    return { kind: "failed", detail: `: ${(e as Error).message}` };
  }
  const info: PublicKeyInfo = {
    type: certificate ? certificate.keyType : key.type,
    blob: certificate ? certificate.blob : key.blob,
    fingerprint: fingerprintSha256(ctx.crypto, key.blob),
    label: certificate ? `${keyTypeLabel(key)}-CERT` : keyTypeLabel(key),
    ...(certificate ? { certificate } : {}),
  };
  const detail = `: ${
    certificate ? describeCertificate(ctx.crypto, certificate) : `${info.label} ${info.fingerprint}`
  }`;
  // A certificate signs with its key's plain algorithm; the names must agree with the blob.
  const plainAlg = certificate ? certSignatureAlgorithm(algorithm) : algorithm;
  const namesAgree = certificate
    ? certKeyTypeForAlgorithm(algorithm) === certificate.keyType
    : !isCertAlgorithm(algorithm);
  if (!plainAlg || !namesAgree || !ctx.userSigAlgs.includes(plainAlg)) {
    return { kind: "failed", detail: `: algorithm ${printable(algorithm)} not allowed` };
  }
  if (certificate && !verifyCertificateSignature(ctx.crypto, certificate).ok) {
    return { kind: "failed", detail: `${detail} (certificate signature invalid)` };
  }
  const unit = `publickey ${info.fingerprint}`;
  if (!sig) {
    if (++a.queries > MAX_PUBLICKEY_QUERIES) return { kind: "failed", detail: `${detail} (too many key queries)` };
    const res = await askOps(ctx, { ...a.base, method: "publickey", key: info, algorithm, verified: false });
    const d = decisionOf(res);
    if (d !== "accept" && d !== "partial") return { kind: "decided", result: res, unit, detail };
    t.send(new SshWriter().byte(MSG.USERAUTH_PK_OK).string(algorithm).string(blob).bytes());
    return { kind: "answered" };
  }
  const signed = concat(new SshWriter().string(t.sessionId!).bytes(), a.packet.subarray(0, sigStart));
  const check = checkSignature(ctx.crypto, key, signed, sig, [plainAlg]);
  if (!check.ok) return { kind: "failed", detail: `${detail} (${check.reason})` };
  const sk = check.securityKey;
  const securityKey = sk && {
    userPresent: (sk.flags & SK_USER_PRESENT) !== 0,
    userVerified: (sk.flags & SK_USER_VERIFIED) !== 0,
    counter: sk.counter,
  };
  const res = await askOps(ctx, { ...a.base, method: "publickey", key: info, algorithm, verified: true, securityKey });
  const d = decisionOf(res);
  if (securityKey && (d === "accept" || d === "partial")) {
    const refusal = securityKeyRefusal(securityKey, (res as { permissions: Permissions }).permissions ?? {});
    if (refusal) return { kind: "failed", detail: `${detail} (${refusal})` };
  }
  return { kind: "decided", result: res, unit, detail };
}

/** Why a FIDO signature does not meet the policy (user presence unless waived; verification if required). */
function securityKeyRefusal(
  sk: { userPresent: boolean; userVerified: boolean },
  permissions: Permissions,
): string | undefined {
  if (!sk.userPresent && !permissions.noTouchRequired) return "security key signature without user presence";
  if (!sk.userVerified && permissions.verifyRequired) return "security key signature without user verification";
  return undefined;
}
