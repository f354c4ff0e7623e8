/**
 * A streaming zlib compressor (RFC 1950 wrapper around RFC 1951 DEFLATE) that
 * ends every piece with a sync flush, as SSH compression needs: each call
 * compresses one packet payload into bytes the peer can decompress completely
 * on their own (given the earlier pieces), so interactive traffic is never held back.
 *
 * - LZ77 over a 32 KiB window that spans earlier pieces, with hash chains
 *   (3-byte hashes, bounded chain length, greedy matching);
 * - each piece of up to 32 KiB becomes one block: stored, fixed Huffman or
 *   dynamic Huffman, whichever is smallest (exact bit counts);
 * - then an empty stored block (`00 00 ff ff`), which byte-aligns the output
 *   — zlib's `Z_SYNC_FLUSH`. The stream is never finished (no final block, no
 *   Adler-32), like the stream of an SSH connection.
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
  MAX_MATCH,
  MIN_MATCH,
  WINDOW_SIZE,
} from "./deflate_tables.ts";
import { codeLengths, reversedCodes } from "./huffman_encoder.ts";

/**
 * Tuning of {@link Deflater}: more work finds longer matches.
 *
 * @example
 * ```ts
 * const thorough: DeflateOptions = { maxChain: 256, niceLength: 258 };
 * ```
 */
export interface DeflateOptions {
  /** Hash-chain entries examined per position. Default 32. */
  maxChain?: number;
  /** Stop searching once a match this long is found. Default 128. */
  niceLength?: number;
  /** Stream bytes after which match positions are renumbered. Default 2^30; lower only to test that path. */
  rebaseAfter?: number;
}

const HASH_BITS = 15;
/** Positions inside matches longer than this are not added to the hash chains (speed over ratio). */
const MAX_INSERT_LENGTH = 32;
const ZLIB_HEADER = Uint8Array.of(0x78, 0x9c);
const WINDOW_MASK = WINDOW_SIZE - 1;
/** Blocks of fewer LZ77 symbols are not worth a dynamic code's header (keystrokes, short replies). */
const MIN_DYNAMIC_SYMBOLS = 64;

/** Index 0…28 of the length symbol (257 + index) for each match length 3…258. */
const LENGTH_CODE: Uint8Array = (() => {
  const t = new Uint8Array(MAX_MATCH + 1);
  for (let i = 0; i < 29; i++) {
    const last = i === 28 ? MAX_MATCH : LENGTH_BASE[i + 1] - 1;
    t.fill(i, LENGTH_BASE[i], last + 1); // 258 gets symbol 285, though 284 could express it too
  }
  return t;
})();

/** Distance symbol 0…29 for each distance 1…32768. */
const DIST_CODE: Uint8Array = (() => {
  const t = new Uint8Array(WINDOW_SIZE + 1);
  for (let i = 0; i < 30; i++) t.fill(i, DIST_BASE[i], i === 29 ? WINDOW_SIZE + 1 : DIST_BASE[i + 1]);
  return t;
})();

const FIXED_LITERAL_CODES = reversedCodes(FIXED_LITERAL_LENGTHS, 288);
const FIXED_DISTANCE_CODES = reversedCodes(FIXED_DISTANCE_LENGTHS, 30);

/** The code-length alphabet's run-length encoding of a dynamic block's code lengths. */
interface LengthRuns {
  symbols: number[];
  extras: number[];
  freq: Uint32Array;
}

/**
 * One zlib stream, compressed piece by piece, each piece sync-flushed.
 *
 * @example
 * ```ts
 * const d = new Deflater();
 * const first = d.compress(new TextEncoder().encode("hello hello hello")); // starts with 78 9c
 * const second = d.compress(new TextEncoder().encode("hello again")); // may refer back into the first
 * // each piece ends with 00 00 ff ff
 * ```
 */
