/**
 * Handing a PTY slave to the user who logs in on it, as sshd's
 * `pty_setowner` does: owner the user, group `tty` and mode 0620 (so
 * `write`/`wall` work through the setgid `tty` group, and `mesg n` can take
 * the group bit away), or the user's group and 0600 where there is no `tty`
 * group.
 *
 * There is no hand-back at session end: on Linux (devpts) the slave node
 * vanishes when the master is closed, and a later pty reusing the number is
 * created afresh. Chowning "our" path back after the session could hit
 * somebody else's new terminal, which is why OpenSSH skips `pty_release`
 * where `openpty` exists.
 *
 * @module
 */
import { chmodSync, chownSync, readFileSync } from "node:fs";
import type { RunAs } from "./types.ts";

/**
 * The gid of group `tty` in the group file, or `undefined` if there is none.
 *
 * @example
 * ```ts
 * ttyGroupId(); // 5 on Debian
 * ```
 */
export function ttyGroupId(groupFile = "/etc/group"): number | undefined {
  let text: string;
  try {
    text = readFileSync(groupFile, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[0] === "tty" && f.length >= 3 && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

/**
 * Owner, group and mode a slave gets for `user`.
 *
 * @example
 * ```ts
 * ptyOwnership({ uid: 1000, gid: 1000, name: "alice" }, 5); // { uid: 1000, gid: 5, mode: 0o620 }
 * ```
 */
export function ptyOwnership(user: RunAs, ttyGid: number | undefined): { uid: number; gid: number; mode: number } {
  return ttyGid === undefined
    ? { uid: user.uid, gid: user.gid, mode: 0o600 }
    : { uid: user.uid, gid: ttyGid, mode: 0o620 };
}

/**
 * Gives the slave at `slavePath` to `user` (see {@link ptyOwnership}),
 * touching only what differs. Throws the `node:fs` error if that fails.
 *
 * @example
 * ```ts
 * givePtyTo("/dev/pts/3", { uid: 1000, gid: 1000, name: "alice" });
 * ```
 */
export function givePtyTo(
  slavePath: string,
  user: RunAs,
  groupFile = "/etc/group",
  fs: PtyOwnerFs = NODE_FS,
): void {
  const want = ptyOwnership(user, ttyGroupId(groupFile));
  fs.chown(slavePath, want.uid, want.gid);
  fs.chmod(slavePath, want.mode);
}

/** How ownership is changed: node:fs by default; Deno passes libc calls (its permission system refuses /dev paths). */
export interface PtyOwnerFs {
  chown(path: string, uid: number, gid: number): void;
  chmod(path: string, mode: number): void;
}

const NODE_FS: PtyOwnerFs = { chown: chownSync, chmod: chmodSync };
