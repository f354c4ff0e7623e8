/**
 * The ops contract: everything a server *does* is decided here. The engine
 * owns the protocol and the crypto; the ops own all policy and I/O.
 *
 * Secure by default: every hook is optional and a missing hook means
 * **reject**. An authentication decision counts as success only when it is
 * an object made by {@link accept} (`{ decision: "accept" }`); any other value
 * — `true`, `0`, `undefined`, a thrown error — is a rejection.
 *
 * @example
 * ```ts
 * import { accept, reject, type ServerOps } from "./ops.ts";
 * const ops: ServerOps = {
 *   authenticate(req) {
 *     if (req.method === "publickey" && req.user === "alice" && isAlicesKey(req.key.blob)) return accept();
 *     return reject();
 *   },
 *   session() {
 *     return {
 *       exec(command, channel) {
 *         void channel.write(new TextEncoder().encode(`you ran ${command}\n`)).then(() => channel.exit({ code: 0 }));
 *         return true;
 *       },
 *     };
 *   },
 * };
 * ```
 * @module
 */
import type { AgentConnect, ForwardedConnect, ForwardingOps } from "./forward_ops.ts";
import type { AuthRequest, AuthResult, Permissions } from "./auth_ops.ts";
export * from "./forward_ops.ts";
export * from "./auth_ops.ts";

/** The remote end of a connection. */
export interface PeerInfo {
  /** Remote IP address. */
  address: string;
  port: number;
  localAddress: string;
  localPort: number;
}

/** An authenticated connection, handed to the connection-layer hooks. */
export interface ConnectionInfo {
  user: string;
  peer: PeerInfo;
  permissions: Permissions;
  clientVersion: string;
  sessionId: Uint8Array;
}

/** A `pty-req` (RFC 4254 §6.2). */
export interface PtyRequest {
  term: string;
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
  /** Terminal modes (RFC 4254 §8): opcode → value. */
  modes: Map<number, number>;
}

/** A `window-change` (RFC 4254 §6.7). */
export interface WindowSize {
  cols: number;
  rows: number;
  widthPx: number;
  heightPx: number;
}

/** How a session's program ended, reported with `exit-status` or `exit-signal`. */
export type ExitStatus =
  | { code: number }
  | { signal: string; coreDumped?: boolean; message?: string };

/**
 * The session channel as the ops see it: stdin to read (pull-based: not
 * reading stops the client through the channel window), stdout and stderr to
 * write (resolving when the client's window took the bytes).
 */
export interface SessionChannel {
  /** Next chunk of client data; `null` after the client's EOF or close. */
  read(): Promise<Uint8Array | null>;
  /** Send stdout data; resolves when sent (window permitting). Resolves (dropping data) if the channel closed. */
  write(data: Uint8Array): Promise<void>;
  /** Send stderr data (extended data type 1). */
  writeStderr(data: Uint8Array): Promise<void>;
  /** Send EOF (no more stdout/stderr). */
  eof(): void;
  /** Report how the program ended, then EOF (if not sent) and close the channel. */
  exit(status: ExitStatus): void;
  /** Close the channel without an exit status. */
  close(): void;
  /** Resolves once the channel is closed (by either side). */
  readonly closed: Promise<void>;
}

/**
 * Per-session hooks. Each request hook returns whether it accepted the
 * request; a missing hook refuses. `shell`, `exec` and `subsystem` that
 * return `true` take over the channel and must eventually call `exit` or
 * `close` on it.
 */
export interface SessionHandler {
  pty?(request: PtyRequest): boolean | Promise<boolean>;
  env?(name: string, value: string): boolean | Promise<boolean>;
  shell?(channel: SessionChannel): boolean | Promise<boolean>;
  /**
   * Run `command`. When it is a forced command (`Permissions.forceCommand`),
   * `forced` says so and carries what the client asked for (sshd's
   * `SSH_ORIGINAL_COMMAND`): the command of an exec request, the name of a
   * subsystem request, undefined for a shell.
   */
  exec?(command: string, channel: SessionChannel, forced?: { originalCommand?: string }): boolean | Promise<boolean>;
  subsystem?(name: string, channel: SessionChannel): boolean | Promise<boolean>;
  windowChange?(size: WindowSize): void;
  /** A signal name without `SIG` (RFC 4254 §6.9). */
  signal?(name: string): void;
  /**
   * `auth-agent-req@openssh.com`: make the client's agent reachable to the
   * session (typically a private unix socket named in `SSH_AUTH_SOCK`), calling
   * `connect` for each agent connection. Refused under `noAgentForwarding`.
   */
  agentForward?(connect: AgentConnect): boolean | Promise<boolean>;
  /** `x11-req` (RFC 4254 §6.3.1); `connect` opens an `x11` channel per X connection. Missing = refused. */
  x11?(request: X11Request, connect: ForwardedConnect): boolean | Promise<boolean>;
  /** `break` (RFC 4335) with its length in milliseconds. */
  break?(milliseconds: number): boolean | Promise<boolean>;
  /** The channel closed; release everything. */
  close?(): void;
}

/** An `x11-req` (RFC 4254 §6.3.1). */
export interface X11Request {
  singleConnection: boolean;
  authProtocol: string;
  authCookie: string;
  screen: number;
}

/** The server's behaviour. Every hook is optional; a missing one rejects. */
export interface ServerOps extends ForwardingOps {
  /** Methods listed in USERAUTH_FAILURE. Default `["publickey"]`. */
  authMethods?: readonly string[];
  /** Decide an authentication request. Missing = every request rejected. */
  authenticate?(request: AuthRequest): AuthResult | Promise<AuthResult>;
  /** A client opened a session channel. Return `undefined` to refuse. Missing = refused. */
  session?(conn: ConnectionInfo): SessionHandler | undefined | Promise<SessionHandler | undefined>;
}
