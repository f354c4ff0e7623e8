/**
 * The three NIST curves of RFC 5656: SSH names, field sizes, hashes, and a
 * public-point check (SEC 1 §3.2.2.1: coordinates in range and on the curve;
 * the cofactor is 1, so that is the whole check).
 *
 * @example
 * ```ts
 * const c = curveByKeyType("ecdsa-sha2-nistp256");
 * c?.hash; // "sha256"
 * isValidPublicPoint(c!, q); // false for a point off the curve
 * ```
 * @module
 */

import type { HashName, NistCurve } from "../crypto/provider.ts";

/** One NIST curve as SSH names and uses it. */
export interface EcCurve {
  /** SSH key type / signature algorithm, e.g. `ecdsa-sha2-nistp256`. */
  readonly keyType: EcdsaKeyType;
  /** The curve identifier inside the key blob, e.g. `nistp256`. */
  readonly sshName: string;
  /** The provider's curve name. */
  readonly curve: NistCurve;
  /** Hash used for signatures (RFC 5656 §6.2.1). */
  readonly hash: HashName;
  /** Bytes per field element. */
  readonly fieldBytes: number;
  /** Bits, as `ssh-keygen -l` prints them. */
  readonly bits: number;
  /** Field prime. */
  readonly p: bigint;
  /** Curve coefficient b (a = −3 on all three). */
  readonly b: bigint;
}

/** ECDSA key types (= signature algorithm names). */
export type EcdsaKeyType = "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521";

const P256: EcCurve = {
  keyType: "ecdsa-sha2-nistp256",
  sshName: "nistp256",
  curve: "P-256",
  hash: "sha256",
  fieldBytes: 32,
  bits: 256,
  p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
};

const P384: EcCurve = {
  keyType: "ecdsa-sha2-nistp384",
  sshName: "nistp384",
  curve: "P-384",
  hash: "sha384",
  fieldBytes: 48,
  bits: 384,
  p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
};

const P521: EcCurve = {
  keyType: "ecdsa-sha2-nistp521",
  sshName: "nistp521",
  curve: "P-521",
  hash: "sha512",
  fieldBytes: 66,
  bits: 521,
  p: 2n ** 521n - 1n,
  b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
};

/**
 * All supported curves, strongest last.
 *
 * @example
 * ```ts
 * EC_CURVES.map((c) => c.sshName); // ["nistp256", "nistp384", "nistp521"]
 * ```
 */
export const EC_CURVES: readonly EcCurve[] = [P256, P384, P521];

/**
 * The curve for an ECDSA key type, or `undefined`.
 *
 * @example
 * ```ts
 * curveByKeyType("ecdsa-sha2-nistp384")?.fieldBytes; // 48
 * curveByKeyType("ssh-rsa"); // undefined
 * ```
 */
export function curveByKeyType(keyType: string): EcCurve | undefined {
  return EC_CURVES.find((c) => c.keyType === keyType);
}

/**
 * Big-endian unsigned bytes to a bigint.
 *
 * @example
 * ```ts
 * bytesToBigInt(new Uint8Array([1, 0])); // 256n
 * ```
 */
export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * True if `q` is an uncompressed point (`04 ‖ X ‖ Y`) of the right length,
 * with both coordinates below p, that satisfies y² = x³ − 3x + b (mod p).
 *
 * @example
 * ```ts
 * isValidPublicPoint(curveByKeyType("ecdsa-sha2-nistp256")!, new Uint8Array(65)); // false
 * ```
 */
export function isValidPublicPoint(curve: EcCurve, q: Uint8Array): boolean {
  const n = curve.fieldBytes;
  if (q.length !== 1 + 2 * n || q[0] !== 0x04) return false;
  const x = bytesToBigInt(q.subarray(1, 1 + n));
  const y = bytesToBigInt(q.subarray(1 + n));
  const p = curve.p;
  if (x >= p || y >= p) return false;
  const rhs = (((x * x % p) * x - 3n * x + curve.b) % p + p) % p;
  return (y * y) % p === rhs;
}
