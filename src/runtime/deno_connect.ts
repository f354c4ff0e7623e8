/**
 * Outgoing TCP connections for Deno: `Deno.connect` (which resolves host
 * names itself and tries IPv6 and IPv4 addresses in turn) with a deadline,
 * as {@link Conn} (`DenoConn`: `TCP_NODELAY`, not reading is TCP
 * back-pressure, `closeWrite()` half-closes).
 *
 * @module
 */
import type { Conn, NetAddr } from "./types.ts";
import { DenoConn } from "./deno_stream.ts";
import { connectWithTimeout, DEFAULT_CONNECT_TIMEOUT_MS } from "./connect_common.ts";
import { formatAddr } from "./node_common.ts";

/**
 * Connect to `addr` (host name, IPv4 or IPv6 literal). Throws
 * {@link ConnectError}: `ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT` after
 * `timeoutMs` (default 30 s), `EHOSTUNREACH`, `ENETUNREACH` or `OTHER`.
 *
 * @example
 * ```ts
 * const conn = await connectDeno({ hostname: "localhost", port: 8080 }, { timeoutMs: 5000 });
 * await conn.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
 * await conn.closeWrite();
 * ```
 */
export async function connectDeno(addr: NetAddr, opts: { timeoutMs?: number } = {}): Promise<Conn> {
  const conn = await connectWithTimeout(
    (signal) => Deno.connect({ hostname: addr.hostname, port: addr.port, transport: "tcp", signal }),
    opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    formatAddr(addr),
    (late) => late.close(),
  );
  return new DenoConn(conn);
}
