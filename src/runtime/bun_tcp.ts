/**
 * TCP listening for Bun: `Bun.listen` wrapped as {@link Listener} and its
 * sockets as {@link Conn} (`BunConn` of `bun_stream.ts`: paused while more
 * than 1 MiB is queued unread, short writes finished on `drain`,
 * `TCP_NODELAY` set, half-open allowed).
 *
 * @module
 */
import type { Conn, Listener, NetAddr } from "./types.ts";
import { bunGlobal, type BunTcpListener } from "./bun_api.ts";
import { BunConn, bunStreamHandler } from "./bun_stream.ts";
import { AcceptQueue } from "./bun_accept_queue.ts";
import { toListenError } from "./node_common.ts";

/**
 * Listen on exactly `addr.hostname` and `addr.port` (0 = any free port; read
 * the result from `addr`). Throws {@link ListenError} (from `types.ts`).
 *
 * @example
 * ```ts
 * const listener = listenBun({ hostname: "127.0.0.1", port: 0 });
 * for await (const conn of listener.accept()) handle(conn);
 * ```
 */
export function listenBun(addr: NetAddr): Listener {
  const queue = new AcceptQueue<BunConn>();
  let inner: BunTcpListener;
  try {
    inner = bunGlobal().listen({
      hostname: addr.hostname,
      port: addr.port,
      exclusive: true,
      allowHalfOpen: true,
      socket: bunStreamHandler((socket) => new BunConn(socket), (conn) => queue.enqueue(conn)),
    });
  } catch (error) {
    throw toListenError(error, addr);
  }
  return new BunListener(inner, queue);
}

class BunListener implements Listener {
  readonly addr: NetAddr;
  #inner: BunTcpListener;
  #queue: AcceptQueue<BunConn>;
  #closed = false;

  constructor(inner: BunTcpListener, queue: AcceptQueue<BunConn>) {
    this.#inner = inner;
    this.#queue = queue;
    this.addr = { hostname: inner.hostname, port: inner.port };
  }

  accept(): AsyncIterable<Conn> {
    return this.#queue.accept();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner.stop(false);
    this.#queue.close();
  }
}
