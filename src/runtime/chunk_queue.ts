/**
 * A pull-style queue of byte chunks: the bridge from push-style sources
 * (Bun socket and terminal callbacks) to the pull-style `read()` of
 * `ByteStream` (see `types.ts`).
 *
 * It reports when the unread bytes cross a high-water mark and when they fall
 * back below it, so that the producer can be paused and resumed.
 *
 * @module
 */

/**
 * Options for {@link ChunkQueue}.
 *
 * @example
 * ```ts
 * const options: ChunkQueueOptions = { highWaterMark: 256 * 1024, onHigh: () => sock.pause(), onLow: () => sock.resume() };
 * ```
 */
export interface ChunkQueueOptions {
  /** Unread bytes above which `onHigh` fires (once per crossing). Default 1 MiB. */
  highWaterMark?: number;
  /** Called when the unread bytes rise above `highWaterMark`: pause the producer. */
  onHigh?: () => void;
  /** Called when the unread bytes fall back to `highWaterMark` or below after `onHigh`: resume it. */
  onLow?: () => void;
}

/**
 * Default high-water mark: 1 MiB.
 *
 * @example
 * ```ts
 * new ChunkQueue().buffered <= DEFAULT_HIGH_WATER_MARK; // true
 * ```
 */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/**
 * FIFO of chunks with a single end-of-stream marker. Chunks are handed out as
 * they were pushed (no copy, no coalescing); the pusher gives up ownership.
 *
 * @example
 * ```ts
 * const q = new ChunkQueue({ onHigh: () => socket.pause(), onLow: () => socket.resume() });
 * q.push(new Uint8Array([1, 2]));
 * q.end();
 * await q.read(); // Uint8Array [1, 2]
 * await q.read(); // null
 * ```
 */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;
  #ended = false;
  #high = false;
  #waiters: PromiseWithResolvers<Uint8Array | null>[] = [];
  readonly #options: ChunkQueueOptions;
  readonly #highWaterMark: number;

  /** An empty queue; see {@link ChunkQueueOptions} for the pause/resume hooks. */
  constructor(options: ChunkQueueOptions = {}) {
    this.#options = options;
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  }

  /** Bytes pushed but not yet read. */
  get buffered(): number {
    return this.#bytes;
  }

  /** True once {@link end} was called (unread chunks may remain). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Append a chunk. Ignored after {@link end} and for empty chunks. */
  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (!this.#high && this.#bytes > this.#highWaterMark) {
      this.#high = true;
      this.#options.onHigh?.();
    }
  }

  /** Mark the end of the stream: once the queued chunks are read, `read()` returns `null`. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(null);
  }

  /** Drop every unread chunk and end the stream (used on abortive close). */
  discard(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#bytes = 0;
    this.end();
  }

  /** The next chunk, or `null` after {@link end} once all chunks were read. */
  read(): Promise<Uint8Array | null> {
    if (this.#head < this.#chunks.length) return Promise.resolve(this.#take());
    if (this.#ended) return Promise.resolve(null);
    const waiter = Promise.withResolvers<Uint8Array | null>();
    this.#waiters.push(waiter);
    return waiter.promise;
  }

  #take(): Uint8Array {
    const chunk = this.#chunks[this.#head];
    this.#head++;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head >= 1024) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    this.#bytes -= chunk.length;
    if (this.#high && this.#bytes <= this.#highWaterMark) {
      this.#high = false;
      this.#options.onLow?.();
    }
    return chunk;
  }
}
