/**
 * The sending side of legacy scp (`scp -f SOURCE…`): each requested file is
 * sent as a C record and its bytes, each requested directory (with `-r`) as
 * D…E around its entries; only what was asked is sent, named by its last
 * path component. A source that cannot be read is reported with `\1` and the
 * others still go, as OpenSSH does.
 *
 * @module
 */
import { type FileHandle, open, opendir } from "node:fs/promises";
import { constants, type Stats } from "node:fs";
import { basename, join } from "node:path";
import { formatEntry, formatTimes, strerror } from "./scp_protocol.ts";
import type { ScpSession } from "./scp_session.ts";

/** Settings of a source run. */
export interface SourceOptions {
  /** `-r`: send directories. */
  recursive: boolean;
  /** `-p`: send T records with modification and access times. */
  preserve: boolean;
}

/** A file or directory to send: where it is and how the client named it. */
export interface SourcePath {
  path: string;
  display: string;
}

/** Bytes read from a file per channel write. */
const CHUNK = 128 * 1024;
/** Deepest directory nesting sent. */
const MAX_DEPTH = 256;
/** Permission bits sent in C/D records (no sticky bit, as OpenSSH). */
const MODE_MASK = 0o6777;

/**
 * Wait for the client's go-ahead, then send every source in order.
 *
 * @example
 * ```ts
 * await runSource(new ScpSession(channel), [{ path: "/home/u/a.txt", display: "a.txt" }], { recursive: false, preserve: true });
 * ```
 */
export async function runSource(s: ScpSession, sources: SourcePath[], o: SourceOptions): Promise<void> {
  await s.response();
  for (const src of sources) await sendPath(s, src, o, 0);
}

async function sendPath(s: ScpSession, src: SourcePath, o: SourceOptions, depth: number): Promise<void> {
  const path = src.path.length > 1 ? src.path.replace(/\/+$/, "") : src.path;
  if (src.display.includes("\n")) return await s.warn(`${src.display}: skipping, filename contains a newline`);
  let fh: FileHandle | undefined;
  let st: Stats;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    st = await fh.stat();
  } catch (e) {
    await fh?.close().catch(() => {});
    return await s.warn(`${src.display}: ${strerror(e)}`);
  }
  try {
    if (st.isDirectory() && o.recursive) {
      await fh.close();
      fh = undefined;
      if (depth >= MAX_DEPTH) return await s.warn(`${src.display}: directories nested too deep`);
      return await sendDir(s, { path, display: src.display }, st, o, depth);
    }
    if (!st.isFile()) return await s.warn(`${src.display}: not a regular file`);
    await sendFile(s, fh, path, src.display, st, o);
  } finally {
    await fh?.close().catch(() => {});
  }
}

async function sendTimes(s: ScpSession, st: Stats, o: SourceOptions): Promise<boolean> {
  if (!o.preserve) return true;
  await s.send(formatTimes(st.mtimeMs / 1000, st.atimeMs / 1000));
  return await s.response();
}

async function sendFile(s: ScpSession, fh: FileHandle, path: string, display: string, st: Stats, o: SourceOptions) {
  if (!(await sendTimes(s, st, o))) return;
  await s.send(formatEntry({ kind: "C", mode: st.mode & MODE_MASK, size: st.size, name: basename(path) }));
  if (!(await s.response())) return;
  let err: string | undefined;
  for (let sent = 0; sent < st.size;) {
    const buf = new Uint8Array(Math.min(CHUNK, st.size - sent));
    // After a read error the rest is sent as zeros to keep the stream in step; the error follows the data.
    for (let got = 0; !err && got < buf.length;) {
      try {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, sent + got);
        if (bytesRead === 0) err = `${display}: file shrank while being sent`;
        got += bytesRead;
      } catch (e) {
        err = `${display}: ${strerror(e)}`;
      }
    }
    await s.send(buf);
    sent += buf.length;
  }
  if (err) await s.warn(err);
  else await s.ok();
  await s.response();
}

async function sendDir(s: ScpSession, dir: SourcePath, st: Stats, o: SourceOptions, depth: number) {
  let entries;
  try {
    entries = await opendir(dir.path);
  } catch (e) {
    return await s.warn(`${dir.display}: ${strerror(e)}`);
  }
  try {
    if (!(await sendTimes(s, st, o))) return;
    await s.send(formatEntry({ kind: "D", mode: st.mode & MODE_MASK, size: 0, name: basename(dir.path) }));
    if (!(await s.response())) return;
    for await (const e of entries) {
      await sendPath(
        s,
        { path: join(dir.path, e.name), display: `${dir.display.replace(/\/+$/, "")}/${e.name}` },
        o,
        depth + 1,
      );
    }
    await s.send(new TextEncoder().encode("E\n"));
    await s.response();
  } finally {
    await entries.close().catch(() => {});
  }
}
