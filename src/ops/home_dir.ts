/**
 * The working directory of a multi-user session: the account's home, or `/`
 * with sshd's "Could not chdir to home directory" message when the *user*
 * could not enter it. The runtime changes directory as root (before setpriv
 * drops privileges), where every directory is searchable, so the check is
 * made here from the mode bits of each path component against the user's
 * uid and groups (ACLs and capabilities are not considered).
 *
 * @module
 */
import { stat } from "node:fs/promises";

/**
 * Where a session starts.
 *
 * @example
 * ```ts
 * const start: SessionDirectory = { cwd: "/", message: "Could not chdir to home directory /home/x: No such file or directory\n" };
 * ```
 */
export interface SessionDirectory {
  cwd: string;
  /** For the session's stderr (the terminal, for a PTY) when the home could not be used. */
  message?: string;
}

/**
 * The account facts the check needs.
 *
 * @example
 * ```ts
 * const who: HomeOwner = { uid: 1000, gids: [1000, 27], home: "/home/alice" };
 * ```
 */
export interface HomeOwner {
  uid: number;
  /** Primary and supplementary gids. */
  gids: readonly number[];
  home: string;
}

/** Whether `uid`/`gids` may search a directory with this owner and mode. */
function searchable(st: { uid: number; gid: number; mode: number }, who: HomeOwner): boolean {
  if (who.uid === 0) return true;
  if (st.uid === who.uid) return (st.mode & 0o100) !== 0;
  if (who.gids.includes(st.gid)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** `/a/b/c` → `["/", "/a", "/a/b", "/a/b/c"]`. */
function prefixes(path: string): string[] {
  const parts = path.split("/").filter((p) => p !== "");
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}

/**
 * The directory a session of `who` starts in: the home directory if the
 * user can `chdir` into it, else `/` and the message sshd prints.
 *
 * @example
 * ```ts
 * const { cwd, message } = await sessionDirectory({ uid: 1000, gids: [1000], home: "/home/alice" });
 * if (message) await channel.writeStderr(new TextEncoder().encode(message));
 * ```
 */
export async function sessionDirectory(who: HomeOwner): Promise<SessionDirectory> {
  const fail = (why: string) => ({ cwd: "/", message: `Could not chdir to home directory ${who.home}: ${why}\n` });
  if (!who.home.startsWith("/")) return fail("No such file or directory");
  for (const dir of prefixes(who.home)) {
    let st;
    try {
      st = await stat(dir);
    } catch (e) {
      const code = (e as { code?: string }).code;
      return fail(
        code === "ENOTDIR" ? "Not a directory" : code === "EACCES" ? "Permission denied" : "No such file or directory",
      );
    }
    if (!st.isDirectory()) return fail("Not a directory");
    if (!searchable(st, who)) return fail("Permission denied");
  }
  return { cwd: who.home };
}
