/**
 * The file-system calls of the default SFTP backend, on a {@link HostPath}:
 * either what `node:fs` takes (a string, or a `Buffer` where the runtime
 * passes its bytes through), served by `node:fs/promises`, or a
 * {@link BytePath} — a name that is not valid UTF-8 on a runtime whose
 * `node:fs` would mangle it (Deno) — served by that runtime's {@link ByteFs}.
 * The choice is made per path (`toFsPath` in `sftp_path_bytes.ts`), so
 * UTF-8 names keep the plain `node:fs` path and pay one `instanceof`.
 *
 * Results have the shapes the backend uses whichever side served them: stats
 * as {@link ByteFsStat}, names and link targets as plain `Uint8Array`s, open
 * files as {@link HostFileHandle}. Failures carry the errno name in `code`.
 *
 * @module
 */
import * as fsp from "node:fs/promises";
import type { Buffer } from "node:buffer";
import type { ByteFs, ByteFsStat, ByteFsStatVfs } from "../runtime/byte_fs.ts";

/**
 * A host path that must reach the kernel as these exact bytes, through `fs`.
 *
 * @example
 * ```ts
 * const p = new BytePath(Uint8Array.of(0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff), runtime.byteFs!); // "/tmp/\xff"
 * await unlink(p);
 * ```
 */
export class BytePath {
  constructor(readonly bytes: Uint8Array, readonly fs: ByteFs) {}
}

/**
 * A host path as the backend hands it on: `node:fs` form or {@link BytePath}.
 *
 * @example
 * ```ts
 * const p: HostPath = "/tmp/notes.txt";
 * ```
 */
export type HostPath = string | Buffer | BytePath;

/**
 * The part of `node:fs`'s `FileHandle` the backend uses; {@link open} returns
 * one for either kind of path.
 *
 * @example
 * ```ts
 * const fh: HostFileHandle = await open(p, constants.O_RDONLY);
 * const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
 * ```
 */
export interface HostFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** `position` null: at the file offset (append). */
  write(data: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  stat(): Promise<ByteFsStat>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  /** Times in seconds. */
  utimes(atime: number, mtime: number): Promise<void>;
  chown(uid: number, gid: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Runs a synchronous ByteFs call, turning a throw into a rejection (as `node:fs/promises` reports errors). */
function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** A file descriptor of a {@link ByteFs} as a {@link HostFileHandle}. */
class ByteFileHandle implements HostFileHandle {
  constructor(private readonly fs: ByteFs, private fd: number) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return settle(() => ({ bytesRead: this.fs.pread(this.fd, buffer.subarray(offset, offset + length), position) }));
  }

  write(data: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }> {
    return settle(() => ({
      bytesWritten: this.fs.pwrite(this.fd, data.subarray(offset, offset + length), position),
    }));
  }

  stat(): Promise<ByteFsStat> {
    return settle(() => this.fs.fstat(this.fd));
  }

  truncate(length: number): Promise<void> {
    return settle(() => this.fs.ftruncate(this.fd, length));
  }

  chmod(mode: number): Promise<void> {
    return settle(() => this.fs.fchmod(this.fd, mode));
  }

  utimes(atime: number, mtime: number): Promise<void> {
    return settle(() => this.fs.futimes(this.fd, atime, mtime));
  }

  chown(uid: number, gid: number): Promise<void> {
    return settle(() => this.fs.fchown(this.fd, uid, gid));
  }

  sync(): Promise<void> {
    return settle(() => this.fs.fsync(this.fd));
  }

  close(): Promise<void> {
    const fd = this.fd;
    this.fd = -1;
    return fd < 0 ? Promise.resolve() : settle(() => this.fs.close(fd));
  }
}

const encoder = new TextEncoder();

function bytesOf(p: HostPath): Uint8Array {
  if (p instanceof BytePath) return p.bytes;
  return typeof p === "string" ? encoder.encode(p) : new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
}

/** The ByteFs of whichever of two paths needs one (then both go through it), else undefined. */
function byteFsOf(a: HostPath, b: HostPath): ByteFs | undefined {
  return a instanceof BytePath ? a.fs : b instanceof BytePath ? b.fs : undefined;
}

/**
 * Opens a file (`flags` and `mode` as for `open(2)`).
 *
 * @example
 * ```ts
 * const fh = await open(host, constants.O_RDONLY);
 * ```
 */
export function open(p: HostPath, flags: number, mode = 0o666): Promise<HostFileHandle> {
  if (p instanceof BytePath) return settle(() => new ByteFileHandle(p.fs, p.fs.open(p.bytes, flags, mode)));
  return fsp.open(p, flags, mode);
}

/**
 * `stat(2)`: follows a final symlink.
 *
 * @example
 * ```ts
 * (await stat(host)).isDirectory();
 * ```
 */
export function stat(p: HostPath): Promise<ByteFsStat> {
  return p instanceof BytePath ? settle(() => p.fs.stat(p.bytes)) : fsp.stat(p);
}

/**
 * `lstat(2)`: a final symlink itself.
 *
 * @example
 * ```ts
 * (await lstat(host)).isSymbolicLink();
 * ```
 */
export function lstat(p: HostPath): Promise<ByteFsStat> {
  return p instanceof BytePath ? settle(() => p.fs.lstat(p.bytes)) : fsp.lstat(p);
}

/**
 * The names in a directory as bytes ("." and ".." left out).
 *
 * @example
 * ```ts
 * const names = await readdir(host); // Uint8Array[]
 * ```
 */
export async function readdir(p: HostPath): Promise<Uint8Array[]> {
  if (p instanceof BytePath) return await settle(() => p.fs.readdir(p.bytes));
  return (await fsp.readdir(p, { encoding: "buffer" })).map((b) => new Uint8Array(b));
}

/**
 * A symlink's content as bytes.
 *
 * @example
 * ```ts
 * const target = await readlink(host);
 * ```
 */
export async function readlink(p: HostPath): Promise<Uint8Array> {
  if (p instanceof BytePath) return await settle(() => p.fs.readlink(p.bytes));
  return new Uint8Array(await fsp.readlink(p, { encoding: "buffer" }));
}

/**
 * Sizes and free counts of the file system holding `p`.
 *
 * @example
 * ```ts
 * const { bavail, bsize } = await statfs(host);
 * ```
 */
export function statfs(
  p: HostPath,
): Promise<Pick<ByteFsStatVfs, "bsize" | "blocks" | "bfree" | "bavail" | "files" | "ffree">> {
  return p instanceof BytePath ? settle(() => p.fs.statvfs(p.bytes)) : fsp.statfs(p, { bigint: true });
}

/**
 * Creates a directory with `mode` (minus the process umask).
 *
 * @example
 * ```ts
 * await mkdir(host, 0o755);
 * ```
 */
export function mkdir(p: HostPath, mode: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.mkdir(p.bytes, mode)) : fsp.mkdir(p, mode);
}

