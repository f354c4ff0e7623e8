/**
 * The default SFTP backend: the real disk, as the user the server runs as,
 * through `node:fs` (the same code on Deno and Bun). Relative paths start in
 * the home directory; with `root` the session is confined to that directory
 * (see `sftp_paths.ts`). New files and directories get the client's mode (or
 * 0666 / 0777) minus `umask`. Every failure is an {@link SftpError} with the
 * status and message OpenSSH's sftp-server would send.
 *
 * Names are bytes end to end. On Bun `node:fs` takes them as `Buffer`s; on
 * Deno, whose `node:fs` decodes paths as UTF-8, a name that is not valid UTF-8
 * goes through the runtime's `ByteFs` (`byteFs` option, FFI to libc) while
 * UTF-8 names keep `node:fs`. Without a `ByteFs` such names are refused
 * (FAILURE) rather than silently changed, and appear in listings with U+FFFD
 * and no attributes.
 *
 * @module
 */
import { constants } from "node:fs";
import type { ByteFs } from "../runtime/byte_fs.ts";
import {
  chmod,
  chown,
  type HostFileHandle,
  type HostPath,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  readlink,
  rename,
  rmdir,
  stat,
  statfs,
  symlink,
  truncate,
  unlink,
  utimes,
} from "./sftp_host_fs.ts";
import {
  type OpenFlags,
  SFTP_STATUS,
  type SftpAttrs,
  type SftpBackend,
  type SftpDirHandle,
  SftpError,
  type SftpFileHandle,
  type SftpStatVfs,
} from "../sftp/backend.ts";
import { applyAttrs, attrsFromStats, type AttrTarget } from "./sftp_attrs.ts";
import { errnoCode, errnoError, toSftpError } from "./sftp_errno.ts";
import { DiskDirHandle, DiskFileHandle } from "./sftp_handles.ts";
import { SftpPaths } from "./sftp_paths.ts";
import { joinPath, pathBytes, runtimeKeepsRawNames } from "./sftp_path_bytes.ts";
import { type AccountFiles, lookupUser, namesForIds, SYSTEM_ACCOUNT_FILES } from "./sftp_users.ts";

/** Options of {@link diskBackend}. */
export interface DiskBackendOptions {
  /** Home directory (host path): where relative paths start, and what `~` expands to. */
  home: string;
  /** Confine the session to this host directory, which the client sees as "/" (`--sftp-root`). */
  root?: string;
  /** Bits cleared from the mode of created files and directories. Default 0o022. */
  umask?: number;
  /** Pass names to the kernel as raw bytes. Default: true on Bun, false on Deno (see module doc). */
  rawNames?: boolean;
  /** Where names that are not UTF-8 go when `rawNames` is false (`Runtime.byteFs`); without it they are refused. */
  byteFs?: ByteFs;
  /** Where user and group names come from. Default /etc/passwd and /etc/group. */
  accountFiles?: AccountFiles;
}

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NOFOLLOW } = constants;

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toSftpError(e);
  }
}

/** Opens with O_CREAT but knows whether this call created the file (so only new files get the mode). */
async function openCreating(
  host: HostPath,
  flags: number,
  mode: number,
  exclusive: boolean,
): Promise<HostFileHandle> {
  for (let attempt = 0;; attempt++) {
    try {
      const fh = await open(host, flags | O_CREAT | O_EXCL, mode);
      // The process umask may differ from the session's: set exactly the mode asked for.
      await fh.chmod(mode).catch(() => {});
      return fh;
    } catch (e) {
      if (exclusive || errnoCode(e) !== "EEXIST") throw e;
    }
    try {
      return await open(host, flags);
    } catch (e) {
      // Removed between the two calls: try creating again (a few times at most).
      if (errnoCode(e) !== "ENOENT" || attempt >= 3) throw e;
    }
  }
}

