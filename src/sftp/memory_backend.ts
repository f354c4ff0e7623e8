/**
 * An in-memory {@link SftpBackend}: files, directories, symlinks and hard
 * links in a tree, with POSIX-like semantics (open handles survive removal,
 * symlinks are followed up to 40 deep). For tests and as an example of a
 * virtual filesystem. Paths are bytes; names keep their exact bytes.
 *
 * @example
 * ```ts
 * const fs = memoryBackend();
 * await serveSftp(channel, fs);
 * ```
 * @module
 */
import {
  type OpenFlags,
  SFTP_STATUS,
  type SftpAttrs,
  type SftpBackend,
  type SftpDirEntry,
  type SftpDirHandle,
  SftpError,
  type SftpFileHandle,
  type SftpStatVfs,
} from "./backend.ts";

interface Meta {
  mode: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  nlink: number;
}
interface FileNode {
  kind: "file";
  data: Uint8Array;
  size: number;
  meta: Meta;
}
interface DirNode {
  kind: "dir";
  entries: Map<string, Node>;
  meta: Meta;
}
interface LinkNode {
  kind: "link";
  target: Uint8Array;
  meta: Meta;
}
type Node = FileNode | DirNode | LinkNode;

/** Options for {@link memoryBackend}. */
export interface MemoryBackendOptions {
  /** Owner of new nodes (default 0). */
  uid?: number;
  /** Group of new nodes (default 0). */
  gid?: number;
  /** Bits cleared from the modes of new files and directories (default 0o022, like a process umask). */
  umask?: number;
  /** Names for users-groups-by-id@openssh.com (default: none known). */
  userName?(uid: number): string | undefined;
  groupName?(gid: number): string | undefined;
}

const S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;

const fail = (status: number, msg: string) => new SftpError(status as SftpError["status"], msg);
const noSuch = () => fail(SFTP_STATUS.NO_SUCH_FILE, "No such file");
const failure = (msg: string) => fail(SFTP_STATUS.FAILURE, msg);

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
const now = () => Math.floor(Date.now() / 1000);

interface Resolved {
  parent: DirNode;
  name: string;
  node: Node | undefined;
  canon: string[];
}

/**
 * A fresh, empty in-memory filesystem whose root `/` is also the home directory.
 *
 * @example
 * ```ts
 * const fs = memoryBackend({ uid: 1000, gid: 1000 });
 * ```
 */
