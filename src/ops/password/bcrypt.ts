/**
 * bcrypt password hashes (Provos & Mazières, "A Future-Adaptable Password
 * Scheme", USENIX 1999): `$2b$`, `$2a$`, `$2y$` and the legacy `$2x$`, as
 * libxcrypt (crypt_blowfish) computes them, over the Blowfish of
 * `src/ssh/keys/blowfish.ts`.
 *
 * Format: `$2b$CC$` + 22 characters of salt (16 bytes) + 31 characters of
 * digest (23 bytes), in bcrypt's own base-64 (alphabet `./A-Za-z0-9`, bits
 * big-endian, no padding). CC is the cost, 04‥31: 2^CC rounds.
 *
 * EksBlowfish: the key is the password's bytes and a NUL, repeated
 * cyclically, of which the first 72 bytes (18 words) are used, so a longer
 * password is cut at 72 bytes. State = ExpandKey(initial, salt, key); then
 * 2^CC times ExpandKey(state, 0, key), ExpandKey(state, 0, salt); then
 * "OrpheanBeholderScryDoubt" is encrypted 64 times (ECB) and its first 23
 * bytes are the digest.
 *
 * The variants differ only in the key words:
 * - `$2b$`, `$2y$`: the bytes as unsigned (the correct algorithm).
 * - `$2x$`: crypt_blowfish's old sign-extension bug (bytes ≥ 0x80 OR-ed in
 *   as negative numbers), for hashes made before 2011.
 * - `$2a$`: the correct algorithm, plus crypt_blowfish's anti-collision
 *   measure: if the bug would have hit the password (a byte ≥ 0x80 in the
 *   2nd‥4th position of a word) and yet changed no word (only possible with
 *   0xff bytes), bit 16 of the first key word is flipped in the initial
 *   expansion. OpenBSD's old `$2a$` length wrap at 256 bytes is not emulated
 *   (libxcrypt does not either).
 *
 * @example
 * ```ts
 * const hash = await bcryptCrypt(new TextEncoder().encode("U*U"), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.");
 * // "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
 * ```
 * @module
 */

import { asyncLoop } from "@noble/hashes/utils.js";
import { Blowfish, streamWords } from "../../ssh/keys/blowfish.ts";
import { MalformedHashError } from "./errors.ts";

/** bcrypt's base-64 alphabet. */
const BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** "OrpheanBeholderScryDoubt" as six big-endian words. */
const MAGIC = streamWords(new TextEncoder().encode("OrpheanBeholderScryDoubt"), 6);
/** Key words: 18, the size of Blowfish's P-array (72 bytes). */
const KEY_WORDS = 18;
const SALT_BYTES = 16;
const DIGEST_BYTES = 23;
const MIN_COST = 4;
const MAX_COST = 31;
/** Milliseconds of work between yields to the event loop. */
const TICK_MS = 10;

/**
 * The parsed parts of a bcrypt setting or hash.
 *
 * @example
 * ```ts
 * parseBcryptSetting("$2b$12$…").cost; // 12
 * ```
 */
export interface BcryptSetting {
  /** The letter after `$2`: `a`, `b`, `x` or `y`. */
  variant: "a" | "b" | "x" | "y";
  /** log2 of the round count, 4‥31. */
  cost: number;
  /** 16 bytes. */
  salt: Uint8Array;
}

/**
 * Parse the first 29 characters of a bcrypt hash (`$2b$CC$` and 22 salt
 * characters). Throws {@link MalformedHashError}.
 *
 * @example
 * ```ts
 * parseBcryptSetting("$2y$10$abcdefghijklmnopqrstuu").variant; // "y"
 * ```
 */
export function parseBcryptSetting(setting: string): BcryptSetting {
  const m = /^\$2([abxy])\$([0-3][0-9])\$([./A-Za-z0-9]{22})/.exec(setting);
  if (!m) throw new MalformedHashError("not a bcrypt hash ($2a$, $2b$, $2x$ or $2y$)");
  const cost = Number(m[2]);
  if (cost < MIN_COST || cost > MAX_COST) throw new MalformedHashError(`bcrypt cost ${m[2]} is out of range 04..31`);
  const salt = decodeBcrypt64(m[3], SALT_BYTES);
  return { variant: m[1] as BcryptSetting["variant"], cost, salt };
}

