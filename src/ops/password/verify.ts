/**
 * Password verification against a stored hash of any supported scheme,
 * chosen by its prefix:
 *
 * | prefix | scheme |
 * |---|---|
 * | `$argon2id$`, `$argon2i$`, `$argon2d$` | Argon2 (PHC string) |
 * | `$y$` | yescrypt (libxcrypt; Debian's default) |
 * | `$7$` | scrypt (libxcrypt) |
 * | `$6$`, `$5$` | SHA-512-crypt, SHA-256-crypt |
 * | `$2b$`, `$2a$`, `$2y$`, `$2x$` | bcrypt |
 *
 * Anything else — empty, locked (`!…`, `*…`, `!!`), DES or MD5 crypt,
 * unknown prefixes, malformed parameters — never matches. Nothing here
 * throws for bad input. The crypt(3)-style schemes are computed like
 * `crypt(password, stored)` and compared with the stored string in
 * constant time (so exactly the hashes libxcrypt accepts verify), Argon2 by
 * its decoded hash bytes.
 *
 * Passwords are taken as UTF-8 (a string) or as the raw bytes the client
 * sent. A password containing a NUL byte never matches a crypt(3) hash
 * (C strings cannot carry it; libxcrypt would silently cut it).
 *
 * @example
 * ```ts
 * if (await verifyPassword(password, entry.hash)) return { accept: true };
 * ```
 * @module
 */

import { timingSafeEqual } from "../../ssh/wire.ts";
import { ARGON2_DEFAULTS, argon2Verify, formatArgon2Hash, parseArgon2Hash } from "./argon2.ts";
import { bcryptCrypt, parseBcryptSetting } from "./bcrypt.ts";
import { MalformedHashError } from "./errors.ts";
import { parseShaCryptSetting, shaCrypt } from "./sha_crypt.ts";
import { parseYescryptSetting, yescryptCrypt } from "./yescrypt.ts";

/**
 * The scheme of a stored hash, as {@link hashScheme} names it.
 *
 * @example
 * ```ts
 * const s: HashScheme = "yescrypt";
 * ```
 */
export type HashScheme =
  | "argon2"
  | "yescrypt"
  | "scrypt"
  | "sha512-crypt"
  | "sha256-crypt"
  | "bcrypt"
  | "locked"
  | "empty"
  | "unknown";

/**
 * The outcome of {@link checkPassword}: `match`, and when the hash itself
 * cannot be used, `problem` says why (for the log; never for the client).
 *
 * @example
 * ```ts
 * const r = await checkPassword(pw, hash);
 * if (r.problem) logger.warn(`${file}:${line}: ${r.problem}`);
 * ```
 */
export interface PasswordCheck {
  match: boolean;
  problem?: string;
}

interface Scheme {
  name: HashScheme;
  prefix: RegExp;
  /** Throws MalformedHashError if the hash is unusable; cheap (no KDF). */
  parse(hash: string): unknown;
  /** What a complete hash (setting and digest) looks like, beyond `parse`. */
  shape?: RegExp;
  /** crypt(3)-style: the full hash of `password` under `hash`'s setting. */
  crypt?(password: Uint8Array, hash: string): string | Promise<string>;
  /** Or a direct verifier. */
  verify?(password: Uint8Array, hash: string): Promise<boolean>;
}

const DIGEST_43 = /\$[./0-9A-Za-z]{43}$/;
const SCHEMES: Scheme[] = [
  { name: "argon2", prefix: /^\$argon2(id|i|d)\$/, parse: parseArgon2Hash, verify: argon2Verify },
  { name: "yescrypt", prefix: /^\$y\$/, parse: parseYescryptSetting, shape: DIGEST_43, crypt: yescryptCrypt },
  { name: "scrypt", prefix: /^\$7\$/, parse: parseYescryptSetting, shape: DIGEST_43, crypt: yescryptCrypt },
  {
    name: "sha512-crypt",
    prefix: /^\$6\$/,
    parse: parseShaCryptSetting,
    shape: /\$[./0-9A-Za-z]{86}$/,
    crypt: shaCrypt,
  },
  { name: "sha256-crypt", prefix: /^\$5\$/, parse: parseShaCryptSetting, shape: DIGEST_43, crypt: shaCrypt },
  {
    name: "bcrypt",
    prefix: /^\$2[abxy]\$/,
    parse: parseBcryptSetting,
    shape: /^\$2[abxy]\$\d\d\$[./0-9A-Za-z]{53}$/,
    crypt: bcryptCrypt,
  },
];

