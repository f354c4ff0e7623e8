/**
 * The `password` method (RFC 4252 §8), with the password-change exchange:
 * when the ops answer {@link changePassword}, the client is sent
 * USERAUTH_PASSWD_CHANGEREQ and comes back with the old and new password.
 *
 * @module
 */
import { MSG } from "../messages.ts";
import { SshWriter } from "../wire.ts";
import { decisionOf } from "../auth_ops.ts";
import { askOps, type Attempt, type Outcome } from "./attempt.ts";

/** Longest password accepted, in bytes (longer ones fail without reaching the ops). */
export const MAX_PASSWORD_BYTES = 1024;

/**
 * Handle a password request.
 *
 * @example
 * ```ts
 * const outcome = await passwordAttempt(attempt);
 * ```
 */
export async function passwordAttempt(a: Attempt): Promise<Outcome> {
  const { r, ctx } = a;
  const changing = r.boolean();
  const password = r.string();
  const next = changing ? r.string() : undefined;
  r.end();
  if (password.length > MAX_PASSWORD_BYTES || (next?.length ?? 0) > MAX_PASSWORD_BYTES) {
    return { kind: "failed", detail: " (password too long)" };
  }
  const dec = new TextDecoder("utf-8", { fatal: false });
  const res = await askOps(ctx, {
    ...a.base,
    method: "password",
    password: dec.decode(password),
    ...(next ? { newPassword: dec.decode(next) } : {}),
  });
  if (decisionOf(res) === "change-password" && !changing) {
    const text = (res as { prompt: string }).prompt;
    ctx.transport.send(new SshWriter().byte(MSG.USERAUTH_PASSWD_CHANGEREQ).string(text).string("").bytes());
    return { kind: "answered" };
  }
  return { kind: "decided", result: res, unit: "password", detail: "" };
}
