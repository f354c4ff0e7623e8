/**
 * The transport's outgoing byte queue: sealed packets wait here for the
 * socket, queued packets are coalesced into one write, and producers can wait
 * for the queue to drain below a high-water mark (back-pressure).
 *
 * @module
 */

/**
 * A write queue in front of an async sink.
 *
 * @example
 * ```ts
 * const q = new OutputQueue((chunk) => socket.write(chunk), (e) => console.error(e), 1 << 20);
 * q.push(packet);
 * await q.waitWritable(0);
 * ```
 */
export class OutputQueue {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private writing = false;
  private closed = false;
  private waiters: Array<() => void> = [];
  /** The error that ended writing, if any. */
  error: unknown;

  constructor(
    private sink: (chunk: Uint8Array) => Promise<void>,
    /** Called once if the sink fails; the queue is closed by then. */
    private onError: (e: unknown) => void,
    /** Bytes queued above which `waitWritable` blocks. */
    readonly highWater: number,
  ) {}

  /** Bytes queued and not yet written. */
  get queued(): number {
    return this.bytes;
  }

  /** Queue bytes for the sink (dropped once closed). */
  push(bytes: Uint8Array): void {
    if (this.closed) return;
    this.parts.push(bytes);
    this.bytes += bytes.length;
    if (!this.writing) void this.pump();
  }

  /** Resolves when `queued + extra` is below the high-water mark, or the queue closed. */
  waitWritable(extra: number): Promise<void> {
    if (this.bytes + extra < this.highWater || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when everything queued has been written (or the queue closed). */
  async flush(): Promise<void> {
    while ((this.bytes > 0 || this.writing) && !this.closed) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Drop everything queued and wake all waiters. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.parts = [];
    this.bytes = 0;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      while (this.parts.length && !this.closed) {
        const chunk = this.parts.length === 1 ? this.parts[0] : concatAll(this.parts);
        this.parts = [];
        await this.sink(chunk);
        this.bytes -= chunk.length;
        if (this.bytes < this.highWater) this.wake();
      }
    } catch (e) {
      this.error = e;
      this.close();
      this.onError(e);
    } finally {
      this.writing = false;
      this.wake();
    }
  }
}

/** One buffer holding all `parts` (coalescing queued packets into one write). */
function concatAll(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
