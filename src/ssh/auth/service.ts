/**
 * The `ssh-userauth` service (RFC 4252): dispatches each USERAUTH_REQUEST to
 * its method (`none`, `publickey` and its host-bound variant, `password`,
 * `keyboard-interactive`, `hostbased`), applies the limits — a minimum delay
 * before every failure, at most `maxAuthTries` failures, capped user names —
 * tracks partial success (multi-factor) so no method counts twice, sends the
 * banner, and logs every decision in sshd's words.
 *
 * @module
 */
import { DISCONNECT, MSG } from "../messages.ts";
import { DisconnectError, protocolError } from "../errors.ts";
import { SshReader, SshWriter } from "../wire.ts";
import { decisionOf, type Permissions } from "../auth_ops.ts";
import { printable } from "../transport/version.ts";
import { askOps, type Attempt, type AuthContext, type Outcome } from "./attempt.ts";
import { HOSTBOUND, publickeyAttempt } from "./publickey.ts";
import { passwordAttempt } from "./password.ts";
import { keyboardInteractiveAttempt } from "./keyboard_interactive.ts";
import { hostbasedAttempt } from "./hostbased.ts";
import { mergePermissions } from "./permissions_merge.ts";

export type { AuthContext, AuthProgress } from "./attempt.ts";

/** What a successful authentication yields. */
export interface AuthOutcome {
  user: string;
  /** The last method, or all of them joined with `,` after partial successes. */
  method: string;
  permissions: Permissions;
}

/** Longest user name accepted, in bytes; longer ones fail without reaching the ops. */
export const MAX_USER_BYTES = 256;

/**
 * Run the userauth service until a user is authenticated. Throws
 * {@link DisconnectError} after too many failures or on protocol errors.
 *
 * @example
 * ```ts
 * const { user, permissions } = await runAuth(ctx);
 * ```
 */
