/**
 * `bcrypt_pbkdf` (OpenBSD, Ted Unangst 2013): the key derivation function
 * of OpenSSH's encrypted private keys (`kdfname "bcrypt"`, PROTOCOL.key).
 *
 * It is PBKDF2 with a bcrypt-based hash in place of HMAC:
 *
 * - `bcrypt_hash(P, S)`: P and S are SHA-512 digests (64 bytes). Start from
 *   Blowfish's initial state, `ExpandKey(state, S, P)`, then 64 times
 *   `ExpandKey(state, 0, S)` and `ExpandKey(state, 0, P)`; encrypt the 32-byte
 *   string "OxychromaticBlowfishSwatDynamite" (eight big-endian words) 64
 *   times in ECB, and output the words little-endian: 32 bytes.
 * - For block `count` = 1, 2, …: `T = bcrypt_hash(SHA512(pass),
 *   SHA512(salt ‖ BE32(count)))`, and `rounds − 1` more times
 *   `T' = bcrypt_hash(SHA512(pass), SHA512(T'))`, XORed into T.
 * - The blocks are not concatenated but striped: with `stride = ⌈len/32⌉`,
 *   byte i of block `count` lands at `key[i·stride + count − 1]`, so every
 *   part of the key needs every block.
 *
 * @example
 * ```ts
 * // aes256-ctr key and IV for an OpenSSH key file:
 * const keyIv = bcryptPbkdf(new TextEncoder().encode("secret"), salt, 48, 16);
 * ```
 * @module
 */

import { sha512 } from "@noble/hashes/sha2.js";
import { Blowfish, streamWords } from "./blowfish.ts";

/** Output of one bcrypt_hash: 8 words, 32 bytes. */
const HASH_BYTES = 32;
/** "OxychromaticBlowfishSwatDynamite" as big-endian words. */
const MAGIC_WORDS = streamWords(new TextEncoder().encode("OxychromaticBlowfishSwatDynamite"), 8);

/**
 * Bad parameters for {@link bcryptPbkdf} (OpenSSH's `bcrypt_pbkdf` returns
 * −1 for the same cases).
 *
 * @example
 * ```ts
 * try { bcryptPbkdf(new Uint8Array(0), salt, 48, 16); } catch (e) { e instanceof BcryptPbkdfError; } // true
 * ```
 */
export class BcryptPbkdfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BcryptPbkdfError";
  }
}

/**
 * The bcrypt hash of two SHA-512 digests (see the module description).
 *
 * @example
 * ```ts
 * const out = bcryptHash(sha512(pass), sha512(saltAndCount)); // 32 bytes
 * ```
 */
export function bcryptHash(sha2pass: Uint8Array, sha2salt: Uint8Array): Uint8Array {
  const pass = streamWords(sha2pass, sha2pass.length >> 2);
  const salt = streamWords(sha2salt, sha2salt.length >> 2);
  const bf = new Blowfish();
  bf.expandState(salt, pass);
  for (let i = 0; i < 64; i++) {
    bf.expand0State(salt);
    bf.expand0State(pass);
  }
  const words = MAGIC_WORDS.slice();
  for (let i = 0; i < 64; i++) bf.encryptWords(words);
  const out = new Uint8Array(HASH_BYTES);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) dv.setInt32(4 * i, words[i], true);
  return out;
}

/**
 * Derive `keyLength` bytes from a passphrase and salt with `rounds` rounds.
 * Throws {@link BcryptPbkdfError} for an empty passphrase or salt, zero
 * rounds, or a length outside 1‥1024 (OpenSSH's limits).
 *
 * @example
 * ```ts
 * const pass = new TextEncoder().encode("password");
 * bcryptPbkdf(pass, new TextEncoder().encode("salt"), 32, 4); // 5bbf0cc2 93587f1c … (OpenBSD regress)
 * ```
 */
export function bcryptPbkdf(passphrase: Uint8Array, salt: Uint8Array, keyLength: number, rounds: number): Uint8Array {
  if (!Number.isInteger(rounds) || rounds < 1) throw new BcryptPbkdfError(`bcrypt rounds must be ≥ 1, got ${rounds}`);
  if (passphrase.length === 0) throw new BcryptPbkdfError("bcrypt_pbkdf needs a non-empty passphrase");
  if (salt.length === 0 || salt.length > 1 << 20) throw new BcryptPbkdfError(`bad bcrypt salt length ${salt.length}`);
  if (!Number.isInteger(keyLength) || keyLength < 1 || keyLength > HASH_BYTES * HASH_BYTES) {
    throw new BcryptPbkdfError(`bad bcrypt_pbkdf output length ${keyLength}`);
  }
  const stride = Math.ceil(keyLength / HASH_BYTES);
  const perBlock = Math.ceil(keyLength / stride);
  const sha2pass = sha512(passphrase);
  const countSalt = new Uint8Array(salt.length + 4);
  countSalt.set(salt);
  const key = new Uint8Array(keyLength);
  for (let count = 1; count <= stride; count++) {
    new DataView(countSalt.buffer).setUint32(salt.length, count);
    let t = bcryptHash(sha2pass, sha512(countSalt));
    const out = t.slice();
    for (let i = 1; i < rounds; i++) {
      t = bcryptHash(sha2pass, sha512(t));
      for (let j = 0; j < HASH_BYTES; j++) out[j] ^= t[j];
    }
    for (let i = 0; i < perBlock; i++) {
      const dest = i * stride + count - 1;
      if (dest >= keyLength) break;
      key[dest] = out[i];
    }
  }
  return key;
}
