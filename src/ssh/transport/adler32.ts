/**
 * Adler-32 (RFC 1950 §8.2), the checksum ending a zlib stream.
 *
 * @module
 */

/**
 * Bytes summed before reducing mod 65521: 255·n·(n+1)/2 + (n+1)·65520 stays below 2^31 for n = 3800,
 * so the sums remain int32 (zlib's NMAX, 5552, targets 2^32).
 */
const NMAX = 3800;
const BASE = 65521;

/**
 * Continue an Adler-32 checksum over `data`. Start from 1 (the checksum of nothing).
 *
 * @example
 * ```ts
 * adler32(1, new TextEncoder().encode("Wikipedia")).toString(16); // "11e60398"
 * ```
 */
export function adler32(adler: number, data: Uint8Array): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  let i = 0;
  const n = data.length;
  while (i < n) {
    const stop = Math.min(n, i + NMAX);
    for (; i < stop; i++) {
      a += data[i];
      b += a;
    }
    a %= BASE;
    b %= BASE;
  }
  return ((b << 16) | a) >>> 0;
}
