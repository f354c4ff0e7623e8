/**
 * User and group names for the SFTP extensions `users-groups-by-id@openssh.com`,
 * `home-directory` and `~user` in `expand-path@openssh.com`, read from
 * /etc/passwd and /etc/group (re-read on every request: the files are small
 * and may change).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { IdNames } from "../sftp/longname.ts";

/** One /etc/passwd entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Parses /etc/passwd text (`name:x:uid:gid:gecos:home:shell`), skipping malformed lines.
 *
 * @example
 * ```ts
 * parsePasswd("root:x:0:0:root:/root:/bin/sh\n"); // [{ name: "root", uid: 0, gid: 0, home: "/root" }]
 * ```
 */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] });
  }
  return out;
}

/**
 * Parses /etc/group text (`name:x:gid:members`) into gid → name (first wins).
 *
 * @example
 * ```ts
 * parseGroups("wheel:x:10:alice\n").get(10); // "wheel"
 * ```
 */
export function parseGroups(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length < 3 || !/^\d+$/.test(f[2])) continue;
    const gid = Number(f[2]);
    if (!out.has(gid)) out.set(gid, f[0]);
  }
  return out;
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}

/** Account files to read (overridable in tests). */
export interface AccountFiles {
  passwd: string;
  group: string;
}

/** The system's account files. */
export const SYSTEM_ACCOUNT_FILES: AccountFiles = { passwd: "/etc/passwd", group: "/etc/group" };

/**
 * The /etc/passwd entry for `name`, or undefined.
 *
 * @example
 * ```ts
 * (await lookupUser("root"))?.home; // "/root"
 * ```
 */
export async function lookupUser(name: string, files = SYSTEM_ACCOUNT_FILES): Promise<PasswdEntry | undefined> {
  return parsePasswd(await readOrEmpty(files.passwd)).find((e) => e.name === name);
}

/**
 * Names for uids and gids, "" where unknown (users-groups-by-id@openssh.com).
 *
 * @example
 * ```ts
 * await namesForIds([0], [0]); // { users: ["root"], groups: ["root"] }
 * ```
 */
export async function namesForIds(
  uids: number[],
  gids: number[],
  files = SYSTEM_ACCOUNT_FILES,
): Promise<{ users: string[]; groups: string[] }> {
  const users = new Map<number, string>();
  for (const e of parsePasswd(await readOrEmpty(files.passwd))) if (!users.has(e.uid)) users.set(e.uid, e.name);
  const groups = parseGroups(await readOrEmpty(files.group));
  return { users: uids.map((u) => users.get(u) ?? ""), groups: gids.map((g) => groups.get(g) ?? "") };
}

/**
 * Owner and group names for `ls -l` style READDIR longnames, read once from
 * the account files (OpenSSH's sftp-server shows names, falling back to numbers).
 *
 * @example
 * ```ts
 * const names = await idNames();
 * names.user?.(0); // "root"
 * ```
 */
export async function idNames(files = SYSTEM_ACCOUNT_FILES): Promise<IdNames> {
  const users = new Map<number, string>();
  for (const e of parsePasswd(await readOrEmpty(files.passwd))) if (!users.has(e.uid)) users.set(e.uid, e.name);
  const groups = parseGroups(await readOrEmpty(files.group));
  return { user: (uid) => users.get(uid), group: (gid) => groups.get(gid) };
}
