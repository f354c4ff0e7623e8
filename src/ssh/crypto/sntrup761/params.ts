/**
 * The sntrup761 parameter set of Streamlined NTRU Prime ("NTRU Prime: round 3",
 * §3) and the byte sizes of its encodings.
 *
 * The ring is R = Z[x]/(x^p − x − 1); R/q is a field because x^p − x − 1 is
 * irreducible mod q. A "small" polynomial has coefficients in {−1, 0, 1}; a
 * "short" one is small with exactly w nonzero coefficients.
 *
 * @module
 */

/**
 * The degree p of x^p − x − 1.
 *
 * @example
 * ```ts
 * P; // 761
 * ```
 */
export const P = 761;

/**
 * The modulus q of R/q.
 *
 * @example
 * ```ts
 * Q; // 4591
 * ```
 */
export const Q = 4591;

/**
 * The weight w of short polynomials.
 *
 * @example
 * ```ts
 * W; // 286
 * ```
 */
export const W = 286;

/**
 * (q − 1)/2: elements of R/q are represented by coefficients in [−Q12, Q12].
 *
 * @example
 * ```ts
 * Q12; // 2295
 * ```
 */
export const Q12 = (Q - 1) / 2;

/**
 * Bytes of a small polynomial packed four coefficients a byte (`Small_encode`), ⌈p/4⌉.
 *
 * @example
 * ```ts
 * SMALL_BYTES; // 191
 * ```
 */
export const SMALL_BYTES = (P + 3) >> 2;

/**
 * Bytes of `Rq_encode` (the public key).
 *
 * @example
 * ```ts
 * RQ_BYTES; // 1158
 * ```
 */
export const RQ_BYTES = 1158;

/**
 * Bytes of `Rounded_encode` (the ciphertext without its confirmation hash).
 *
 * @example
 * ```ts
 * ROUNDED_BYTES; // 1007
 * ```
 */
export const ROUNDED_BYTES = 1007;

/**
 * Bytes of each hash output used by the KEM (confirmation, session key, cache).
 *
 * @example
 * ```ts
 * HASH_BYTES; // 32
 * ```
 */
export const HASH_BYTES = 32;

/**
 * Public key bytes.
 *
 * @example
 * ```ts
 * PUBLIC_KEY_BYTES; // 1158
 * ```
 */
export const PUBLIC_KEY_BYTES = RQ_BYTES;

/**
 * Ciphertext bytes: the rounded encoding followed by the confirmation hash.
 *
 * @example
 * ```ts
 * CIPHERTEXT_BYTES; // 1039
 * ```
 */
export const CIPHERTEXT_BYTES = ROUNDED_BYTES + HASH_BYTES;

/**
 * Secret key bytes: f, 1/g (both small-encoded), the public key, ρ (the
 * implicit-rejection input) and the cached hash of the public key.
 *
 * @example
 * ```ts
 * SECRET_KEY_BYTES; // 1763
 * ```
 */
export const SECRET_KEY_BYTES = 2 * SMALL_BYTES + PUBLIC_KEY_BYTES + SMALL_BYTES + HASH_BYTES;

/**
 * Session key bytes.
 *
 * @example
 * ```ts
 * SHARED_SECRET_BYTES; // 32
 * ```
 */
export const SHARED_SECRET_BYTES = HASH_BYTES;
