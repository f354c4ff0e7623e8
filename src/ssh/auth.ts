/**
 * The `ssh-userauth` service (RFC 4252) with the publickey two-step:
 * a query (no signature) is answered with PK_OK only if the ops find the key
 * acceptable; a signed request is verified by the engine over the session id
 * first, and only then put to the ops. Also `publickey-hostbound-v00@openssh.com`
 * (OpenSSH PROTOCOL §2.5), which binds the signature to our host key.
 *
 * @module
 */
import type { Transport } from "./transport/transport.ts";
import type { Limits, Logger } from "./config.ts";
import type { CryptoProvider } from "./crypto/provider.ts";
import { DISCONNECT, MSG } from "./messages.ts";
import { DisconnectError, protocolError } from "./errors.ts";
import { concat, SshReader, SshWriter, timingSafeEqual } from "./wire.ts";
import {
  type AuthRequest,
  isAccept,
  type PeerInfo,
  type Permissions,
  type PublicKeyInfo,
  type ServerOps,
} from "./ops.ts";
import { parsePublicKey, type PublicKey } from "./keys/public_key.ts";
import { checkSignature } from "./keys/signature.ts";
import { SK_USER_PRESENT, SK_USER_VERIFIED } from "./keys/sk.ts";
import { fingerprintSha256, keyTypeLabel } from "./keys/fingerprint.ts";
import { printable } from "./transport/version.ts";

/** What a successful authentication yields. */
export interface AuthOutcome {
  user: string;
  method: string;
  permissions: Permissions;
}

/** Everything the auth service needs. */
export interface AuthContext {
  transport: Transport;
  ops: ServerOps;
  crypto: CryptoProvider;
  logger: Logger;
  limits: Limits;
  peer: PeerInfo;
  userSigAlgs: readonly string[];
}

