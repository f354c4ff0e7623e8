/**
 * File attributes between the file system and SFTP: {@link attrsFromStats}
 * turns a `Stats` (or a `ByteFsStat`) into {@link SftpAttrs}; {@link applyAttrs} carries out SETSTAT in
 * OpenSSH's order (size, permissions, times, owner) on whatever target the
 * caller supplies (a path, a symlink itself, or an open file).
 *
 * @module
 */
import type { ByteFsStat } from "../runtime/byte_fs.ts";
import type { SftpAttrs } from "../sftp/backend.ts";

/**
 * SFTP attributes of a `Stats` (size, uid, gid, mode with type bits, times in whole seconds).
 *
 * @example
 * ```ts
 * const attrs = attrsFromStats(await lstat(p)); // { size: 12n, permissions: 0o100644, ... }
 * ```
 */
export function attrsFromStats(st: ByteFsStat): SftpAttrs {
  return {
    size: BigInt(st.size),
    uid: st.uid,
    gid: st.gid,
    permissions: st.mode,
    nlink: st.nlink,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

/** The operations SETSTAT needs on one target; absent ones are unsupported there. */
export interface AttrTarget {
  stat(): Promise<ByteFsStat>;
  truncate?(size: number): Promise<void>;
  chmod?(mode: number): Promise<void>;
  utimes(atime: number, mtime: number): Promise<void>;
  chown(uid: number, gid: number): Promise<void>;
}

/** Thrown by {@link applyAttrs} when the target cannot take an attribute (e.g. a symlink's mode on Linux). */
export class UnsupportedAttrError extends Error {
  /** Reported like the kernel's refusal: FAILURE "Operation not supported". */
  readonly code = "EOPNOTSUPP";
  constructor(readonly attr: "size" | "permissions") {
    super(`cannot set ${attr} here`);
    this.name = "UnsupportedAttrError";
  }
}

/**
 * Applies the attributes present in `attrs` to `target`. A lone atime or
 * mtime keeps the other time as it is; a lone uid or gid keeps the other id.
 *
 * @example
 * ```ts
 * const fh = await open(p, "r+");
 * await applyAttrs(fh, { size: 0n, permissions: 0o600 });
 * ```
 */
export async function applyAttrs(target: AttrTarget, attrs: SftpAttrs): Promise<void> {
  if (attrs.size !== undefined) {
    if (!target.truncate) throw new UnsupportedAttrError("size");
    if (attrs.size > BigInt(Number.MAX_SAFE_INTEGER)) throw Object.assign(new Error("EFBIG"), { code: "EFBIG" });
    await target.truncate(Number(attrs.size));
  }
  if (attrs.permissions !== undefined) {
    if (!target.chmod) throw new UnsupportedAttrError("permissions");
    await target.chmod(attrs.permissions & 0o7777);
  }
  const needStat = (attrs.atime === undefined) !== (attrs.mtime === undefined) ||
    (attrs.uid === undefined) !== (attrs.gid === undefined);
  const current = needStat ? await target.stat() : undefined;
  if (attrs.atime !== undefined || attrs.mtime !== undefined) {
    await target.utimes(
      attrs.atime ?? current!.atimeMs / 1000,
      attrs.mtime ?? current!.mtimeMs / 1000,
    );
  }
  if (attrs.uid !== undefined || attrs.gid !== undefined) {
    await target.chown(attrs.uid ?? current!.uid, attrs.gid ?? current!.gid);
  }
}
