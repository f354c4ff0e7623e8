/**
 * What one authentication attempt hands a method handler, and what the
 * handler reports back to the userauth service.
 *
 * @module
 */
import type { Transport } from "../transport/transport.ts";
import type { Limits, Logger } from "../config.ts";
import type { CryptoProvider } from "../crypto/provider.ts";
import type { PeerInfo, ServerOps } from "../ops.ts";
import type { AuthRequest } from "../auth_ops.ts";
import type { SshReader } from "../wire.ts";

/** Everything the auth service needs. */
export interface AuthContext {
  transport: Transport;
  ops: ServerOps;
  crypto: CryptoProvider;
  logger: Logger;
  limits: Limits;
  peer: PeerInfo;
  userSigAlgs: readonly string[];
  /** Sent as USERAUTH_BANNER before the first answer (sshd `Banner`). */
  banner?: string;
  /** Filled in as authentication proceeds, for the server's disconnect log lines. */
  progress?: AuthProgress;
}

/** Who is authenticating, for log lines written after auth ends badly. */
export interface AuthProgress {
  user?: string;
  invalidUser?: boolean;
}

/** Fields of every request to the ops. */
export type RequestBase = Pick<AuthRequest, "user" | "service" | "peer" | "sessionId" | "completed">;

/** One USERAUTH_REQUEST being handled. */
export interface Attempt {
  ctx: AuthContext;
  base: RequestBase;
  /** The whole request packet (signatures cover a prefix of it). */
  packet: Uint8Array;
  /** Positioned after the method name. */
  r: SshReader;
  /** `ADDR port PORT` for log lines. */
  from: string;
  /** Public-key queries (no signature) so far on this connection. */
  queries: number;
}

/** What a method handler reports. */
export type Outcome =
  /** The ops decided (`result` is whatever the hook returned). `unit` names what succeeded, to refuse repeats. */
  | { kind: "decided"; result: unknown; unit: string; detail: string; failDetail?: string }
  /** Failed before the ops were asked (bad signature, unsupported algorithm…). */
  | { kind: "failed"; detail: string }
  /** Answered without success or failure (PK_OK, a password change request). */
  | { kind: "answered" }
  /** A new USERAUTH_REQUEST interrupted a keyboard-interactive conversation. */
  | { kind: "interrupted"; packet: Uint8Array };

/**
 * Call the ops' `authenticate`; a missing hook or a throw is a rejection.
 *
 * @example
 * ```ts
 * const result = await askOps(ctx, { ...base, method: "none" });
 * ```
 */
export async function askOps(ctx: AuthContext, req: AuthRequest): Promise<unknown> {
  if (!ctx.ops.authenticate) return undefined;
  try {
    return await ctx.ops.authenticate(req);
  } catch (e) {
    ctx.logger.warn(`authenticate hook threw (treated as reject): ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
