/**
 * {@link ByteFs} for Deno: file-system calls on byte paths through glibc
 * (`deno_libc.ts`), so names that are not valid UTF-8 reach the kernel
 * unchanged. Every call is a synchronous FFI call with errno read straight
 * after it; failures throw {@link LibcError} (its `code` is the errno name).
 * Load this module only on Deno; calling it needs `--allow-ffi`.
 *
 * Struct layouts are those of x86_64 Linux with glibc: `struct stat`
 * (144 bytes), `struct statvfs` (112 bytes), `struct linux_dirent64` (name at
 * offset 19) and `struct timespec` (two 64-bit fields).
 *
 * @module
 */
import type { ByteFs, ByteFsStat, ByteFsStatVfs } from "./byte_fs.ts";
import { Errno, libc, LibcError, nativeBuffer, Sys } from "./deno_libc.ts";

/** `*at()` calls: relative to the working directory. */
const AT_FDCWD = -100;
/** `*at()` calls: act on a final symlink itself. */
const AT_SYMLINK_NOFOLLOW = 0x100;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Linux's PATH_MAX: the longest path realpath(3) writes, NUL included. */
const PATH_MAX = 4096;
const STAT_SIZE = 144;
const STATVFS_SIZE = 112;
/** `struct linux_dirent64`: d_reclen at 16, d_name at 19. */
const DIRENT_RECLEN = 16;
const DIRENT_NAME = 19;

/** Per-call scratch buffers: every call is synchronous, so one of each is enough. */
const statBuf = nativeBuffer(STAT_SIZE);
const statView = new DataView(statBuf.buffer);
const timesBuf = nativeBuffer(32);
const timesView = new DataView(timesBuf.buffer);

/** `path` followed by a NUL byte, in a buffer of its own. */
function cPath(call: string, path: Uint8Array): Uint8Array {
  if (path.includes(0)) throw new LibcError(call, Errno.EINVAL);
  const out = nativeBuffer(path.length + 1);
  out.set(path);
  return out;
}

/** Throws the errno of the call just made when `rc` reports failure. */
function check(call: string, rc: number | bigint): number {
  const n = Number(rc);
  if (n < 0) throw LibcError.fromErrno(call);
  return n;
}

function u64(at: number): number {
  return Number(statView.getBigUint64(at, true));
}

function timeMs(at: number): number {
  return Number(statView.getBigInt64(at, true)) * 1000 + Number(statView.getBigInt64(at + 8, true)) / 1e6;
}

/** A `struct stat` read from {@link statBuf}. */
class LibcStat implements ByteFsStat {
  readonly dev = u64(0);
  readonly ino = u64(8);
  readonly nlink = u64(16);
  readonly mode = statView.getUint32(24, true);
  readonly uid = statView.getUint32(28, true);
  readonly gid = statView.getUint32(32, true);
  readonly rdev = u64(40);
  readonly size = Number(statView.getBigInt64(48, true));
  readonly blksize = Number(statView.getBigInt64(56, true));
  readonly blocks = Number(statView.getBigInt64(64, true));
  readonly atimeMs = timeMs(72);
  readonly mtimeMs = timeMs(88);
  readonly ctimeMs = timeMs(104);

  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }

  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }

  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
}

/** Fills {@link timesBuf} with two `struct timespec` from seconds. */
function timespecs(atime: number, mtime: number): Uint8Array {
  [atime, mtime].forEach((t, i) => {
    let sec = Math.floor(t);
    let nsec = Math.round((t - sec) * 1e9);
    if (nsec >= 1e9) {
      sec += 1;
      nsec -= 1e9;
    }
    timesView.setBigInt64(i * 16, BigInt(sec), true);
    timesView.setBigInt64(i * 16 + 8, BigInt(nsec), true);
  });
  return timesBuf;
}

/** The bytes of `buf` before its first NUL. */
function beforeNul(buf: Uint8Array): Uint8Array {
  const end = buf.indexOf(0);
  return buf.slice(0, end < 0 ? buf.length : end);
}

/** Appends the names of one `getdents64` batch to `out`, skipping "." and "..". */
function parseDirents(buf: Uint8Array, length: number, out: Uint8Array[]): void {
  const view = new DataView(buf.buffer, buf.byteOffset, length);
  for (let at = 0; at < length;) {
    const reclen = view.getUint16(at + DIRENT_RECLEN, true);
    if (reclen === 0) break;
    const name = beforeNul(buf.subarray(at + DIRENT_NAME, at + reclen));
    const dots = name.length <= 2 && name.every((c) => c === 0x2e);
    if (!dots) out.push(name);
    at += reclen;
  }
}

/**
 * The glibc-backed {@link ByteFs}. The library is opened on the first call.
 *
 * @example
 * ```ts
 * const fs = createDenoByteFs();
 * const name = Uint8Array.of(0x78, 0xff); // "x\xff"
 * fs.close(fs.open(name, 0o101, 0o644)); // O_WRONLY | O_CREAT
 * console.log(fs.lstat(name).size); // 0
 * fs.unlink(name);
 * ```
 */