/**
 * Removes an empty directory.
 *
 * @example
 * ```ts
 * await rmdir(host);
 * ```
 */
export function rmdir(p: HostPath): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.rmdir(p.bytes)) : fsp.rmdir(p);
}

/**
 * Removes a name (not a directory).
 *
 * @example
 * ```ts
 * await unlink(host);
 * ```
 */
export function unlink(p: HostPath): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.unlink(p.bytes)) : fsp.unlink(p);
}

/**
 * `rename(2)`: replaces `to` if it exists.
 *
 * @example
 * ```ts
 * await rename(src, dst);
 * ```
 */
export function rename(from: HostPath, to: HostPath): Promise<void> {
  const fs = byteFsOf(from, to);
  return fs
    ? settle(() => fs.rename(bytesOf(from), bytesOf(to)))
    : fsp.rename(from as string | Buffer, to as string | Buffer);
}

/**
 * A hard link `newPath` to `existing`.
 *
 * @example
 * ```ts
 * await link(src, dst);
 * ```
 */
export function link(existing: HostPath, newPath: HostPath): Promise<void> {
  const fs = byteFsOf(existing, newPath);
  return fs
    ? settle(() => fs.link(bytesOf(existing), bytesOf(newPath)))
    : fsp.link(existing as string | Buffer, newPath as string | Buffer);
}

/**
 * Creates `p` as a symlink to `target` (stored as given, not resolved).
 *
 * @example
 * ```ts
 * await symlink("../shared", host);
 * ```
 */
export function symlink(target: HostPath, p: HostPath): Promise<void> {
  const fs = byteFsOf(target, p);
  return fs
    ? settle(() => fs.symlink(bytesOf(target), bytesOf(p)))
    : fsp.symlink(target as string | Buffer, p as string | Buffer);
}

/**
 * Sets a file's size.
 *
 * @example
 * ```ts
 * await truncate(host, 0);
 * ```
 */
export function truncate(p: HostPath, size: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.truncate(p.bytes, size)) : fsp.truncate(p, size);
}

/**
 * Sets permission bits (following a final symlink).
 *
 * @example
 * ```ts
 * await chmod(host, 0o600);
 * ```
 */
export function chmod(p: HostPath, mode: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.chmod(p.bytes, mode)) : fsp.chmod(p, mode);
}

/**
 * Sets owner and group, following a final symlink.
 *
 * @example
 * ```ts
 * await chown(host, 1000, 1000);
 * ```
 */
export function chown(p: HostPath, uid: number, gid: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.chown(p.bytes, uid, gid, true)) : fsp.chown(p, uid, gid);
}

/**
 * Sets owner and group of a final symlink itself.
 *
 * @example
 * ```ts
 * await lchown(host, 1000, 1000);
 * ```
 */
export function lchown(p: HostPath, uid: number, gid: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.chown(p.bytes, uid, gid, false)) : fsp.lchown(p, uid, gid);
}

/**
 * Sets access and modification times (seconds), following a final symlink.
 *
 * @example
 * ```ts
 * await utimes(host, 1700000000, 1700000000);
 * ```
 */
export function utimes(p: HostPath, atime: number, mtime: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.utimes(p.bytes, atime, mtime, true)) : fsp.utimes(p, atime, mtime);
}

/**
 * Sets the times of a final symlink itself.
 *
 * @example
 * ```ts
 * await lutimes(host, 1700000000, 1700000000);
 * ```
 */
export function lutimes(p: HostPath, atime: number, mtime: number): Promise<void> {
  return p instanceof BytePath ? settle(() => p.fs.utimes(p.bytes, atime, mtime, false)) : fsp.lutimes(p, atime, mtime);
}
