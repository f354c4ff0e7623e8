/**
 * tsshd's password file (`--password-file`, default
 * `~/.config/tsshd/passwords`): one `user:hash` line per user, like the
 * first two fields of /etc/shadow. Further `:`-separated fields are
 * ignored (and kept when a line is rewritten); blank lines and lines whose
 * first non-blank character is `#` are comments.
 *
 * A line that cannot be used is a warning naming FILE:LINE, and the other
 * lines still work. A hash starting with `!` or `*` locks the user (no
 * warning). If a user appears twice, the first line wins.
 *
 * {@link setPasswordHash} adds or replaces a user's line atomically: the
 * new file is written beside the old one (mode 0600), flushed, and renamed
 * over it, so a reader sees the old file or the new one, never half of one.
 *
 * @example
 * ```ts
 * const { entries, warnings } = parsePasswordFile(await readFile(path, "utf8"), path);
 * const entry = findPasswordEntry(entries, "alice");
 * if (entry && (await verifyPassword(password, entry.hash))) accept();
 * ```
 * @module
 */

import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "../../ssh/config.ts";
import { hashProblem } from "./verify.ts";

/**
 * One usable line of a password file.
 *
 * @example
 * ```ts
 * const e: PasswordEntry = { user: "alice", hash: "$argon2id$…", line: 3 };
 * ```
 */
export interface PasswordEntry {
  user: string;
  /** The stored hash (may be a locked `!…` one, which never verifies). */
  hash: string;
  /** 1-based line number. */
  line: number;
}

/**
 * The result of {@link parsePasswordFile}.
 *
 * @example
 * ```ts
 * for (const w of parsed.warnings) logger.warn(w);
 * ```
 */
export interface ParsedPasswordFile {
  entries: PasswordEntry[];
  /** `FILE:LINE: what is wrong` for each line that was skipped or is suspicious. */
  warnings: string[];
}

/**
 * Why `user` cannot be a user name in a password file, or `undefined`.
 *
 * @example
 * ```ts
 * userNameProblem("al:ice"); // "user name contains ':'"
 * ```
 */
export function userNameProblem(user: string): string | undefined {
  if (user === "") return "empty user name";
  if (user.includes(":")) return "user name contains ':'";
  const control = [...user].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /\s/.test(user)) return "user name contains whitespace or control characters";
  if (user.startsWith("#")) return "user name starts with '#'";
  return undefined;
}

/**
 * Parse a password file's text; `path` is only used in warnings.
 *
 * @example
 * ```ts
 * parsePasswordFile("alice:$argon2id$…\n", "passwords").entries[0].user; // "alice"
 * ```
 */
export function parsePasswordFile(text: string, path: string): ParsedPasswordFile {
  const entries: PasswordEntry[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const where = `${path}:${i + 1}`;
    const fields = line.split(":");
    if (fields.length < 2) {
      warnings.push(`${where}: expected user:hash`);
      continue;
    }
    const [user, hash] = fields;
    const badUser = userNameProblem(user);
    if (badUser) {
      warnings.push(`${where}: ${badUser}`);
      continue;
    }
    const first = seen.get(user);
    if (first !== undefined) {
      warnings.push(`${where}: duplicate entry for ${user}; line ${first} is used`);
      continue;
    }
    const problem = hashProblem(hash);
    if (problem !== undefined && problem !== "locked") {
      warnings.push(`${where}: ${problem} for ${user}; this user cannot log in with a password`);
      continue;
    }
    seen.set(user, i + 1);
    entries.push({ user, hash, line: i + 1 });
  }
  return { entries, warnings };
}

/**
 * The entry for `user`, or `undefined`.
 *
 * @example
 * ```ts
 * findPasswordEntry(parsed.entries, "alice")?.hash;
 * ```
 */
export function findPasswordEntry(entries: PasswordEntry[], user: string): PasswordEntry | undefined {
  return entries.find((e) => e.user === user);
}

/**
 * A password file re-read on every lookup (so `tsshd passwd` takes effect
 * at once), with each distinct warning logged once.
 *
 * @example
 * ```ts
 * const passwords = new PasswordFile("/home/me/.config/tsshd/passwords", logger);
 * const entry = await passwords.lookup("alice");
 * ```
 */
export class PasswordFile {
  private warned = new Set<string>();

  constructor(readonly path: string, private logger: Logger) {}

  /** The entry for `user`, or `undefined` (also when the file cannot be read: a warning then). */
  async lookup(user: string): Promise<PasswordEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      this.warnOnce(`cannot read password file ${this.path}: ${(e as Error).message}`);
      return undefined;
    }
    const parsed = parsePasswordFile(text, this.path);
    for (const w of parsed.warnings) this.warnOnce(w);
    return findPasswordEntry(parsed.entries, user);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(message);
    this.logger.warn(message);
  }
}

/**
 * The file's text with `user`'s hash set to `hash`: the first line for
 * `user` gets the new hash (other fields kept), or a line is appended.
 * Comments, other users and their order are kept.
 *
 * @example
 * ```ts
 * withPasswordHash("# mine\nbob:$6$…\n", "alice", h); // "# mine\nbob:$6$…\nalice:<h>\n"
 * ```
 */
export function withPasswordHash(text: string, user: string, hash: string): { text: string; replaced: boolean } {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim().startsWith("#")) continue;
    const fields = line.replace(/\r$/, "").split(":");
    if (fields.length >= 2 && fields[0] === user) {
      fields[1] = hash;
      lines[i] = fields.join(":");
      return { text: lines.join("\n") + "\n", replaced: true };
    }
  }
  lines.push(`${user}:${hash}`);
  return { text: lines.join("\n") + "\n", replaced: false };
}

/**
 * Add or replace `user`'s line in the password file at `path`, atomically
 * (temporary file, fsync, rename; mode 0600). Creates the file, and its
 * directory with mode 0700, if missing. Returns whether a line was replaced.
 * Throws `RangeError` for a user name or hash that cannot be stored, and
 * the file system's errors.
 *
 * @example
 * ```ts
 * const replaced = await setPasswordHash("/home/me/.config/tsshd/passwords", "alice", await hashPassword(pw));
 * ```
 */
export async function setPasswordHash(path: string, user: string, hash: string): Promise<boolean> {
  const badUser = userNameProblem(user);
  if (badUser) throw new RangeError(badUser);
  if (hash === "" || /[:\s]/.test(hash)) throw new RangeError("hash is empty or contains ':' or whitespace");
  let old = "";
  try {
    old = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e;
  }
  const { text, replaced } = withPasswordHash(old, user, hash);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0"));
  const tmp = join(dir, `.${basename(path)}.${suffix.join("")}.tmp`);
  const file = await open(tmp, "wx", 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await file.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  return replaced;
}
