/**
 * The forwarding part of the ops contract (RFC 4254 §7, OpenSSH's PROTOCOL
 * §2.4–2.5 and PROTOCOL.agent): what the engine asks the ops when a client
 * wants a port, a unix socket or its agent forwarded.
 *
 * The engine moves the bytes; the ops only connect and listen. Every hook
 * hands the engine a {@link ForwardStream} (any duplex byte stream: a TCP
 * socket, a unix socket, an in-memory pipe), and the engine pumps it to and
 * from the channel with flow control both ways and half-close kept.
 *
 * Secure by default: a missing hook refuses, and only a value made by
 * {@link openStream} / {@link listening} counts as success.
 *
 * @example
 * ```ts
 * const ops: ServerOps = {
 *   async directTcpip(req) {
 *     if (req.host !== "127.0.0.1" || req.port !== 8080) return refuseOpen("prohibited");
 *     return openStream(await runtime.connect({ hostname: req.host, port: req.port }));
 *   },
 * };
 * ```
 * @module
 */
import type { ConnectionInfo } from "./ops.ts";

/**
 * A duplex byte stream the engine pumps to and from a channel. Reads are
 * pull-based (not reading is back-pressure); `write` resolves once accepted.
 */
export interface ForwardStream {
  /** The next chunk, or `null` at end of stream. */
  read(): Promise<Uint8Array | null>;
  /** Write all of `data`; rejects if the stream is gone. */
  write(data: Uint8Array): Promise<void>;
  /** No more writes (half-close). */
  closeWrite(): Promise<void> | void;
  /** Close both directions. */
  close(): void;
}

/** An address and port as carried in forwarding messages. */
export interface HostPort {
  host: string;
  port: number;
}

/** Why a channel open was refused (RFC 4254 §5.1 reason codes). */
export type OpenRefusal = "prohibited" | "connect-failed" | "unknown-type" | "resource-shortage";

/** A successful channel open: the stream to pump. Make it with {@link openStream}. */
export interface OpenAccept {
  readonly decision: "open";
  readonly stream: ForwardStream;
}

/** A refused channel open. Make it with {@link refuseOpen}. */
export interface OpenReject {
  readonly decision: "refuse";
  readonly reason: OpenRefusal;
  readonly message: string;
}

/** What a channel-open hook may return. */
export type OpenResult = OpenAccept | OpenReject;

/**
 * Accept a channel open by handing over the stream it connects to.
 *
 * @example
 * ```ts
 * return openStream(await runtime.connectUnix(req.path));
 * ```
 */
export function openStream(stream: ForwardStream): OpenAccept {
  return Object.freeze({ decision: "open", stream });
}

/**
 * Refuse a channel open.
 *
 * @example
 * ```ts
 * return refuseOpen("connect-failed", "Connection refused");
 * ```
 */
export function refuseOpen(reason: OpenRefusal, message = ""): OpenReject {
  return Object.freeze({ decision: "refuse", reason, message });
}

/** `direct-tcpip` (ssh -L, ssh -D): connect to `host:port` for the client. */
export interface DirectTcpipRequest extends HostPort {
  /** Where the client says the connection came from. */
  originator: HostPort;
}

/** `direct-streamlocal@openssh.com` (ssh -L to a unix socket). */
export interface DirectStreamlocalRequest {
  path: string;
}

/**
 * Hands a connection accepted by a remote-forward listener to the engine,
 * which opens a `forwarded-tcpip` (or `forwarded-streamlocal@openssh.com`)
 * channel to the client and pumps it. Resolves `false` (having closed the
 * stream) when the client refused the channel or the connection is gone.
 */
export type ForwardedConnect = (stream: ForwardStream, originator?: HostPort) => Promise<boolean>;

/** `tcpip-forward` (ssh -R): listen on `host:port` (port 0 = any) on the client's behalf. */
export interface TcpipForwardRequest extends HostPort {
  /** Call for each accepted connection. */
  connect: ForwardedConnect;
}

/** `streamlocal-forward@openssh.com` (ssh -R with a unix socket path): listen on `path`. */
export interface StreamlocalForwardRequest {
  path: string;
  /** Call for each accepted connection. */
  connect: ForwardedConnect;
}

/** A listener made for a remote forward. Make it with {@link listening}. */
export interface ListenAccept {
  readonly decision: "listening";
  /** The port actually bound (what port 0 became); 0 for unix sockets. */
  readonly port: number;
  /** Stop listening (cancel, or the connection ended). */
  readonly close: () => void;
}

/** A refused remote forward. Make it with {@link refuseListen}. */
export interface ListenReject {
  readonly decision: "refuse";
  readonly message: string;
}

/** What a listen hook may return. */
export type ListenResult = ListenAccept | ListenReject;

/**
 * Report a listener opened for a remote forward.
 *
 * @example
 * ```ts
 * const l = await runtime.listen({ hostname: "127.0.0.1", port: req.port });
 * return listening(l.addr.port, () => l.close());
 * ```
 */
export function listening(port: number, close: () => void): ListenAccept {
  return Object.freeze({ decision: "listening", port, close });
}

/**
 * Refuse a remote forward.
 *
 * @example
 * ```ts
 * return refuseListen("port 80 needs root");
 * ```
 */
export function refuseListen(message = ""): ListenReject {
  return Object.freeze({ decision: "refuse", message });
}

/** Opens an `auth-agent@openssh.com` channel to the client's agent for one local agent connection. */
export type AgentConnect = (stream: ForwardStream) => Promise<boolean>;

/** The forwarding hooks of {@link ServerOps}. Each is optional; a missing one refuses. */
export interface ForwardingOps {
  /** `direct-tcpip`. */
  directTcpip?(request: DirectTcpipRequest, conn: ConnectionInfo): OpenResult | Promise<OpenResult>;
  /** `direct-streamlocal@openssh.com`. */
  directStreamlocal?(request: DirectStreamlocalRequest, conn: ConnectionInfo): OpenResult | Promise<OpenResult>;
  /** `tcpip-forward`. The listener is closed on `cancel-tcpip-forward` and when the connection ends. */
  tcpipForward?(request: TcpipForwardRequest, conn: ConnectionInfo): ListenResult | Promise<ListenResult>;
  /** `streamlocal-forward@openssh.com`. Closed on cancel and when the connection ends. */
  streamlocalForward?(
    request: StreamlocalForwardRequest,
    conn: ConnectionInfo,
  ): ListenResult | Promise<ListenResult>;
}