export function createDenoByteFs(): ByteFs {
  const statAt = (call: string, path: Uint8Array, follow: boolean): ByteFsStat => {
    check(call, libc().fstatat(AT_FDCWD, cPath(call, path), statBuf, follow ? 0 : AT_SYMLINK_NOFOLLOW));
    return new LibcStat();
  };
  return {
    open(path: Uint8Array, flags: number, mode: number): number {
      return check("open", libc().open(cPath("open", path), flags | Sys.O_CLOEXEC, mode));
    },
    close(fd: number): void {
      check("close", libc().close(fd));
    },
    pread(fd: number, into: Uint8Array, position: number): number {
      return check("pread", libc().pread(fd, into, BigInt(into.length), BigInt(position)));
    },
    pwrite(fd: number, data: Uint8Array, position: number | null): number {
      const lib = libc();
      if (position === null) return check("write", lib.write(fd, data, BigInt(data.length)));
      return check("pwrite", lib.pwrite(fd, data, BigInt(data.length), BigInt(position)));
    },
    fstat(fd: number): ByteFsStat {
      check("fstat", libc().fstat(fd, statBuf));
      return new LibcStat();
    },
    ftruncate(fd: number, size: number): void {
      check("ftruncate", libc().ftruncate(fd, BigInt(size)));
    },
    fsync(fd: number): void {
      check("fsync", libc().fsync(fd));
    },
    fchmod(fd: number, mode: number): void {
      check("fchmod", libc().fchmod(fd, mode));
    },
    fchown(fd: number, uid: number, gid: number): void {
      check("fchown", libc().fchown(fd, uid, gid));
    },
    futimes(fd: number, atime: number, mtime: number): void {
      check("futimens", libc().futimens(fd, timespecs(atime, mtime)));
    },
    stat: (path: Uint8Array): ByteFsStat => statAt("stat", path, true),
    lstat: (path: Uint8Array): ByteFsStat => statAt("lstat", path, false),
    readdir(path: Uint8Array): Uint8Array[] {
      const lib = libc();
      const fd = check("opendir", lib.open(cPath("opendir", path), Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC, 0));
      try {
        const names: Uint8Array[] = [];
        const buf = nativeBuffer(32 * 1024);
        for (;;) {
          const n = check("getdents64", lib.getdents64(fd, buf, BigInt(buf.length)));
          if (n === 0) return names;
          parseDirents(buf, n, names);
        }
      } finally {
        lib.close(fd);
      }
    },
    mkdir(path: Uint8Array, mode: number): void {
      check("mkdir", libc().mkdir(cPath("mkdir", path), mode));
    },
    rmdir(path: Uint8Array): void {
      check("rmdir", libc().rmdir(cPath("rmdir", path)));
    },
    unlink(path: Uint8Array): void {
      check("unlink", libc().unlink(cPath("unlink", path)));
    },
    rename(from: Uint8Array, to: Uint8Array): void {
      check("rename", libc().rename(cPath("rename", from), cPath("rename", to)));
    },
    link(existing: Uint8Array, newPath: Uint8Array): void {
      check("link", libc().link(cPath("link", existing), cPath("link", newPath)));
    },
    symlink(target: Uint8Array, path: Uint8Array): void {
      check("symlink", libc().symlink(cPath("symlink", target), cPath("symlink", path)));
    },
    readlink(path: Uint8Array): Uint8Array {
      const c = cPath("readlink", path);
      for (let size = PATH_MAX;; size *= 2) {
        const buf = nativeBuffer(size);
        const n = check("readlink", libc().readlink(c, buf, BigInt(size)));
        if (n < size) return buf.slice(0, n); // n === size: maybe cut short, try a bigger buffer
      }
    },
    truncate(path: Uint8Array, size: number): void {
      check("truncate", libc().truncate(cPath("truncate", path), BigInt(size)));
    },
    chmod(path: Uint8Array, mode: number): void {
      check("chmod", libc().chmod(cPath("chmod", path), mode));
    },
    chown(path: Uint8Array, uid: number, gid: number, follow: boolean): void {
      const flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
      check("chown", libc().fchownat(AT_FDCWD, cPath("chown", path), uid, gid, flags));
    },
    utimes(path: Uint8Array, atime: number, mtime: number, follow: boolean): void {
      const flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
      check("utimensat", libc().utimensat(AT_FDCWD, cPath("utimensat", path), timespecs(atime, mtime), flags));
    },
    realpath(path: Uint8Array): Uint8Array {
      const buf = nativeBuffer(PATH_MAX);
      if (libc().realpath(cPath("realpath", path), buf) === null) throw LibcError.fromErrno("realpath");
      return beforeNul(buf);
    },
    statvfs(path: Uint8Array): ByteFsStatVfs {
      const buf = nativeBuffer(STATVFS_SIZE);
      check("statvfs", libc().statvfs(cPath("statvfs", path), buf));
      const v = new DataView(buf.buffer);
      const at = (i: number) => v.getBigUint64(i * 8, true);
      return {
        bsize: at(0),
        frsize: at(1),
        blocks: at(2),
        bfree: at(3),
        bavail: at(4),
        files: at(5),
        ffree: at(6),
        favail: at(7),
        fsid: at(8),
        flag: at(9),
        namemax: at(10),
      };
    },
  };
}
