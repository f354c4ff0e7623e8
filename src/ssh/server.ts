/**
 * The server: takes byte streams (TCP, unix, in-memory — anything that is a
 * {@link ByteStream}) and runs transport → auth → connection on each, with
 * the limits that make it safe to expose.
 *
 * @example
 * ```ts
 * const server = new Server({ hostKeys: [hostKey], ops, crypto });
 * const listener = await runtime.listen({ hostname: "127.0.0.1", port: 2200 });
 * await server.serve(listener);
 * ```
 * @module
 */
import type { ByteStream, Conn, Listener } from "../runtime/types.ts";
import { type Limits, type Logger, resolveConfig, type ServerConfig } from "./config.ts";
import type { PeerInfo } from "./ops.ts";
import { Transport } from "./transport/transport.ts";
import { type AuthProgress, runAuth } from "./auth/service.ts";
import { Connection } from "./connection.ts";
import { DISCONNECT } from "./messages.ts";
import { ConnectionLostError, DisconnectError, PeerDisconnectedError } from "./errors.ts";
import { WireError } from "./wire.ts";
import { printable } from "./transport/version.ts";
import { kexRegistry } from "./crypto/kex/registry.ts";
import type { KexMethod } from "./crypto/kex/method.ts";
import { findCipher } from "./crypto/ciphers.ts";

/** An SSH server. */
export class Server {
  private cfg: ReturnType<typeof resolveConfig>;
  private unauth = 0;
  private unauthBySource = new Map<string, number>();
  private live = new Set<Transport>();
  private listeners = new Set<Listener>();
  private kexMethods: ReadonlyMap<string, KexMethod>;

  constructor(config: ServerConfig) {
    this.cfg = resolveConfig(config);
    if (this.cfg.hostKeys.length === 0) throw new Error("Server needs at least one host key");
    this.kexMethods = kexRegistry({ moduli: this.cfg.dhGexModuli });
    for (const k of this.cfg.kex) if (!this.kexMethods.has(k)) throw new Error(`unsupported KEX algorithm ${k}`);
    for (const c of this.cfg.ciphers) if (!findCipher(c)) throw new Error(`unsupported cipher ${c}`);
  }

  get logger(): Logger {
    return this.cfg.logger;
  }

  get limits(): Limits {
    return this.cfg.limits;
  }

  /** Accept connections from `listener` until it is closed. */
  async serve(listener: Listener): Promise<void> {
    this.listeners.add(listener);
    try {
      for await (const conn of listener.accept()) {
        void this.handleConn(conn);
      }
    } finally {
      this.listeners.delete(listener);
    }
  }

  /** Serve one accepted TCP connection. Never throws. */
  handleConn(conn: Conn): Promise<void> {
    return this.handle(conn, {
      address: conn.remoteAddr.hostname,
      port: conn.remoteAddr.port,
      localAddress: conn.localAddr.hostname,
      localPort: conn.localAddr.port,
    });
  }

  /** Serve one connection on any byte stream. Resolves when it ends; never throws. */
  async handle(stream: ByteStream, peer: PeerInfo): Promise<void> {
    const from = `${peer.address} port ${peer.port}`;
    const log = this.cfg.logger.forConnection?.(from) ?? this.cfg.logger;
    const srcCount = this.unauthBySource.get(peer.address) ?? 0;
    if (this.unauth >= this.cfg.limits.maxUnauthenticated || srcCount >= this.cfg.limits.maxUnauthenticatedPerSource) {
      log.warn(`drop connection from ${from}: too many unauthenticated connections`);
      stream.close();
      return;
    }
    this.unauth++;
    this.unauthBySource.set(peer.address, srcCount + 1);
    let authenticated = false;
    const leaveUnauth = () => {
      if (authenticated) return;
      authenticated = true;
      this.unauth--;
      const n = (this.unauthBySource.get(peer.address) ?? 1) - 1;
      if (n <= 0) this.unauthBySource.delete(peer.address);
      else this.unauthBySource.set(peer.address, n);
    };

    const t = new Transport(stream, {
      crypto: this.cfg.crypto,
      hostKeys: this.cfg.hostKeys,
      serverVersion: this.cfg.serverVersion,
      algorithms: {
        kex: this.cfg.kex,
        ciphers: this.cfg.ciphers,
        macs: this.cfg.macs,
        compression: this.cfg.compression,
      },
      serverSigAlgs: this.cfg.userSigAlgs,
      kexMethods: this.kexMethods,
      hostKeyAlgorithms: this.cfg.hostKeyAlgorithms,
      rekeyBytes: this.cfg.limits.rekeyBytes,
      rekeyIntervalMs: this.cfg.limits.rekeyIntervalMs,
    });
    this.live.add(t);
    let user: string | undefined;
    const progress: AuthProgress = {};
    const grace = setTimeout(() => {
      if (authenticated) return;
      log.info(`Timeout before authentication for ${from}`);
      void t.disconnect(DISCONNECT.BY_APPLICATION, "Login grace time exceeded");
    }, this.cfg.limits.loginGraceMs);
    try {
      await t.start();
      const outcome = await runAuth({
        transport: t,
        ops: this.cfg.ops,
        crypto: this.cfg.crypto,
        logger: log,
        limits: this.cfg.limits,
        peer,
        userSigAlgs: this.cfg.userSigAlgs,
        banner: this.cfg.banner,
        progress,
      });
      clearTimeout(grace);
      leaveUnauth();
      user = outcome.user;
      const conn = new Connection(
        t,
        this.cfg.ops,
        {
          user: outcome.user,
          peer,
          permissions: outcome.permissions,
          clientVersion: t.clientVersion,
          sessionId: t.sessionId!,
        },
        this.cfg.limits,
        log,
      );
      await conn.run();
    } catch (e) {
      // sshd's wording: "… authenticating user alice ADDR port P: reason [preauth]" before auth completes.
      const preauth = user === undefined;
      const tail = preauth ? " [preauth]" : "";
      const who = user
        ? `user ${printable(user)} ${from}`
        : progress.user !== undefined
        ? `${progress.invalidUser ? "invalid" : "authenticating"} user ${printable(progress.user)} ${from}`
        : from;
      if (e instanceof PeerDisconnectedError) {
        log.info(`Received disconnect from ${from}: ${e.reason}: ${printable(e.description)}${tail}`);
      } else if (e instanceof ConnectionLostError) {
        if (!t.isClosed) log.info(`Connection closed by ${who}${tail}`);
      } else if (e instanceof DisconnectError) {
        log.info(`Disconnecting ${who}: ${e.message}${tail}`);
        await t.disconnect(e.reason, e.message);
      } else if (e instanceof WireError) {
        log.info(`Disconnecting ${who}: malformed packet: ${e.message}${tail}`);
        await t.disconnect(DISCONNECT.PROTOCOL_ERROR, `malformed packet: ${e.message}`);
      } else {
        log.warn(`Disconnecting ${who}: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        await t.disconnect(DISCONNECT.BY_APPLICATION, "internal error");
      }
    } finally {
      clearTimeout(grace);
      leaveUnauth();
      t.close();
      this.live.delete(t);
    }
  }

  /** Stop listening and end every connection. */
  async close(): Promise<void> {
    for (const l of this.listeners) l.close();
    await Promise.all([...this.live].map((t) => t.disconnect(DISCONNECT.BY_APPLICATION, "server shutting down")));
  }
}