/**
 * crypt(3) for bcrypt: hash `password` with the variant, cost and salt of
 * `setting` (a setting or a whole hash) and return the 60-character hash.
 * Yields to the event loop every few milliseconds. Throws
 * {@link MalformedHashError} for a setting crypt_blowfish would refuse.
 *
 * @example
 * ```ts
 * const ok = (await bcryptCrypt(pw, stored)) === stored; // compare in constant time in real code
 * ```
 */
export async function bcryptCrypt(password: Uint8Array, setting: string): Promise<string> {
  const s = parseBcryptSetting(setting);
  const digest = await bcryptDigest(password, s);
  // The salt's last character carries 2 spare bits; crypt_blowfish writes it back canonical.
  return `$2${s.variant}$${String(s.cost).padStart(2, "0")}$${encodeBcrypt64(s.salt)}${encodeBcrypt64(digest)}`;
}

/**
 * The 23-byte bcrypt digest of `password` under `setting`'s parameters.
 *
 * @example
 * ```ts
 * (await bcryptDigest(pw, parseBcryptSetting(stored))).length; // 23
 * ```
 */
export async function bcryptDigest(password: Uint8Array, setting: BcryptSetting): Promise<Uint8Array> {
  const { expanded, initial } = keyWords(password, setting.variant);
  const salt = streamWords(setting.salt, 4);
  const bf = new Blowfish();
  bf.expandState(salt, initial);
  await asyncLoop(2 ** setting.cost, TICK_MS, () => {
    bf.expand0State(expanded);
    bf.expand0State(salt);
  });
  const words = MAGIC.slice();
  for (let i = 0; i < 64; i++) bf.encryptWords(words);
  const out = new Uint8Array(24);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 6; i++) dv.setInt32(4 * i, words[i]);
  return out.subarray(0, DIGEST_BYTES);
}

/**
 * The 18 key words for the cost loop (`expanded`) and for the first,
 * salted expansion (`initial`, which differs only by `$2a$`'s safety flip).
 */
function keyWords(
  password: Uint8Array,
  variant: BcryptSetting["variant"],
): { expanded: Int32Array; initial: Int32Array } {
  const correct = new Int32Array(KEY_WORDS);
  const buggy = new Int32Array(KEY_WORDS);
  let p = 0;
  let sign = 0;
  let diff = 0;
  for (let i = 0; i < KEY_WORDS; i++) {
    let good = 0;
    let bad = 0;
    for (let j = 0; j < 4; j++) {
      const b = p < password.length ? password[p] : 0; // the NUL after the password
      good = (good << 8) | b;
      bad = (bad << 8) | (b & 0x80 ? b | 0xffffff00 : b);
      if (j > 0) sign |= b & 0x80;
      p = p < password.length ? p + 1 : 0;
    }
    diff |= good ^ bad;
    correct[i] = good;
    buggy[i] = bad;
  }
  const expanded = variant === "x" ? buggy : correct;
  const initial = expanded.slice();
  if (variant === "a" && sign !== 0 && diff === 0) initial[0] ^= 0x10000;
  return { expanded, initial };
}

/**
 * Encode bytes in bcrypt's base-64 (23 bytes → 31 characters, 16 → 22).
 *
 * @example
 * ```ts
 * encodeBcrypt64(new Uint8Array(16)); // "......................"
 * ```
 */
export function encodeBcrypt64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = Math.min(3, bytes.length - i);
    const v = (bytes[i] << 16) | ((n > 1 ? bytes[i + 1] : 0) << 8) | (n > 2 ? bytes[i + 2] : 0);
    for (let k = 0; k <= n; k++) out += BCRYPT64[(v >>> (18 - 6 * k)) & 63];
  }
  return out;
}

/**
 * Decode `length` bytes of bcrypt base-64 (spare low bits of the last
 * character are ignored, as crypt_blowfish does). Throws
 * {@link MalformedHashError} on a character outside the alphabet.
 *
 * @example
 * ```ts
 * decodeBcrypt64("......................", 16); // 16 zero bytes
 * ```
 */
export function decodeBcrypt64(text: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length && o < length; i++) {
    const v = BCRYPT64.indexOf(text[i]);
    if (v < 0) throw new MalformedHashError("bad character in bcrypt base-64");
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if (o < length) throw new MalformedHashError("bcrypt base-64 too short");
  return out;
}
