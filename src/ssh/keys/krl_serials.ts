/**
 * A set of revoked certificate serial numbers (uint64): KRL serial lists and
 * ranges kept as sorted, disjoint, non-adjacent ranges searched in O(log n),
 * and KRL serial bitmaps kept as they are (bit N = offset + N), so a large
 * bitmap costs nothing to load.
 *
 * @example
 * ```ts
 * const s = new SerialRanges([[5n, 5n], [10n, 20n], [21n, 30n]], [{ offset: 100n, bitmap: new Uint8Array([5]) }]);
 * s.has(25n) && s.has(102n); // true
 * s.ranges; // [[5n, 5n], [10n, 30n], [100n, 100n], [102n, 102n]]
 * ```
 * @module
 */

/** A KRL serial bitmap: bit N (counting from the least significant bit of the last byte) is serial offset + N. */
export interface SerialBitmap {
  readonly offset: bigint;
  /** Big-endian bits, no leading zero bytes. */
  readonly bitmap: Uint8Array;
}

/**
 * Revoked serial numbers as merged inclusive ranges.
 *
 * @example
 * ```ts
 * new SerialRanges([[1n, 3n], [2n, 9n]]).has(9n); // true
 * ```
 */
export class SerialRanges {
  private readonly los: BigUint64Array;
  private readonly his: BigUint64Array;
  private readonly bitmaps: readonly SerialBitmap[];

  /** Merge any inclusive ranges (each `lo <= hi`, in any order, overlapping or not); keep the bitmaps. */
  constructor(ranges: Iterable<readonly [bigint, bigint]>, bitmaps: readonly SerialBitmap[] = []) {
    this.bitmaps = bitmaps.filter((b) => b.bitmap.length > 0);
    let inLo: BigUint64Array = new BigUint64Array(16);
    let inHi: BigUint64Array = new BigUint64Array(16);
    let n = 0;
    let sorted = true;
    for (const [lo, hi] of ranges) {
      if (n === inLo.length) {
        inLo = grow(inLo);
        inHi = grow(inHi);
      }
      if (n > 0 && lo < inLo[n - 1]) sorted = false;
      inLo[n] = lo;
      inHi[n++] = hi;
    }
    const order = sorted
      ? undefined
      : Array.from({ length: n }, (_, i) => i).sort((a, b) => inLo[a] < inLo[b] ? -1 : inLo[a] > inLo[b] ? 1 : 0);
    const los = new BigUint64Array(n);
    const his = new BigUint64Array(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const lo = inLo[i];
      const hi = inHi[i];
      if (m > 0 && lo <= his[m - 1] + 1n) {
        if (hi > his[m - 1]) his[m - 1] = hi;
      } else {
        los[m] = lo;
        his[m++] = hi;
      }
    }
    this.los = los.slice(0, m);
    this.his = his.slice(0, m);
  }

  /** Every revoked serial as sorted, merged inclusive `[lo, hi]` ranges, bitmaps expanded (for tests and dumps). */
  get ranges(): [bigint, bigint][] {
    const all: [bigint, bigint][] = Array.from(this.los, (lo, i) => [lo, this.his[i]]);
    for (const { offset, bitmap } of this.bitmaps) {
      for (let bit = 0; bit < bitmap.length * 8; bit++) {
        if (testBit(bitmap, bit)) all.push([offset + BigInt(bit), offset + BigInt(bit)]);
      }
    }
    return new SerialRanges(all).rangeList();
  }

  /** True if `serial` is revoked by a range or a bitmap. */
  has(serial: bigint): boolean {
    if (this.inRanges(serial)) return true;
    for (const { offset, bitmap } of this.bitmaps) {
      if (serial < offset) continue;
      const n = serial - offset;
      if (n < BigInt(bitmap.length * 8) && testBit(bitmap, Number(n))) return true;
    }
    return false;
  }

  private rangeList(): [bigint, bigint][] {
    return Array.from(this.los, (lo, i) => [lo, this.his[i]]);
  }

  private inRanges(serial: bigint): boolean {
    let lo = 0;
    let hi = this.los.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (serial < this.los[mid]) hi = mid - 1;
      else if (serial > this.his[mid]) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

function testBit(bitmap: Uint8Array, bit: number): boolean {
  return (bitmap[bitmap.length - 1 - (bit >> 3)] & (1 << (bit & 7))) !== 0;
}

function grow(a: BigUint64Array): BigUint64Array {
  const b = new BigUint64Array(a.length * 2);
  b.set(a);
  return b;
}
