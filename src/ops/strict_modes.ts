/**
 * sshd's `StrictModes` for files a user controls (authorized_keys): refuse a
 * file that someone other than the user or root could have written. Follows
 * OpenSSH `safe_path` (misc.c): after resolving symlinks, the file must be a
 * regular file and every directory from its parent upwards must be owned by
 * root or the user and not group- or world-writable; the walk stops after
 * the user's home directory (when the file is below it) or at `/`.
 *
 * @module
 */
import { realpath, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * The account facts the check needs.
 *
 * @example
 * ```ts
 * const owner: StrictModesAccount = { uid: 1000, home: "/home/alice" };
 * ```
 */
export interface StrictModesAccount {
  uid: number;
  home: string;
}

/** Group- and world-writable bits. */
const WRITABLE_BY_OTHERS = 0o022;

function badOwner(ownerUid: number, mode: number, uid: number): boolean {
  return (ownerUid !== 0 && ownerUid !== uid) || (mode & WRITABLE_BY_OTHERS) !== 0;
}

/**
 * Why `path` is not safe to trust for `account`, in sshd's words, or
 * `undefined` when it is. A path that does not resolve (missing file) gives
 * a `realpath … failed` reason: check for existence first if a missing file
 * is simply "no keys".
 *
 * @example
 * ```ts
 * await strictModesProblem("/home/alice/.ssh/authorized_keys", { uid: 1000, home: "/home/alice" });
 * // undefined, or e.g. "bad ownership or modes for directory /home/alice/.ssh"
 * ```
 */
export async function strictModesProblem(path: string, account: StrictModesAccount): Promise<string | undefined> {
  let file: string;
  try {
    file = await realpath(path);
  } catch (e) {
    return `realpath ${path} failed: ${(e as Error).message}`;
  }
  let home: string | undefined;
  try {
    home = await realpath(account.home);
  } catch {
    home = undefined; // then the walk goes up to "/"
  }
  let info;
  try {
    info = await stat(file);
  } catch (e) {
    return `cannot stat file ${file}: ${(e as Error).message}`;
  }
  if (!info.isFile()) return `${file} is not a regular file`;
  if (badOwner(info.uid, info.mode, account.uid)) return `bad ownership or modes for file ${file}`;
  for (let dir = dirname(file);; dir = dirname(dir)) {
    try {
      const d = await stat(dir);
      if (badOwner(d.uid, d.mode, account.uid)) return `bad ownership or modes for directory ${dir}`;
    } catch {
      return `bad ownership or modes for directory ${dir}`;
    }
    if (dir === home || dir === "/" || dir === ".") return undefined;
  }
}
