/**
 * The `hostbased` method (RFC 4252 §9): the client host's key signs the
 * request; the engine verifies that signature and only then asks the ops
 * whether the key belongs to the named client host and whether its user may
 * log in as the requested one.
 *
 * @module
 */
import { concat, SshWriter } from "../wire.ts";
import type { PublicKeyInfo } from "../auth_ops.ts";
import { parsePublicKey, type PublicKey } from "../keys/public_key.ts";
import { checkSignature } from "../keys/signature.ts";
import { fingerprintSha256, keyTypeLabel } from "../keys/fingerprint.ts";
import { printable } from "../transport/version.ts";
import { askOps, type Attempt, type Outcome } from "./attempt.ts";

/**
 * Handle a hostbased request.
 *
 * @example
 * ```ts
 * const outcome = await hostbasedAttempt(attempt);
 * ```
 */
export async function hostbasedAttempt(a: Attempt): Promise<Outcome> {
  const { ctx, r } = a;
  const algorithm = r.utf8();
  const blob = r.string();
  const clientHost = r.utf8().replace(/\.$/, "");
  const clientUser = r.utf8();
  const sigStart = r.pos;
  const sig = r.string();
  r.end();
  let key: PublicKey;
  try {
    key = parsePublicKey(blob);
  } catch (e) {
    return { kind: "failed", detail: `: ${(e as Error).message}` };
  }
  const info: PublicKeyInfo = {
    type: key.type,
    blob: key.blob,
    fingerprint: fingerprintSha256(ctx.crypto, key.blob),
    label: keyTypeLabel(key),
  };
  // sshd's wording: the client user and host only on failures.
  const detail = `: ${info.label} ${info.fingerprint}`;
  const failDetail = `${detail}, client user "${printable(clientUser)}", client host "${printable(clientHost)}"`;
  if (!ctx.userSigAlgs.includes(algorithm)) {
    return { kind: "failed", detail: `: algorithm ${printable(algorithm)} not allowed` };
  }
  const signed = concat(new SshWriter().string(ctx.transport.sessionId!).bytes(), a.packet.subarray(0, sigStart));
  const check = checkSignature(ctx.crypto, key, signed, sig, [algorithm]);
  if (!check.ok) return { kind: "failed", detail: `${failDetail} (${check.reason})` };
  const res = await askOps(ctx, {
    ...a.base,
    method: "hostbased",
    key: info,
    algorithm,
    clientHost,
    clientUser,
    verified: true,
  });
  return { kind: "decided", result: res, unit: `hostbased ${info.fingerprint}`, detail, failDetail };
}
