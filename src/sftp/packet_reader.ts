/**
 * Reassembles SFTP packets (`uint32 length` + payload) from a stream of chunks
 * that may split packets or pack several into one. A packet that lies inside
 * one chunk is returned as a view (no copy); only split packets are copied,
 * into a buffer no larger than the length limit.
 *
 * @example
 * ```ts
 * const reader = new PacketReader(() => channel.read(), 256 * 1024 + 1024);
 * const payload = await reader.next(); // type byte + body, or null at EOF
 * ```
 * @module
 */

/** A packet announced a length beyond the limit (or zero): the stream cannot continue. */
export class PacketLengthError extends Error {
  constructor(readonly length: number, readonly limit: number) {
    super(`SFTP packet length ${length} outside 1..${limit}`);
    this.name = "PacketLengthError";
  }
}

/** Pulls packets out of a chunk source. */
export class PacketReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private eof = false;

  /**
   * @param source next chunk, or `null` at end of stream
   * @param maxLength the largest payload accepted
   */
  constructor(private readonly source: () => Promise<Uint8Array | null>, readonly maxLength: number) {}

  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    for (;;) {
      const c = await this.source();
      if (c === null) {
        this.eof = true;
        return false;
      }
      if (c.length > 0) {
        this.chunk = c;
        this.pos = 0;
        return true;
      }
    }
  }

  /** Copy exactly `n` bytes into `out` starting at `at`, pulling chunks as needed. */
  private async take(out: Uint8Array, at: number, n: number): Promise<boolean> {
    while (n > 0) {
      if (this.pos >= this.chunk.length && !(await this.fill())) return false;
      const k = Math.min(n, this.chunk.length - this.pos);
      out.set(this.chunk.subarray(this.pos, this.pos + k), at);
      this.pos += k;
      at += k;
      n -= k;
    }
    return true;
  }

  /**
   * The next packet payload (type byte first), `null` at a clean end of stream.
   * Throws {@link PacketLengthError} for a bad length and `RangeError` for a stream that ends mid-packet.
   */
  async next(): Promise<Uint8Array | null> {
    if (this.pos >= this.chunk.length && !(await this.fill())) return null;
    let length: number;
    if (this.chunk.length - this.pos >= 4) {
      const c = this.chunk, p = this.pos;
      length = ((c[p] << 24) | (c[p + 1] << 16) | (c[p + 2] << 8) | c[p + 3]) >>> 0;
      this.pos += 4;
    } else {
      const head = new Uint8Array(4);
      if (!(await this.take(head, 0, 4))) throw new RangeError("SFTP stream ended inside a packet length");
      length = new DataView(head.buffer).getUint32(0);
    }
    if (length === 0 || length > this.maxLength) throw new PacketLengthError(length, this.maxLength);
    if (this.chunk.length - this.pos >= length) {
      const view = this.chunk.subarray(this.pos, this.pos + length);
      this.pos += length;
      return view;
    }
    const out = new Uint8Array(length);
    if (!(await this.take(out, 0, length))) throw new RangeError("SFTP stream ended inside a packet");
    return out;
  }
}
