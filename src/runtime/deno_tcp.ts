/**
 * TCP listening for Deno: `Deno.listen` wrapped as {@link Listener} and
 * accepted connections as {@link Conn} (`DenoConn` of `deno_stream.ts`:
 * not reading is TCP back-pressure, `TCP_NODELAY` is set), plus the accept
 * loop shared with the unix-domain listener.
 *
 * @module
 */
import type { Conn, Listener, NetAddr } from "./types.ts";
import { errorCode, toListenError } from "./node_common.ts";
import { DenoConn } from "./deno_stream.ts";

/** Accept errors caused by resource exhaustion: wait and retry instead of giving up. */
const EXHAUSTION = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

/**
 * Listen on exactly `addr.hostname` (e.g. `"0.0.0.0"`, `"127.0.0.1"`, `"::"`)
 * and `addr.port` (0 = any free port; read the result from `addr`).
 * Throws {@link ListenError} (from `types.ts`) when the address cannot be bound.
 *
 * @example
 * ```ts
 * const listener = listenDeno({ hostname: "127.0.0.1", port: 0 });
 * for await (const conn of listener.accept()) handle(conn);
 * ```
 */
export function listenDeno(addr: NetAddr): Listener {
  let inner: Deno.TcpListener;
  try {
    inner = Deno.listen({ hostname: addr.hostname, port: addr.port, transport: "tcp" });
  } catch (error) {
    throw toListenError(error, addr);
  }
  return new DenoListener(inner);
}

class DenoListener implements Listener {
  readonly addr: NetAddr;
  #inner: Deno.TcpListener;
  #closed = false;

  constructor(inner: Deno.TcpListener) {
    this.#inner = inner;
    this.addr = { hostname: inner.addr.hostname, port: inner.addr.port };
  }

  accept(): AsyncIterable<Conn> {
    return acceptDeno(this.#inner, () => this.#closed, (conn) => new DenoConn(conn));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#inner.close();
    } catch {
      // already closed
    }
  }
}

/**
 * Accept connections from a Deno listener until it is closed, wrapping each.
 * Aborted handshakes are skipped; on fd exhaustion (`EMFILE`…) it waits
 * 100 ms and retries instead of giving up.
 *
 * @example
 * ```ts
 * const inner = Deno.listen({ transport: "unix", path: "/tmp/app.sock" });
 * for await (const stream of acceptDeno(inner, () => false, (c) => new DenoStream(c))) handle(stream);
 * ```
 */
export async function* acceptDeno<C extends Deno.Conn, T>(
  inner: Deno.Listener<C>,
  isClosed: () => boolean,
  wrap: (conn: C) => T,
): AsyncIterable<T> {
  while (!isClosed()) {
    let conn: C;
    try {
      conn = await inner.accept();
    } catch (error) {
      if (isClosed() || error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
        return;
      }
      if (error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.ConnectionReset) continue;
      if (EXHAUSTION.has(errorCode(error) ?? "")) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      throw error;
    }
    if (isClosed()) {
      conn.close();
      return;
    }
    yield wrap(conn);
  }
}