export function memoryBackend(options: MemoryBackendOptions = {}): SftpBackend {
  const uid = options.uid ?? 0, gid = options.gid ?? 0;
  const mask = ~(options.umask ?? 0o022) & 0o7777;
  const meta = (mode: number): Meta => ({ mode, uid, gid, atime: now(), mtime: now(), nlink: 1 });
  const root: DirNode = { kind: "dir", entries: new Map(), meta: meta(S_IFDIR | 0o755) };

  function resolve(path: string, followLast: boolean, depth = 0): Resolved {
    if (depth > 40) throw failure("Too many levels of symbolic links");
    const comps = path.split("/").filter((c) => c !== "" && c !== ".");
    const stack: string[] = [];
    const dirs: DirNode[] = [root];
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i];
      if (c === "..") {
        if (stack.length) {
          stack.pop();
          dirs.pop();
        }
        continue;
      }
      const cur = dirs[dirs.length - 1];
      const node = cur.entries.get(c);
      const last = i === comps.length - 1;
      if (node?.kind === "link" && (!last || followLast)) {
        const t = latin1(node.target);
        const base = t.startsWith("/") ? "" : "/" + stack.join("/");
        return resolve(`${base}/${t}/${comps.slice(i + 1).join("/")}`, followLast, depth + 1);
      }
      if (last) return { parent: cur, name: c, node, canon: [...stack, c] };
      if (!node || node.kind !== "dir") throw noSuch();
      stack.push(c);
      dirs.push(node);
    }
    return {
      parent: dirs[dirs.length - 2] ?? root,
      name: stack[stack.length - 1] ?? "",
      node: dirs[dirs.length - 1],
      canon: stack,
    };
  }
  const at = (p: Uint8Array, follow = true) => resolve(latin1(p), follow);
  const existing = (p: Uint8Array, follow = true) => {
    const r = at(p, follow);
    if (!r.node) throw noSuch();
    return r as Resolved & { node: Node };
  };

  function attrsOf(n: Node): SftpAttrs {
    const size = n.kind === "file" ? n.size : n.kind === "link" ? n.target.length : 4096;
    const m = n.meta;
    return {
      size: BigInt(size),
      uid: m.uid,
      gid: m.gid,
      permissions: m.mode,
      atime: m.atime,
      mtime: m.mtime,
      nlink: n.kind === "dir" ? 2 + [...n.entries.values()].filter((e) => e.kind === "dir").length : m.nlink,
    };
  }

  function resize(f: FileNode, size: number): void {
    if (size > f.data.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(f.data.length * 2, size + (64 << 20))));
      grown.set(f.data.subarray(0, f.size));
      f.data = grown;
    } else if (size < f.size) {
      f.data.fill(0, size, f.size);
    }
    f.size = size;
  }

  function applyAttrs(n: Node, a: SftpAttrs): void {
    if (a.size !== undefined) {
      if (n.kind !== "file") throw failure("Not a regular file");
      resize(n, Number(a.size));
    }
    if (a.permissions !== undefined) n.meta.mode = (n.meta.mode & 0o170000) | (a.permissions & 0o7777);
    if (a.uid !== undefined) n.meta.uid = a.uid;
    if (a.gid !== undefined) n.meta.gid = a.gid;
    if (a.atime !== undefined) n.meta.atime = a.atime;
    if (a.mtime !== undefined) n.meta.mtime = a.mtime;
  }

  function fileHandle(f: FileNode, flags: OpenFlags): SftpFileHandle {
    let closed = false;
    const check = () => {
      if (closed) throw failure("Handle closed");
    };
    return {
      read(offset, length) {
        check();
        if (!flags.read) return Promise.reject(fail(SFTP_STATUS.PERMISSION_DENIED, "Not open for reading"));
        if (offset >= BigInt(f.size)) return Promise.resolve(null);
        const o = Number(offset);
        return Promise.resolve(f.data.slice(o, Math.min(f.size, o + length)));
      },
      write(offset, data) {
        check();
        if (!flags.write && !flags.append) {
          return Promise.reject(fail(SFTP_STATUS.PERMISSION_DENIED, "Not open for writing"));
        }
        const o = flags.append ? f.size : Number(offset);
        if (o + data.length > f.size) resize(f, o + data.length);
        f.data.set(data, o);
        f.meta.mtime = now();
        return Promise.resolve();
      },
      stat: () => Promise.resolve(attrsOf(f)),
      setstat: (a) => Promise.resolve(applyAttrs(f, a)),
      sync: () => Promise.resolve(),
      close() {
        closed = true;
        return Promise.resolve();
      },
    };
  }

  function link(r: Resolved, node: Node): void {
    if (r.node) throw failure("File exists");
    if (r.name === "" || r.name === "..") throw failure("Bad name");
    r.parent.entries.set(r.name, node);
  }

  const backend: SftpBackend = {
    open(path, flags, attrs) {
      const r = at(path);
      let f = r.node;
      if (f) {
        if (flags.create && flags.exclusive) throw failure("File exists");
        if (f.kind !== "file") throw failure("Is a directory");
        if (flags.truncate && flags.write) resize(f, 0);
      } else {
        if (!flags.create) throw noSuch();
        const node: FileNode = {
          kind: "file",
          data: new Uint8Array(0),
          size: 0,
          meta: meta(S_IFREG | ((attrs.permissions ?? 0o666) & mask)),
        };
        link(r, node);
        f = node;
      }
      return Promise.resolve(fileHandle(f, flags));
    },
    opendir(path) {
      const { node, parent } = existing(path);
      if (node.kind !== "dir") throw failure("Not a directory");
      const list: SftpDirEntry[] = [
        { filename: bytes("."), attrs: attrsOf(node) },
        { filename: bytes(".."), attrs: attrsOf(parent) },
        ...[...node.entries].map(([name, n]) => ({ filename: bytes(name), attrs: attrsOf(n) })),
      ];
      let pos = 0;
      const dir: SftpDirHandle = {
        next(max) {
          if (pos >= list.length) return Promise.resolve(null);
          const batch = list.slice(pos, pos + max);
          pos += batch.length;
          return Promise.resolve(batch);
        },
        close: () => Promise.resolve(),
      };
      return Promise.resolve(dir);
    },
    stat: (path) => Promise.resolve(attrsOf(existing(path).node)),
    lstat: (path) => Promise.resolve(attrsOf(existing(path, false).node)),
    setstat: (path, attrs) => Promise.resolve(applyAttrs(existing(path).node, attrs)),
    lsetstat: (path, attrs) => Promise.resolve(applyAttrs(existing(path, false).node, attrs)),
    remove(path) {
      const r = existing(path, false);
      if (r.node.kind === "dir") throw failure("Is a directory");
      r.parent.entries.delete(r.name);
      r.node.meta.nlink--;
      return Promise.resolve();
    },
    mkdir(path, attrs) {
      const r = at(path, false);
      link(r, { kind: "dir", entries: new Map(), meta: meta(S_IFDIR | ((attrs.permissions ?? 0o777) & mask)) });
      return Promise.resolve();
    },
    rmdir(path) {
      const r = existing(path, false);
      if (r.node.kind !== "dir") throw failure("Not a directory");
      if (r.node === root) throw failure("Cannot remove the root");
      if (r.node.entries.size) throw failure("Directory not empty");
      r.parent.entries.delete(r.name);
      return Promise.resolve();
    },
    rename(from, to, { posix }) {
      const a = existing(from, false);
      const b = at(to, false);
      if (a.node === root) throw failure("Cannot rename the root");
      if (b.node === a.node) return Promise.resolve();
      if (b.node && !posix) throw failure("File exists");
      if (a.node.kind === "dir" && b.canon.join("/").startsWith(a.canon.join("/") + "/")) {
        throw failure("Cannot move a directory into itself");
      }
      if (b.node?.kind === "dir" && (a.node.kind !== "dir" || b.node.entries.size)) throw failure("Is a directory");
      if (b.node) b.node.meta.nlink--;
      if (b.name === "" || b.name === "..") throw failure("Bad name");
      a.parent.entries.delete(a.name);
      b.parent.entries.set(b.name, a.node);
      return Promise.resolve();
    },
    readlink(path) {
      const { node } = existing(path, false);
      if (node.kind !== "link") throw failure("Not a symbolic link");
      return Promise.resolve(node.target.slice());
    },
    symlink(target, linkPath) {
      link(at(linkPath, false), { kind: "link", target: target.slice(), meta: meta(S_IFLNK | 0o777) });
      return Promise.resolve();
    },
    realpath(path) {
      return Promise.resolve(bytes("/" + at(path).canon.join("/")));
    },
    hardlink(from, to) {
      const { node } = existing(from, false);
      if (node.kind === "dir") throw failure("Cannot hard-link a directory");
      link(at(to, false), node);
      node.meta.nlink++;
      return Promise.resolve();
    },
    statvfs(): Promise<SftpStatVfs> {
      return Promise.resolve({
        bsize: 4096n,
        frsize: 4096n,
        blocks: 262144n,
        bfree: 131072n,
        bavail: 131072n,
        files: 65536n,
        ffree: 32768n,
        favail: 32768n,
        fsid: 0n,
        flag: 0n,
        namemax: 255n,
      });
    },
    expandPath(path) {
      const p = latin1(path);
      const rest = p === "~" ? "" : p.startsWith("~/") ? p.slice(2) : p;
      return backend.realpath(bytes(rest === "" ? "/" : rest));
    },
    homeDirectory: () => Promise.resolve(bytes("/")),
    usersGroupsById(uids, gids) {
      return Promise.resolve({
        users: uids.map((u) => options.userName?.(u) ?? ""),
        groups: gids.map((g) => options.groupName?.(g) ?? ""),
      });
    },
  };
  return backend;
}
