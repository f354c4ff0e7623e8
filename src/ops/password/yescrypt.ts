/**
 * yescrypt password hashes as libxcrypt writes them — `$y$` (Debian's
 * default since 11) — and libxcrypt's scrypt, `$7$`, which is the same KDF
 * with flags 0.
 *
 * `$y$` format: `$y$` FLAVOR N_LOG2 R [HAVE [P] [T] [G] [NROM]] `$` SALT `$` HASH
 * - Each parameter is a variable-length crypt(3) base-64 number: a first
 *   character below `j` (value 47) is the whole number; larger first
 *   characters announce one or more extra characters (ranges 48‥55, 56‥59,
 *   60‥61, 62, 63 add 1, 2, 3, 4, 5 characters of 6 bits each, written
 *   most significant first), plus a per-parameter minimum.
 * - FLAVOR: 0 scrypt, 1 WORM, ≥ 2 RW with flags 2 + (FLAVOR − 2)·4; `j`
 *   (47) is YESCRYPT_DEFAULTS. N_LOG2 (min 1): N = 2^N_LOG2. R: min 1.
 *   HAVE (min 1) is a bit set saying which optional parameters follow:
 *   1 p (min 2), 2 t (min 1), 4 g (min 1), 8 NROM log2 (min 1).
 * - SALT: crypt(3) base-64 of the binary salt (it is the decoded bytes
 *   that go into the KDF); HASH: 43 characters, 32 bytes.
 *
 * So Debian's `$y$j9T$`: flavor `j` = YESCRYPT_DEFAULTS, `9` = 11 + 1 →
 * N = 2¹² = 4096, `T` = 31 + 1 → r = 32: 16 MiB (yescrypt's "large and
 * slow" recommendation; `YESCRYPT_COST_FACTOR` 5 in login.defs).
 *
 * `$7$` format: `$7$` N_LOG2 (1 char) R (5 chars) P (5 chars, 30-bit
 * little-endian) SALT `$` HASH, where the salt string itself (not decoded)
 * is the KDF salt.
 *
 * Hashes with g (upgrades) or NROM (a ROM) cannot be computed without
 * state libxcrypt's crypt() does not have either, and are refused.
 *
 * @example
 * ```ts
 * const pw = new TextEncoder().encode("pleaseletmein");
 * await yescryptCrypt(pw, "$y$j9T$LdJMENpBABJJ3hIHjB1Bi.");
 * // "$y$j9T$LdJMENpBABJJ3hIHjB1Bi.$…" (43 more characters)
 * ```
 * @module
 */

import { crypt64Value, decodeCrypt64, encodeCrypt64 } from "./crypt_base64.ts";
import { MalformedHashError } from "./errors.ts";
import { YESCRYPT_RW, yescryptKdf, type YescryptParams } from "./yescrypt_kdf.ts";

/** Largest binary salt libxcrypt accepts in `$y$`. */
const MAX_SALT_BYTES = 64;
/** Largest N we run: 2²⁴ blocks (2 GiB at r = 8 would be refused by the memory cap anyway). */
const MAX_N_LOG2 = 24;

/**
 * A parsed `$y$` or `$7$` setting.
 *
 * @example
 * ```ts
 * parseYescryptSetting("$y$j9T$abcd").params; // { flags: 0xb6, N: 4096, r: 32, p: 1, t: 0 }
 * ```
 */
export interface YescryptSetting {
  params: YescryptParams;
  /** The bytes given to the KDF as salt. */
  salt: Uint8Array;
  /** The setting text through the end of the salt, repeated verbatim in the hash. */
  prefix: string;
}

/**
 * Parse a `$y$`/`$7$` setting or whole hash (the salt ends at the last `$`).
 * Throws {@link MalformedHashError} where libxcrypt's `yescrypt_r` fails.
 *
 * @example
 * ```ts
 * parseYescryptSetting("$y$j9T$LdJMENpBABJJ3hIHjB1Bi.$HboGM6…").params.N; // 4096
 * ```
 */
