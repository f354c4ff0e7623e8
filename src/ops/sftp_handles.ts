/**
 * Open files and directories of the default SFTP backend. A file handle is a
 * `node:fs` FileHandle (or a `ByteFs` descriptor, see `sftp_host_fs.ts`) used
 * with positional reads and writes (files are never
 * loaded whole); a directory handle hands out entries in batches with their
 * lstat attributes, "." and ".." first as OpenSSH's sftp-server does.
 *
 * @module
 */
import type { ByteFs } from "../runtime/byte_fs.ts";
import type { SftpAttrs, SftpDirEntry, SftpDirHandle, SftpFileHandle } from "../sftp/backend.ts";
import { applyAttrs, attrsFromStats } from "./sftp_attrs.ts";
import { toSftpError } from "./sftp_errno.ts";
import { BytePath, type HostFileHandle, lstat, readdir } from "./sftp_host_fs.ts";
import { joinPath, toFsPath } from "./sftp_path_bytes.ts";

/** Largest single read served; longer requests get a short read, which SFTP allows. */
export const MAX_READ = 4 * 1024 * 1024;

function position(offset: bigint): number {
  if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw toSftpError({ code: offset < 0n ? "EINVAL" : "EFBIG" });
  }
  return Number(offset);
}

/**
 * An open file on disk.
 *
 * @example
 * ```ts
 * const h = new DiskFileHandle(await open("/tmp/x", "r"), false);
 * const chunk = await h.read(0n, 32768); // null at end of file
 * ```
 */
export class DiskFileHandle implements SftpFileHandle {
  constructor(private readonly fh: HostFileHandle, private readonly append: boolean) {}

  async read(offset: bigint, length: number): Promise<Uint8Array | null> {
    const at = position(offset);
    const buffer = new Uint8Array(Math.max(0, Math.min(length, MAX_READ)));
    if (buffer.length === 0) return buffer;
    try {
      const { bytesRead } = await this.fh.read(buffer, 0, buffer.length, at);
      return bytesRead === 0 ? null : buffer.subarray(0, bytesRead);
    } catch (e) {
      throw toSftpError(e);
    }
  }

  /** The last queued write of an APPEND handle (those run one at a time, in call order). */
  private appendQueue: Promise<void> = Promise.resolve();

  write(offset: bigint, data: Uint8Array): Promise<void> {
    if (!this.append) return this.writeAt(offset, data);
    // An append lands wherever the file ends when it runs, so concurrent ones would land in
    // completion order (seen on Bun): keep the order the requests came in, as OpenSSH's
    // sftp-server does by serving one request at a time (`reput` relies on it).
    const next = this.appendQueue.then(() => this.writeAt(offset, data));
    this.appendQueue = next.catch(() => {});
    return next;
  }

  private async writeAt(offset: bigint, data: Uint8Array): Promise<void> {
    let at = this.append ? 0 : position(offset);
    let done = 0;
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.fh.write(data, done, data.length - done, this.append ? null : at);
        if (bytesWritten <= 0) throw { code: "EIO" };
        done += bytesWritten;
        at += bytesWritten;
      }
    } catch (e) {
      throw toSftpError(e);
    }
  }

  async stat(): Promise<SftpAttrs> {
    try {
      return attrsFromStats(await this.fh.stat());
    } catch (e) {
      throw toSftpError(e);
    }
  }

  async setstat(attrs: SftpAttrs): Promise<void> {
    const fh = this.fh;
    try {
      await applyAttrs({
        stat: () => fh.stat(),
        truncate: (size) => fh.truncate(size),
        chmod: (mode) => fh.chmod(mode),
        utimes: (a, m) => fh.utimes(a, m),
        chown: (u, g) => fh.chown(u, g),
      }, attrs);
    } catch (e) {
      throw toSftpError(e);
    }
  }

  async sync(): Promise<void> {
    try {
      await this.fh.sync();
    } catch (e) {
      throw toSftpError(e);
    }
  }

  async close(): Promise<void> {
    try {
      await this.fh.close();
    } catch (e) {
      throw toSftpError(e);
    }
  }
}

const DOT = Uint8Array.of(0x2e);
const DOTDOT = Uint8Array.of(0x2e, 0x2e);
const REPLACEMENT = [0xef, 0xbf, 0xbd];

function hasReplacement(name: Uint8Array): boolean {
  for (let i = 0; i + 2 < name.length; i++) {
    if (name[i] === REPLACEMENT[0] && name[i + 1] === REPLACEMENT[1] && name[i + 2] === REPLACEMENT[2]) return true;
  }
  return false;
}

/**
 * An open directory: its names are read once at open (as bytes), attributes
 * are fetched batch by batch with lstat. Where `node:fs` mangles names that
 * are not UTF-8 (U+FFFD in a listing), a directory is listed again through
 * `byteFs` when there is one, so the client gets the exact bytes.
 *
 * @example
 * ```ts
 * const d = await DiskDirHandle.open(pathBytes("/tmp"), true);
 * for (let batch = await d.next(100); batch; batch = await d.next(100)) console.log(batch.length);
 * ```
 */
export class DiskDirHandle implements SftpDirHandle {
  private index = 0;
  private closed = false;

  private constructor(
    private readonly dir: Uint8Array,
    private readonly names: Uint8Array[],
    private readonly rawNames: boolean,
    private readonly byteFs: ByteFs | undefined,
  ) {}

  /** Lists `dir` (host path bytes); fails as OPENDIR would (not a directory, no permission…). */
  static async open(dir: Uint8Array, rawNames: boolean, byteFs?: ByteFs): Promise<DiskDirHandle> {
    try {
      const host = toFsPath(dir, rawNames, byteFs);
      let names = await readdir(host);
      if (byteFs && !rawNames && !(host instanceof BytePath) && names.some(hasReplacement)) {
        names = await readdir(new BytePath(dir, byteFs));
      }
      return new DiskDirHandle(dir, [DOT, DOTDOT, ...names], rawNames, byteFs);
    } catch (e) {
      throw toSftpError(e);
    }
  }

  async next(max: number): Promise<SftpDirEntry[] | null> {
    const count = Math.max(1, max);
    while (!this.closed && this.index < this.names.length) {
      const batch = this.names.slice(this.index, this.index + count);
      this.index += batch.length;
      const entries = await Promise.all(batch.map((name) => this.entry(name)));
      const found = entries.filter((e): e is SftpDirEntry => e !== undefined);
      if (found.length > 0) return found;
    }
    return null;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async entry(name: Uint8Array): Promise<SftpDirEntry | undefined> {
    try {
      return {
        filename: name,
        attrs: attrsFromStats(await lstat(toFsPath(joinPath(this.dir, [name]), this.rawNames, this.byteFs))),
      };
    } catch {
      // Gone since the listing (OpenSSH skips it) — unless the runtime mangled a non-UTF-8 name
      // (no ByteFs to list it exactly), then show it without attributes rather than hide it.
      return !this.rawNames && !this.byteFs && hasReplacement(name) ? { filename: name, attrs: {} } : undefined;
    }
  }
}