const HOSTBOUND = "publickey-hostbound-v00@openssh.com";

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
  let serviceAccepted = false;
  let failures = 0;
  let firstUser: string | undefined;
  const methods = ctx.ops.authMethods ?? ["publickey"];

  const fail = async (started: number, partial = false, counted = true) => {
    if (counted) {
      failures++;
      const wait = ctx.limits.authRejectionDelayMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (failures >= ctx.limits.maxAuthTries) {
        ctx.logger.info(
          `Disconnecting authenticating user ${firstUser ?? "?"} ${from}: Too many authentication failures`,
        );
        throw new DisconnectError(DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures");
      }
    }
    t.send(new SshWriter().byte(MSG.USERAUTH_FAILURE).nameList(methods).boolean(partial).bytes());
  };

  for (;;) {
    const p = await t.readPacket();
    const r = new SshReader(p, 1);
    const type = p[0];
    if (type === MSG.SERVICE_REQUEST) {
      const service = r.utf8();
      if (service !== "ssh-userauth" || serviceAccepted) {
        throw new DisconnectError(DISCONNECT.SERVICE_NOT_AVAILABLE, `bad service request ${printable(service)}`);
      }
      serviceAccepted = true;
      t.send(new SshWriter().byte(MSG.SERVICE_ACCEPT).string(service).bytes());
      continue;
    }
    if (type !== MSG.USERAUTH_REQUEST) {
      if (type >= 50 && type < 80) throw protocolError(`unexpected auth message ${type}`);
      if (type >= 80) throw protocolError(`message ${type} before authentication`);
      t.send(new SshWriter().byte(MSG.UNIMPLEMENTED).uint32(0).bytes());
      continue;
    }
    if (!serviceAccepted) throw protocolError("USERAUTH_REQUEST before service request");
    const started = Date.now();
    const user = r.utf8();
    const service = r.utf8();
    const method = r.utf8();
    if (service !== "ssh-connection") {
      throw new DisconnectError(DISCONNECT.SERVICE_NOT_AVAILABLE, `unsupported service ${printable(service)}`);
    }
    if (firstUser === undefined) firstUser = user;
    else if (firstUser !== user) throw protocolError("change of username during authentication is not allowed");
    const base = { user, service, peer: ctx.peer, sessionId: t.sessionId! };

    if (method === "none") {
      const res = await callAuth(ctx, { ...base, method: "none" });
      if (isAccept(res)) return succeed(ctx, user, "none", res.permissions);
      await fail(started, false, false);
      continue;
    }
    if (method !== "publickey" && method !== HOSTBOUND) {
      ctx.logger.debug(`auth method ${printable(method)} not supported for ${printable(user)} from ${from}`);
      await fail(started);
      continue;
    }
    const hasSig = r.boolean();
    const algorithm = r.utf8();
    const blob = r.string();
    let boundHostKey: Uint8Array | undefined;
    if (method === HOSTBOUND) boundHostKey = r.string();
    const sigStart = r.pos;
    const sig = hasSig ? r.string() : undefined;
    r.end();

    let key: PublicKey;
    try {
      key = parsePublicKey(blob);
    } catch (e) {
      ctx.logger.info(`Failed publickey for ${printable(user)} from ${from} ssh2: ${(e as Error).message}`);
      await fail(started);
      continue;
    }
    const info: PublicKeyInfo = {
      type: key.type,
      blob: key.blob,
      fingerprint: fingerprintSha256(ctx.crypto, key.blob),
      label: keyTypeLabel(key),
    };
    const keyDesc = `${info.label} ${info.fingerprint}`;
    if (!ctx.userSigAlgs.includes(algorithm)) {
      ctx.logger.info(
        `Failed publickey for ${printable(user)} from ${from} ssh2: algorithm ${printable(algorithm)} not allowed`,
      );
      await fail(started);
      continue;
    }
    if (boundHostKey && !(t.hostKey && timingSafeEqual(boundHostKey, t.hostKey.publicBlob))) {
      throw protocolError("publickey-hostbound request names a host key that is not ours");
    }
    if (!sig) {
      const res = await callAuth(ctx, { ...base, method: "publickey", key: info, algorithm, verified: false });
      if (isAccept(res)) {
        t.send(new SshWriter().byte(MSG.USERAUTH_PK_OK).string(algorithm).string(blob).bytes());
      } else {
        ctx.logger.info(`Failed publickey for ${printable(user)} from ${from} ssh2: ${keyDesc}`);
        await fail(started);
      }
      continue;
    }
    const signed = concat(new SshWriter().string(t.sessionId!).bytes(), p.subarray(0, sigStart));
    const check = checkSignature(ctx.crypto, key, signed, sig, [algorithm]);
    if (!check.ok) {
      ctx.logger.info(`Failed publickey for ${printable(user)} from ${from} ssh2: ${keyDesc} (${check.reason})`);
      await fail(started);
      continue;
    }
    const sk = check.securityKey;
    const securityKey = sk && {
      userPresent: (sk.flags & SK_USER_PRESENT) !== 0,
      userVerified: (sk.flags & SK_USER_VERIFIED) !== 0,
      counter: sk.counter,
    };
    const res = await callAuth(ctx, {
      ...base,
      method: "publickey",
      key: info,
      algorithm,
      verified: true,
      securityKey,
    });
    const skRefusal = securityKey && isAccept(res) ? securityKeyRefusal(securityKey, res.permissions) : undefined;
    if (skRefusal) {
      ctx.logger.info(`Failed publickey for ${printable(user)} from ${from} ssh2: ${keyDesc} (${skRefusal})`);
      await fail(started);
      continue;
    }
    if (isAccept(res)) {
      ctx.logger.info(`Accepted publickey for ${printable(user)} from ${from} ssh2: ${keyDesc}`);
      return succeed(ctx, user, "publickey", res.permissions);
    }
    ctx.logger.info(`Failed publickey for ${printable(user)} from ${from} ssh2: ${keyDesc}`);
    await fail(started, isPartial(res));
  }
}

async function callAuth(ctx: AuthContext, req: AuthRequest): Promise<unknown> {
  if (!ctx.ops.authenticate) return undefined;
  try {
    return await ctx.ops.authenticate(req);
  } catch (e) {
    ctx.logger.warn(`authenticate hook threw (treated as reject): ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
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

function succeed(ctx: AuthContext, user: string, method: string, permissions: Permissions): AuthOutcome {
  ctx.transport.send(new Uint8Array([MSG.USERAUTH_SUCCESS]));
  ctx.transport.startDelayedCompression();
  return { user, method, permissions: permissions ?? {} };
}

function isPartial(res: unknown): boolean {
  return typeof res === "object" && res !== null && (res as { decision?: unknown }).decision === "reject" &&
    (res as { partialSuccess?: unknown }).partialSuccess === true;
}
