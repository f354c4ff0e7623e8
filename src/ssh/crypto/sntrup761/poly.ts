/**
 * Arithmetic in R/q and R/3, R = Z[x]/(x^p − x − 1), for sntrup761.
 *
 * Representation: a polynomial is a typed array of its p coefficients, lowest
 * degree first. Elements of R/q are `Int16Array`s with centered coefficients
 * in [−(q−1)/2, (q−1)/2]; small polynomials (and elements of R/3) are
 * `Int8Array`s with coefficients in {−1, 0, 1}.
 *
 * Constant time: every multiplication here has one small operand, which is
 * the secret in Encap (r) and Decap (f, 1/g). The loops run a fixed number of
 * times, index only by loop counters, and never branch on coefficient values;
 * reductions use multiply-and-round instead of `%` or division. JavaScript
 * gives no guarantee about what the JIT emits, so this is best effort: it
 * avoids the source-level leaks (secret branches and secret indices), not
 * micro-architectural ones the engine might add.
 *
 * @module
 */
import { P, Q, Q12 } from "./params.ts";

const INV_Q = 1 / Q;

/**
 * Reduce an integer (|x| < 2^31) mod q to the centered range [−(q−1)/2, (q−1)/2].
 *
 * @example
 * ```ts
 * freezeQ(4591 + 5); // 5
 * freezeQ(2296); // -2295
 * ```
 */
export function freezeQ(x: number): number {
  // x/q is never exactly k + 1/2 (q is odd), and the float error (< 1e-9 for
  // |x| < 2^31) is far below the 1/(2q) gap to a half-integer.
  return x - Q * Math.round(x * INV_Q);
}

/**
 * Reduce an integer (|x| < 2^31) mod 3 to {−1, 0, 1}.
 *
 * @example
 * ```ts
 * freeze3(5); // -1
 * freeze3(-4); // -1
 * ```
 */
export function freeze3(x: number): number {
  return x - 3 * Math.round(x * (1 / 3));
}

/** Split point of the two-lane multiplication: a[0..HALF) and a[HALF..p) share one float64. */
const HALF = (P + 1) >> 1;
const LANE = 2 ** 26;
const INV_LANE = 2 ** -26;

/**
 * The product a·s in Z[x]/(x^p − x − 1), unreduced coefficients. `a` has
 * |coefficients| ≤ (q−1)/2 and `s` is small, so every result is below
 * 3·p·(q−1)/2 < 2^23 in absolute value.
 *
 * Schoolbook, two coefficients per multiply-add: the low half of `a` and the
 * high half ride in one float64 as lo + 2^26·hi. Each lane's sums stay below
 * HALF·(q−1)/2 < 2^20 in absolute value and the packed sums below 2^47, so
 * every float64 operation is exact and the lanes separate by rounding.
 *
 * @example
 * ```ts
 * const prod = multiplySmall(h, r); // then reduce each coefficient mod q
 * ```
 */
export function multiplySmall(a: Int16Array | Int8Array, s: Int8Array): Int32Array {
  const packed = new Float64Array(HALF);
  for (let j = 0; j < HALF; j++) packed[j] = a[j] + LANE * (j + HALF < P ? a[j + HALF] : 0);
  const lanes = new Float64Array(P + HALF - 1);
  for (let i = 0; i < P; i++) {
    const si = s[i];
    for (let j = 0; j < HALF; j++) lanes[i + j] += packed[j] * si;
  }
  const full = new Int32Array(2 * P);
  for (let k = 0; k < P + HALF - 1; k++) {
    const x = lanes[k];
    const hi = Math.round(x * INV_LANE);
    full[k] += x - hi * LANE;
    full[k + HALF] += hi;
  }
  // x^k = x^(k−p)·(x + 1) for p ≤ k ≤ 2p − 2; both targets stay below p.
  for (let k = 2 * P - 2; k >= P; k--) {
    full[k - P] += full[k];
    full[k - P + 1] += full[k];
  }
  return full.subarray(0, P);
}

/**
 * The product a·s in R/q for a small `s`.
 *
 * @example
 * ```ts
 * const c = rqMultiplySmall(h, r); // h·r
 * ```
 */
export function rqMultiplySmall(a: Int16Array, s: Int8Array): Int16Array {
  const prod = multiplySmall(a, s);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = freezeQ(prod[i]);
  return out;
}

/**
 * The product a·b in R/3.
 *
 * @example
 * ```ts
 * const r = r3Multiply(e, ginv);
 * ```
 */
export function r3Multiply(a: Int8Array, b: Int8Array): Int8Array {
  const prod = multiplySmall(a, b);
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = freeze3(prod[i]);
  return out;
}

/**
 * 3·a in R/q.
 *
 * @example
 * ```ts
 * const a3 = rqMultiply3(a);
 * ```
 */
export function rqMultiply3(a: Int16Array): Int16Array {
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = freezeQ(3 * a[i]);
  return out;
}

/**
 * The reduction mod 3 of the centered lift of each coefficient of `a` (the
 * spec's `R3_fromR(R_fromRq(a))`).
 *
 * @example
 * ```ts
 * const e = rqToR3(rqMultiply3(rqMultiplySmall(c, f)));
 * ```
 */
export function rqToR3(a: Int16Array): Int8Array {
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = freeze3(a[i]);
  return out;
}

/**
 * `Round`: each coefficient (centered, in [−(q−1)/2, (q−1)/2]) to the nearest
 * multiple of 3. The result stays in the centered range because (q−1)/2 is a
 * multiple of 3.
 *
 * @example
 * ```ts
 * round3(Int16Array.of(1, 2, -2, 2295)); // Int16Array [0, 3, -3, 2295]
 * ```
 */
export function round3(a: Int16Array): Int16Array {
  const out = new Int16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - freeze3(a[i]);
  return out;
}

/**
 * The number of nonzero coefficients of a small polynomial, computed without
 * branches (for a coefficient in {−1, 0, 1}, `c & 1` is 1 exactly when c ≠ 0).
 *
 * @example
 * ```ts
 * weight(r) === 286;
 * ```
 */
export function weight(s: Int8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += s[i] & 1;
  return n;
}

/**
 * True when `a` is a valid centered element of R/q (used by tests).
 *
 * @example
 * ```ts
 * isCenteredRq(h); // true
 * ```
 */
export function isCenteredRq(a: Int16Array): boolean {
  if (a.length !== P) return false;
  for (let i = 0; i < P; i++) if (a[i] < -Q12 || a[i] > Q12) return false;
  return true;
}
