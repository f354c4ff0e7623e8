/**
 * A streaming zlib decompressor (RFC 1950 wrapper around RFC 1951 DEFLATE):
 * stored, fixed-Huffman and dynamic-Huffman blocks, with the 32 KiB window
 * carried from one call to the next.
 *
 * Input may stop anywhere, even inside a code: every call consumes all its
 * input, returns all the output it implies, and keeps the unfinished symbol
 * (and the bits already read) for the next call. This is what SSH needs, where
 * each packet carries the next piece of one long stream (`Z_SYNC_FLUSH` /
 * `Z_PARTIAL_FLUSH` by the sender, which may leave a few bits of an empty block
 * for the next packet).
 *
 * Output per call is bounded by the caller (`maxOutput`): more is an
 * {@link InflateError}, as is any malformed input. Nothing else is thrown.
 *
 * @module
 */
import {
  CODE_LENGTH_ORDER,
  DIST_BASE,
  DIST_EXTRA,
  END_OF_BLOCK,
  FIXED_DISTANCE_LENGTHS,
  FIXED_LITERAL_LENGTHS,
  LENGTH_BASE,
  LENGTH_EXTRA,
  WINDOW_SIZE,
} from "./deflate_tables.ts";
import {
  buildDecodeTable,
  decodeCanonical,
  type DecodeTable,
  INVALID_CODE,
  NEED_MORE_BITS,
} from "./huffman_decoder.ts";
import { adler32 } from "./adler32.ts";

/**
 * Malformed compressed data, or more output than the caller allowed.
 *
 * @example
 * ```ts
 * try {
 *   new Inflater().inflate(Uint8Array.of(0x78, 0x9c, 0xff), 1024);
 * } catch (e) {
 *   console.log(e instanceof InflateError); // true: block type 3 is reserved
 * }
 * ```
 */
export class InflateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InflateError";
  }
}

const LITERAL_ROOT_BITS = 10;
const DISTANCE_ROOT_BITS = 8;
const CODE_LENGTH_BITS = 7;

const FIXED_LITERALS = buildDecodeTable(FIXED_LITERAL_LENGTHS, 288, LITERAL_ROOT_BITS)!;
const FIXED_DISTANCES = buildDecodeTable(FIXED_DISTANCE_LENGTHS, 32, DISTANCE_ROOT_BITS)!;
const EMPTY = new Uint8Array(0);

/** Where the decoder is in the stream. */
const enum Step {
  /** The 2-byte zlib header. */
  Header,
  /** A block header (3 bits, and the code tables of a dynamic block). */
  Block,
  /** Inside a stored block. */
  Stored,
  /** Inside a Huffman-coded block. */
  Codes,
  /** The Adler-32 after the final block. */
  Trailer,
  /** The stream has ended; nothing may follow. */
  Done,
}

/**
 * One zlib stream, decompressed piece by piece.
 *
 * @example
 * ```ts
 * // "hello" as one sync-flushed piece (zlib header, fixed block, empty stored block)
 * const piece = Uint8Array.of(0x78, 0x9c, 0xca, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff);
 * const text = new TextDecoder().decode(new Inflater().inflate(piece, 1024)); // "hello"
 * ```
 */
export class Inflater {
  #step = Step.Header;
  #final = false;
  /** Bytes left in the current stored block. */
  #storedLeft = 0;
  #literals: DecodeTable = FIXED_LITERALS;
  #distances: DecodeTable = FIXED_DISTANCES;
  #adler = 1;

  // ---- input: the bytes not yet consumed and up to 31 bits already taken from them
  #held: Uint8Array = EMPTY;
  #src: Uint8Array = EMPTY;
  #pos = 0;
  #bitBuf = 0;
  #bitCnt = 0;
  // the last point every earlier bit of which was fully decoded
  #markPos = 0;
  #markBuf = 0;
  #markCnt = 0;

  // ---- output: the window (older output) followed by this call's output
  #out: Uint8Array = EMPTY;
  #outPos = 0;
  /** Where this call's output starts in {@link #out}. */
  #callStart = 0;
  /** {@link #out} index this call's output may not pass. */
  #outLimit = 0;

  /** Whether the final block and the checksum have been read. */
  get ended(): boolean {
    return this.#step === Step.Done;
  }

