/**
 * Deno sockets (TCP or unix-domain) as {@link ByteStream} and {@link Conn}.
 *
 * Reads go straight to the kernel (one `conn.read` per `read()`), so not
 * reading is back-pressure on the peer; writes are serialised and resolve once
 * the kernel took every byte; `closeWrite()` sends FIN (`shutdown(SHUT_WR)`)
 * after the queued writes and leaves the read side open.
 *
 * @module
 */
import type { ByteStream, Conn, NetAddr } from "./types.ts";

/** Bytes read per `read()` at most. */
const READ_SIZE = 64 * 1024;

/** Errors that mean "the connection is gone": `read()` reports them as end of stream. */
function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted || error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.NotConnected;
}

/**
 * A connected Deno socket of any transport. Writes are serialised; reads must
 * not overlap.
 *
 * @example
 * ```ts
 * const stream: ByteStream = new DenoStream(await Deno.connect({ transport: "unix", path: "/run/app.sock" }));
 * await stream.write(new TextEncoder().encode("hello"));
 * await stream.closeWrite();
 * ```
 */
export class DenoStream implements ByteStream {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(READ_SIZE);
  #reading = false;
  #closed = false;
  #writeClosed = false;
  #writes: Promise<void> = Promise.resolve();

  /** Wrap `conn`; the stream owns it from now on. */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** The next chunk from the kernel, or `null` at end of stream (also after a reset or `close()`). */
  async read(): Promise<Uint8Array | null> {
    if (this.#closed) return null;
    if (this.#reading) throw new Error("read() called while another read() is pending");
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

  /** Queue `data` behind earlier writes; resolves when the kernel took all of it. */
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

  /** Send FIN once the queued writes are done; reading goes on. */
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

  /** Close both directions; a pending `read()` returns `null`. */
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

/**
 * A Deno TCP connection (accepted or connected) with its addresses and
 * `TCP_NODELAY` set.
 *
 * @example
 * ```ts
 * const conn: Conn = new DenoConn(await Deno.connect({ hostname: "::1", port: 22 }));
 * conn.remoteAddr; // { hostname: "::1", port: 22 }
 * ```
 */
export class DenoConn extends DenoStream implements Conn {
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;

  /** Wrap `conn` and disable Nagle's algorithm on it. */
  constructor(conn: Deno.TcpConn) {
    super(conn);
    conn.setNoDelay(true);
    this.remoteAddr = { hostname: conn.remoteAddr.hostname, port: conn.remoteAddr.port };
    this.localAddr = { hostname: conn.localAddr.hostname, port: conn.localAddr.port };
  }
}
