/**
 * SHA-crypt: `$5$` (SHA-256) and `$6$` (SHA-512) password hashes, after
 * Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" (2007/2008), with
 * the stricter setting rules of libxcrypt (what Debian's `passwd` and PAM
 * run), so that a hash verifies here exactly when it verifies there.
 *
 * Format: `$6$[rounds=N$]SALT$DIGEST`.
 * - `rounds=N`: decimal without leading zeros, 1000‥999,999,999 (libxcrypt
 *   rejects values the spec would clamp); absent means 5000 and is then
 *   also absent from the output.
 * - SALT: up to 16 characters (longer salts are cut to 16), printable ASCII
 *   except `$ : ; * ! \`.
 * - DIGEST: 43 (SHA-256) or 86 (SHA-512) crypt(3) base-64 characters of the
 *   digest bytes in the spec's permuted order.
 *
 * The algorithm, with P the password bytes, S the salt, H the hash:
 * B = H(P‖S‖P); A = H(P‖S‖B repeated to |P| bytes‖for each bit of |P| from
 * the lowest: B if 1, P if 0); P′ = H(P repeated |P| times) repeated to |P|
 * bytes; S′ = H(S repeated 16 + A[0] times) cut to |S| bytes; then `rounds`
 * times A = H(odd ? P′ : A ‖ i mod 3 ? S′ ‖ i mod 7 ? P′ ‖ odd ? A : P′).
 *
 * @example
 * ```ts
 * const pw = new TextEncoder().encode("Hello world!");
 * shaCrypt(pw, "$5$saltstring");
 * // "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"
 * ```
 * @module
 */

import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { encodeCrypt64 } from "./crypt_base64.ts";
import { MalformedHashError } from "./errors.ts";

/** Rounds when the setting names none. */
const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const MAX_SALT = 16;

type Hash = typeof sha256 | typeof sha512;

/** The two SHA-crypt variants: hash, digest size and the output permutation step. */
const VARIANTS: Record<"5" | "6", { hash: Hash; size: number; step: number }> = {
  // Output byte triple i is (d[step·i mod n], d[step·i + n/3 mod n], d[step·i + 2n/3 mod n]),
  // n = size − 1 or − 2 (the leftover bytes come last): the spec's table, in closed form.
  "5": { hash: sha256, size: 32, step: 21 },
  "6": { hash: sha512, size: 64, step: 22 },
};

/** Salt characters libxcrypt accepts: printable ASCII but `$ : ; * ! \`. */
const SALT_CHARS = /^[\x21-\x7e]*$/;
const SALT_FORBIDDEN = /[$:;*!\\]/;

/**
 * The parsed parts of a SHA-crypt setting or hash.
 *
 * @example
 * ```ts
 * parseShaCryptSetting("$6$rounds=10000$abc$…"); // { id: "6", rounds: 10000, explicitRounds: true, salt: "abc" }
 * ```
 */
export interface ShaCryptSetting {
  /** `"5"` for SHA-256, `"6"` for SHA-512. */
  id: "5" | "6";
  rounds: number;
  /** Whether `rounds=` was written (it is then repeated in the output). */
  explicitRounds: boolean;
  /** At most 16 characters. */
  salt: string;
}

/**
 * Parse `$5$…` or `$6$…` (a bare setting or a whole hash; anything after the
 * salt's `$` is ignored). Throws {@link MalformedHashError}.
 *
 * @example
 * ```ts
 * parseShaCryptSetting("$5$saltstring").rounds; // 5000
 * ```
 */
export function parseShaCryptSetting(setting: string): ShaCryptSetting {
  const m = /^\$([56])\$/.exec(setting);
  if (!m) throw new MalformedHashError("not a SHA-crypt hash ($5$ or $6$)");
  const id = m[1] as "5" | "6";
  let rest = setting.slice(3);
  let rounds = DEFAULT_ROUNDS;
  let explicitRounds = false;
  if (rest.startsWith("rounds=")) {
    const r = /^rounds=([1-9][0-9]{0,9})\$/.exec(rest);
    if (!r) throw new MalformedHashError("malformed rounds= in SHA-crypt hash");
    rounds = Number(r[1]);
    if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) {
      throw new MalformedHashError(`rounds=${rounds} is out of range ${MIN_ROUNDS}..${MAX_ROUNDS}`);
    }
    explicitRounds = true;
    rest = rest.slice(r[0].length);
  }
  const end = rest.indexOf("$");
  let salt = end < 0 ? rest : rest.slice(0, end);
  if (!SALT_CHARS.test(salt) || SALT_FORBIDDEN.test(salt)) throw new MalformedHashError("bad character in salt");
  salt = salt.slice(0, MAX_SALT);
  return { id, rounds, explicitRounds, salt };
}