  /**
   * Decompress the next piece of the stream. Returns everything `input`
   * completes (possibly nothing). Throws {@link InflateError} on malformed
   * data, data after the end of the stream, or more than `maxOutput` bytes of output.
   */
  inflate(input: Uint8Array, maxOutput: number): Uint8Array {
    this.#src = this.#held.length ? concat(this.#held, input) : input;
    this.#pos = 0;
    this.#mark();
    this.#startOutput(maxOutput);
    for (let more = true; more;) {
      switch (this.#step) {
        case Step.Header:
          more = this.#header();
          break;
        case Step.Block:
          more = this.#block();
          break;
        case Step.Stored:
          more = this.#stored();
          break;
        case Step.Codes:
          more = this.#codes();
          break;
        case Step.Trailer:
          more = this.#trailer();
          break;
        case Step.Done:
          if (this.#pos < this.#src.length || this.#bitCnt >= 8) {
            throw new InflateError("data after the end of the stream");
          }
          more = false;
      }
    }
    // keep what the unfinished step has not consumed, from its mark
    this.#pos = this.#markPos;
    this.#bitBuf = this.#markBuf;
    this.#bitCnt = this.#markCnt;
    this.#held = this.#pos < this.#src.length ? this.#src.slice(this.#pos) : EMPTY;
    this.#src = EMPTY;
    const result = this.#out.slice(this.#callStart, this.#outPos);
    this.#adler = adler32(this.#adler, result);
    return result;
  }

  // ---- bit input ------------------------------------------------------------------------------

