/**
 * A small DER reader (ITU-T X.690) for the structures inside PEM key files:
 * SEQUENCE, INTEGER, OCTET STRING, BIT STRING, OBJECT IDENTIFIER, NULL and
 * context-specific tags. Definite lengths only (DER); anything malformed
 * throws {@link KeyFormatError}, never a `RangeError`.
 *
 * @example
 * ```ts
 * const seq = new DerReader(der).sequence();
 * const version = seq.smallInteger();
 * const n = seq.integer(); // big-endian magnitude
 * seq.end();
 * ```
 * @module
 */

import { KeyFormatError } from "./errors.ts";

/**
 * Universal tags used here.
 *
 * @example
 * ```ts
 * if (r.peekTag() === TAG.OID) curve = r.oid();
 * ```
 */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** One element: its tag byte and contents. */
export interface DerElement {
  readonly tag: number;
  readonly contents: Uint8Array;
}

/**
 * Reads consecutive DER elements from a byte range.
 *
 * @example
 * ```ts
 * const r = new DerReader(bytes);
 * const algorithm = r.sequence();
 * algorithm.oid(); // "1.2.840.10045.2.1"
 * ```
 */
export class DerReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array, private readonly what = "DER") {}

  /** True when every element has been read. */
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** The tag of the next element, or `undefined` at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.pos];
  }

  /**
   * The next element, whatever its tag.
   *
   * @example
   * ```ts
   * const { tag, contents } = r.element();
   * ```
   */
  element(): DerElement {
    const b = this.bytes;
    if (this.pos + 2 > b.length) throw this.fail("truncated element header");
    const tag = b[this.pos];
    if ((tag & 0x1f) === 0x1f) throw this.fail("multi-byte tags are not supported");
    let len = b[this.pos + 1];
    let p = this.pos + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw this.fail("indefinite length (BER) is not DER");
      if (n > 4 || p + n > b.length) throw this.fail("bad length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
      p += n;
      if (len < 0x80) throw this.fail("non-minimal length");
    }
    if (p + len > b.length) throw this.fail("element runs past the end");
    this.pos = p + len;
    return { tag, contents: b.subarray(p, p + len) };
  }

  /** The next element, which must have tag `tag`. */
  expect(tag: number, name: string): Uint8Array {
    const e = this.element();
    if (e.tag !== tag) throw this.fail(`expected ${name}, got tag 0x${e.tag.toString(16)}`);
    return e.contents;
  }

  /**
   * A SEQUENCE, as a reader over its contents.
   *
   * @example
   * ```ts
   * const inner = r.sequence();
   * ```
   */
  sequence(): DerReader {
    return new DerReader(this.expect(TAG.SEQUENCE, "SEQUENCE"), this.what);
  }

  /**
   * A non-negative INTEGER as its big-endian magnitude without leading zeros
   * (empty for 0). Negative integers are refused.
   *
   * @example
   * ```ts
   * r.integer(); // Uint8Array [0x01, 0x00, 0x01] for 65537
   * ```
   */
  integer(): Uint8Array {
    const c = this.expect(TAG.INTEGER, "INTEGER");
    if (c.length === 0) throw this.fail("empty INTEGER");
    if (c[0] & 0x80) throw this.fail("negative INTEGER");
    let i = 0;
    while (i < c.length && c[i] === 0) i++;
    return c.subarray(i);
  }

  /**
   * A non-negative INTEGER that fits in a JS number (versions, counts).
   *
   * @example
   * ```ts
   * r.smallInteger(); // 0
   * ```
   */
  smallInteger(): number {
    const v = this.integer();
    if (v.length > 6) throw this.fail("INTEGER too large");
    let n = 0;
    for (const b of v) n = n * 256 + b;
    return n;
  }

  /** An OCTET STRING's contents. */
  octetString(): Uint8Array {
    return this.expect(TAG.OCTET_STRING, "OCTET STRING");
  }

  /** A BIT STRING's bytes (only whole bytes: 0 unused bits). */
  bitString(): Uint8Array {
    const c = this.expect(TAG.BIT_STRING, "BIT STRING");
    if (c.length === 0 || c[0] !== 0) throw this.fail("BIT STRING with unused bits");
    return c.subarray(1);
  }

  /** A NULL. */
  null(): void {
    if (this.expect(TAG.NULL, "NULL").length !== 0) throw this.fail("NULL with contents");
  }

  /**
   * An OBJECT IDENTIFIER in dotted form.
   *
   * @example
   * ```ts
   * r.oid(); // "1.3.101.112" (Ed25519)
   * ```
   */
  oid(): string {
    const c = this.expect(TAG.OID, "OBJECT IDENTIFIER");
    if (c.length === 0 || (c[c.length - 1] & 0x80)) throw this.fail("bad OBJECT IDENTIFIER");
    const arcs: number[] = [];
    let v = 0;
    for (const b of c) {
      if (v > 2 ** 45) throw this.fail("OBJECT IDENTIFIER arc too large");
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) {
        arcs.push(v);
        v = 0;
      }
    }
    const first = arcs[0] < 40 ? 0 : arcs[0] < 80 ? 1 : 2;
    return [first, arcs[0] - 40 * first, ...arcs.slice(1)].join(".");
  }

  /**
   * The contents of an optional context-specific element `[n]` (constructed
   * or primitive), or `undefined` if the next element is not `[n]`.
   *
   * @example
   * ```ts
   * const params = r.optionalContext(0); // ECPrivateKey's [0] parameters
   * ```
   */
  optionalContext(n: number): DerReader | undefined {
    const t = this.peekTag();
    if (t !== (0xa0 | n) && t !== (0x80 | n)) return undefined;
    return new DerReader(this.element().contents, this.what);
  }

  /** Throw unless every element was read. */
  end(): void {
    if (!this.done) throw this.fail(`${this.bytes.length - this.pos} unexpected trailing bytes`);
  }

  private fail(why: string): KeyFormatError {
    return new KeyFormatError(`malformed ${this.what}: ${why}`);
  }
}