export class Deflater {
  readonly #maxChain: number;
  readonly #niceLength: number;
  /** Stream positions are renumbered before they could overflow an Int32. */
  readonly #rebaseAt: number;
  /** History (up to 32 KiB) followed by the piece being compressed. */
  readonly #window = new Uint8Array(2 * WINDOW_SIZE);
  #end = 0;
  /**
   * Stream position of `#window[0]`. The hash chains hold stream positions, so sliding
   * the window moves only its bytes (until the positions near 2^30 and are rebased).
   */
  #base = 0;
  /** First stream position not yet added to the hash chains. */
  #hashed = 0;
  /** Most recent stream position for each hash, or -1. */
  readonly #head = new Int32Array(1 << HASH_BITS).fill(-1);
  /**
   * The previous stream position with the same hash, indexed by position mod 32 KiB: valid
   * for the positions less than 32 KiB back, the only ones a match may use.
   */
  readonly #prev = new Int32Array(WINDOW_SIZE);
  #started = false;

  // one block's LZ77 symbols: a literal byte (distance 0) or a match (length, distance)
  readonly #litLen = new Uint16Array(WINDOW_SIZE);
  readonly #dist = new Uint16Array(WINDOW_SIZE);
  #symbols = 0;
  readonly #litFreq = new Uint32Array(286);
  readonly #distFreq = new Uint32Array(30);

  // output of the current call
  #out = new Uint8Array(0);
  #o = 0;
  #bitBuf = 0;
  #bitCnt = 0;

  constructor(options: DeflateOptions = {}) {
    this.#maxChain = Math.max(1, options.maxChain ?? 32);
    this.#niceLength = Math.min(MAX_MATCH, Math.max(MIN_MATCH, options.niceLength ?? 128));
    this.#rebaseAt = Math.min(2 ** 30, Math.max(1, options.rebaseAfter ?? 2 ** 30));
  }

  /** Compress the next piece of the stream and sync-flush it. Returns a fresh array. */
  compress(data: Uint8Array): Uint8Array {
    const pieces = Math.ceil(data.length / WINDOW_SIZE);
    this.#out = new Uint8Array(ZLIB_HEADER.length + data.length + 5 * pieces + 16);
    this.#o = 0;
    if (!this.#started) {
      this.#out.set(ZLIB_HEADER);
      this.#o = ZLIB_HEADER.length;
      this.#started = true;
    }
    for (let off = 0; off < data.length; off += WINDOW_SIZE) {
      const start = this.#append(data.subarray(off, off + WINDOW_SIZE));
      this.#findMatches(start, this.#end);
      this.#writeBlock(start, this.#end);
    }
    // sync flush: an empty, non-final stored block, which also aligns to a byte
    this.#writeBits(0, 3);
    this.#alignToByte();
    this.#writeBits(0, 16);
    this.#writeBits(0xffff, 16);
    const out = this.#out.subarray(0, this.#o);
    this.#out = new Uint8Array(0);
    return out;
  }

  // ---- window and matching ------------------------------------------------------------------

