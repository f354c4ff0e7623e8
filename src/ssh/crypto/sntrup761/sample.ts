/**
 * Random small and short polynomials for sntrup761, drawn exactly as the
 * specification's `Small_random` and `Short_random` do (so that a seeded
 * random source reproduces the submission's known-answer tests): each
 * coefficient consumes one random 32-bit word (`urandom32`).
 *
 * @module
 */
import { P, W } from "./params.ts";
import { sortUint32 } from "./sort.ts";

/**
 * Where the KEM's randomness comes from. The specification draws every
 * coefficient from its own `urandom32` and ρ from one `randombytes` call;
 * the two methods keep those requests apart so that a deterministic source
 * (NIST's CTR_DRBG in the known-answer tests, where each `urandom32` is a
 * separate 4-byte request) can reproduce the reference's byte stream, while
 * the system source fills a whole polynomial's words in one call.
 */
export interface RandomSource {
  /** `n` fresh random bytes. */
  bytes(n: number): Uint8Array;
  /** `n` fresh random 32-bit words (n × `urandom32`). */
  words(n: number): Uint32Array;
}

/**
 * The system CSPRNG (`crypto.getRandomValues`) as a {@link RandomSource}.
 *
 * @example
 * ```ts
 * const r = shortRandom(systemRandom);
 * ```
 */
export const systemRandom: RandomSource = {
  bytes: (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n)),
  words: (n: number): Uint32Array => crypto.getRandomValues(new Uint32Array(n)),
};

/**
 * `Short_fromlist`: a short polynomial (w coefficients ±1, the rest 0) from p
 * random 32-bit words. The first w words are made even (→ ±1 after sorting
 * by their low two bits), the others ≡ 1 mod 4 (→ 0); a data-independent
 * sort then scatters them.
 *
 * @example
 * ```ts
 * const r = shortFromList(words); // weight(r) === 286
 * ```
 */
export function shortFromList(words: Uint32Array): Int8Array {
  const list = new Uint32Array(P);
  for (let i = 0; i < W; i++) list[i] = words[i] & ~1;
  for (let i = W; i < P; i++) list[i] = (words[i] & ~3) | 1;
  sortUint32(list);
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = (list[i] & 3) - 1;
  list.fill(0);
  return out;
}

/**
 * `Short_random`: a uniformly random short polynomial.
 *
 * @example
 * ```ts
 * const r = shortRandom(systemRandom);
 * ```
 */
export function shortRandom(random: RandomSource): Int8Array {
  const words = random.words(P);
  const out = shortFromList(words);
  words.fill(0);
  return out;
}

/**
 * `Small_random`: a random small polynomial, each coefficient
 * ⌊(u mod 2^30)·3 / 2^30⌋ − 1 for a fresh 32-bit u.
 *
 * @example
 * ```ts
 * const g = smallRandom(systemRandom);
 * ```
 */
export function smallRandom(random: RandomSource): Int8Array {
  const words = random.words(P);
  const out = new Int8Array(P);
  for (let i = 0; i < P; i++) out[i] = Math.floor(((words[i] & 0x3fffffff) * 3) / 0x40000000) - 1;
  words.fill(0);
  return out;
}
