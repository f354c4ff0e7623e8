/**
 * Decoding tables for the canonical Huffman codes of DEFLATE (RFC 1951 §3.2.2).
 *
 * A table answers codes of up to `rootBits` bits with one lookup indexed by the
 * next `rootBits` input bits (codes are packed LSB-first, so each entry is
 * repeated for every value of the bits after the code). Longer codes, which are
 * rare by construction, are decoded bit by bit from the canonical counts with
 * {@link decodeCanonical}. Keeping `rootBits` small bounds the work a hostile
 * block header can cause (2^rootBits entries per table, not 2^15).
 *
 * @module
 */

/** The longest code DEFLATE allows. */
const MAX_BITS = 15;

/**
 * A decoding table built by {@link buildDecodeTable}.
 *
 * @example
 * ```ts
 * const t = buildDecodeTable(Uint8Array.of(1, 2, 2), 3, 9)!;
 * t.fast[0]; // (0 << 4) | 1: symbol 0, 1 bit
 * ```
 */
export interface DecodeTable {
  /** Bits indexing {@link fast}. */
  readonly rootBits: number;
  /** `(symbol << 4) | length` for codes of at most `rootBits` bits; 0 where the code is longer or unused. */
  readonly fast: Uint16Array;
  /** Number of codes of each length 0…15. */
  readonly counts: Uint16Array;
  /** Symbols in canonical order (by code length, then symbol value). */
  readonly symbols: Uint16Array;
}

/**
 * {@link decodeCanonical} needs more input bits than it was given.
 *
 * @example
 * ```ts
 * NEED_MORE_BITS; // -1
 * ```
 */
export const NEED_MORE_BITS = -1;
/**
 * {@link decodeCanonical} found a bit string that is no code of the table.
 *
 * @example
 * ```ts
 * INVALID_CODE; // -2
 * ```
 */
export const INVALID_CODE = -2;

/**
 * Build the decoding table for code lengths `lengths[0…count)` (0 = symbol
 * unused). Returns `null` if the lengths are over-subscribed (more codes than
 * the lengths allow), so no prefix code has them. An incomplete code is
 * accepted; its unused bit strings decode as {@link INVALID_CODE}.
 *
 * @example
 * ```ts
 * buildDecodeTable(Uint8Array.of(1, 1, 1), 3, 9); // null: three 1-bit codes
 * ```
 */
export function buildDecodeTable(lengths: Uint8Array, count: number, rootBits: number): DecodeTable | null {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let s = 0; s < count; s++) counts[lengths[s]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - counts[len];
    if (left < 0) return null;
  }
  // offsets of each length in the canonical symbol order
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(offsets[MAX_BITS + 1]);
  for (let s = 0; s < count; s++) if (lengths[s]) symbols[offsets[lengths[s]]++] = s;

  const fast = new Uint16Array(1 << rootBits);
  // first canonical code of each length (RFC 1951 §3.2.2 step 2)
  let code = 0;
  let index = 0;
  for (let len = 1; len <= rootBits; len++) {
    for (let k = 0; k < counts[len]; k++, code++, index++) {
      const entry = (symbols[index] << 4) | len;
      // the code is sent most-significant bit first: reverse it for LSB-first lookup
      let reversed = 0;
      for (let b = 0; b < len; b++) reversed |= ((code >> b) & 1) << (len - 1 - b);
      for (let i = reversed; i < fast.length; i += 1 << len) fast[i] = entry;
    }
    code <<= 1;
  }
  return { rootBits, fast, counts, symbols };
}

/**
 * Decode one symbol bit by bit (any code length) from the `available` low bits
 * of `bits` (the next input bits, first bit lowest). Returns
 * `(symbol << 4) | length`, {@link NEED_MORE_BITS} or {@link INVALID_CODE}.
 *
 * @example
 * ```ts
 * const t = buildDecodeTable(Uint8Array.of(1, 2, 2), 3, 1)!;
 * decodeCanonical(t, 0b11, 2); // (2 << 4) | 2: symbol 2 is code "11"
 * decodeCanonical(t, 0b1, 1); // NEED_MORE_BITS
 * ```
 */
export function decodeCanonical(t: DecodeTable, bits: number, available: number): number {
  const counts = t.counts;
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    if (len > available) return NEED_MORE_BITS;
    code |= (bits >>> (len - 1)) & 1;
    const n = counts[len];
    if (code - n < first) return (t.symbols[index + code - first] << 4) | len;
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return INVALID_CODE;
}