export async function runAuth(ctx: AuthContext): Promise<AuthOutcome> {
  const t = ctx.transport;
  const from = `${ctx.peer.address} port ${ctx.peer.port}`;
  const progress = ctx.progress ?? {};
  let serviceAccepted = false;
  let bannerSent = ctx.banner === undefined;
  let failures = 0;
  let queries = 0;
  let firstUser: string | undefined;
  let methods: readonly string[] = ctx.ops.authMethods ?? ["publickey"];
  const completed: string[] = [];
  const units = new Set<string>();
  let permissions: Permissions = {};
  let pending: Uint8Array | undefined;

  const who = () => `${progress.invalidUser ? "invalid user " : ""}${printable(firstUser ?? "")}`;
  const answerFailure = (partial: boolean) =>
    t.send(new SshWriter().byte(MSG.USERAUTH_FAILURE).nameList(methods).boolean(partial).bytes());
  const fail = async (started: number, answer = true) => {
    failures++;
    const wait = ctx.limits.authRejectionDelayMs - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (failures >= ctx.limits.maxAuthTries) {
      ctx.logger.info(`maximum authentication attempts exceeded for ${who()} from ${from} ssh2 [preauth]`);
      throw new DisconnectError(DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures");
    }
    if (answer) answerFailure(false);
  };

  for (;;) {
    const p = pending ?? await t.readPacket();
    pending = undefined;
    const r = new SshReader(p, 1);
    if (p[0] === MSG.SERVICE_REQUEST) {
      const service = r.utf8();
      if (service !== "ssh-userauth" || serviceAccepted) {
        throw new DisconnectError(DISCONNECT.SERVICE_NOT_AVAILABLE, `bad service request ${printable(service)}`);
      }
      serviceAccepted = true;
      t.send(new SshWriter().byte(MSG.SERVICE_ACCEPT).string(service).bytes());
      continue;
    }
    if (p[0] !== MSG.USERAUTH_REQUEST) {
      if (p[0] >= 50 && p[0] < 80) throw protocolError(`unexpected auth message ${p[0]}`);
      if (p[0] >= 80) throw protocolError(`message ${p[0]} before authentication`);
      t.send(new SshWriter().byte(MSG.UNIMPLEMENTED).uint32(0).bytes());
      continue;
    }
    if (!serviceAccepted) throw protocolError("USERAUTH_REQUEST before service request");
    const started = Date.now();
    const userBytes = r.string();
    const service = r.utf8();
    const method = r.utf8();
    if (service !== "ssh-connection") {
      throw new DisconnectError(DISCONNECT.SERVICE_NOT_AVAILABLE, `unsupported service ${printable(service)}`);
    }
    const user = new TextDecoder().decode(userBytes);
    if (firstUser === undefined) firstUser = progress.user = user;
    else if (firstUser !== user) throw protocolError("change of username during authentication is not allowed");
    if (!bannerSent) {
      bannerSent = true;
      t.send(new SshWriter().byte(MSG.USERAUTH_BANNER).string(ctx.banner!).string("").bytes());
    }
    if (userBytes.length > MAX_USER_BYTES) {
      ctx.logger.info(`Invalid user (name of ${userBytes.length} bytes) from ${from}`);
      progress.invalidUser = true;
      await fail(started);
      continue;
    }
    const a: Attempt = {
      ctx,
      base: { user, service, peer: ctx.peer, sessionId: t.sessionId!, completed: [...completed] },
      packet: p,
      r,
      from,
      queries,
    };
    const outcome = await runMethod(a, method);
    queries = a.queries;
    if (outcome === undefined) {
      ctx.logger.debug(`auth method ${printable(method)} not supported for ${printable(user)} from ${from}`);
      await fail(started);
      continue;
    }
    if (outcome.kind === "answered") continue;
    if (outcome.kind === "interrupted") {
      pending = outcome.packet; // abandoned: counted, and the new request gets the answer
      await fail(started, false);
      continue;
    }
    const label = method === HOSTBOUND ? "publickey" : method;
    const forUser = (invalid: boolean) => `${invalid ? "invalid user " : ""}${printable(user)}`;
    if (outcome.kind === "failed") {
      ctx.logger.info(`Failed ${label} for ${forUser(!!progress.invalidUser)} from ${from} ssh2${outcome.detail}`);
      await fail(started);
      continue;
    }
    const d = decisionOf(outcome.result);
    const repeated = units.has(outcome.unit);
    if (method === "none") {
      if (d === "accept" && !repeated) {
        ctx.logger.info(`Accepted none for ${printable(user)} from ${from} ssh2`);
        const res = outcome.result as { permissions?: Permissions };
        return succeed(ctx, user, "none", mergePermissions(permissions, res.permissions ?? {}));
      }
      answerFailure(false); // the client asking for the method list: not a failure, no delay
      continue;
    }
    if ((d === "accept" || d === "partial") && !repeated) {
      units.add(outcome.unit);
      const res = outcome.result as { permissions?: Permissions; methodsLeft?: readonly string[] };
      permissions = mergePermissions(permissions, res.permissions ?? {});
      completed.push(label);
      if (d === "accept") {
        ctx.logger.info(`Accepted ${label} for ${printable(user)} from ${from} ssh2${outcome.detail}`);
        return succeed(ctx, user, completed.join(","), permissions);
      }
      ctx.logger.info(`Partial ${label} for ${printable(user)} from ${from} ssh2${outcome.detail}`);
      methods = res.methodsLeft?.length ? res.methodsLeft : methods;
      answerFailure(true);
      continue;
    }
    const invalid = (outcome.result as { invalidUser?: unknown } | undefined)?.invalidUser === true;
    if (invalid && !progress.invalidUser) {
      progress.invalidUser = true;
      ctx.logger.info(`Invalid user ${printable(user)} from ${from}`);
    }
    const why = repeated ? " (method already used)" : "";
    const failDetail = outcome.failDetail ?? outcome.detail;
    ctx.logger.info(`Failed ${label} for ${forUser(invalid)} from ${from} ssh2${failDetail}${why}`);
    await fail(started);
  }
}

/** Dispatch to the method's handler; undefined for a method we do not know. */
async function runMethod(a: Attempt, method: string): Promise<Outcome | undefined> {
  switch (method) {
    case "none":
      a.r.end();
      return { kind: "decided", result: await askOps(a.ctx, { ...a.base, method: "none" }), unit: "none", detail: "" };
    case "publickey":
    case HOSTBOUND:
      return await publickeyAttempt(a, method);
    case "password":
      return await passwordAttempt(a);
    case "keyboard-interactive":
      return await keyboardInteractiveAttempt(a);
    case "hostbased":
      return await hostbasedAttempt(a);
    default:
      return undefined;
  }
}

function succeed(ctx: AuthContext, user: string, method: string, permissions: Permissions): AuthOutcome {
  ctx.transport.send(new Uint8Array([MSG.USERAUTH_SUCCESS]));
  ctx.transport.startDelayedCompression();
  return { user, method, permissions };
}
