/**
 * A file-system interface whose paths are bytes, for names that are not valid
 * UTF-8. Deno's `node:fs` and `Deno.*` decode paths as UTF-8 (an invalid byte
 * becomes U+FFFD, which names another file), so the SFTP backend hands such
 * names to a {@link ByteFs} instead; Deno implements it with glibc through FFI
 * (`deno_byte_fs.ts`). Bun's `node:fs` keeps `Buffer` paths as bytes and needs
 * none.
 *
 * Calls are synchronous (they block the caller for one system call, like the
 * `*Sync` functions of `node:fs`) and meant for the rare names the fast path
 * cannot take. A failure throws an `Error` whose `code` is the errno name
 * (`"ENOENT"`, `"EEXIST"`, `"ENOTEMPTY"`…), as `node:fs` errors do.
 *
 * @module
 */

/**
 * What `stat(2)` says about a file: the fields of `node:fs`'s `Stats` that
 * tsshd uses (so a `Stats` is a `ByteFsStat` too), times in milliseconds.
 *
 * @example
 * ```ts
 * const st: ByteFsStat = byteFs.lstat(Uint8Array.of(0x61, 0xff));
 * if (st.isDirectory()) console.log(st.mode.toString(8), st.size);
 * ```
 */
export interface ByteFsStat {
  dev: number;
  ino: number;
  /** File type and permission bits (`st_mode`). */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * What `statvfs(3)` says about a file system.
 *
 * @example
 * ```ts
 * const v: ByteFsStatVfs = byteFs.statvfs(Uint8Array.of(0x2f));
 * console.log(v.bavail * v.frsize); // bytes free for unprivileged users
 * ```
 */
export interface ByteFsStatVfs {
  bsize: bigint;
  frsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  favail: bigint;
  fsid: bigint;
  flag: bigint;
  namemax: bigint;
}

/**
 * File-system calls on byte paths (no NUL byte; relative paths start at the
 * process's working directory) and on file descriptors they opened. Flags and
 * modes are the Linux values (`node:fs` `constants` carries the same numbers).
 *
 * @example
 * ```ts
 * const name = Uint8Array.of(0x62, 0x61, 0x64, 0xff); // "bad\xff"
 * const fd = byteFs.open(name, O_WRONLY | O_CREAT | O_EXCL, 0o644);
 * try {
 *   byteFs.pwrite(fd, new TextEncoder().encode("hello"), 0);
 * } finally {
 *   byteFs.close(fd);
 * }
 * console.log(byteFs.readdir(Uint8Array.of(0x2e))); // [Uint8Array [98, 97, 100, 255]]
 * ```
 */
export interface ByteFs {
  /** `open(2)` (always close-on-exec); returns the file descriptor. */
  open(path: Uint8Array, flags: number, mode: number): number;
  close(fd: number): void;
  /** Reads up to `into.length` bytes at `position`; returns the count (0 at end of file). */
  pread(fd: number, into: Uint8Array, position: number): number;
  /** Writes at `position` (`null`: at the file offset, as an O_APPEND write); returns the count written. */
  pwrite(fd: number, data: Uint8Array, position: number | null): number;
  fstat(fd: number): ByteFsStat;
  ftruncate(fd: number, size: number): void;
  fsync(fd: number): void;
  fchmod(fd: number, mode: number): void;
  fchown(fd: number, uid: number, gid: number): void;
  /** Sets access and modification times, in seconds (fractions kept to the nanosecond). */
  futimes(fd: number, atime: number, mtime: number): void;
  /** Follows a final symlink. */
  stat(path: Uint8Array): ByteFsStat;
  /** Does not follow a final symlink. */
  lstat(path: Uint8Array): ByteFsStat;
  /** The names in a directory, "." and ".." left out, in the order the kernel gives them. */
  readdir(path: Uint8Array): Uint8Array[];
  mkdir(path: Uint8Array, mode: number): void;
  rmdir(path: Uint8Array): void;
  unlink(path: Uint8Array): void;
  rename(from: Uint8Array, to: Uint8Array): void;
  link(existing: Uint8Array, newPath: Uint8Array): void;
  /** Creates `path` as a symlink whose content is `target`. */
  symlink(target: Uint8Array, path: Uint8Array): void;
  /** The content of a symlink. */
  readlink(path: Uint8Array): Uint8Array;
  truncate(path: Uint8Array, size: number): void;
  /** Follows a final symlink. */
  chmod(path: Uint8Array, mode: number): void;
  /** `follow`: change a final symlink's target (chown) or the link itself (lchown). */
  chown(path: Uint8Array, uid: number, gid: number, follow: boolean): void;
  /** Times in seconds; `follow` as for {@link ByteFs.chown}. */
  utimes(path: Uint8Array, atime: number, mtime: number, follow: boolean): void;
  /** The canonical absolute path (every symlink, "." and ".." resolved; it must exist). */
  realpath(path: Uint8Array): Uint8Array;
  statvfs(path: Uint8Array): ByteFsStatVfs;
}
