/**
 * The byte encodings of sntrup761 ("NTRU Prime: round 3", §3.4 and its Sage
 * reference): the variable-radix `Encode`/`Decode` pair, and on top of it
 * `Rq_encode` (public keys), `Rounded_encode` (ciphertexts) and the fixed
 * 2-bit `Small_encode` (secret keys and the hashed input r).
 *
 * `Encode(R, M)` writes integers 0 ≤ R[i] < M[i]: it merges neighbours into
 * one integer R[i] + M[i]·R[i+1] below M[i]·M[i+1], emits its low bytes while
 * the bound is at least 2^14 (rounding the bound up as each byte leaves),
 * and recurses on the half-length list; a single remaining value is written
 * in full little-endian bytes. `Decode` retraces the same bounds, so it needs
 * only M. Values are public here (keys and ciphertexts), so this code is not
 * constant time; `Small_encode` is, because it also encodes the secret r.
 *
 * @module
 */
import { P, Q, Q12, ROUNDED_BYTES, RQ_BYTES, SMALL_BYTES } from "./params.ts";

const LIMIT = 16384;

/**
 * `Encode(R, M)`: integers 0 ≤ R[i] < M[i] (all M[i] ≤ 2^14) to bytes.
 *
 * @example
 * ```ts
 * encode([1, 2], [3, 4]); // Uint8Array [7]  (1 + 3·2 = 7 < 12 written in one byte)
 * ```
 */
export function encode(values: ArrayLike<number>, moduli: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(encodedLength(moduli));
  const end = encodeInto(out, 0, Int32Array.from(values), Int32Array.from(moduli));
  return end === out.length ? out : out.subarray(0, end);
}

/**
 * An upper bound on the bytes `encode` writes: a merged pair is below 2^28 and
 * leaves at most two bytes before its bound drops under 2^14, so each level
 * writes at most one byte per element and the levels halve (≤ 2n), plus at
 * most two bytes for the last value.
 */
function encodedLength(moduli: ArrayLike<number>): number {
  return 2 * moduli.length + 2;
}

function encodeInto(out: Uint8Array, at: number, values: Int32Array, moduli: Int32Array): number {
  const n = moduli.length;
  if (n === 0) return at;
  if (n === 1) {
    let r = values[0];
    let m = moduli[0];
    while (m > 1) {
      out[at++] = r & 255;
      r >>>= 8;
      m = (m + 255) >>> 8;
    }
    return at;
  }
  const half = (n + 1) >> 1;
  const r2 = new Int32Array(half);
  const m2 = new Int32Array(half);
  for (let i = 0; i + 1 < n; i += 2) {
    let m = moduli[i] * moduli[i + 1];
    let r = values[i] + moduli[i] * values[i + 1];
    while (m >= LIMIT) {
      out[at++] = r & 255;
      r >>>= 8;
      m = (m + 255) >>> 8;
    }
    r2[i >> 1] = r;
    m2[i >> 1] = m;
  }
  if (n & 1) {
    r2[half - 1] = values[n - 1];
    m2[half - 1] = moduli[n - 1];
  }
  return encodeInto(out, at, r2, m2);
}

/**
 * `Decode(S, M)`: the inverse of {@link encode}. Every output is reduced into
 * [0, M[i]), so arbitrary bytes decode to some valid list.
 *
 * @example
 * ```ts
 * decode(Uint8Array.of(7), [3, 4]); // Int32Array [1, 2]
 * ```
 */
export function decode(bytes: Uint8Array, moduli: ArrayLike<number>): Int32Array {
  return decodeFrom(bytes, 0, Int32Array.from(moduli));
}

function decodeFrom(bytes: Uint8Array, start: number, moduli: Int32Array): Int32Array {
  const n = moduli.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  if (n === 1) {
    let r = 0;
    let t = 1;
    for (let k = start; k < bytes.length; k++) {
      r += bytes[k] * t;
      t *= 256;
    }
    out[0] = r % moduli[0];
    return out;
  }
  const half = (n + 1) >> 1;
  const bottomR = new Int32Array(half);
  const bottomT = new Int32Array(half);
  const m2 = new Int32Array(half);
  let k = start;
  for (let i = 0; i + 1 < n; i += 2) {
    let m = moduli[i] * moduli[i + 1];
    let r = 0;
    let t = 1;
    while (m >= LIMIT) {
      r += (k < bytes.length ? bytes[k] : 0) * t;
      k++;
      t *= 256;
      m = (m + 255) >>> 8;
    }
    bottomR[i >> 1] = r;
    bottomT[i >> 1] = t;
    m2[i >> 1] = m;
  }
  if (n & 1) m2[half - 1] = moduli[n - 1];
  const top = decodeFrom(bytes, k, m2);
  for (let i = 0; i + 1 < n; i += 2) {
    const r = bottomR[i >> 1] + bottomT[i >> 1] * top[i >> 1];
    const quotient = Math.floor(r / moduli[i]);
    out[i] = r - quotient * moduli[i];
    out[i + 1] = quotient % moduli[i + 1];
  }
  if (n & 1) out[n - 1] = top[half - 1];
  return out;
}

