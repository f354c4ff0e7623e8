/**
 * Argon2 password hashes (RFC 9106) in the PHC string format that the
 * reference implementation, libsodium, `argon2` (CLI) and most libraries
 * write:
 *
 * `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`
 *
 * - type `argon2id`, `argon2i` or `argon2d`;
 * - `v=19` (0x13) or `v=16` (0x10); a missing `v=` means 0x10, as in the
 *   reference decoder;
 * - `m` memory in KiB (≥ 8·p), `t` passes (≥ 1), `p` lanes (≥ 1), in that order;
 * - SALT (≥ 8 bytes) and HASH (≥ 4 bytes; its length is the output length)
 *   in standard base-64 without padding.
 *
 * The computation is @noble/hashes' Argon2 (async variant: it yields to the
 * event loop every 10 ms). New hashes use {@link ARGON2_DEFAULTS}:
 * argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommendation), with
 * a 16-byte random salt and a 32-byte hash.
 *
 * @example
 * ```ts
 * const pw = new TextEncoder().encode("correct horse");
 * const phc = await argon2Hash(pw);          // "$argon2id$v=19$m=19456,t=2,p=1$…$…"
 * await argon2Verify(pw, phc);               // true
 * ```
 * @module
 */

import { argon2dAsync, argon2iAsync, argon2idAsync } from "@noble/hashes/argon2.js";
import { timingSafeEqual } from "../../ssh/wire.ts";
import { decodeBase64, encodeBase64 } from "../../ssh/keys/base64.ts";
import { MalformedHashError } from "./errors.ts";

/**
 * The Argon2 variants.
 *
 * @example
 * ```ts
 * const type: Argon2Type = "argon2id";
 * ```
 */
export type Argon2Type = "argon2id" | "argon2i" | "argon2d";

/**
 * Argon2 cost parameters.
 *
 * @example
 * ```ts
 * const strong: Argon2Params = { ...ARGON2_DEFAULTS, m: 65536, t: 3, p: 4 };
 * ```
 */
export interface Argon2Params {
  type: Argon2Type;
  /** 0x13 (19, current) or 0x10 (16, legacy). */
  version: 0x10 | 0x13;
  /** Memory in KiB. */
  m: number;
  /** Passes over memory. */
  t: number;
  /** Lanes. */
  p: number;
}

/**
 * A parsed PHC string.
 *
 * @example
 * ```ts
 * parseArgon2Hash(phc).hash.length; // 32
 * ```
 */
export interface Argon2Hash extends Argon2Params {
  salt: Uint8Array;
  hash: Uint8Array;
}

/**
 * Parameters of new hashes: argon2id, 19 MiB, 2 passes, 1 lane (OWASP
 * Password Storage Cheat Sheet's first argon2id configuration).
 *
 * @example
 * ```ts
 * await argon2Hash(pw, ARGON2_DEFAULTS);
 * ```
 */
export const ARGON2_DEFAULTS: Readonly<Argon2Params> = { type: "argon2id", version: 0x13, m: 19456, t: 2, p: 1 };

/** Largest memory we run: 1 GiB (noble's own default ceiling). */
const MAX_M_KIB = 1 << 20;
const FUNCTIONS = { argon2id: argon2idAsync, argon2i: argon2iAsync, argon2d: argon2dAsync };

/**
 * Parse a PHC-format Argon2 hash. Throws {@link MalformedHashError}.
 *
 * @example
 * ```ts
 * parseArgon2Hash("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$…").m; // 19456
 * ```
 */
export function parseArgon2Hash(phc: string): Argon2Hash {
  const m = /^\$(argon2id|argon2i|argon2d)(?:\$v=(\d+))?\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/
    .exec(phc);
  if (!m) throw new MalformedHashError("not a PHC-format Argon2 hash");
  const [, type, v, mText, tText, pText, saltText, hashText] = m;
  const version = v === undefined ? 0x10 : Number(v);
  if (version !== 0x10 && version !== 0x13) throw new MalformedHashError(`unsupported Argon2 version ${v}`);
  const [mem, t, p] = [mText, tText, pText].map(decimal);
  if (t < 1 || p < 1 || p > 0xffffff || mem < 8 * p) throw new MalformedHashError("Argon2 parameters out of range");
  if (mem > MAX_M_KIB) throw new MalformedHashError(`Argon2 m=${mem} KiB is more memory than allowed`);
  const salt = base64(saltText);
  const hash = base64(hashText);
  if (salt.length < 8) throw new MalformedHashError("Argon2 salt is shorter than 8 bytes");
  if (hash.length < 4) throw new MalformedHashError("Argon2 hash is shorter than 4 bytes");
  return { type: type as Argon2Type, version, m: mem, t, p, salt, hash };
}

/**
 * Format a PHC string (always with `v=`).
 *
 * @example
 * ```ts
 * formatArgon2Hash({ ...ARGON2_DEFAULTS, salt, hash }); // "$argon2id$v=19$m=19456,t=2,p=1$…$…"
 * ```
 */
export function formatArgon2Hash(h: Argon2Hash): string {
  const b64 = (b: Uint8Array) => encodeBase64(b, { pad: false });
  return `$${h.type}$v=${h.version}$m=${h.m},t=${h.t},p=${h.p}$${b64(h.salt)}$${b64(h.hash)}`;
}

/**
 * Hash a new password: {@link ARGON2_DEFAULTS} unless overridden, a random
 * 16-byte salt unless one is given, a 32-byte hash.
 *
 * @example
 * ```ts
 * const line = `alice:${await argon2Hash(new TextEncoder().encode(password))}`;
 * ```
 */
export async function argon2Hash(
  password: Uint8Array,
  options: Partial<Argon2Params> & { salt?: Uint8Array } = {},
): Promise<string> {
  const params = { ...ARGON2_DEFAULTS, ...options };
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(16));
  const hash = await compute(password, salt, params, 32);
  return formatArgon2Hash({ ...params, salt, hash });
}

/**
 * Whether `password` matches the PHC string `phc` (constant-time comparison
 * of the hash). Throws {@link MalformedHashError} for a malformed string.
 *
 * @example
 * ```ts
 * if (await argon2Verify(pw, stored)) accept();
 * ```
 */
export async function argon2Verify(password: Uint8Array, phc: string): Promise<boolean> {
  const h = parseArgon2Hash(phc);
  const computed = await compute(password, h.salt, h, h.hash.length);
  return timingSafeEqual(computed, h.hash);
}

async function compute(password: Uint8Array, salt: Uint8Array, p: Argon2Params, dkLen: number): Promise<Uint8Array> {
  try {
    return await FUNCTIONS[p.type](password, salt, { m: p.m, t: p.t, p: p.p, version: p.version, dkLen });
  } catch (e) {
    // noble rejects what it cannot run (limits); for us that is an unusable hash.
    throw new MalformedHashError(`Argon2: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function decimal(text: string): number {
  if (text.length > 10 || (text.length > 1 && text[0] === "0")) throw new MalformedHashError("bad Argon2 number");
  return Number(text);
}

function base64(text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch {
    throw new MalformedHashError("bad base-64 in Argon2 hash");
  }
}
