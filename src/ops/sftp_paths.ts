/**
 * Where a client path lands on the host, for the default SFTP backend.
 *
 * Without a root, relative paths start at the home directory and the kernel
 * resolves the rest, as with OpenSSH's sftp-server. With a root
 * (`--sftp-root DIR`) the client sees DIR as "/", and every path is walked
 * component by component inside DIR like a chroot: ".." stops at the root,
 * absolute symlink targets are read relative to the root, and a symlink loop
 * ends in ELOOP (NO_SUCH_FILE). The final component is followed or not as the
 * operation requires; a followed one is never a symlink afterwards, and the
 * caller opens it with O_NOFOLLOW.
 *
 * @module
 */
import { realpath } from "node:fs/promises";
import type { ByteFs } from "../runtime/byte_fs.ts";
import { errnoCode, errnoError, toSftpError } from "./sftp_errno.ts";
import { type HostPath, lstat, readlink } from "./sftp_host_fs.ts";
import { isAbsolute, isDots, joinPath, pathBytes, splitPath, toFsPath } from "./sftp_path_bytes.ts";
import { RwLock } from "./sftp_lock.ts";

/** Symlinks followed in one lookup before giving up with ELOOP (Linux allows 40). */
const MAX_LINKS = 40;

/** How the final component of a lookup is treated. */
export interface ResolveOptions {
  /** Follow a final symlink (stat, open) or not (lstat, remove, rename). */
  follow: boolean;
  /** A missing final component is fine (creating it, or realpath). Default true. */
  allowMissing?: boolean;
}

/** Locks shared by every confined backend on the same root in this process. */
const rootLocks = new Map<string, RwLock>();

/**
 * Maps client paths to host paths, confined to a root when one is given.
 *
 * @example
 * ```ts
 * const paths = await SftpPaths.create({ home: "/home/me", root: "/srv/data", rawNames: true });
 * const host = await paths.host(pathBytes("../../etc/passwd"), { follow: true }); // /srv/data/etc/passwd
 * ```
 */
export class SftpPaths {
  private constructor(
    /** Host root as bytes (canonical), or undefined when unconfined. */
    readonly root: Uint8Array | undefined,
    /** Client-visible start directory components ("." resolves here). */
    private readonly start: Uint8Array[],
    /** Client-visible home directory. */
    readonly home: Uint8Array,
    readonly rawNames: boolean,
    private readonly lock: RwLock | undefined,
    /** Where names that are not UTF-8 go when `rawNames` is false (see `toFsPath`). */
    readonly byteFs: ByteFs | undefined,
  ) {}

  /** Builds the mapper; the root is canonicalized (it may itself be a symlink). */
  static async create(
    options: { home: string; root?: string; rawNames: boolean; byteFs?: ByteFs },
  ): Promise<SftpPaths> {
    const home = pathBytes(options.home);
    const byteFs = options.byteFs;
    if (options.root === undefined) {
      return new SftpPaths(undefined, splitPath(home), home, options.rawNames, undefined, byteFs);
    }
    const rootText = await realpath(options.root);
    const root = pathBytes(rootText === "/" ? "" : rootText);
    let lock = rootLocks.get(rootText);
    if (!lock) rootLocks.set(rootText, lock = new RwLock());
    const paths = new SftpPaths(root, [], pathBytes("/"), options.rawNames, lock, byteFs);
    // Start in the home directory when it lies inside the root (like OpenSSH's ChrootDirectory), else at "/".
    const inside = paths.clientView(pathBytes(await realpath(options.home).catch(() => options.home)));
    return inside ? new SftpPaths(root, splitPath(inside), inside, options.rawNames, lock, byteFs) : paths;
  }

  /** Whether paths are confined to a root. */
  get confined(): boolean {
    return this.root !== undefined;
  }

  /** Runs a lookup-and-use in shared mode (no-op without a root). */
  shared<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock ? this.lock.shared(fn) : fn();
  }

  /** Runs a namespace change that could redirect lookups (symlink, rename, link) alone. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock ? this.lock.exclusive(fn) : fn();
  }

  /** The host path for a client path, ready for `sftp_host_fs.ts`. */
  async host(path: Uint8Array, options: ResolveOptions): Promise<HostPath> {
    return this.fsPath(await this.hostBytes(path, options));
  }

  /** Host path bytes in the form the file calls take (see `toFsPath`). */
  fsPath(path: Uint8Array): HostPath {
    return toFsPath(path, this.rawNames, this.byteFs);
  }

  /** The host path for a client path, as bytes. */
  async hostBytes(path: Uint8Array, options: ResolveOptions): Promise<Uint8Array> {
    if (this.root === undefined) {
      if (path.includes(0)) toFsPath(path, this.rawNames); // throws the NUL error
      return isAbsolute(path) ? path : joinPath(this.home, path.length ? [path] : []);
    }
    return joinPath(this.root, await this.walk(path, options.follow, options.allowMissing ?? true));
  }

  /**
   * The canonical client-visible path (§6.9 REALPATH): "." is the start
   * directory, ".." collapses, symlinks of existing components are resolved
   * and a missing final component is kept as written.
   */
  async canonical(path: Uint8Array): Promise<Uint8Array> {
    return joinPath(new Uint8Array(0), await this.walk(path, true, true));
  }

  /** The client-visible form of a host path, or undefined when it lies outside the root. */
  clientView(host: Uint8Array): Uint8Array | undefined {
    if (this.root === undefined) return host;
    const root = this.root;
    if (host.length < root.length || !root.every((b, i) => host[i] === b)) return undefined;
    if (host.length === root.length) return pathBytes("/");
    if (root.length > 0 && host[root.length] !== 0x2f) return undefined;
    return host.subarray(root.length);
  }

  /**
   * Walks `path` inside the root ("" = the real "/" when unconfined), returning
   * the resolved components below it.
   */
  private async walk(path: Uint8Array, follow: boolean, allowMissing: boolean): Promise<Uint8Array[]> {
    const prefix = this.root ?? new Uint8Array(0);
    const stack: Uint8Array[] = isAbsolute(path) ? [] : [...this.start];
    let pending = splitPath(path);
    let links = 0;
    for (let i = 0; i < pending.length; i++) {
      const component = pending[i];
      if (isDots(component, 1)) continue;
      if (isDots(component, 2)) {
        stack.pop();
        continue;
      }
      const last = i === pending.length - 1;
      stack.push(component);
      if (last && !follow) break;
      const here = this.fsPath(joinPath(prefix, stack));
      let st;
      try {
        st = await lstat(here);
      } catch (e) {
        if (errnoCode(e) === "ENOENT" && last && allowMissing) break;
        throw toSftpError(e);
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw errnoError("ELOOP");
        stack.pop();
        let target: Uint8Array;
        try {
          target = await readlink(here);
        } catch (e) {
          throw toSftpError(e);
        }
        if (isAbsolute(target)) stack.length = 0;
        pending = [...splitPath(target), ...pending.slice(i + 1)];
        i = -1;
        continue;
      }
      if (!last && !st.isDirectory()) throw errnoError("ENOTDIR");
    }
    return stack;
  }
}
