/**
 * RFC 4251 §5 data types: a bounds-checked reader and a growable writer.
 *
 * @example
 * ```ts
 * const w = new SshWriter();
 * w.byte(5).string("ssh-userauth");
 * const r = new SshReader(w.bytes());
 * r.byte(); // 5
 * r.utf8(); // "ssh-userauth"
 * ```
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Raised when a message is shorter than its fields say, or a field is malformed. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/** Reads SSH wire types from a byte array, throwing {@link WireError} on truncation. */
export class SshReader {
  private view: DataView;
  /** Current offset into `buf`. */
  pos: number;

  constructor(readonly buf: Uint8Array, offset = 0) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new WireError(`message truncated: need ${n} bytes at offset ${this.pos}, have ${this.remaining}`);
    }
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  boolean(): boolean {
    return this.byte() !== 0;
  }

  uint32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  uint64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes (a view, not a copy). */
  raw(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A length-prefixed `string` as bytes (a view, not a copy). */
  string(): Uint8Array {
    return this.raw(this.uint32());
  }

  /** A `string` decoded as UTF-8; throws {@link WireError} if invalid. */
  utf8(): string {
    const b = this.string();
    try {
      return decoder.decode(b);
    } catch {
      throw new WireError("invalid UTF-8 in string field");
    }
  }

  /** A `name-list` (comma-separated US-ASCII names). */
  nameList(): string[] {
    const s = this.utf8();
    return s === "" ? [] : s.split(",");
  }

  /** An `mpint` as its two's-complement bytes (a view; may carry a leading 0x00). */
  mpintBytes(): Uint8Array {
    return this.string();
  }

  /** An `mpint` that must be non-negative, as unsigned big-endian bytes without leading zeros. */
  mpintUnsigned(): Uint8Array {
    const b = this.string();
    if (b.length > 0 && b[0] & 0x80) throw new WireError("negative mpint");
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  /** The rest of the buffer. */
  rest(): Uint8Array {
    return this.raw(this.remaining);
  }

  /** Throws unless the whole buffer was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new WireError(`${this.remaining} unexpected trailing bytes`);
  }
}

/** Builds SSH wire types into a growable buffer. Methods chain. */
export class SshWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }

  get length(): number {
    return this.len;
  }

  byte(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v;
    return this;
  }

  boolean(v: boolean): this {
    return this.byte(v ? 1 : 0);
  }

  uint32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.len, v >>> 0);
    this.len += 4;
    return this;
  }

  uint64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.len, v);
    this.len += 8;
    return this;
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A length-prefixed `string` from bytes or (UTF-8 encoded) text. */
  string(v: Uint8Array | string): this {
    const b = typeof v === "string" ? encoder.encode(v) : v;
    this.uint32(b.length);
    return this.raw(b);
  }

  nameList(names: readonly string[]): this {
    return this.string(names.join(","));
  }

  /** An `mpint` from unsigned big-endian bytes (leading zeros stripped, 0x00 added if the top bit is set). */
  mpint(unsigned: Uint8Array): this {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) i++;
    const v = unsigned.subarray(i);
    if (v.length > 0 && v[0] & 0x80) {
      this.uint32(v.length + 1).byte(0);
    } else {
      this.uint32(v.length);
    }
    return this.raw(v);
  }

  /** A copy of the bytes written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** A view of the bytes written so far (valid until the next write). */
  view_(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Encode text as UTF-8. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
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

/** Constant-time equality of two byte arrays (length is not secret). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
