/**
 * The receiving side of legacy scp (`scp -t TARGET`): files and, with `-r`,
 * directory trees arrive as C/D/E records and are written under TARGET only.
 * Every name is one checked path component, so nothing lands outside the
 * requested target. File contents are streamed to disk chunk by chunk.
 *
 * @module
 */
import { chmod, type FileHandle, mkdir, open, stat, utimes } from "node:fs/promises";
import { constants, type Stats } from "node:fs";
import { join } from "node:path";
import { type EntryRecord, parseControlLine, ScpProtocolError, strerror, type TimesRecord } from "./scp_protocol.ts";
import { ScpAbort, type ScpSession } from "./scp_session.ts";

/** Settings of a sink run. */
export interface SinkOptions {
  /** `-r`: accept directories. */
  recursive: boolean;
  /** `-p`: apply the sender's modes (without the umask) and times. */
  preserve: boolean;
  /** `-d`: TARGET must already be a directory. */
  targetMustBeDir: boolean;
  /** Mask applied to received modes without `-p`. */
  umask: number;
}

/** Deepest directory nesting accepted. */
const MAX_DEPTH = 256;

interface Place {
  /** Absolute path on disk. */
  path: string;
  /** The path as the client named it, for messages. */
  display: string;
}

const statOrUndefined = (path: string): Promise<Stats | undefined> => stat(path).catch(() => undefined);

/**
 * Receive into `target` until the client closes its side.
 * Throws {@link ScpProtocolError} (reply `\2`, exit 1) on malformed input.
 *
 * @example
 * ```ts
 * const s = new ScpSession(channel);
 * await runSink(s, { path: "/home/u/up", display: "up" }, { recursive: true, preserve: false, targetMustBeDir: false, umask: 0o022 });
 * ```
 */
export async function runSink(s: ScpSession, target: Place, o: SinkOptions): Promise<void> {
  const st = await statOrUndefined(target.path);
  if (o.targetMustBeDir && !st?.isDirectory()) {
    throw new ScpProtocolError(`${target.display}: ${st ? "Not a directory" : "No such file or directory"}`);
  }
  await s.ok();
  await sinkLoop(s, target, st?.isDirectory() ?? false, o, 0);
}

async function sinkLoop(s: ScpSession, target: Place, targetIsDir: boolean, o: SinkOptions, depth: number) {
  let times: TimesRecord | undefined;
  for (;;) {
    const first = await s.byte();
    if (first === null) {
      if (depth === 0) return;
      throw new ScpProtocolError("lost connection");
    }
    if (first === 1 || first === 2) {
      await s.line();
      if (first === 2) throw new ScpAbort("fatal error from the client");
      s.errors++;
      continue;
    }
    if (first === 0x0a) throw new ScpProtocolError("protocol error: unexpected <newline>");
    const rest = await s.line();
    const line = new Uint8Array(rest.length + 1);
    line[0] = first;
    line.set(rest, 1);
    const rec = parseControlLine(line);
    if (rec.kind === "E") {
      await s.ok();
      return;
    }
    if (rec.kind === "T") {
      times = rec;
      await s.ok();
      continue;
    }
    if (!o.preserve) rec.mode &= ~(o.umask | 0o7000);
    const place = targetIsDir
      ? { path: join(target.path, rec.name), display: `${target.display.replace(/\/+$/, "")}/${rec.name}` }
      : target;
    if (rec.kind === "D") {
      if (!o.recursive) throw new ScpProtocolError("protocol error: received directory without -r");
      if (depth >= MAX_DEPTH) throw new ScpProtocolError("protocol error: directories nested too deep");
      await receiveDir(s, place, rec, times, o, depth);
    } else {
      await receiveFile(s, place, rec, times, o);
    }
    times = undefined;
  }
}

async function receiveDir(
  s: ScpSession,
  at: Place,
  rec: EntryRecord,
  times: TimesRecord | undefined,
  o: SinkOptions,
  depth: number,
) {
  const st = await statOrUndefined(at.path);
  let fixMode = o.preserve;
  if (st) {
    if (!st.isDirectory()) return await s.warn(`${at.display}: Not a directory`);
    if (o.preserve) await chmod(at.path, rec.mode).catch(() => {});
  } else {
    try {
      await mkdir(at.path, rec.mode | 0o700);
    } catch (e) {
      return await s.warn(`${at.display}: ${strerror(e)}`);
    }
    fixMode = true;
  }
  await s.ok();
  await sinkLoop(s, at, true, o, depth + 1);
  if (times) await utimes(at.path, times.atime, times.mtime).catch(() => {});
  if (fixMode) await chmod(at.path, rec.mode).catch(() => {});
}

/** Write all of `data` at `position`. */
async function writeAll(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < data.length;) {
    const { bytesWritten } = await fh.write(data, off, data.length - off, position + off);
    off += bytesWritten;
  }
}

async function receiveFile(s: ScpSession, at: Place, rec: EntryRecord, times: TimesRecord | undefined, o: SinkOptions) {
  const existed = await statOrUndefined(at.path);
  const wanted = rec.mode;
  const createMode = wanted | 0o200;
  let fh: FileHandle;
  try {
    fh = await open(at.path, constants.O_WRONLY | constants.O_CREAT, createMode);
  } catch (e) {
    return await s.warn(`${at.display}: ${strerror(e)}`);
  }
  let err: string | undefined;
  try {
    await s.ok();
    let done = 0;
    while (done < rec.size) {
      const c = await s.chunk(rec.size - done);
      if (!c) throw new ScpProtocolError("lost connection");
      if (!err) await writeAll(fh, c, done).catch((e) => (err = `${at.display}: ${strerror(e)}`));
      done += c.length;
    }
    if (!err && (!existed || existed.isFile())) {
      await fh.truncate(rec.size).catch((e) => (err = `${at.display}: truncate: ${strerror(e)}`));
    }
    const chmodTo = o.preserve
      ? (existed || wanted !== createMode ? wanted : undefined)
      : (!existed && wanted !== createMode ? wanted : undefined);
    if (chmodTo !== undefined) {
      await fh.chmod(chmodTo).catch((e) => (err ??= `${at.display}: set mode: ${strerror(e)}`));
    }
  } finally {
    await fh.close().catch(() => {});
  }
  await s.response();
  if (times && !err) {
    await utimes(at.path, times.atime, times.mtime).catch((e) => (err = `${at.display}: set times: ${strerror(e)}`));
  }
  if (err) await s.warn(err);
  else await s.ok();
}
