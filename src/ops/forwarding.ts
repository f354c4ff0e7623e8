/**
 * The default ops' forwarding: `ssh -L`/`-D` connect out from the server,
 * `ssh -R` listens here, unix sockets both ways — under sshd's policy
 * options (`AllowTcpForwarding`, `AllowStreamLocalForwarding`, `PermitOpen`,
 * `PermitListen`, `GatewayPorts`, `StreamLocalBindUnlink`). Per-key
 * restrictions are enforced by the engine first; these settings apply on top,
 * so the stricter of the two wins.
 *
 * @module
 */
import { lstatSync, unlinkSync } from "node:fs";
import { chmod, chown } from "node:fs/promises";
import type { Conn, Runtime } from "../runtime/types.ts";
import { ConnectError } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import type { ConnectionInfo } from "../ssh/ops.ts";
import {
  type ForwardedConnect,
  type ForwardingOps,
  listening,
  type ListenResult,
  type OpenResult,
  openStream,
  refuseListen,
  refuseOpen,
} from "../ssh/forward_ops.ts";
import { permitsListen, permitsOpen } from "../ssh/forward_policy.ts";
import { printable } from "../ssh/transport/version.ts";
import { bindAddresses, type GatewayPorts } from "./forward_bind.ts";
import { type Credentials, mayBindUnix, mayConnectUnix } from "./unix_access.ts";

/** sshd's `AllowTcpForwarding` / `AllowStreamLocalForwarding` values (`all` is a synonym of `yes`). */
export type ForwardDirection = "yes" | "no" | "local" | "remote" | "all";

/** Forwarding settings of the default ops. */
export interface ForwardingPolicy {
  /** Default `yes`. */
  tcp: ForwardDirection;
  /** Default `yes`. */
  streamlocal: ForwardDirection;
  /** sshd `PermitOpen` entries (`any`, `none`, `host:port`); undefined = any. */
  permitOpen?: readonly string[];
  /** sshd `PermitListen` entries; undefined = any. */
  permitListen?: readonly string[];
  /** Default `no`: remote forwards bind loopback only. */
  gatewayPorts: GatewayPorts;
  /** Remove an existing socket file before a unix-socket remote forward binds. Default false. */
  streamlocalBindUnlink: boolean;
}

/** The defaults of OpenSSH's sshd. */
export const DEFAULT_FORWARDING: ForwardingPolicy = {
  tcp: "yes",
  streamlocal: "yes",
  gatewayPorts: "no",
  streamlocalBindUnlink: false,
};

function allows(d: ForwardDirection, way: "local" | "remote"): boolean {
  return d === "yes" || d === "all" || d === way;
}

/** The text OpenSSH puts in CHANNEL_OPEN_FAILURE for a failed connect. */
function connectFailure(e: unknown): OpenResult {
  if (e instanceof ConnectError) {
    const text = e.code === "ENOTFOUND"
      ? "Name or service not known"
      : e.code === "ECONNREFUSED"
      ? "Connection refused"
      : e.code === "ETIMEDOUT"
      ? "Connection timed out"
      : e.message;
    return refuseOpen("connect-failed", text);
  }
  return refuseOpen("connect-failed", (e as Error).message);
}

/**
 * Build the forwarding hooks.
 *
 * @example
 * ```ts
 * const self = runtime.currentUser();
 * const ops = { ...forwardingOps(runtime, logger, async () => ({ uid: self.uid, gids: [self.gid] }), DEFAULT_FORWARDING) };
 * ```
 */
