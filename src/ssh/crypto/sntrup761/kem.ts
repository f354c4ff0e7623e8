/**
 * The sntrup761 key encapsulation mechanism (Streamlined NTRU Prime,
 * "NTRU Prime: round 3" §3–4 and the Sage reference of the submission;
 * draft-josefsson-ntruprime-streamlined describes the same algorithm).
 *
 * - KeyGen: small g invertible in R/3, short f; h = g/(3f) in R/q.
 *   pk = Rq_encode(h); sk = Small_encode(f) ‖ Small_encode(1/g in R/3) ‖ pk ‖ ρ ‖ Hash4(pk).
 * - Hide(r): c = Rounded_encode(Round(h·r)) ‖ Hash2(Hash3(Small_encode(r)) ‖ Hash4(pk)).
 * - Encap: random short r; ciphertext = Hide(r); key = Hash1(Hash3(Small_encode(r)) ‖ ciphertext).
 * - Decap: e = 3·f·c (centered, mod 3); r' = e·(1/g) in R/3, replaced by a fixed
 *   short vector when its weight is not w; re-run Hide(r'); if it reproduces
 *   the ciphertext the key is Hash1(Hash3(Small_encode(r')) ‖ ciphertext), otherwise
 *   Hash0(Hash3(ρ) ‖ ciphertext) (implicit rejection). Both the comparison and the
 *   choice are branch-free.
 *
 * Hash_b(s) is the first 32 bytes of SHA-512(b ‖ s) for a one-byte prefix b.
 * SHA-512 is passed in (the engine's crypto provider), and so is randomness,
 * so that tests can drive the functions with NIST's DRBG.
 *
 * @module
 */
import {
  CIPHERTEXT_BYTES,
  HASH_BYTES,
  P,
  PUBLIC_KEY_BYTES,
  ROUNDED_BYTES,
  SECRET_KEY_BYTES,
  SMALL_BYTES,
  W,
} from "./params.ts";
import { r3Multiply, round3, rqMultiply3, rqMultiplySmall, rqToR3, weight } from "./poly.ts";
import { r3Reciprocal, rqReciprocal3 } from "./reciprocal.ts";
import { roundedDecode, roundedEncode, rqDecode, rqEncode, smallDecode, smallEncode } from "./encode.ts";
import { type RandomSource, shortRandom, smallRandom, systemRandom } from "./sample.ts";

/** KeyGen gives up after this many non-invertible g (each happens with probability far below 1/2). */
const MAX_G_DRAWS = 100;

/** SHA-512 of a byte string (64 bytes out). */
export type Sha512 = (data: Uint8Array) => Uint8Array;

/** A key, ciphertext or secret key of the wrong length was passed in. */
export class Sntrup761LengthError extends Error {
  constructor(what: string, expected: number, actual: number) {
    super(`sntrup761 ${what} must be ${expected} bytes, got ${actual}`);
    this.name = "Sntrup761LengthError";
  }
}

/** Key generation could not find an invertible g (only with a broken random source). */
export class Sntrup761KeyGenError extends Error {
  constructor(message: string) {
    super(`sntrup761 key generation: ${message}`);
    this.name = "Sntrup761KeyGenError";
  }
}

/** A freshly generated key pair. */
export interface Sntrup761KeyPair {
  /** 1158 bytes. */
  publicKey: Uint8Array;
  /** 1763 bytes. */
  secretKey: Uint8Array;
}

/** The result of encapsulating to a public key. */
export interface Sntrup761Encapsulation {
  /** 1039 bytes, sent to the key's owner. */
  ciphertext: Uint8Array;
  /** 32 bytes. */
  sharedSecret: Uint8Array;
}

/** Hash_b(parts…) = SHA-512(b ‖ parts…)[0..32). */
function hashPrefixed(sha512: Sha512, prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 1;
  for (const p of parts) length += p.length;
  const input = new Uint8Array(length);
  input[0] = prefix;
  let at = 1;
  for (const p of parts) {
    input.set(p, at);
    at += p.length;
  }
  return sha512(input).slice(0, HASH_BYTES);
}

/** `Hide`: the ciphertext for short r under h, given Hash3(Small_encode(r)) and the key cache Hash4(pk). */
function hide(sha512: Sha512, h: Int16Array, r: Int8Array, rHash: Uint8Array, cache: Uint8Array): Uint8Array {
  const ciphertext = new Uint8Array(CIPHERTEXT_BYTES);
  ciphertext.set(roundedEncode(round3(rqMultiplySmall(h, r))), 0);
  ciphertext.set(hashPrefixed(sha512, 2, rHash, cache), ROUNDED_BYTES);
  return ciphertext;
}

/**
 * Generate a key pair (`KEM_KeyGen`). `random` defaults to the system CSPRNG.
 *
 * @example
 * ```ts
 * const sha512 = (d: Uint8Array) => crypto.hash("sha512", d);
 * const { publicKey, secretKey } = sntrup761KeyGen(sha512);
 * ```
 */
