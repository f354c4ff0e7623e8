/**
 * TCP listening for Deno: `Deno.listen` wrapped as {@link Listener} and
 * accepted connections as {@link Conn}.
 *
 * Reads go straight to the kernel (one `conn.read` per `read()`), so not
 * reading is TCP back-pressure; writes resolve once the kernel took every
 * byte. `TCP_NODELAY` is set on every accepted connection.
 *
 * @module
 */
import type { Conn, Listener, NetAddr } from "./types.ts";
import { errorCode, toListenError } from "./node_common.ts";

/** Bytes read per `read()` at most. */
const READ_SIZE = 64 * 1024;

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

  async *accept(): AsyncIterable<Conn> {
    while (!this.#closed) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#inner.accept();
      } catch (error) {
        if (this.#closed || error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
          return;
        }
        if (error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.ConnectionReset) continue;
        if (EXHAUSTION.has(errorCode(error) ?? "")) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        throw error;
      }
      yield new DenoConn(conn);
    }
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

/** Errors that mean "the connection is gone": `read()` reports them as end of stream. */
function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted || error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.NotConnected;
}

/** An accepted Deno TCP connection. Writes are serialised; reads must not overlap. */
class DenoConn implements Conn {
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  #conn: Deno.TcpConn;
  #buffer = new Uint8Array(READ_SIZE);
  #reading = false;
  #closed = false;
  #writeClosed = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    conn.setNoDelay(true);
    this.remoteAddr = { hostname: conn.remoteAddr.hostname, port: conn.remoteAddr.port };
    this.localAddr = { hostname: conn.localAddr.hostname, port: conn.localAddr.port };
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#closed) return null;
    if (this.#reading) throw new Error("Conn.read() called while another read() is pending");
    this.#reading = true;
    try {
      const n = await this.#conn.read(this.#buffer);
      return n === null ? null : this.#buffer.slice(0, n);
    } catch (error) {
      if (this.#closed || isDisconnect(error)) return null;
      throw error;
    } finally {
      this.#reading = false;
    }
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#closed || this.#writeClosed) return Promise.reject(new Error("write on a closed connection"));
    const done = this.#writes.then(() => this.#writeAll(data));
    this.#writes = done.catch(() => {});
    return done;
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.#closed) throw new Error("write on a closed connection");
      offset += await this.#conn.write(data.subarray(offset));
    }
  }

  async closeWrite(): Promise<void> {
    if (this.#closed || this.#writeClosed) return;
    this.#writeClosed = true;
    await this.#writes;
    try {
      await this.#conn.closeWrite();
    } catch {
      // peer already gone: nothing left to half-close
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}
