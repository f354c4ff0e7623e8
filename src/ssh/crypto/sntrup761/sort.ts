/**
 * A data-independent sort of 32-bit unsigned integers, as `Short_fromlist`
 * needs: the positions of a short polynomial's nonzero coefficients come
 * from sorting secret random words, so the sequence of memory accesses must
 * not depend on them.
 *
 * The network is Batcher's merge exchange (Knuth, TAOCP vol. 3, §5.2.2,
 * Algorithm M), which works for any n. Each comparator is a branch-free
 * min/max on signed 32-bit integers; flipping the top bit first maps the
 * unsigned order onto the signed one.
 *
 * @module
 */

/**
 * Sort unsigned 32-bit values ascending, in place, with a fixed sequence of
 * compare-exchange operations.
 *
 * @example
 * ```ts
 * const a = Uint32Array.of(3, 0xffffffff, 1);
 * sortUint32(a); // a is now [1, 3, 0xffffffff]
 * ```
 */
export function sortUint32(values: Uint32Array): void {
  const n = values.length;
  if (n < 2) return;
  const x = new Int32Array(n);
  for (let i = 0; i < n; i++) x[i] = values[i] ^ 0x80000000;
  let top = 1;
  while (top < n) top <<= 1;
  top >>= 1; // 2^(t−1), t = ⌈log2 n⌉
  for (let p = top; p > 0; p >>= 1) {
    let q = top;
    let r = 0;
    let d = p;
    for (;;) {
      for (let i = 0; i < n - d; i++) {
        if ((i & p) === r) compareExchange(x, i, i + d); // i, p, r are public loop state
      }
      if (q === p) break;
      d = q - p;
      q >>= 1;
      r = p;
    }
  }
  for (let i = 0; i < n; i++) values[i] = (x[i] ^ 0x80000000) >>> 0;
  x.fill(0);
}

/** Put min(x[i], x[j]) at i and the max at j, without branching on the values. */
function compareExchange(x: Int32Array, i: number, j: number): void {
  const a = x[i];
  const b = x[j];
  const ab = a ^ b;
  // Sign of b − a, corrected where the subtraction overflowed (a and b of
  // opposite signs: then b < a exactly when b is negative).
  let c = (b - a) | 0;
  c ^= ab & (c ^ b);
  const lt = c >> 31; // −1 iff b < a
  const t = ab & lt;
  x[i] = a ^ t;
  x[j] = b ^ t;
}
