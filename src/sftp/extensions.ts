/**
 * SSH_FXP_EXTENDED requests: the OpenSSH extensions (PROTOCOL §4) plus
 * `copy-data` and `home-directory`, and which of them VERSION advertises.
 * `limits@openssh.com` and `copy-data` are implemented here on top of the
 * handle table; the others are advertised only when the backend has them.
 *
 * @example
 * ```ts
 * advertisedExtensions(memoryBackend()); // [["posix-rename@openssh.com", "1"], ...]
 * ```
 * @module
 */
import type { SshReader, SshWriter } from "../ssh/wire.ts";
import { SFTP_STATUS, type SftpBackend, SftpError } from "./backend.ts";
import { encodeExtendedReply, encodeStatus, readAttrs, writeStatVfs } from "./codec.ts";
import type { SftpSession } from "./server.ts";

/**
 * The (name, version) pairs to send in SSH_FXP_VERSION for `backend`.
 *
 * @example
 * ```ts
 * const exts = advertisedExtensions(backend);
 * ```
 */
export function advertisedExtensions(backend: SftpBackend): [string, string][] {
  const out: [string, string][] = [["posix-rename@openssh.com", "1"]];
  if (backend.statvfs) out.push(["statvfs@openssh.com", "2"], ["fstatvfs@openssh.com", "2"]);
  if (backend.hardlink) out.push(["hardlink@openssh.com", "1"]);
  out.push(["fsync@openssh.com", "1"]);
  if (backend.lsetstat) out.push(["lsetstat@openssh.com", "1"]);
  out.push(["limits@openssh.com", "1"]);
  if (backend.expandPath) out.push(["expand-path@openssh.com", "1"]);
  out.push(["copy-data", "1"]);
  if (backend.homeDirectory) out.push(["home-directory", "1"]);
  if (backend.usersGroupsById) out.push(["users-groups-by-id@openssh.com", "1"]);
  return out;
}

const unsupported = () => new SftpError(SFTP_STATUS.OP_UNSUPPORTED, "Operation unsupported");

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** A packed list of uint32 ids (users-groups-by-id@openssh.com). */
function idList(b: Uint8Array): number[] {
  if (b.length % 4 !== 0) throw new SftpError(SFTP_STATUS.BAD_MESSAGE, "Bad message");
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(v.getUint32(i));
  return out;
}

function writeNameList(w: SshWriter, names: readonly string[]): void {
  const enc = new TextEncoder();
  const parts = names.map((n) => enc.encode(n));
  w.uint32(parts.reduce((a, p) => a + 4 + p.length, 0));
  for (const p of parts) w.string(p);
}

/**
 * Serve one SSH_FXP_EXTENDED request (`r` positioned after the id).
 *
 * @example
 * ```ts
 * const reply = await handleExtended(session, id, reader);
 * ```
 */
export async function handleExtended(s: SftpSession, id: number, r: SshReader): Promise<Uint8Array> {
  const b = s.backend;
  const name = latin1(r.string());
  switch (name) {
    case "posix-rename@openssh.com": {
      const from = r.string();
      await b.rename(from, r.string(), { posix: true });
      return s.ok(id);
    }
    case "statvfs@openssh.com":
    case "fstatvfs@openssh.com": {
      if (!b.statvfs) throw unsupported();
      const path = name === "statvfs@openssh.com" ? r.string() : s.file(r.string()).path;
      const v = await b.statvfs(path);
      return encodeExtendedReply(id, (w) => writeStatVfs(w, v));
    }
    case "hardlink@openssh.com": {
      if (!b.hardlink) throw unsupported();
      const existing = r.string();
      await b.hardlink(existing, r.string());
      return s.ok(id);
    }
    case "fsync@openssh.com": {
      const e = s.file(r.string());
      if (!e.file.sync) throw unsupported();
      await e.file.sync();
      return s.ok(id);
    }
    case "lsetstat@openssh.com": {
      if (!b.lsetstat) throw unsupported();
      const path = r.string();
      await b.lsetstat(path, readAttrs(r));
      return s.ok(id);
    }
    case "limits@openssh.com": {
      const o = s.options;
      return encodeExtendedReply(id, (w) => {
        w.uint64(BigInt(o.maxPacketLength)).uint64(BigInt(o.maxReadLength));
        w.uint64(BigInt(o.maxWriteLength)).uint64(BigInt(o.maxOpenHandles));
      });
    }
    case "expand-path@openssh.com":
      if (!b.expandPath) throw unsupported();
      return s.nameReply(id, await b.expandPath(r.string()));
    case "home-directory":
      if (!b.homeDirectory) throw unsupported();
      return s.nameReply(id, await b.homeDirectory(r.string()));
    case "users-groups-by-id@openssh.com": {
      if (!b.usersGroupsById) throw unsupported();
      const uids = idList(r.string());
      const gids = idList(r.string());
      const { users, groups } = await b.usersGroupsById(uids, gids);
      return encodeExtendedReply(id, (w) => {
        writeNameList(w, users);
        writeNameList(w, groups);
      });
    }
    case "copy-data":
      await copyData(s, r);
      return s.ok(id);
    default:
      return encodeStatus(id, SFTP_STATUS.OP_UNSUPPORTED);
  }
}

/** copy-data: read-from-handle, offset, length (0 = to EOF), write-to-handle, offset. */
async function copyData(s: SftpSession, r: SshReader): Promise<void> {
  const src = s.file(r.string());
  let readOffset = r.uint64();
  const length = r.uint64();
  const dst = s.file(r.string());
  let writeOffset = r.uint64();
  if (!src.readable || !dst.writable) throw new SftpError(SFTP_STATUS.PERMISSION_DENIED, "Permission denied");
  if (
    src === dst && length !== 0n && writeOffset < readOffset + length && readOffset < writeOffset + length
  ) throw new SftpError(SFTP_STATUS.FAILURE, "Overlapping copy within one file");
  if (src === dst && length === 0n && writeOffset >= readOffset) {
    throw new SftpError(SFTP_STATUS.FAILURE, "Overlapping copy within one file");
  }
  let left = length;
  const chunk = BigInt(s.options.maxReadLength);
  while (length === 0n || left > 0n) {
    const want = length === 0n || left > chunk ? chunk : left;
    const data = await src.file.read(readOffset, Number(want));
    if (data === null || data.length === 0) break;
    await dst.file.write(writeOffset, data);
    readOffset += BigInt(data.length);
    writeOffset += BigInt(data.length);
    left -= BigInt(data.length);
  }
}
