/**
 * SFTP v3 wire format (draft-ietf-secsh-filexfer-02): packet type numbers,
 * open flags, the ATTRS structure (§5, extended attributes skipped), and the
 * server's reply packets. Every reply builder returns a whole packet,
 * `uint32 length` prefix included, ready for the channel.
 *
 * @example
 * ```ts
 * const pkt = encodeStatus(7, SFTP_STATUS.OK, "Success"); // uint32 len, 101, id, code, msg, lang
 * ```
 * @module
 */
import { SshReader, SshWriter } from "../ssh/wire.ts";
import type { OpenFlags, SftpAttrs, SftpStatVfs } from "./backend.ts";

/** SSH_FXP_* packet types (§3) plus the extension packets. */
export const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  SYMLINK: 20,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

/** SSH_FXF_* open flags (§6.3). */
export const FXF = { READ: 1, WRITE: 2, APPEND: 4, CREAT: 8, TRUNC: 0x10, EXCL: 0x20 } as const;

/** SSH_FILEXFER_ATTR_* flags (§5). */
export const ATTR = { SIZE: 1, UIDGID: 2, PERMISSIONS: 4, ACMODTIME: 8, EXTENDED: 0x80000000 } as const;

/** The text OpenSSH's sftp-server sends with each status code. */
export const STATUS_MESSAGES: readonly string[] = [
  "Success",
  "End of file",
  "No such file",
  "Permission denied",
  "Failure",
  "Bad message",
  "No connection",
  "Connection lost",
  "Operation unsupported",
];

/** A packet the client sent that cannot be parsed. */
export class SftpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SftpProtocolError";
  }
}

/**
 * Decode SSH_FXF_* pflags.
 *
 * @example
 * ```ts
 * decodeOpenFlags(FXF.WRITE | FXF.CREAT); // { read: false, write: true, create: true, ... }
 * ```
 */
export function decodeOpenFlags(pflags: number): OpenFlags {
  return {
    read: (pflags & FXF.READ) !== 0,
    write: (pflags & FXF.WRITE) !== 0,
    append: (pflags & FXF.APPEND) !== 0,
    create: (pflags & FXF.CREAT) !== 0,
    truncate: (pflags & FXF.TRUNC) !== 0,
    exclusive: (pflags & FXF.EXCL) !== 0,
  };
}

/**
 * Read an ATTRS structure; extended (type, data) pairs are skipped.
 *
 * @example
 * ```ts
 * const attrs = readAttrs(new SshReader(new Uint8Array([0, 0, 0, 4, 0, 0, 1, 0xa4]))); // { permissions: 0o644 }
 * ```
 */
export function readAttrs(r: SshReader): SftpAttrs {
  const flags = r.uint32();
  const a: SftpAttrs = {};
  if (flags & ATTR.SIZE) a.size = r.uint64();
  if (flags & ATTR.UIDGID) {
    a.uid = r.uint32();
    a.gid = r.uint32();
  }
  if (flags & ATTR.PERMISSIONS) a.permissions = r.uint32();
  if (flags & ATTR.ACMODTIME) {
    a.atime = r.uint32();
    a.mtime = r.uint32();
  }
  if (flags & ATTR.EXTENDED) {
    const count = r.uint32();
    for (let i = 0; i < count; i++) {
      r.string();
      r.string();
    }
  }
  return a;
}

/**
 * Append an ATTRS structure with the fields that are set (uid and gid go together,
 * as do atime and mtime: a missing partner is sent as 0).
 *
 * @example
 * ```ts
 * const w = new SshWriter();
 * writeAttrs(w, { size: 5n }); // 00000001 0000000000000005
 * ```
 */
export function writeAttrs(w: SshWriter, a: SftpAttrs): SshWriter {
  let flags = 0;
  if (a.size !== undefined) flags |= ATTR.SIZE;
  if (a.uid !== undefined || a.gid !== undefined) flags |= ATTR.UIDGID;
  if (a.permissions !== undefined) flags |= ATTR.PERMISSIONS;
  if (a.atime !== undefined || a.mtime !== undefined) flags |= ATTR.ACMODTIME;
  w.uint32(flags);
  if (a.size !== undefined) w.uint64(a.size);
  if (flags & ATTR.UIDGID) w.uint32(a.uid ?? 0).uint32(a.gid ?? 0);
  if (a.permissions !== undefined) w.uint32(a.permissions >>> 0);
  if (flags & ATTR.ACMODTIME) w.uint32((a.atime ?? 0) >>> 0).uint32((a.mtime ?? 0) >>> 0);
  return w;
}