/**
 * Name the scheme of a stored hash by its prefix (no validation beyond that).
 *
 * @example
 * ```ts
 * hashScheme("$y$j9T$…");  // "yescrypt"
 * hashScheme("!$6$…");     // "locked"
 * hashScheme("$1$abc$…");  // "unknown" (MD5-crypt is not supported)
 * ```
 */
export function hashScheme(hash: string): HashScheme {
  if (hash === "") return "empty";
  if (hash.startsWith("!") || hash.startsWith("*")) return "locked";
  return SCHEMES.find((s) => s.prefix.test(hash))?.name ?? "unknown";
}

/**
 * Why `hash` can never match anything, or `undefined` if it is a
 * well-formed hash of a supported scheme. Cheap: parses, computes nothing.
 *
 * @example
 * ```ts
 * hashProblem("$6$rounds=10$salt$…"); // "rounds=10 is out of range 1000..999999999"
 * hashProblem("!");                   // "locked"
 * ```
 */
export function hashProblem(hash: string): string | undefined {
  const name = hashScheme(hash);
  if (name === "empty") return "empty hash";
  if (name === "locked") return "locked";
  const scheme = SCHEMES.find((s) => s.name === name);
  if (!scheme) return "unsupported hash scheme";
  try {
    scheme.parse(hash);
  } catch (e) {
    return e instanceof MalformedHashError ? e.message : String(e);
  }
  if (scheme.shape && !scheme.shape.test(hash)) return "malformed digest";
  return undefined;
}

/**
 * Whether `password` matches `hash`, with the reason when the hash is
 * unusable. Never throws.
 *
 * @example
 * ```ts
 * await checkPassword("pw", "$6$rounds=10$x$y"); // { match: false, problem: "rounds=10 is out of range …" }
 * ```
 */
export async function checkPassword(password: string | Uint8Array, hash: string): Promise<PasswordCheck> {
  const problem = hashProblem(hash);
  if (problem !== undefined) return { match: false, problem };
  const pw = typeof password === "string" ? new TextEncoder().encode(password) : password;
  const scheme = SCHEMES.find((s) => s.prefix.test(hash));
  try {
    if (scheme?.verify) return { match: await scheme.verify(pw, hash) };
    if (!scheme?.crypt) return { match: false, problem: "unsupported hash scheme" };
    if (pw.includes(0)) return { match: false };
    const computed = await scheme.crypt(pw, hash);
    const enc = new TextEncoder();
    return { match: timingSafeEqual(enc.encode(computed), enc.encode(hash)) };
  } catch (e) {
    return { match: false, problem: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Whether `password` matches the stored `hash`. `false` for a wrong
 * password and for an unusable, locked or empty hash alike; never throws
 * (use {@link checkPassword} to learn why a hash is unusable).
 *
 * @example
 * ```ts
 * await verifyPassword("hunter2", "$y$j9T$…"); // true or false
 * ```
 */
export async function verifyPassword(password: string | Uint8Array, hash: string): Promise<boolean> {
  return (await checkPassword(password, hash)).match;
}

/**
 * A well-formed argon2id hash with the default parameters that no password
 * matches (fixed salt, all-zero digest).
 */
const DECOY_HASH = formatArgon2Hash({ ...ARGON2_DEFAULTS, salt: new Uint8Array(16), hash: new Uint8Array(32) });

/**
 * Spend the time of a default (argon2id) verification and return `false`:
 * for users that do not exist or have no usable hash, so that response
 * time does not tell an attacker which user names are real.
 *
 * @example
 * ```ts
 * const entry = await passwords.lookup(user);
 * const ok = entry ? await verifyPassword(pw, entry.hash) : await verifyDecoy(pw);
 * ```
 */
export async function verifyDecoy(password: string | Uint8Array): Promise<false> {
  await checkPassword(password, DECOY_HASH);
  return false;
}