/**
 * crypt(3) for `$5$`/`$6$`: hash `password` with the parameters and salt of
 * `setting` (a setting or a whole hash) and return the full hash string.
 * Throws {@link MalformedHashError} for a setting libxcrypt would refuse.
 *
 * @example
 * ```ts
 * const pw = new TextEncoder().encode("Hello world!");
 * const ok = shaCrypt(pw, storedHash) === storedHash; // compare in constant time in real code
 * ```
 */
export function shaCrypt(password: Uint8Array, setting: string): string {
  const s = parseShaCryptSetting(setting);
  const digest = shaCryptDigest(password, new TextEncoder().encode(s.salt), s.rounds, s.id);
  const prefix = `$${s.id}$${s.explicitRounds ? `rounds=${s.rounds}$` : ""}${s.salt}$`;
  return prefix + encodeCrypt64(permute(digest, VARIANTS[s.id].step));
}

/**
 * The raw SHA-crypt digest (32 or 64 bytes, before the output permutation).
 *
 * @example
 * ```ts
 * shaCryptDigest(pw, salt, 5000, "6").length; // 64
 * ```
 */
export function shaCryptDigest(password: Uint8Array, salt: Uint8Array, rounds: number, id: "5" | "6"): Uint8Array {
  const { hash, size } = VARIANTS[id];
  const P = password;
  const S = salt;
  const B = hash.create().update(P).update(S).update(P).digest();
  const ctxA = hash.create().update(P).update(S);
  for (let n = P.length; n > 0; n -= size) ctxA.update(n > size ? B : B.subarray(0, n));
  for (let n = P.length; n > 0; n >>>= 1) ctxA.update(n & 1 ? B : P);
  let A = ctxA.digest();

  const ctxDP = hash.create();
  for (let i = 0; i < P.length; i++) ctxDP.update(P);
  const Pp = repeatTo(ctxDP.digest(), P.length);
  const ctxDS = hash.create();
  for (let i = 0; i < 16 + A[0]; i++) ctxDS.update(S);
  const Sp = repeatTo(ctxDS.digest(), S.length);

  // The rounds hash short inputs thousands of times: build each in one buffer and hash it in one call
  // (about 1.5× faster than incremental updates, which allocate more per round).
  const buf = new Uint8Array(2 * Pp.length + Sp.length + size);
  for (let i = 0; i < rounds; i++) {
    const first = i & 1 ? Pp : A;
    const last = i & 1 ? A : Pp;
    buf.set(first, 0);
    let o = first.length;
    if (i % 3) {
      buf.set(Sp, o);
      o += Sp.length;
    }
    if (i % 7) {
      buf.set(Pp, o);
      o += Pp.length;
    }
    buf.set(last, o);
    A = hash(buf.subarray(0, o + last.length));
  }
  return A;
}

/** `block` repeated (and cut) to `length` bytes. */
function repeatTo(block: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let o = 0; o < length; o += block.length) out.set(block.subarray(0, Math.min(block.length, length - o)), o);
  return out;
}

/**
 * Reorder the digest into the spec's output order, as little-endian triples
 * for {@link encodeCrypt64}: the spec writes triple (B2, B1, B0) as the
 * 24-bit number B2·2¹⁶ + B1·2⁸ + B0, low 6 bits first.
 */
function permute(d: Uint8Array, step: number): Uint8Array {
  // SHA-256: 10 triples over bytes 0‥29, then (0, d31, d30); SHA-512: 21 triples over 0‥62, then (0, 0, d63).
  const n = d.length === 32 ? 30 : 63;
  const out = new Uint8Array(d.length);
  let o = 0;
  for (let i = 0; i < n / 3; i++) {
    const b2 = (step * i) % n;
    out[o++] = d[(b2 + (2 * n) / 3) % n];
    out[o++] = d[(b2 + n / 3) % n];
    out[o++] = d[b2];
  }
  if (d.length === 32) {
    out[o++] = d[30];
    out[o++] = d[31];
  } else {
    out[o++] = d[63];
  }
  return out;
}
