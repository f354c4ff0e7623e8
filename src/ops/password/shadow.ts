/**
 * /etc/shadow lookups for `--system-passwords` (readable by root only).
 *
 * Fields (shadow(5)): name : password : lastchg : min : max : warn :
 * inactive : expire : reserved, dates in days since 1970-01-01. The
 * account's state follows pam_unix's rules (what sshd on Debian applies
 * through PAM):
 *
 * - `locked`: the hash starts with `!` (`passwd -l`, `!!`, `!*`) or `*`;
 * - `no-password`: the hash is empty (never accepted for SSH here);
 * - `expired`: `expire` is set and today ≥ expire; or the password has
 *   been expired for longer than `inactive` days;
 * - `password-expired`: lastchg is 0 (the administrator forced a change) or
 *   the password is older than `max` days: a login would have to change it,
 *   which tsshd cannot do, so the caller should refuse and say so in the log;
 * - `ok` otherwise.
 *
 * @example
 * ```ts
 * const entry = await readShadowEntry("alice");
 * if (entry?.status === "ok" && (await verifyPassword(password, entry.hash))) accept();
 * ```
 * @module
 */

import { readFile } from "node:fs/promises";

/**
 * What an /etc/shadow entry allows.
 *
 * @example
 * ```ts
 * const s: ShadowStatus = "locked";
 * ```
 */
export type ShadowStatus = "ok" | "locked" | "no-password" | "expired" | "password-expired";

/**
 * One user's /etc/shadow entry.
 *
 * @example
 * ```ts
 * parseShadowLine("alice:$y$j9T$…:19800:0:99999:7:::", 20000)?.status; // "ok"
 * ```
 */
export interface ShadowEntry {
  user: string;
  /** The password field as stored (locked ones keep their `!`). */
  hash: string;
  status: ShadowStatus;
  /** Field 8, days since the epoch, if set. */
  expireDay?: number;
}

/**
 * Today as shadow(5) counts: whole days since 1970-01-01 UTC.
 *
 * @example
 * ```ts
 * shadowDay(new Date("2024-01-01T12:00:00Z")); // 19723
 * ```
 */
export function shadowDay(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 86_400_000);
}

/**
 * Parse one /etc/shadow line as of day `today`; `undefined` for a line that
 * is not an entry (blank, NIS `+`/`-` lines, fewer than two fields).
 *
 * @example
 * ```ts
 * parseShadowLine("bob:!$6$…:19000:0:99999:7:::", shadowDay())?.status; // "locked"
 * ```
 */
export function parseShadowLine(line: string, today: number): ShadowEntry | undefined {
  const fields = line.replace(/\r$/, "").split(":");
  if (fields.length < 2 || fields[0] === "" || /^[+-]/.test(fields[0])) return undefined;
  const [user, hash] = fields;
  const lastChange = day(fields[2]);
  const max = day(fields[4]);
  const inactive = day(fields[6]);
  const expireDay = day(fields[7]);
  const entry: ShadowEntry = { user, hash, status: "ok" };
  if (expireDay !== undefined) entry.expireDay = expireDay;
  if (hash === "") entry.status = "no-password";
  else if (hash.startsWith("!") || hash.startsWith("*")) entry.status = "locked";
  else if (expireDay !== undefined && today >= expireDay) entry.status = "expired";
  else if (lastChange === 0) entry.status = "password-expired";
  else if (lastChange !== undefined && max !== undefined && today - lastChange > max) {
    entry.status = inactive !== undefined && today - lastChange > max + inactive ? "expired" : "password-expired";
  }
  return entry;
}

/**
 * The first entry for `user` in /etc/shadow-format `text`, or `undefined`.
 *
 * @example
 * ```ts
 * findShadowEntry(await readFile("/etc/shadow", "utf8"), "alice", shadowDay());
 * ```
 */
export function findShadowEntry(text: string, user: string, today: number): ShadowEntry | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${user}:`)) continue;
    const entry = parseShadowLine(line, today);
    if (entry?.user === user) return entry;
  }
  return undefined;
}

/**
 * Read `user`'s entry from /etc/shadow (or `options.path`) as of
 * `options.now`. `undefined` if the user has none; throws the file system's
 * error if the file cannot be read (EACCES when not running as root).
 *
 * @example
 * ```ts
 * const entry = await readShadowEntry("alice");
 * ```
 */
export async function readShadowEntry(
  user: string,
  options: { path?: string; now?: Date } = {},
): Promise<ShadowEntry | undefined> {
  const text = await readFile(options.path ?? "/etc/shadow", "utf8");
  return findShadowEntry(text, user, shadowDay(options.now));
}

/** A day-count field: `undefined` when empty or not a number (shadow's -1). */
function day(field: string | undefined): number | undefined {
  if (field === undefined || !/^\d{1,9}$/.test(field)) return undefined;
  return Number(field);
}