export function forwardingOps(
  rt: Runtime,
  logger: Logger,
  accountOf: (conn: ConnectionInfo) => Promise<Credentials | undefined>,
  p: ForwardingPolicy,
): ForwardingOps {
  const self = rt.currentUser().uid;
  /** The logged-in account when it is not tsshd's own (multi-user mode): its permissions apply to socket paths. */
  const other = async (conn: ConnectionInfo): Promise<Credentials | undefined> => {
    const who = await accountOf(conn);
    return who && who.uid !== self ? who : undefined;
  };
  return {
    async directTcpip(req, conn) {
      const what = `${printable(req.host)} port ${req.port}`;
      if (!allows(p.tcp, "local") || !permitsOpen(p.permitOpen, req.host, req.port)) {
        logger.info(`refused local port forward to ${what} for ${printable(conn.user)}`);
        return refuseOpen("prohibited", "port forwarding is disabled");
      }
      try {
        return openStream(await rt.connect({ hostname: req.host, port: req.port }, { timeoutMs: 10_000 }));
      } catch (e) {
        logger.info(`connect_to ${what}: failed: ${(e as Error).message}`);
        return connectFailure(e);
      }
    },
    async directStreamlocal(req, conn) {
      if (!allows(p.streamlocal, "local")) {
        logger.info(`refused unix socket forward to ${printable(req.path)} for ${printable(conn.user)}`);
        return refuseOpen("prohibited", "streamlocal forwarding is disabled");
      }
      const who = await other(conn);
      if (who && !(await mayConnectUnix(req.path, who))) {
        logger.info(
          `refused unix socket forward to ${printable(req.path)} for ${printable(conn.user)}: permission denied`,
        );
        return refuseOpen("connect-failed", "Permission denied");
      }
      try {
        return openStream(await rt.connectUnix(req.path));
      } catch (e) {
        logger.info(`connect to unix socket ${printable(req.path)} failed: ${(e as Error).message}`);
        return connectFailure(e);
      }
    },
    async tcpipForward(req, conn) {
      const what = `${printable(req.host)} port ${req.port}`;
      if (!allows(p.tcp, "remote") || !permitsListen(p.permitListen, req.host, req.port)) {
        logger.info(`refused remote port forward ${what} for ${printable(conn.user)}`);
        return refuseListen("remote port forwarding is disabled");
      }
      const uid = (await accountOf(conn))?.uid ?? self;
      if (req.port !== 0 && req.port < 1024 && uid !== 0) {
        logger.info(`refused remote port forward ${what}: privileged port`);
        return refuseListen("privileged port");
      }
      return await listenTcp(rt, logger, bindAddresses(req.host, p.gatewayPorts), req.port, req.connect);
    },
    async streamlocalForward(req, conn) {
      if (!allows(p.streamlocal, "remote")) {
        logger.info(`refused remote unix socket forward ${printable(req.path)} for ${printable(conn.user)}`);
        return refuseListen("streamlocal forwarding is disabled");
      }
      const who = await other(conn);
      if (who && !(await mayBindUnix(req.path, who))) {
        logger.info(
          `refused remote unix socket forward ${printable(req.path)} for ${printable(conn.user)}: permission denied`,
        );
        return refuseListen("permission denied");
      }
      if (p.streamlocalBindUnlink) unlinkSocket(req.path);
      try {
        const l = await rt.listenUnix(req.path);
        await chmod(req.path, 0o600); // OpenSSH's StreamLocalBindMask 0177
        if (who) await chown(req.path, who.uid, who.gids[0] ?? who.uid);
        void acceptLoop(l.accept(), (c) => req.connect(c));
        return listening(0, () => l.close());
      } catch (e) {
        logger.info(`remote unix socket forward ${printable(req.path)} failed: ${(e as Error).message}`);
        return refuseListen((e as Error).message);
      }
    },
  };
}

/** Remove a stale socket file (only a socket: never a regular file or directory). */
function unlinkSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // nothing there
  }
}

async function acceptLoop<T>(conns: AsyncIterable<T>, handle: (c: T) => Promise<boolean>): Promise<void> {
  try {
    for await (const c of conns) void handle(c);
  } catch {
    // listener closed
  }
}

/**
 * Listen on every address in `hosts` with the same port (the first bind picks
 * it when `port` is 0). Addresses after the first that cannot be bound (no
 * IPv6, say) are skipped, as sshd does.
 */
async function listenTcp(
  rt: Runtime,
  logger: Logger,
  hosts: string[],
  port: number,
  connect: ForwardedConnect,
): Promise<ListenResult> {
  const closers: Array<() => void> = [];
  let bound = port;
  let firstError: Error | undefined;
  for (const hostname of hosts) {
    try {
      const l = await rt.listen({ hostname, port: bound });
      bound = l.addr.port;
      closers.push(() => l.close());
      void acceptLoop(l.accept(), (c: Conn) => connect(c, { host: c.remoteAddr.hostname, port: c.remoteAddr.port }));
    } catch (e) {
      // As sshd: an address that cannot be bound is skipped; only none at all fails.
      firstError ??= e as Error;
    }
  }
  if (closers.length === 0) {
    const message = firstError?.message ?? "no address to bind";
    logger.info(`remote port forward on ${hosts.join(", ")} port ${port} failed: ${message}`);
    return refuseListen(message);
  }
  logger.debug(`remote port forward listening on ${hosts.join(", ")} port ${bound}`);
  return listening(bound, () => closers.forEach((c) => c()));
}
