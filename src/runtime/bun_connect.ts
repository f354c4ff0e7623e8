/**
 * Outgoing TCP connections for Bun: `Bun.connect` (which resolves host names
 * itself) with a deadline, as {@link Conn} (`BunConn` of `bun_stream.ts`:
 * `TCP_NODELAY`, paused while more than 1 MiB is queued unread, half-open
 * allowed so `closeWrite()` sends FIN and the peer's FIN only ends `read()`).
 *
 * @module
 */
import type { Conn, NetAddr } from "./types.ts";
import { bunGlobal } from "./bun_api.ts";
import { BunConn, bunStreamHandler } from "./bun_stream.ts";
import { connectWithTimeout, DEFAULT_CONNECT_TIMEOUT_MS } from "./connect_common.ts";
import { formatAddr } from "./node_common.ts";

/**
 * Connect to `addr` (host name, IPv4 or IPv6 literal). Throws
 * {@link ConnectError}: `ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT` after
 * `timeoutMs` (default 30 s), `ENETUNREACH` or `OTHER`. Bun 1.4.5 reports an
 * unreachable host as `ECONNREFUSED` (measured), so `EHOSTUNREACH` does not
 * occur here.
 *
 * @example
 * ```ts
 * const conn = await connectBun({ hostname: "localhost", port: 8080 }, { timeoutMs: 5000 });
 * await conn.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
 * await conn.closeWrite();
 * ```
 */
export function connectBun(addr: NetAddr, opts: { timeoutMs?: number } = {}): Promise<Conn> {
  return connectWithTimeout(
    async () => {
      let opened: BunConn | undefined;
      const socket = bunStreamHandler((s) => new BunConn(s), (conn) => opened = conn);
      await bunGlobal().connect({ hostname: addr.hostname, port: addr.port, allowHalfOpen: true, socket });
      if (!opened) throw new Error("Bun.connect resolved before the socket opened");
      return opened;
    },
    opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    formatAddr(addr),
    (late) => late.close(),
  );
}
