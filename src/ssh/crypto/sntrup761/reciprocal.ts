/**
 * Reciprocals in R/3 and R/q (key generation only) by constant-time
 * "divsteps", the polynomial gcd of Bernstein and Yang ("Fast constant-time
 * gcd computation and modular inversion", 2019), which is how the NTRU Prime
 * submission computes them.
 *
 * Derivation used here. Let F = x^p − x − 1 and G the input (degree < p).
 * Work with the reversals f = x^p·F(1/x) and g = x^(p−1)·G(1/x), so that
 * f(0) = 1. Each of 2p − 1 steps does
 *
 *     if δ > 0 and g(0) ≠ 0: (δ, f, g) ← (−δ, g, f)
 *     (δ, g) ← (δ + 1, (f(0)·g − g(0)·f)/x)
 *
 * while keeping x^n·f_n = a·f + b·g and x^n·g_n = c·f + d·g (n = steps
 * done). Only b and d are needed: a swap exchanges them, then
 * d ← f(0)·d − g(0)·b and b ← x·b. When gcd(F, G) = 1, f_n ends as a nonzero
 * constant c0, and substituting x → 1/x in the first identity gives
 * c0 = (…)·F + x^p·b(1/x)·G, so 1/G = x^p·b(1/x)/c0 in Z[x]/(F) reduced mod
 * the modulus. b always has a zero constant term, and b and d never exceed
 * degree p (the submission's reference keeps p + 1 coefficients for the same
 * reason; the unit tests multiply every reciprocal back), so x^p·b(1/x) is
 * an ordinary polynomial of degree < p.
 *
 * Every step runs the same operations whatever the values: swaps are masked,
 * δ's sign is read arithmetically. Invertibility is decided by multiplying
 * the candidate back (mod 3, where non-invertible g exist); that check only
 * reveals whether a freshly drawn, then discarded, g was invertible.
 *
 * @module
 */
import { P, Q } from "./params.ts";
import { freeze3, freezeQ, multiplySmall } from "./poly.ts";

/** Coefficients tracked for b and d: indices 0..p. Neither exceeds degree p during the 2p − 1 steps. */
const TRACK = P + 1;

/** Runs the divsteps for G mod (F, m); returns x^p·b(1/x) (unscaled) and the final constant f_n(0). */
function divsteps(input: ArrayLike<number>, m: number): { v: Int32Array; c0: number } {
  // Centered reduction mod m (3 or q), inlined as multiply-and-round like freezeQ/freeze3.
  const inv = 1 / m;
  const freeze = (x: number): number => x - m * Math.round(x * inv);
  const f = new Int32Array(P + 1);
  const g = new Int32Array(P + 1);
  f[0] = 1;
  f[P - 1] = freeze(-1);
  f[P] = freeze(-1);
  for (let i = 0; i < P; i++) g[P - 1 - i] = freeze(input[i]);
  const b = new Int32Array(TRACK);
  const d = new Int32Array(TRACK);
  d[0] = 1;
  let delta = 1;
  for (let step = 0; step < 2 * P - 1; step++) {
    // swap = −1 when δ > 0 and g(0) ≠ 0, else 0 (no branch on either).
    const positive = (-delta) >> 31; // −1 iff δ > 0 (|δ| ≤ 2p)
    const nonzero = (-(g[0] * g[0])) >> 31; // −1 iff g(0) ≠ 0
    const swap = positive & nonzero;
    for (let i = 0; i <= P; i++) {
      const t = (f[i] ^ g[i]) & swap;
      f[i] ^= t;
      g[i] ^= t;
    }
    for (let i = 0; i < TRACK; i++) {
      const t = (b[i] ^ d[i]) & swap;
      b[i] ^= t;
      d[i] ^= t;
    }
    delta = (delta ^ ((delta ^ -delta) & swap)) + 1;
    const f0 = f[0];
    const g0 = g[0];
    for (let i = 0; i < P; i++) g[i] = freeze(f0 * g[i + 1] - g0 * f[i + 1]);
    g[P] = 0;
    for (let i = 0; i < TRACK; i++) d[i] = freeze(f0 * d[i] - g0 * b[i]);
    for (let i = TRACK - 1; i > 0; i--) b[i] = b[i - 1];
    b[0] = 0;
  }
  // 1/G ∝ x^p·b(1/x): coefficient i is b[p − i].
  const v = new Int32Array(P);
  for (let i = 0; i < P; i++) v[i] = b[P - i];
  return { v, c0: f[0] };
}

/**
 * The reciprocal of a small polynomial in R/3, or `undefined` when it has
 * none.
 *
 * @example
 * ```ts
 * const ginv = r3Reciprocal(g); // r3Multiply(g, ginv) is 1
 * ```
 */
export function r3Reciprocal(g: Int8Array): Int8Array | undefined {
  const { v, c0 } = divsteps(g, 3);
  const out = new Int8Array(P);
  // c0 is ±1 when invertible, its own inverse mod 3.
  for (let i = 0; i < P; i++) out[i] = freeze3(v[i] * c0);
  const check = multiplySmall(out, g);
  let bad = freeze3(check[0]) ^ 1;
  for (let i = 1; i < P; i++) bad |= freeze3(check[i]);
  return bad === 0 ? out : undefined;
}

/** c^(q−2) mod q: the inverse of a nonzero c, by a fixed square-and-multiply chain. */
function inverseModQ(c: number): number {
  let result = 1;
  let base = freezeQ(c);
  for (let e = Q - 2; e > 0; e >>= 1) {
    const bit = -(e & 1); // the exponent is public
    const product = freezeQ(result * base);
    result = result ^ ((result ^ product) & bit);
    base = freezeQ(base * base);
  }
  return result;
}

/**
 * The reciprocal of 3·f in R/q for a small nonzero `f` (always exists: R/q is
 * a field), as key generation needs it for h = g/(3f).
 *
 * @example
 * ```ts
 * const finv3 = rqReciprocal3(f);
 * const h = rqMultiplySmall(finv3, g);
 * ```
 */
export function rqReciprocal3(f: Int8Array): Int16Array {
  const tripled = new Int32Array(P);
  for (let i = 0; i < P; i++) tripled[i] = 3 * f[i];
  const { v, c0 } = divsteps(tripled, Q);
  const scale = inverseModQ(c0);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = freezeQ(v[i] * scale);
  return out;
}
