/**
 * Bun sockets (TCP or unix-domain, accepted or connected) as
 * {@link ByteStream} and {@link Conn}, and the `Bun.listen`/`Bun.connect`
 * callbacks that feed them.
 *
 * Bun pushes received data into callbacks; each stream queues it for
 * `read()` and pauses the socket (`socket.pause()`, so the kernel applies
 * back-pressure to the peer) while more than 1 MiB is queued unread. Bun's
 * `write` is unbuffered and may be short: the rest is queued and written on
 * `drain`, and a `write()` promise resolves only when the kernel took all of
 * its bytes. Sockets must be opened with `allowHalfOpen: true` so that the
 * peer's FIN ends `read()` without closing our direction.
 *
 * @module
 */
import type { ByteStream, Conn, NetAddr } from "./types.ts";
import type { BunSocket, BunSocketHandler } from "./bun_api.ts";
import { ChunkQueue } from "./chunk_queue.ts";

/** A write waiting for `drain`. */
interface PendingWrite {
  data: Uint8Array;
  offset: number;
  done: PromiseWithResolvers<void>;
}

/**
 * A Bun socket of any transport. Build it in the handler's `open` (see
 * {@link bunStreamHandler}), which then forwards the socket's events to it.
 *
 * @example
 * ```ts
 * const handler = bunStreamHandler((socket) => new BunStream(socket), (stream) => streams.push(stream));
 * bunGlobal().listen({ unix: "/tmp/app.sock", allowHalfOpen: true, socket: handler });
 * ```
 */
export class BunStream implements ByteStream {
  #socket: BunSocket;
  #input: ChunkQueue;
  #writes: PendingWrite[] = [];
  #flushed: PromiseWithResolvers<void> | undefined;
  #closed = false;
  #writeClosed = false;

  /** Wrap `socket`; the stream owns it from now on. */
  constructor(socket: BunSocket) {
    this.#socket = socket;
    this.#input = new ChunkQueue({ onHigh: () => socket.pause(), onLow: () => socket.resume() });
  }

  /** Bun's `data` event: queue the bytes for `read()`. */
  onData(data: Uint8Array): void {
    this.#input.push(data);
  }

  /** Bun's `end` event (peer sent FIN): `read()` returns `null` after the queued bytes. */
  onEnd(): void {
    this.#input.end();
  }

  /** Bun's `close` or `error` event: end reading and fail the queued writes. */
  onClose(error?: Error): void {
    this.#closed = true;
    this.#input.end();
    this.#failWrites(error ?? new Error("connection closed"));
  }

  /** Bun's `drain` event: write what is queued, resolving writes as they complete. */
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

  /** The next received chunk, or `null` at end of stream. */
  read(): Promise<Uint8Array | null> {
    return this.#input.read();
  }

  /** Write `data`; resolves when the kernel took all of it. */
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

  /** Send FIN once the queued writes are flushed; reading goes on. */
  async closeWrite(): Promise<void> {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    if (this.#writes.length > 0) {
      this.#flushed ??= Promise.withResolvers<void>();
      await this.#flushed.promise;
    }
    if (!this.#closed) this.#socket.shutdown();
  }

  /** Close both directions; unread bytes are dropped and queued writes fail. */
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

/**
 * A Bun TCP socket (accepted or connected) with its addresses and
 * `TCP_NODELAY` set.
 *
 * @example
 * ```ts
 * const handler = bunStreamHandler((socket) => new BunConn(socket), (conn) => console.log(conn.remoteAddr));
 * ```
 */
export class BunConn extends BunStream implements Conn {
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;

  /** Wrap `socket` and disable Nagle's algorithm on it. */
  constructor(socket: BunSocket) {
    super(socket);
    socket.setNoDelay(true);
    this.remoteAddr = { hostname: socket.remoteAddress, port: socket.remotePort };
    this.localAddr = { hostname: socket.localAddress, port: socket.localPort };
  }
}

/**
 * Socket callbacks for `Bun.listen` or `Bun.connect`: `open` wraps each
 * socket with `create` and hands the stream to `opened`; the other events go
 * to that socket's stream.
 *
 * @example
 * ```ts
 * const handler = bunStreamHandler((socket) => new BunConn(socket), (conn) => queue.enqueue(conn));
 * bunGlobal().listen({ hostname: "::", port: 22, allowHalfOpen: true, socket: handler });
 * ```
 */
export function bunStreamHandler<S extends BunStream>(
  create: (socket: BunSocket) => S,
  opened: (stream: S) => void,
): BunSocketHandler {
  const streams = new WeakMap<BunSocket, S>();
  return {
    binaryType: "uint8array",
    open(socket) {
      const stream = create(socket);
      streams.set(socket, stream);
      opened(stream);
    },
    data: (socket, data) => streams.get(socket)?.onData(data),
    drain: (socket) => streams.get(socket)?.onDrain(),
    end: (socket) => streams.get(socket)?.onEnd(),
    close: (socket, error) => streams.get(socket)?.onClose(error),
    error: (socket, error) => streams.get(socket)?.onClose(error),
    connectError: () => {
      // Bun.connect's promise rejects with the same error; the caller maps it.
    },
  };
}
