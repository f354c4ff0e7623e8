/**
 * TCP listening for Bun: `Bun.listen` wrapped as {@link Listener} and its
 * sockets as {@link Conn}.
 *
 * Bun pushes received data into callbacks; each connection queues it for
 * `read()` and pauses the socket (`socket.pause()`, so the kernel applies TCP
 * back-pressure) while more than 1 MiB is queued unread. Bun's `write` is
 * unbuffered and may be short: the rest is queued and written on `drain`, and
 * a `write()` promise resolves only when the kernel took all of its bytes.
 *
 * @module
 */
import type { Conn, Listener, NetAddr } from "./types.ts";
import { bunGlobal, type BunSocket, type BunSocketHandler, type BunTcpListener } from "./bun_api.ts";
import { ChunkQueue } from "./chunk_queue.ts";
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
  const conns = new WeakMap<BunSocket, BunConn>();
  const listener = new BunListener();
  const handler: BunSocketHandler = {
    binaryType: "uint8array",
    open(socket) {
      const conn = new BunConn(socket);
      conns.set(socket, conn);
      listener.enqueue(conn);
    },
    data: (socket, data) => conns.get(socket)?.onData(data),
    drain: (socket) => conns.get(socket)?.onDrain(),
    end: (socket) => conns.get(socket)?.onEnd(),
    close: (socket, error) => conns.get(socket)?.onClose(error),
    error: (socket, error) => conns.get(socket)?.onClose(error),
  };
  let inner: BunTcpListener;
  try {
    inner = bunGlobal().listen({
      hostname: addr.hostname,
      port: addr.port,
      exclusive: true,
      allowHalfOpen: true,
      socket: handler,
    });
  } catch (error) {
    throw toListenError(error, addr);
  }
  listener.attach(inner);
  return listener;
}

class BunListener implements Listener {
  addr: NetAddr = { hostname: "", port: 0 };
  #inner: BunTcpListener | undefined;
  #pending: BunConn[] = [];
  #waiter: PromiseWithResolvers<BunConn | null> | undefined;
  #closed = false;

  attach(inner: BunTcpListener): void {
    this.#inner = inner;
    this.addr = { hostname: inner.hostname, port: inner.port };
  }

  enqueue(conn: BunConn): void {
    if (this.#closed) {
      conn.close();
    } else if (this.#waiter) {
      this.#waiter.resolve(conn);
      this.#waiter = undefined;
    } else {
      this.#pending.push(conn);
    }
  }

  async *accept(): AsyncIterable<Conn> {
    while (true) {
      const conn = this.#pending.shift() ?? (this.#closed ? null : await this.#next());
      if (!conn) return;
      yield conn;
    }
  }

  #next(): Promise<BunConn | null> {
    this.#waiter = Promise.withResolvers<BunConn | null>();
    return this.#waiter.promise;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner?.stop(false);
    for (const conn of this.#pending.splice(0)) conn.close();
    this.#waiter?.resolve(null);
    this.#waiter = undefined;
  }
}

/** A write waiting for `drain`. */
interface PendingWrite {
  data: Uint8Array;
  offset: number;
  done: PromiseWithResolvers<void>;
}

class BunConn implements Conn {
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  #socket: BunSocket;
  #input: ChunkQueue;
  #writes: PendingWrite[] = [];
  #flushed: PromiseWithResolvers<void> | undefined;
  #closed = false;
  #writeClosed = false;

  constructor(socket: BunSocket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    this.remoteAddr = { hostname: socket.remoteAddress, port: socket.remotePort };
    this.localAddr = { hostname: socket.localAddress, port: socket.localPort };
    this.#input = new ChunkQueue({ onHigh: () => socket.pause(), onLow: () => socket.resume() });
  }

  onData(data: Uint8Array): void {
    this.#input.push(data);
  }

  onEnd(): void {
    this.#input.end();
  }

  onClose(error?: Error): void {
    this.#closed = true;
    this.#input.end();
    this.#failWrites(error ?? new Error("connection closed"));
  }

  onDrain(): void {
    while (this.#writes.length > 0) {
      const pending = this.#writes[0];
      const n = this.#socket.write(pending.data.subarray(pending.offset));
      if (n < 0) {
        this.#failWrites(new Error("connection closed"));
        return;
      }
      pending.offset += n;
      if (pending.offset < pending.data.length) return;
      this.#writes.shift();
      pending.done.resolve();
    }
    this.#flushed?.resolve();
    this.#flushed = undefined;
  }

  read(): Promise<Uint8Array | null> {
    return this.#input.read();
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#closed || this.#writeClosed) return Promise.reject(new Error("write on a closed connection"));
    if (data.length === 0) return Promise.resolve();
    let offset = 0;
    if (this.#writes.length === 0) {
      offset = this.#socket.write(data);
      if (offset < 0) return Promise.reject(new Error("connection closed"));
      if (offset === data.length) return Promise.resolve();
    }
    const done = Promise.withResolvers<void>();
    this.#writes.push({ data, offset, done });
    return done.promise;
  }

  async closeWrite(): Promise<void> {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    if (this.#writes.length > 0) {
      this.#flushed ??= Promise.withResolvers<void>();
      await this.#flushed.promise;
    }
    if (!this.#closed) this.#socket.shutdown();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#input.discard();
    this.#failWrites(new Error("connection closed"));
    this.#socket.end();
  }

  #failWrites(error: Error): void {
    for (const pending of this.#writes.splice(0)) pending.done.reject(error);
    this.#flushed?.resolve();
    this.#flushed = undefined;
  }
}
