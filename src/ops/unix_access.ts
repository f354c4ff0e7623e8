/**
 * Unix-socket forwarding on behalf of another account (multi-user mode):
 * tsshd runs as root, so before it connects to or binds a socket path for a
 * user it checks that the user could have done so — the kernel's rules for
 * `connect(2)` (search on every directory, write on the socket) and
 * `bind(2)` (search on every directory, write on the parent).
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

/** Whose permissions apply. */
export interface Credentials {
  uid: number;
  /** Primary and supplementary groups. */
  gids: readonly number[];
}

const WRITE = 2, SEARCH = 1;

async function allowed(path: string, who: Credentials, want: number): Promise<boolean> {
  if (who.uid === 0) return true;
  let st;
  try {
    st = await stat(path);
  } catch {
    return false;
  }
  const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : who.gids.includes(st.gid) ? (st.mode >> 3) & 7 : st.mode & 7;
  return (bits & want) === want;
}

/** Every ancestor directory of `path` is searchable by `who`. */
async function searchable(path: string, who: Credentials): Promise<boolean> {
  for (let d = dirname(resolve(path));; d = dirname(d)) {
    if (!(await allowed(d, who, SEARCH))) return false;
    if (d === "/") return true;
  }
}

/**
 * Could `who` connect to the unix socket at `path`?
 *
 * @example
 * ```ts
 * await mayConnectUnix("/run/docker.sock", { uid: 1000, gids: [1000] }); // false unless in group docker
 * ```
 */
export async function mayConnectUnix(path: string, who: Credentials): Promise<boolean> {
  return await searchable(path, who) && await allowed(path, who, WRITE);
}

/**
 * Could `who` create a socket at `path`?
 *
 * @example
 * ```ts
 * await mayBindUnix("/tmp/alice.sock", { uid: 1000, gids: [1000] }); // true (/tmp is world-writable)
 * ```
 */
export async function mayBindUnix(path: string, who: Credentials): Promise<boolean> {
  const parent = dirname(resolve(path));
  return await searchable(path, who) && await allowed(parent, who, WRITE | SEARCH);
}
