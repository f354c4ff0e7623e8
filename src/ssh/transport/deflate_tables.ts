/**
 * The fixed tables of the DEFLATE format (RFC 1951 §3.2.5–3.2.7), shared by
 * the compressor (`deflate.ts`) and the decompressor (`inflate.ts`).
 *
 * @module
 */

/**
 * The sliding window: the farthest back a match may reach, in bytes.
 *
 * @example
 * ```ts
 * WINDOW_SIZE; // 32768
 * ```
 */
export const WINDOW_SIZE = 32768;

/**
 * The shortest and longest match a length code can express.
 *
 * @example
 * ```ts
 * [MIN_MATCH, MAX_MATCH]; // [3, 258]
 * ```
 */
export const MIN_MATCH = 3;
/** The longest match (see {@link MIN_MATCH}). */
export const MAX_MATCH = 258;

/**
 * The literal/length symbol that ends a block.
 *
 * @example
 * ```ts
 * END_OF_BLOCK; // 256
 * ```
 */
export const END_OF_BLOCK = 256;

/**
 * Extra bits after length symbols 257…285 (index = symbol − 257): none for the
 * first eight, then 1…5 bits for groups of four, and none for 285 (length 258).
 *
 * @example
 * ```ts
 * LENGTH_EXTRA[8]; // 1 (symbol 265: lengths 11–12)
 * LENGTH_EXTRA[28]; // 0 (symbol 285)
 * ```
 */
export const LENGTH_EXTRA: Uint8Array = Uint8Array.from(
  { length: 29 },
  (_, i) => (i < 8 || i === 28 ? 0 : (i - 4) >> 2),
);

/**
 * Base match length of length symbols 257…285: each base follows the previous
 * range (`base + 2^extra`), except symbol 285, which is exactly 258.
 *
 * @example
 * ```ts
 * LENGTH_BASE[0]; // 3 (symbol 257)
 * LENGTH_BASE[27]; // 227 (symbol 284: 227–257)
 * LENGTH_BASE[28]; // 258 (symbol 285)
 * ```
 */
export const LENGTH_BASE: Uint16Array = (() => {
  const base = new Uint16Array(29);
  base[0] = 3;
  for (let i = 1; i < 28; i++) base[i] = base[i - 1] + (1 << LENGTH_EXTRA[i - 1]);
  base[28] = 258;
  return base;
})();

/**
 * Extra bits after distance symbols 0…29: none for 0–3, then 1…13 bits for pairs.
 *
 * @example
 * ```ts
 * DIST_EXTRA[4]; // 1
 * DIST_EXTRA[29]; // 13
 * ```
 */
export const DIST_EXTRA: Uint8Array = Uint8Array.from({ length: 30 }, (_, i) => (i < 4 ? 0 : (i >> 1) - 1));

/**
 * Base distance of distance symbols 0…29 (each follows the previous range).
 *
 * @example
 * ```ts
 * DIST_BASE[4]; // 5
 * DIST_BASE[29]; // 24577 (24577–32768)
 * ```
 */
export const DIST_BASE: Uint16Array = (() => {
  const base = new Uint16Array(30);
  base[0] = 1;
  for (let i = 1; i < 30; i++) base[i] = base[i - 1] + (1 << DIST_EXTRA[i - 1]);
  return base;
})();

/**
 * The order in which a dynamic block header lists the code-length code's lengths.
 *
 * @example
 * ```ts
 * CODE_LENGTH_ORDER[0]; // 16
 * ```
 */
export const CODE_LENGTH_ORDER: Uint8Array = Uint8Array.of(
  16,
  17,
  18,
  0,
  8,
  7,
  9,
  6,
  10,
  5,
  11,
  4,
  12,
  3,
  13,
  2,
  14,
  1,
  15,
);

/**
 * Code lengths of the fixed literal/length code (RFC 1951 §3.2.6), symbols 0…287.
 *
 * @example
 * ```ts
 * FIXED_LITERAL_LENGTHS[0]; // 8
 * FIXED_LITERAL_LENGTHS[256]; // 7
 * ```
 */
export const FIXED_LITERAL_LENGTHS: Uint8Array = (() => {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  return l;
})();

/**
 * Code lengths of the fixed distance code: 5 bits for each of the 30 symbols (plus the two unused).
 *
 * @example
 * ```ts
 * FIXED_DISTANCE_LENGTHS.length; // 32
 * ```
 */
export const FIXED_DISTANCE_LENGTHS: Uint8Array = new Uint8Array(32).fill(5);
