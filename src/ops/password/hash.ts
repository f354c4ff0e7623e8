/**
 * Hashing new passwords for tsshd's password file: argon2id with
 * {@link ARGON2_DEFAULTS} (m = 19456 KiB, t = 2, p = 1), a random 16-byte
 * salt and a 32-byte digest, as a PHC string.
 *
 * @example
 * ```ts
 * const hash = await hashPassword("correct horse battery staple");
 * // "$argon2id$v=19$m=19456,t=2,p=1$…$…"
 * await verifyPassword("correct horse battery staple", hash); // true
 * ```
 * @module
 */

import { ARGON2_DEFAULTS, argon2Hash, type Argon2Params } from "./argon2.ts";

/**
 * Hash `password` (a string is taken as UTF-8) for storage. `params`
 * overrides the argon2 defaults (tests use small ones).
 *
 * @example
 * ```ts
 * await setPasswordHash(file, "alice", await hashPassword(password));
 * ```
 */
export async function hashPassword(
  password: string | Uint8Array,
  params: Partial<Argon2Params> = {},
): Promise<string> {
  const bytes = typeof password === "string" ? new TextEncoder().encode(password) : password;
  return await argon2Hash(bytes, { ...ARGON2_DEFAULTS, ...params });
}