  /** Add `piece` (≤ 32 KiB) to the window, sliding out all but the last 32 KiB if needed; returns its start. */
  #append(piece: Uint8Array): number {
    const w = this.#window;
    if (this.#end + piece.length > w.length) {
      const shift = this.#end - WINDOW_SIZE;
      w.copyWithin(0, shift, this.#end);
      this.#end -= shift;
      this.#base += shift;
      if (this.#base >= this.#rebaseAt) this.#rebase();
    }
    const start = this.#end;
    w.set(piece, start);
    this.#end = start + piece.length;
    return start;
  }

  /** Renumber stream positions from the window start (0), forgetting the ones before it. */
  #rebase(): void {
    const base = this.#base;
    for (const chain of [this.#head, this.#prev]) {
      for (let i = 0; i < chain.length; i++) chain[i] = chain[i] >= base ? chain[i] - base : -1;
    }
    this.#hashed = Math.max(0, this.#hashed - base);
    this.#base = 0;
  }

  /** LZ77 over window positions `start…end)`: fills the block's symbols and frequencies. */
  #findMatches(start: number, end: number): void {
    const w = this.#window;
    const head = this.#head;
    const prev = this.#prev;
    const litLen = this.#litLen;
    const dists = this.#dist;
    const litFreq = this.#litFreq;
    const distFreq = this.#distFreq;
    litFreq.fill(0);
    distFreq.fill(0);
    const maxChain = this.#maxChain;
    const nice = this.#niceLength;
    const shift = 32 - HASH_BITS;
    const base = this.#base;
    // positions before the piece whose 3-byte hash needed bytes of this piece
    for (let q = Math.max(0, this.#hashed - base); q < start && q + 2 < end; q++) {
      const h = Math.imul((w[q] << 16) | (w[q + 1] << 8) | w[q + 2], 0x9e3779b1) >>> shift;
      prev[(base + q) & WINDOW_MASK] = head[h];
      head[h] = base + q;
    }
    let n = 0;
    let p = start;
    while (p < end) {
      let bestLen = 0;
      let bestDist = 0;
      if (p + 2 < end) {
        const h = Math.imul((w[p] << 16) | (w[p + 1] << 8) | w[p + 2], 0x9e3779b1) >>> shift;
        const at = base + p;
        let cand = head[h];
        prev[at & WINDOW_MASK] = cand;
        head[h] = at;
        const maxLen = Math.min(MAX_MATCH, end - p);
        // at most 32767 back (so `prev` still holds the candidate's link) and still in the window
        const low = Math.max(at - WINDOW_SIZE + 1, base);
        for (let chain = maxChain; cand >= low && chain > 0; chain--) {
          const c = cand - base;
          if (w[c + bestLen] === w[p + bestLen] && w[c] === w[p]) {
            let l = 1;
            while (l < maxLen && w[c + l] === w[p + l]) l++;
            if (l > bestLen) {
              bestLen = l;
              bestDist = at - cand;
              if (l >= nice || l === maxLen) break;
            }
          }
          cand = prev[cand & WINDOW_MASK];
        }
      }
      if (bestLen >= MIN_MATCH) {
        litLen[n] = bestLen;
        dists[n++] = bestDist;
        litFreq[257 + LENGTH_CODE[bestLen]]++;
        distFreq[DIST_CODE[bestDist]]++;
        const stop = p + bestLen;
        if (bestLen <= MAX_INSERT_LENGTH) {
          for (let q = p + 1; q < stop && q + 2 < end; q++) {
            const h = Math.imul((w[q] << 16) | (w[q + 1] << 8) | w[q + 2], 0x9e3779b1) >>> shift;
            prev[(base + q) & WINDOW_MASK] = head[h];
            head[h] = base + q;
          }
        }
        p = stop;
      } else {
        litLen[n] = w[p];
        dists[n++] = 0;
        litFreq[w[p]]++;
        p++;
      }
    }
    this.#symbols = n;
    this.#hashed = base + Math.max(start, end - 2);
  }

  // ---- blocks ---------------------------------------------------------------------------------

  /** Write the block for window bytes `start…end)` in the cheapest of the three encodings. */
  #writeBlock(start: number, end: number): void {
    const litFreq = this.#litFreq;
    const distFreq = this.#distFreq;
    litFreq[END_OF_BLOCK] = 1;
    let extraBits = 0;
    for (let i = 0; i < 29; i++) extraBits += litFreq[257 + i] * LENGTH_EXTRA[i];
    for (let i = 0; i < 30; i++) extraBits += distFreq[i] * DIST_EXTRA[i];

    const fixedBits = 3 + extraBits + dataBits(litFreq, FIXED_LITERAL_LENGTHS, distFreq, FIXED_DISTANCE_LENGTHS);

    const dyn = this.#symbols >= MIN_DYNAMIC_SYMBOLS ? dynamicCode(litFreq, distFreq) : undefined;
    const dynamicBits = dyn
      ? dyn.headerBits + extraBits + dataBits(litFreq, dyn.litLengths, distFreq, dyn.distLengths)
      : Infinity;

    const length = end - start;
    const storedBits = 3 + ((8 - ((this.#bitCnt + 3) & 7)) & 7) + 32 + 8 * length;

    if (storedBits <= fixedBits && storedBits <= dynamicBits) {
      this.#writeBits(0, 3);
      this.#alignToByte();
      this.#writeBits(length, 16);
      this.#writeBits(length ^ 0xffff, 16);
      this.#out.set(this.#window.subarray(start, end), this.#o);
      this.#o += length;
    } else if (!dyn || fixedBits <= dynamicBits) {
      this.#writeBits(1 << 1, 3); // BFINAL 0, BTYPE 01
      this.#writeSymbols(FIXED_LITERAL_CODES, FIXED_LITERAL_LENGTHS, FIXED_DISTANCE_CODES, FIXED_DISTANCE_LENGTHS);
    } else {
      const { nlit, ndist, nclen, clLengths, runs, litLengths, distLengths } = dyn;
      this.#writeBits(2 << 1, 3); // BFINAL 0, BTYPE 10
      this.#writeBits(nlit - 257, 5);
      this.#writeBits(ndist - 1, 5);
      this.#writeBits(nclen - 4, 4);
      for (let i = 0; i < nclen; i++) this.#writeBits(clLengths[CODE_LENGTH_ORDER[i]], 3);
      const clCodes = reversedCodes(clLengths, 19);
      for (let i = 0; i < runs.symbols.length; i++) {
        const s = runs.symbols[i];
        this.#writeBits(clCodes[s], clLengths[s]);
        if (s >= 16) this.#writeBits(runs.extras[i], s === 16 ? 2 : s === 17 ? 3 : 7);
      }
      this.#writeSymbols(reversedCodes(litLengths, 286), litLengths, reversedCodes(distLengths, 30), distLengths);
    }
  }

  /** The block's symbols and its end-of-block code. */
  #writeSymbols(litCodes: Uint16Array, litLens: Uint8Array, distCodes: Uint16Array, distLens: Uint8Array): void {
    const litLen = this.#litLen;
    const dists = this.#dist;
    const out = this.#out;
    let o = this.#o;
    let bitBuf = this.#bitBuf;
    let bitCnt = this.#bitCnt;
    const n = this.#symbols;
    for (let i = 0; i <= n; i++) {
      const d = i < n ? dists[i] : 0;
      if (d === 0) {
        const s = i < n ? litLen[i] : END_OF_BLOCK;
        bitBuf |= litCodes[s] << bitCnt;
        bitCnt += litLens[s];
      } else {
        // at most 7 + 15 + 5 bits, then (after a flush) + 15, then + 13: always below 31 bits
        const len = litLen[i];
        const lc = LENGTH_CODE[len];
        bitBuf |= litCodes[257 + lc] << bitCnt;
        bitCnt += litLens[257 + lc];
        bitBuf |= (len - LENGTH_BASE[lc]) << bitCnt;
        bitCnt += LENGTH_EXTRA[lc];
        if (bitCnt >= 16) {
          out[o++] = bitBuf;
          out[o++] = bitBuf >>> 8;
          bitBuf >>>= 16;
          bitCnt -= 16;
        }
        const dc = DIST_CODE[d];
        bitBuf |= distCodes[dc] << bitCnt;
        bitCnt += distLens[dc];
        if (bitCnt >= 16) {
          out[o++] = bitBuf;
          out[o++] = bitBuf >>> 8;
          bitBuf >>>= 16;
          bitCnt -= 16;
        }
        bitBuf |= (d - DIST_BASE[dc]) << bitCnt;
        bitCnt += DIST_EXTRA[dc];
      }
      while (bitCnt >= 8) {
        out[o++] = bitBuf;
        bitBuf >>>= 8;
        bitCnt -= 8;
      }
    }
    this.#o = o;
    this.#bitBuf = bitBuf;
    this.#bitCnt = bitCnt;
  }

  // ---- bit output -----------------------------------------------------------------------------

  /** Append the `n` (≤ 16) low bits of `value`, least significant first. */
  #writeBits(value: number, n: number): void {
    this.#bitBuf |= value << this.#bitCnt;
    this.#bitCnt += n;
    while (this.#bitCnt >= 8) {
      this.#out[this.#o++] = this.#bitBuf;
      this.#bitBuf >>>= 8;
      this.#bitCnt -= 8;
    }
  }

  #alignToByte(): void {
    if (this.#bitCnt > 0) this.#writeBits(0, 8 - this.#bitCnt);
  }
}

/** A dynamic block's codes and the size of its header (RFC 1951 §3.2.7). */
interface DynamicCode {
  litLengths: Uint8Array;
  distLengths: Uint8Array;
  nlit: number;
  ndist: number;
  runs: LengthRuns;
  clLengths: Uint8Array;
  nclen: number;
  headerBits: number;
}

/** The dynamic Huffman codes for a block's frequencies, trimmed as the header allows. */
function dynamicCode(litFreq: Uint32Array, distFreq: Uint32Array): DynamicCode {
  const litLengths = codeLengths(litFreq, 286, 15);
  const distLengths = codeLengths(distFreq, 30, 15);
  let nlit = 286;
  while (nlit > 257 && litLengths[nlit - 1] === 0) nlit--;
  let ndist = 30;
  while (ndist > 1 && distLengths[ndist - 1] === 0) ndist--;
  const runs = lengthRuns(litLengths, nlit, distLengths, ndist);
  const clLengths = codeLengths(runs.freq, 19, 7);
  let nclen = 19;
  while (nclen > 4 && clLengths[CODE_LENGTH_ORDER[nclen - 1]] === 0) nclen--;
  let headerBits = 3 + 5 + 5 + 4 + 3 * nclen;
  for (let s = 0; s < 19; s++) headerBits += runs.freq[s] * clLengths[s];
  headerBits += runs.freq[16] * 2 + runs.freq[17] * 3 + runs.freq[18] * 7;
  return { litLengths, distLengths, nlit, ndist, runs, clLengths, nclen, headerBits };
}

/** Bits for a block's literal/length and distance codes (extra bits not included). */
function dataBits(litFreq: Uint32Array, litLens: Uint8Array, distFreq: Uint32Array, distLens: Uint8Array): number {
  let bits = 0;
  for (let s = 0; s < 286; s++) bits += litFreq[s] * litLens[s];
  for (let s = 0; s < 30; s++) bits += distFreq[s] * distLens[s];
  return bits;
}

/**
 * Run-length encode the literal/length then distance code lengths with the
 * code-length alphabet (RFC 1951 §3.2.7): 0–15 literally, 16 = repeat the
 * previous 3–6 times, 17 = 3–10 zeros, 18 = 11–138 zeros.
 */
function lengthRuns(litLengths: Uint8Array, nlit: number, distLengths: Uint8Array, ndist: number): LengthRuns {
  const all = new Uint8Array(nlit + ndist);
  all.set(litLengths.subarray(0, nlit));
  all.set(distLengths.subarray(0, ndist), nlit);
  const symbols: number[] = [];
  const extras: number[] = [];
  const freq = new Uint32Array(19);
  const emit = (s: number, extra = 0) => {
    symbols.push(s);
    extras.push(extra);
    freq[s]++;
  };
  for (let i = 0; i < all.length;) {
    const v = all[i];
    let run = 1;
    while (i + run < all.length && all[i + run] === v) run++;
    i += run;
    if (v === 0) {
      while (run >= 11) {
        const k = Math.min(run, 138);
        emit(18, k - 11);
        run -= k;
      }
      if (run >= 3) {
        emit(17, run - 3);
        run = 0;
      }
    } else {
      emit(v);
      run--;
      while (run >= 3) {
        const k = Math.min(run, 6);
        emit(16, k - 3);
        run -= k;
      }
    }
    for (; run > 0; run--) emit(v);
  }
  return { symbols, extras, freq };
}