export function parseYescryptSetting(setting: string): YescryptSetting {
  if (setting.startsWith("$7$")) return parseScryptSetting(setting);
  if (!setting.startsWith("$y$")) throw new MalformedHashError("not a yescrypt hash ($y$ or $7$)");
  const reader = { text: setting, pos: 3 };
  const flavor = readNumber(reader, 0);
  let flags: number;
  if (flavor < YESCRYPT_RW) flags = flavor;
  else if (flavor <= YESCRYPT_RW + (0x3fc >>> 2)) flags = YESCRYPT_RW + ((flavor - YESCRYPT_RW) << 2);
  else throw new MalformedHashError("unknown yescrypt flavor");
  const nLog2 = readNumber(reader, 1);
  if (nLog2 > MAX_N_LOG2) throw new MalformedHashError(`yescrypt N = 2^${nLog2} is too large`);
  const r = readNumber(reader, 1);
  let p = 1;
  let t = 0;
  if (setting[reader.pos] !== "$") {
    const have = readNumber(reader, 1);
    if (have & 1) p = readNumber(reader, 2);
    if (have & 2) t = readNumber(reader, 1);
    if (have & 4) throw new MalformedHashError("yescrypt hash upgrades (g) are not supported");
    if (have & 8) throw new MalformedHashError("yescrypt ROM (NROM) is not supported");
  }
  if (setting[reader.pos] !== "$") throw new MalformedHashError("malformed yescrypt parameters");
  const saltStart = reader.pos + 1;
  const saltText = saltOf(setting, saltStart);
  const salt = decodeCrypt64(saltText);
  if (salt === undefined || salt.length > MAX_SALT_BYTES) throw new MalformedHashError("malformed yescrypt salt");
  return {
    params: { flags, N: 2 ** nLog2, r, p, t },
    salt,
    prefix: setting.slice(0, saltStart + saltText.length),
  };
}

/**
 * crypt(3) for `$y$`/`$7$`: hash `password` with the parameters and salt of
 * `setting` (a setting or a whole hash) and return the full hash string.
 * Yields to the event loop while it works. Throws {@link MalformedHashError}.
 *
 * @example
 * ```ts
 * const ok = (await yescryptCrypt(pw, stored)) === stored; // compare in constant time in real code
 * ```
 */
export async function yescryptCrypt(password: Uint8Array, setting: string): Promise<string> {
  const s = parseYescryptSetting(setting);
  const digest = await yescryptKdf(password, s.salt, s.params, 32);
  return `${s.prefix}$${encodeCrypt64(digest)}`;
}

/** The text from `start` to the last `$` (or the end). */
function saltOf(setting: string, start: number): string {
  const end = setting.lastIndexOf("$");
  return end >= start ? setting.slice(start, end) : setting.slice(start);
}

/** libxcrypt's `$7$`: one-character N_LOG2, 30-bit r and p, and the raw salt text. */
function parseScryptSetting(setting: string): YescryptSetting {
  const nLog2 = crypt64Value(setting[3] ?? "");
  if (nLog2 < 1 || nLog2 > MAX_N_LOG2) throw new MalformedHashError("bad scrypt N");
  const r = readFixed(setting, 4);
  const p = readFixed(setting, 9);
  const saltText = saltOf(setting, 14);
  return {
    params: { flags: 0, N: 2 ** nLog2, r, p, t: 0 },
    salt: new TextEncoder().encode(saltText),
    prefix: setting.slice(0, 14 + saltText.length),
  };
}

/** A 30-bit number in five crypt(3) base-64 characters, least significant first. */
function readFixed(text: string, pos: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const c = crypt64Value(text[pos + i] ?? "");
    if (c > 63) throw new MalformedHashError("malformed scrypt parameters");
    value += c * 2 ** (6 * i);
  }
  return value;
}

/**
 * One variable-length parameter (yescrypt's `decode64_uint32`): the first
 * character's value picks how many characters follow; `min` is added.
 * Values past 2³² − 1 are refused.
 */
function readNumber(reader: { text: string; pos: number }, min: number): number {
  let c = crypt64Value(reader.text[reader.pos++] ?? "");
  if (c > 63) throw new MalformedHashError("malformed yescrypt parameter");
  let start = 0;
  let end = 47;
  let chars = 1;
  let bits = 0;
  let value = min;
  while (c > end) {
    value += (end + 1 - start) * 2 ** bits;
    start = end + 1;
    end = start + Math.floor((62 - end) / 2);
    chars++;
    bits += 6;
  }
  value += (c - start) * 2 ** bits;
  while (--chars) {
    c = crypt64Value(reader.text[reader.pos++] ?? "");
    if (c > 63) throw new MalformedHashError("malformed yescrypt parameter");
    bits -= 6;
    value += c * 2 ** bits;
  }
  if (value > 0xffffffff) throw new MalformedHashError("yescrypt parameter out of range");
  return value;
}