  #mark(): void {
    this.#markPos = this.#pos;
    this.#markBuf = this.#bitBuf;
    this.#markCnt = this.#bitCnt;
  }

  /** Make at least `n` (≤ 24) bits available; false if the input ends first. */
  #need(n: number): boolean {
    const src = this.#src;
    while (this.#bitCnt < n) {
      if (this.#pos >= src.length) return false;
      this.#bitBuf |= src[this.#pos++] << this.#bitCnt;
      this.#bitCnt += 8;
    }
    return true;
  }

  /** Take `n` bits made available by {@link #need}. */
  #bits(n: number): number {
    const v = this.#bitBuf & ((1 << n) - 1);
    this.#bitBuf >>>= n;
    this.#bitCnt -= n;
    return v;
  }

  /** Decode one symbol with `t`, or return -1 if the input ends first. */
  #symbol(t: DecodeTable): number {
    this.#need(15);
    let e = t.fast[this.#bitBuf & ((1 << t.rootBits) - 1)];
    if (e === 0) {
      e = decodeCanonical(t, this.#bitBuf, this.#bitCnt);
      if (e === NEED_MORE_BITS) return -1;
      if (e === INVALID_CODE) throw new InflateError("invalid Huffman code");
    }
    const len = e & 15;
    if (len > this.#bitCnt) return -1;
    this.#bits(len);
    return e >> 4;
  }

  // ---- output ---------------------------------------------------------------------------------

  /** Keep the last window of output in front and leave room for this call. */
  #startOutput(maxOutput: number): void {
    let out = this.#out;
    let pos = this.#outPos;
    const want = Math.min(maxOutput, 64 * 1024);
    if (out.length - pos < want) {
      const keep = Math.min(pos, WINDOW_SIZE);
      if (out.length < keep + want) {
        const bigger = new Uint8Array(keep + Math.max(want, 16 * 1024));
        bigger.set(out.subarray(pos - keep, pos));
        out = bigger;
      } else {
        out.copyWithin(0, pos - keep, pos);
      }
      pos = keep;
    }
    this.#out = out;
    this.#outPos = pos;
    this.#callStart = pos;
    this.#outLimit = pos + maxOutput;
  }

  /** Make room for `n` more output bytes (within the call's limit); returns the (new) buffer. */
  #room(n: number): Uint8Array {
    const needed = this.#outPos + n;
    if (needed > this.#outLimit) {
      throw new InflateError(`decompressed data exceeds ${this.#outLimit - this.#callStart} bytes`);
    }
    if (needed <= this.#out.length) return this.#out;
    const keep = Math.min(this.#callStart, WINDOW_SIZE);
    const from = this.#callStart - keep;
    const size = Math.min(Math.max(2 * this.#out.length, needed), this.#outLimit) - from;
    const bigger = new Uint8Array(size);
    bigger.set(this.#out.subarray(from, this.#outPos));
    this.#out = bigger;
    this.#outPos -= from;
    this.#callStart -= from;
    this.#outLimit -= from;
    return bigger;
  }

  // ---- steps: each returns false when it needs more input ---------------------------------------

  #header(): boolean {
    if (!this.#need(16)) return false;
    const cmf = this.#bits(8);
    const flg = this.#bits(8);
    if ((cmf & 15) !== 8 || cmf >> 4 > 7) {
      throw new InflateError("not a zlib stream (method must be deflate, window ≤ 32 KiB)");
    }
    if (((cmf << 8) | flg) % 31 !== 0) throw new InflateError("incorrect zlib header check");
    if (flg & 0x20) throw new InflateError("zlib preset dictionaries are not supported");
    this.#step = Step.Block;
    this.#mark();
    return true;
  }

  #block(): boolean {
    if (!this.#need(3)) return false;
    this.#final = this.#bits(1) === 1;
    const type = this.#bits(2);
    if (type === 0) {
      this.#bits(this.#bitCnt & 7); // to a byte boundary
      if (!this.#need(16)) return false;
      const len = this.#bits(16);
      if (!this.#need(16)) return false;
      const nlen = this.#bits(16);
      if ((len ^ 0xffff) !== nlen) throw new InflateError("stored block length does not match its complement");
      this.#storedLeft = len;
      this.#step = Step.Stored;
    } else if (type === 1) {
      this.#literals = FIXED_LITERALS;
      this.#distances = FIXED_DISTANCES;
      this.#step = Step.Codes;
    } else if (type === 2) {
      if (!this.#dynamicTables()) return false;
      this.#step = Step.Codes;
    } else {
      throw new InflateError("invalid block type 3");
    }
    this.#mark();
    return true;
  }

  /** Read a dynamic block's code tables (RFC 1951 §3.2.7); false if the input ends first. */
  #dynamicTables(): boolean {
    if (!this.#need(14)) return false;
    const nlit = this.#bits(5) + 257;
    const ndist = this.#bits(5) + 1;
    const nclen = this.#bits(4) + 4;
    if (nlit > 286 || ndist > 30) throw new InflateError("too many length or distance symbols");
    const clLengths = new Uint8Array(19);
    for (let i = 0; i < nclen; i++) {
      if (!this.#need(3)) return false;
      clLengths[CODE_LENGTH_ORDER[i]] = this.#bits(3);
    }
    const clTable = buildDecodeTable(clLengths, 19, CODE_LENGTH_BITS);
    if (!clTable) throw new InflateError("invalid code lengths set");
    const total = nlit + ndist;
    const lengths = new Uint8Array(total);
    for (let i = 0; i < total;) {
      const sym = this.#symbol(clTable);
      if (sym < 0) return false;
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw new InflateError("repeat of a previous length with no previous length");
        if (!this.#need(2)) return false;
        value = lengths[i - 1];
        repeat = 3 + this.#bits(2);
      } else if (sym === 17) {
        if (!this.#need(3)) return false;
        repeat = 3 + this.#bits(3);
      } else {
        if (!this.#need(7)) return false;
        repeat = 11 + this.#bits(7);
      }
      if (i + repeat > total) throw new InflateError("code length repeat runs past the end");
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[END_OF_BLOCK] === 0) throw new InflateError("no code for end-of-block");
    const literals = buildDecodeTable(lengths, nlit, LITERAL_ROOT_BITS);
    const distances = buildDecodeTable(lengths.subarray(nlit), ndist, DISTANCE_ROOT_BITS);
    if (!literals || !distances) throw new InflateError("invalid literal/length or distance code lengths");
    this.#literals = literals;
    this.#distances = distances;
    return true;
  }

  #stored(): boolean {
    // The bit buffer is empty here: LEN and NLEN were read at a byte boundary, the second one loaded
    // byte by byte up to exactly 16 bits, so the data starts at `#pos`.
    const n = Math.min(this.#storedLeft, this.#src.length - this.#pos);
    if (n > 0) {
      const out = this.#room(n);
      out.set(this.#src.subarray(this.#pos, this.#pos + n), this.#outPos);
      this.#outPos += n;
      this.#pos += n;
      this.#storedLeft -= n;
    }
    this.#mark();
    if (this.#storedLeft > 0) return false;
    this.#step = this.#final ? Step.Trailer : Step.Block;
    return true;
  }

  /** Decode literals and matches until the end of the block (true) or of the input (false). */
  #codes(): boolean {
    const src = this.#src;
    const end = src.length;
    const lit = this.#literals;
    const dist = this.#distances;
    const litFast = lit.fast;
    const litMask = (1 << lit.rootBits) - 1;
    const distFast = dist.fast;
    const distMask = (1 << dist.rootBits) - 1;
    let pos = this.#pos;
    let bitBuf = this.#bitBuf;
    let bitCnt = this.#bitCnt;
    let out = this.#out;
    let outPos = this.#outPos;
    let room = Math.min(out.length, this.#outLimit);
    let blockEnded = false;
    for (;;) {
      // a symbol is all or nothing: on running out of input, resume from here next time
      const markPos = pos;
      const markBuf = bitBuf;
      const markCnt = bitCnt;
      while (bitCnt < 15 && pos < end) {
        bitBuf |= src[pos++] << bitCnt;
        bitCnt += 8;
      }
      let e = litFast[bitBuf & litMask];
      if (e === 0) e = decodeCanonical(lit, bitBuf, bitCnt);
      let len = e & 15;
      if (e < 0 || len > bitCnt) {
        if (e === INVALID_CODE) throw new InflateError("invalid literal/length code");
        pos = markPos;
        bitBuf = markBuf;
        bitCnt = markCnt;
        break;
      }
      bitBuf >>>= len;
      bitCnt -= len;
      const sym = e >> 4;
      if (sym < 256) {
        if (outPos >= room) {
          this.#outPos = outPos;
          out = this.#room(1);
          outPos = this.#outPos;
          room = Math.min(out.length, this.#outLimit);
        }
        out[outPos++] = sym;
        continue;
      }
      if (sym === END_OF_BLOCK) {
        blockEnded = true;
        break;
      }
      const li = sym - 257;
      if (li >= 29) throw new InflateError("invalid literal/length symbol");
      let length = LENGTH_BASE[li];
      const lengthExtra = LENGTH_EXTRA[li];
      // extra length bits (≤ 5), distance code (≤ 15) and extra distance bits (≤ 13)
      while (bitCnt < 20 && pos < end) {
        bitBuf |= src[pos++] << bitCnt;
        bitCnt += 8;
      }
      if (bitCnt < lengthExtra) {
        pos = markPos;
        bitBuf = markBuf;
        bitCnt = markCnt;
        break;
      }
      length += bitBuf & ((1 << lengthExtra) - 1);
      bitBuf >>>= lengthExtra;
      bitCnt -= lengthExtra;
      e = distFast[bitBuf & distMask];
      if (e === 0) e = decodeCanonical(dist, bitBuf, bitCnt);
      len = e & 15;
      if (e < 0 || len > bitCnt) {
        if (e === INVALID_CODE) throw new InflateError("invalid distance code");
        pos = markPos;
        bitBuf = markBuf;
        bitCnt = markCnt;
        break;
      }
      bitBuf >>>= len;
      bitCnt -= len;
      const dsym = e >> 4;
      if (dsym >= 30) throw new InflateError("invalid distance symbol");
      const distExtra = DIST_EXTRA[dsym];
      while (bitCnt < distExtra && pos < end) {
        bitBuf |= src[pos++] << bitCnt;
        bitCnt += 8;
      }
      if (bitCnt < distExtra) {
        pos = markPos;
        bitBuf = markBuf;
        bitCnt = markCnt;
        break;
      }
      const distance = DIST_BASE[dsym] + (bitBuf & ((1 << distExtra) - 1));
      bitBuf >>>= distExtra;
      bitCnt -= distExtra;
      if (distance > outPos) throw new InflateError("invalid distance too far back");
      if (outPos + length > room) {
        this.#outPos = outPos;
        out = this.#room(length);
        outPos = this.#outPos;
        room = Math.min(out.length, this.#outLimit);
        if (distance > outPos) throw new InflateError("invalid distance too far back");
      }
      let from = outPos - distance;
      if (distance >= length && length > 32) {
        out.copyWithin(outPos, from, from + length);
        outPos += length;
      } else {
        const stop = outPos + length;
        while (outPos < stop) out[outPos++] = out[from++];
      }
    }
    this.#pos = pos;
    this.#bitBuf = bitBuf;
    this.#bitCnt = bitCnt;
    this.#outPos = outPos;
    this.#mark();
    if (!blockEnded) return false;
    this.#step = this.#final ? Step.Trailer : Step.Block;
    return true;
  }

  #trailer(): boolean {
    this.#bits(this.#bitCnt & 7);
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      if (!this.#need(8)) return false;
      sum = sum * 256 + this.#bits(8);
    }
    const expected = adler32(this.#adler, this.#out.subarray(this.#callStart, this.#outPos));
    if (sum !== expected) throw new InflateError("incorrect data check (Adler-32)");
    this.#step = Step.Done;
    this.#mark();
    return true;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
