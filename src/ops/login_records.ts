/**
 * Login accounting for PTY sessions, as sshd does it on Linux (loginrec.c):
 * at login a USER_PROCESS record goes into utmp (who is on: `who`, `w`) and
 * wtmp (history: `last`), and the user's lastlog slot gets the time, line
 * and host (`lastlog`, and sshd's "Last login:" line); at logout a
 * DEAD_PROCESS record with blank user and host replaces the utmp entry and
 * is appended to wtmp. A file that does not exist is skipped (the admin
 * turned that log off); other errors are returned for the caller to log.
 *
 * The utmp slot is chosen like glibc's `pututline`: the entry of a
 * login-type record with the same `ut_id`, else a new one at the end. No
 * file lock is taken (glibc uses fcntl locks that JavaScript cannot take);
 * each record is written with a single positioned write.
 *
 * @module
 */
import { open } from "node:fs/promises";
import { parseIp, unmapIpv4 } from "./addr_match.ts";
import {
  decodeLastlog,
  decodeUtmp,
  encodeLastlog,
  encodeUtmp,
  LASTLOG_SIZE,
  type LastlogRecord,
  UTMP_SIZE,
  type UtmpRecord,
  UtmpType,
} from "./utmp_record.ts";

/**
 * Where the records go. `utmp` lists candidates; the first that exists is used.
 *
 * @example
 * ```ts
 * const files: LoginRecordFiles = { utmp: ["/tmp/t/utmp"], wtmp: "/tmp/t/wtmp", lastlog: "/tmp/t/lastlog" };
 * ```
 */
export interface LoginRecordFiles {
  utmp: readonly string[];
  wtmp: string;
  lastlog: string;
}

/** The system's files (glibc's `_PATH_UTMP`, `_PATH_WTMP`, `_PATH_LASTLOG`). */
export const SYSTEM_LOGIN_FILES: LoginRecordFiles = {
  utmp: ["/run/utmp", "/var/run/utmp"],
  wtmp: "/var/log/wtmp",
  lastlog: "/var/log/lastlog",
};

/**
 * One PTY login.
 *
 * @example
 * ```ts
 * const s: LoginSession = { user: "alice", uid: 1000, pid: 4242, ttyPath: "/dev/pts/3", host: "192.0.2.7", address: "192.0.2.7" };
 * ```
 */
export interface LoginSession {
  user: string;
  uid: number;
  /** The session's process (the login shell). */
  pid: number;
  /** The slave, `/dev/pts/N`. */
  ttyPath: string;
  /** Client host name, or its address (sshd's `UseDNS no`). */
  host: string;
  /** Client's numeric address. */
  address: string;
}

/** Which files were written and which failed (a missing file is neither). */
export interface LoginRecordResult {
  written: string[];
  errors: { path: string; error: Error }[];
}

/** `/dev/pts/3` → `pts/3` (sshd's `line_stripname`). */
function lineOf(ttyPath: string): string {
  return ttyPath.startsWith("/dev/") ? ttyPath.slice(5) : ttyPath;
}

/** The last 4 bytes of the line (sshd's `line_abbrevname`): `pts/3` → `ts/3`. */
function idOf(line: string): string {
  const bytes = new TextEncoder().encode(line);
  return new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - 4)));
}

/** The 16-byte `ut_addr_v6`: IPv4 (also v4-mapped IPv6) in the first word. */
function addrField(address: string): Uint8Array {
  const out = new Uint8Array(16);
  const ip = parseIp(unmapIpv4(address));
  if (ip) out.set(ip);
  return out;
}

/**
 * The utmp/wtmp record for a login or (with `logout`) a logout.
 *
 * @example
 * ```ts
 * loginRecord(session, Date.now(), false).id; // "ts/3"
 * ```
 */
export function loginRecord(s: LoginSession, nowMs: number, logout: boolean): UtmpRecord {
  const line = lineOf(s.ttyPath);
  return {
    type: logout ? UtmpType.DEAD_PROCESS : UtmpType.USER_PROCESS,
    pid: s.pid,
    line,
    id: idOf(line),
    user: logout ? "" : s.user,
    host: logout ? "" : s.host,
    session: 0,
    timeMs: nowMs,
    addr: logout ? new Uint8Array(16) : addrField(s.address),
  };
}

function isMissing(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}

/** Run one file's update; ENOENT means "log disabled", anything else is reported. */
async function update(path: string, result: LoginRecordResult, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    result.written.push(path);
  } catch (e) {
    if (!isMissing(e)) result.errors.push({ path, error: e instanceof Error ? e : new Error(String(e)) });
  }
}