/**
 * The real-disk SFTP backend.
 *
 * @example
 * ```ts
 * const backend = diskBackend({ home: "/home/me", root: "/srv/share", umask: 0o022 });
 * const h = await backend.open(new TextEncoder().encode("notes.txt"), { write: true, create: true }, {});
 * await h.write(0n, new TextEncoder().encode("hello"));
 * await h.close();
 * ```
 */
export function diskBackend(options: DiskBackendOptions): SftpBackend {
  const umask = options.umask ?? 0o022;
  const accounts = options.accountFiles ?? SYSTEM_ACCOUNT_FILES;
  const ready = SftpPaths.create({
    home: options.home,
    root: options.root,
    rawNames: options.rawNames ?? runtimeKeepsRawNames(),
    byteFs: options.byteFs,
  });
  ready.catch(() => {}); // reported by the first request instead

  /** Runs a lookup-and-use under the shared lock, mapping every failure to SftpError. */
  const shared = <T>(fn: (p: SftpPaths) => Promise<T>) =>
    guard(async () => {
      const p = await ready;
      return p.shared(() => fn(p));
    });
  /** The same, alone: for changes that could redirect a concurrent lookup. */
  const exclusive = <T>(fn: (p: SftpPaths) => Promise<T>) =>
    guard(async () => {
      const p = await ready;
      return p.exclusive(() => fn(p));
    });

  const pathTarget = (p: SftpPaths, host: HostPath, followLinks: boolean): AttrTarget => ({
    stat: () => followLinks && !p.confined ? stat(host) : lstat(host),
    truncate: (size) => truncate(host, size),
    chmod: (mode) => chmod(host, mode),
    // Confined paths are resolved already; the l-variants keep a final symlink from being followed.
    utimes: (a, m) => followLinks && !p.confined ? utimes(host, a, m) : lutimes(host, a, m),
    chown: (u, g) => followLinks && !p.confined ? chown(host, u, g) : lchown(host, u, g),
  });

  const clientHome = async (name: string, p: SftpPaths): Promise<Uint8Array> => {
    const entry = await lookupUser(name, accounts);
    if (!entry) throw new SftpError(SFTP_STATUS.FAILURE, "No such user");
    const view = p.clientView(pathBytes(entry.home));
    if (!view) throw errnoError("ENOENT");
    return view;
  };

  return {
    open: (path: Uint8Array, flags: OpenFlags, attrs: SftpAttrs): Promise<SftpFileHandle> =>
      shared(async (p) => {
        const host = await p.host(path, { follow: true });
        const access = flags.read && flags.write ? O_RDWR : flags.write ? O_WRONLY : O_RDONLY;
        const bits = access | (flags.append ? O_APPEND : 0) | (flags.truncate ? O_TRUNC : 0) |
          (p.confined ? O_NOFOLLOW : 0);
        const mode = (attrs.permissions ?? 0o666) & 0o7777 & ~umask;
        const fh = flags.create ? await openCreating(host, bits, mode, !!flags.exclusive) : await open(host, bits);
        return new DiskFileHandle(fh, !!flags.append);
      }),

    opendir: (path: Uint8Array): Promise<SftpDirHandle> =>
      shared(async (p) => DiskDirHandle.open(await p.hostBytes(path, { follow: true }), p.rawNames, p.byteFs)),

    stat: (path: Uint8Array): Promise<SftpAttrs> =>
      shared(async (p) => {
        const host = await p.host(path, { follow: true });
        return attrsFromStats(p.confined ? await lstat(host) : await stat(host));
      }),

    lstat: (path: Uint8Array): Promise<SftpAttrs> =>
      shared(async (p) => attrsFromStats(await lstat(await p.host(path, { follow: false })))),

    setstat: (path: Uint8Array, attrs: SftpAttrs): Promise<void> =>
      shared(async (p) => applyAttrs(pathTarget(p, await p.host(path, { follow: true }), true), attrs)),

    lsetstat: (path: Uint8Array, attrs: SftpAttrs): Promise<void> =>
      shared(async (p) => {
        const host = await p.host(path, { follow: false });
        const target = pathTarget(p, host, false);
        if ((await lstat(host)).isSymbolicLink()) {
          // Linux cannot change a symlink's mode or size.
          delete target.chmod;
          delete target.truncate;
        }
        await applyAttrs(target, attrs);
      }),

    remove: (path: Uint8Array): Promise<void> => shared(async (p) => unlink(await p.host(path, { follow: false }))),

    mkdir: (path: Uint8Array, attrs: SftpAttrs): Promise<void> =>
      shared(async (p) => {
        const host = await p.host(path, { follow: false });
        const mode = (attrs.permissions ?? 0o777) & 0o7777 & ~umask;
        await mkdir(host, mode);
        await chmod(host, mode).catch(() => {});
      }),

    rmdir: (path: Uint8Array): Promise<void> => shared(async (p) => rmdir(await p.host(path, { follow: false }))),

    rename: (from: Uint8Array, to: Uint8Array, options: { posix: boolean }): Promise<void> =>
      exclusive(async (p) => {
        const src = await p.host(from, { follow: false });
        const dst = await p.host(to, { follow: false });
        if (options.posix) return await rename(src, dst);
        // SSH_FXP_RENAME must not replace: for regular files link+unlink is atomic about that
        // (as OpenSSH does); otherwise, or where hard links fail, check then rename.
        if ((await lstat(src)).isFile()) {
          try {
            await link(src, dst);
            await unlink(src);
            return;
          } catch (e) {
            const code = errnoCode(e);
            if (code === "EEXIST" || code === "ENOENT" || code === "EACCES" || code === "ENOTDIR") throw e;
          }
        }
        const exists = await lstat(dst).then(() => true, (e) => {
          if (errnoCode(e) === "ENOENT") return false;
          throw e;
        });
        if (exists) throw errnoError("EEXIST");
        await rename(src, dst);
      }),

    readlink: (path: Uint8Array): Promise<Uint8Array> =>
      shared(async (p) => readlink(await p.host(path, { follow: false }))),

    symlink: (target: Uint8Array, linkPath: Uint8Array): Promise<void> =>
      exclusive(async (p) => symlink(p.fsPath(target), await p.host(linkPath, { follow: false }))),

    realpath: (path: Uint8Array): Promise<Uint8Array> => shared((p) => p.canonical(path)),

    hardlink: (existing: Uint8Array, linkPath: Uint8Array): Promise<void> =>
      exclusive(async (p) =>
        link(await p.host(existing, { follow: false }), await p.host(linkPath, { follow: false }))
      ),

    statvfs: (path: Uint8Array): Promise<SftpStatVfs> =>
      shared(async (p) => {
        const s = await statfs(await p.host(path, { follow: true }));
        return {
          bsize: s.bsize,
          frsize: s.bsize,
          blocks: s.blocks,
          bfree: s.bfree,
          bavail: s.bavail,
          files: s.files,
          ffree: s.ffree,
          favail: s.ffree,
          fsid: 0n,
          flag: 0n,
          namemax: 255n,
        };
      }),

    expandPath: (path: Uint8Array): Promise<Uint8Array> =>
      shared(async (p) => {
        if (path.length === 0 || path[0] !== 0x7e) return p.canonical(path); // no "~"
        const slash = path.indexOf(0x2f);
        const user = path.subarray(1, slash < 0 ? path.length : slash);
        const rest = slash < 0 ? new Uint8Array(0) : path.subarray(slash + 1);
        const home = user.length === 0 ? p.home : await clientHome(new TextDecoder().decode(user), p);
        return p.canonical(rest.length ? joinPath(home, [rest]) : home);
      }),

    homeDirectory: (user: Uint8Array): Promise<Uint8Array> =>
      shared((p) => clientHome(new TextDecoder().decode(user), p)),

    usersGroupsById: (uids: number[], gids: number[]) => guard(() => namesForIds(uids, gids, accounts)),
  };
}