const RQ_MODULI = new Int32Array(P).fill(Q);
const ROUNDED_MODULUS = (Q - 1) / 3 + 1; // 1531 multiples of 3 in [−Q12, Q12]
const ROUNDED_MODULI = new Int32Array(P).fill(ROUNDED_MODULUS);

/**
 * `Rq_encode`: an element of R/q (centered coefficients) to 1158 bytes.
 *
 * @example
 * ```ts
 * const pk = rqEncode(h); // pk.length === 1158
 * ```
 */
export function rqEncode(a: Int16Array): Uint8Array {
  const values = new Int32Array(P);
  for (let i = 0; i < P; i++) values[i] = a[i] + Q12;
  return encode(values, RQ_MODULI);
}

/**
 * `Rq_decode`: 1158 bytes to an element of R/q.
 *
 * @example
 * ```ts
 * const h = rqDecode(pk);
 * ```
 */
export function rqDecode(bytes: Uint8Array): Int16Array {
  if (bytes.length !== RQ_BYTES) throw new RangeError(`Rq encoding must be ${RQ_BYTES} bytes, got ${bytes.length}`);
  const values = decode(bytes, RQ_MODULI);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = values[i] - Q12;
  return out;
}

/**
 * `Rounded_encode`: a rounded element of R/q (every coefficient a multiple of
 * 3 in [−Q12, Q12]) to 1007 bytes.
 *
 * @example
 * ```ts
 * const c = roundedEncode(round3(rqMultiplySmall(h, r))); // c.length === 1007
 * ```
 */
export function roundedEncode(a: Int16Array): Uint8Array {
  // (c + Q12)/3 exactly, as an integer multiply-shift: 10923/2^15 ≈ 1/3 is exact for 0 ≤ c + Q12 ≤ 4590 divisible by 3.
  const values = new Int32Array(P);
  for (let i = 0; i < P; i++) values[i] = ((a[i] + Q12) * 10923) >> 15;
  return encode(values, ROUNDED_MODULI);
}

/**
 * `Rounded_decode`: 1007 bytes to a rounded element of R/q.
 *
 * @example
 * ```ts
 * const c = roundedDecode(ciphertext.subarray(0, 1007));
 * ```
 */
export function roundedDecode(bytes: Uint8Array): Int16Array {
  if (bytes.length !== ROUNDED_BYTES) {
    throw new RangeError(`rounded encoding must be ${ROUNDED_BYTES} bytes, got ${bytes.length}`);
  }
  const values = decode(bytes, ROUNDED_MODULI);
  const out = new Int16Array(P);
  for (let i = 0; i < P; i++) out[i] = 3 * values[i] - Q12;
  return out;
}

/**
 * `Small_encode`: a small polynomial, coefficient + 1 in two bits, four per
 * byte, lowest first (191 bytes; the last byte holds one coefficient).
 *
 * @example
 * ```ts
 * smallEncode(f).length; // 191
 * ```
 */
export function smallEncode(s: Int8Array): Uint8Array {
  const out = new Uint8Array(SMALL_BYTES);
  for (let i = 0; i < P; i++) out[i >> 2] |= (s[i] + 1) << (2 * (i & 3));
  return out;
}

/**
 * `Small_decode`: 191 bytes to a small polynomial. A 2-bit field of 3 (never
 * produced by {@link smallEncode}) decodes to 2, as in the specification.
 *
 * @example
 * ```ts
 * const f = smallDecode(secretKey.subarray(0, 191));
 * ```
 */
export function smallDecode(bytes: Uint8Array): Int8Array {
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = ((bytes[i >> 2] >> (2 * (i & 3))) & 3) - 1;
  return out;
}