const LOGIN_TYPES: ReadonlySet<number> = new Set([
  UtmpType.INIT_PROCESS,
  UtmpType.LOGIN_PROCESS,
  UtmpType.USER_PROCESS,
  UtmpType.DEAD_PROCESS,
]);

/** Write `record` into the utmp file at the slot `pututline` would pick. */
async function putUtmp(path: string, record: UtmpRecord): Promise<void> {
  const fh = await open(path, "r+");
  try {
    const size = (await fh.stat()).size;
    const buf = new Uint8Array(UTMP_SIZE);
    let slot = Math.floor(size / UTMP_SIZE) * UTMP_SIZE;
    for (let at = 0; at + UTMP_SIZE <= size; at += UTMP_SIZE) {
      const { bytesRead } = await fh.read(buf, 0, UTMP_SIZE, at);
      if (bytesRead < UTMP_SIZE) break;
      const old = decodeUtmp(buf);
      if (LOGIN_TYPES.has(old.type) && old.id === record.id) {
        slot = at;
        break;
      }
    }
    await fh.write(encodeUtmp(record), 0, UTMP_SIZE, slot);
  } finally {
    await fh.close();
  }
}

/** Append `record` to the wtmp file (which must exist). */
async function appendWtmp(path: string, record: UtmpRecord): Promise<void> {
  const fh = await open(path, "r+");
  try {
    // Whole records only: a torn tail from a crash is overwritten, as glibc's updwtmp does.
    const size = (await fh.stat()).size;
    await fh.write(encodeUtmp(record), 0, UTMP_SIZE, size - (size % UTMP_SIZE));
  } finally {
    await fh.close();
  }
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await (await open(path, "r")).close();
      return path;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/**
 * Records a login on `s.ttyPath` in utmp, wtmp and lastlog (the files that exist).
 *
 * @example
 * ```ts
 * const r = await recordLogin({ user: "alice", uid: 1000, pid: child.pid, ttyPath: child.ttyPath!, host, address: host });
 * for (const { path, error } of r.errors) logger.warn(`${path}: ${error.message}`);
 * ```
 */
export async function recordLogin(
  s: LoginSession,
  files: LoginRecordFiles = SYSTEM_LOGIN_FILES,
  nowMs = Date.now(),
): Promise<LoginRecordResult> {
  const record = loginRecord(s, nowMs, false);
  const result: LoginRecordResult = { written: [], errors: [] };
  const utmp = await firstExisting(files.utmp);
  if (utmp) await update(utmp, result, () => putUtmp(utmp, record));
  await update(files.wtmp, result, () => appendWtmp(files.wtmp, record));
  await update(files.lastlog, result, async () => {
    const fh = await open(files.lastlog, "r+");
    try {
      const entry = encodeLastlog({ timeMs: nowMs, line: record.line, host: s.host });
      await fh.write(entry, 0, LASTLOG_SIZE, s.uid * LASTLOG_SIZE);
    } finally {
      await fh.close();
    }
  });
  return result;
}

/**
 * Records the end of the session started by {@link recordLogin} (utmp entry
 * marked DEAD_PROCESS, logout record appended to wtmp).
 *
 * @example
 * ```ts
 * await recordLogout(session);
 * ```
 */
export async function recordLogout(
  s: LoginSession,
  files: LoginRecordFiles = SYSTEM_LOGIN_FILES,
  nowMs = Date.now(),
): Promise<LoginRecordResult> {
  const record = loginRecord(s, nowMs, true);
  const result: LoginRecordResult = { written: [], errors: [] };
  const utmp = await firstExisting(files.utmp);
  if (utmp) await update(utmp, result, () => putUtmp(utmp, record));
  await update(files.wtmp, result, () => appendWtmp(files.wtmp, record));
  return result;
}

/**
 * The user's previous login from lastlog (for sshd's "Last login: …"
 * line; read it *before* {@link recordLogin}), or `undefined` if none.
 *
 * @example
 * ```ts
 * const last = await lastLogin(1000);
 * if (last) console.log(`Last login: ${new Date(last.timeMs).toString()} from ${last.host}`);
 * ```
 */
export async function lastLogin(
  uid: number,
  files: Pick<LoginRecordFiles, "lastlog"> = SYSTEM_LOGIN_FILES,
): Promise<LastlogRecord | undefined> {
  let fh;
  try {
    fh = await open(files.lastlog, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = new Uint8Array(LASTLOG_SIZE);
    const { bytesRead } = await fh.read(buf, 0, LASTLOG_SIZE, uid * LASTLOG_SIZE);
    if (bytesRead < LASTLOG_SIZE) return undefined;
    const record = decodeLastlog(buf);
    return record.timeMs === 0 ? undefined : record;
  } finally {
    await fh.close();
  }
}