export function sntrup761KeyGen(sha512: Sha512, random: RandomSource = systemRandom): Sntrup761KeyPair {
  let g = smallRandom(random);
  let ginv = r3Reciprocal(g);
  // Nearly every small g is invertible mod 3; endless failures mean a broken random source.
  for (let draws = 1; ginv === undefined; draws++) {
    if (draws === MAX_G_DRAWS) {
      throw new Sntrup761KeyGenError(`no invertible g in ${MAX_G_DRAWS} draws; is the random source broken?`);
    }
    g = smallRandom(random);
    ginv = r3Reciprocal(g);
  }
  const f = shortRandom(random);
  const h = rqMultiplySmall(rqReciprocal3(f), g);
  const publicKey = rqEncode(h);
  const secretKey = new Uint8Array(SECRET_KEY_BYTES);
  let at = 0;
  secretKey.set(smallEncode(f), at);
  secretKey.set(smallEncode(ginv), at += SMALL_BYTES);
  secretKey.set(publicKey, at += SMALL_BYTES);
  secretKey.set(random.bytes(SMALL_BYTES), at += PUBLIC_KEY_BYTES); // ρ
  secretKey.set(hashPrefixed(sha512, 4, publicKey), at + SMALL_BYTES);
  f.fill(0);
  g.fill(0);
  ginv.fill(0);
  return { publicKey, secretKey };
}

/**
 * Encapsulate a fresh session key to `publicKey` (`Encap`).
 * Throws {@link Sntrup761LengthError} unless the key is 1158 bytes.
 *
 * @example
 * ```ts
 * const { ciphertext, sharedSecret } = sntrup761Encap(publicKey, sha512);
 * ```
 */
export function sntrup761Encap(
  publicKey: Uint8Array,
  sha512: Sha512,
  random: RandomSource = systemRandom,
): Sntrup761Encapsulation {
  if (publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new Sntrup761LengthError("public key", PUBLIC_KEY_BYTES, publicKey.length);
  }
  const h = rqDecode(publicKey);
  const r = shortRandom(random);
  const rEncoded = smallEncode(r);
  const rHash = hashPrefixed(sha512, 3, rEncoded);
  const ciphertext = hide(sha512, h, r, rHash, hashPrefixed(sha512, 4, publicKey));
  const sharedSecret = hashPrefixed(sha512, 1, rHash, ciphertext);
  r.fill(0);
  rEncoded.fill(0);
  rHash.fill(0);
  return { ciphertext, sharedSecret };
}

/**
 * Recover the session key from `ciphertext` (`Decap`). Never fails on a
 * well-sized ciphertext: a forged or corrupted one yields a pseudo-random key
 * derived from the secret ρ. Throws {@link Sntrup761LengthError} on wrong sizes.
 *
 * @example
 * ```ts
 * const key = sntrup761Decap(ciphertext, secretKey, sha512); // equals the encapsulated key
 * ```
 */
export function sntrup761Decap(ciphertext: Uint8Array, secretKey: Uint8Array, sha512: Sha512): Uint8Array {
  if (ciphertext.length !== CIPHERTEXT_BYTES) {
    throw new Sntrup761LengthError("ciphertext", CIPHERTEXT_BYTES, ciphertext.length);
  }
  if (secretKey.length !== SECRET_KEY_BYTES) {
    throw new Sntrup761LengthError("secret key", SECRET_KEY_BYTES, secretKey.length);
  }
  let at = 0;
  const f = smallDecode(secretKey.subarray(at, at += SMALL_BYTES));
  const ginv = smallDecode(secretKey.subarray(at, at += SMALL_BYTES));
  const h = rqDecode(secretKey.subarray(at, at += PUBLIC_KEY_BYTES));
  const rho = secretKey.subarray(at, at += SMALL_BYTES);
  const cache = secretKey.subarray(at, at + HASH_BYTES);

  // Decrypt: r' = (3·f·c mod 3)·(1/g), or the fixed fallback if its weight is wrong.
  const c = roundedDecode(ciphertext.subarray(0, ROUNDED_BYTES));
  const r = r3Multiply(rqToR3(rqMultiply3(rqMultiplySmall(c, f))), ginv);
  const excess = weight(r) - W;
  const weightOk = ~((excess | -excess) >> 31); // −1 iff weight(r) = w
  for (let i = 0; i < P; i++) {
    const fallback = i < W ? 1 : 0;
    r[i] = fallback ^ ((r[i] ^ fallback) & weightOk);
  }

  // Re-encrypt and compare in constant time.
  const rEncoded = smallEncode(r);
  const again = hide(sha512, h, r, hashPrefixed(sha512, 3, rEncoded), cache);
  let diff = 0;
  for (let i = 0; i < CIPHERTEXT_BYTES; i++) diff |= again[i] ^ ciphertext[i];
  const match = (diff - 1) >> 31; // −1 iff diff = 0
  const input = new Uint8Array(SMALL_BYTES);
  for (let i = 0; i < SMALL_BYTES; i++) input[i] = rho[i] ^ ((rho[i] ^ rEncoded[i]) & match);
  const key = hashPrefixed(sha512, match & 1, hashPrefixed(sha512, 3, input), ciphertext);
  f.fill(0);
  ginv.fill(0);
  r.fill(0);
  rEncoded.fill(0);
  input.fill(0);
  return key;
}