/** Start a packet: reserves the length field and writes the type. */
function start(type: number, size = 64): SshWriter {
  return new SshWriter(size).uint32(0).byte(type);
}

/** Patch the length field and return the packet bytes (a copy-free view). */
function finish(w: SshWriter): Uint8Array {
  const out = w.view_();
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, out.length - 4);
  return out;
}

/**
 * SSH_FXP_VERSION with extension (name, data) pairs.
 *
 * @example
 * ```ts
 * encodeVersion(3, [["fsync@openssh.com", "1"]]);
 * ```
 */
export function encodeVersion(version: number, extensions: readonly (readonly [string, string])[]): Uint8Array {
  const w = start(FXP.VERSION).uint32(version);
  for (const [name, data] of extensions) w.string(name).string(data);
  return finish(w);
}

/**
 * SSH_FXP_STATUS: id, code, message, empty language tag.
 *
 * @example
 * ```ts
 * encodeStatus(1, 0, "Success");
 * ```
 */
export function encodeStatus(
  id: number,
  code: number,
  message: string = STATUS_MESSAGES[code] ?? "Failure",
): Uint8Array {
  return finish(start(FXP.STATUS).uint32(id).uint32(code).string(message).string(""));
}

/**
 * SSH_FXP_HANDLE.
 *
 * @example
 * ```ts
 * encodeHandle(1, new Uint8Array([1, 2]));
 * ```
 */
export function encodeHandle(id: number, handle: Uint8Array): Uint8Array {
  return finish(start(FXP.HANDLE).uint32(id).string(handle));
}

/** Bytes before the payload of an SSH_FXP_DATA packet: length, type, id, data length. */
export const DATA_HEADER_LENGTH = 13;

/**
 * SSH_FXP_DATA, with one copy of `data` into the packet.
 *
 * @example
 * ```ts
 * encodeData(1, new Uint8Array([0x61])); // 0000000a 67 00000001 00000001 61
 * ```
 */
export function encodeData(id: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER_LENGTH + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 9 + data.length);
  out[4] = FXP.DATA;
  v.setUint32(5, id);
  v.setUint32(9, data.length);
  out.set(data, DATA_HEADER_LENGTH);
  return out;
}

/** One entry of SSH_FXP_NAME. */
export interface NameEntry {
  filename: Uint8Array;
  longname: Uint8Array;
  attrs: SftpAttrs;
}

/**
 * SSH_FXP_NAME with `count` entries.
 *
 * @example
 * ```ts
 * const p = new TextEncoder().encode("/home");
 * encodeName(2, [{ filename: p, longname: p, attrs: {} }]);
 * ```
 */
export function encodeName(id: number, entries: readonly NameEntry[]): Uint8Array {
  const w = start(FXP.NAME, 256).uint32(id).uint32(entries.length);
  for (const e of entries) writeAttrs(w.string(e.filename).string(e.longname), e.attrs);
  return finish(w);
}

/**
 * SSH_FXP_ATTRS.
 *
 * @example
 * ```ts
 * encodeAttrsReply(3, { permissions: 0o100644 });
 * ```
 */
export function encodeAttrsReply(id: number, attrs: SftpAttrs): Uint8Array {
  return finish(writeAttrs(start(FXP.ATTRS).uint32(id), attrs));
}

/**
 * SSH_FXP_EXTENDED_REPLY: id then extension-specific bytes written by `body`.
 *
 * @example
 * ```ts
 * encodeExtendedReply(4, (w) => w.uint64(262144n));
 * ```
 */
export function encodeExtendedReply(id: number, body: (w: SshWriter) => void): Uint8Array {
  const w = start(FXP.EXTENDED_REPLY).uint32(id);
  body(w);
  return finish(w);
}

/**
 * The statvfs@openssh.com reply body: eleven uint64 (PROTOCOL §4.4).
 *
 * @example
 * ```ts
 * encodeExtendedReply(5, (w) => writeStatVfs(w, vfs));
 * ```
 */
export function writeStatVfs(w: SshWriter, v: SftpStatVfs): void {
  for (const n of [v.bsize, v.frsize, v.blocks, v.bfree, v.bavail, v.files, v.ffree, v.favail, v.fsid, v.flag]) {
    w.uint64(n);
  }
  w.uint64(v.namemax);
}
