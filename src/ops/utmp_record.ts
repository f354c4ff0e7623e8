/**
 * The binary records of the login accounting files on x86_64 glibc Linux:
 * `struct utmp` (384 bytes, /run/utmp and /var/log/wtmp, see utmp(5)) and
 * `struct lastlog` (292 bytes, /var/log/lastlog, one per uid at offset
 * uid × 292). Integers are little-endian; times are 32-bit seconds (glibc's
 * `__WORDSIZE_TIME64_COMPAT32` layout); text fields are NUL-padded and need
 * not be NUL-terminated when full.
 *
 * Layout of `struct utmp`: type i16 @0, pid i32 @4, line[32] @8, id[4] @40,
 * user[32] @44, host[256] @76, exit {termination i16, exit i16} @332,
 * session i32 @336, tv {sec i32, usec i32} @340, addr_v6 u8[16] @348,
 * reserved[20] @364.
 *
 * @module
 */

/** Size of `struct utmp`. */
export const UTMP_SIZE = 384;
/** Size of `struct lastlog`. */
export const LASTLOG_SIZE = 292;

/** `ut_type` values (utmp(5)). */
export const UtmpType = {
  EMPTY: 0,
  RUN_LVL: 1,
  BOOT_TIME: 2,
  NEW_TIME: 3,
  OLD_TIME: 4,
  INIT_PROCESS: 5,
  LOGIN_PROCESS: 6,
  USER_PROCESS: 7,
  DEAD_PROCESS: 8,
  ACCOUNTING: 9,
} as const;

/**
 * One `struct utmp`.
 *
 * @example
 * ```ts
 * const r: UtmpRecord = {
 *   type: UtmpType.USER_PROCESS, pid: 4242, line: "pts/3", id: "ts/3", user: "alice",
 *   host: "192.0.2.7", session: 0, timeMs: Date.now(), addr: new Uint8Array(16),
 * };
 * ```
 */
export interface UtmpRecord {
  type: number;
  pid: number;
  /** Device name without `/dev/` (`pts/3`). */
  line: string;
  /** Terminal suffix, at most 4 bytes (sshd: the last 4 bytes of `line`). */
  id: string;
  user: string;
  host: string;
  session: number;
  /** Milliseconds since the epoch (stored as seconds and microseconds). */
  timeMs: number;
  /** 16 bytes: an IPv4 address in the first 4, or an IPv6 address. */
  addr: Uint8Array;
  /** Exit status of a DEAD_PROCESS (`e_termination`, `e_exit`); zeros by default. */
  exit?: { termination: number; exit: number };
}

/**
 * One `struct lastlog`.
 *
 * @example
 * ```ts
 * const l: LastlogRecord = { timeMs: Date.now(), line: "pts/3", host: "192.0.2.7" };
 * ```
 */
export interface LastlogRecord {
  /** Milliseconds since the epoch (stored as whole seconds); 0 = never logged in. */
  timeMs: number;
  line: string;
  host: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function putText(out: Uint8Array, offset: number, size: number, text: string): void {
  out.set(encoder.encode(text).subarray(0, size), offset);
}

function getText(bytes: Uint8Array, offset: number, size: number): string {
  const field = bytes.subarray(offset, offset + size);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

/**
 * Encodes a utmp record (384 bytes).
 *
 * @example
 * ```ts
 * const bytes = encodeUtmp(record); // bytes.length === 384
 * ```
 */
export function encodeUtmp(r: UtmpRecord): Uint8Array {
  const out = new Uint8Array(UTMP_SIZE);
  const v = new DataView(out.buffer);
  v.setInt16(0, r.type, true);
  v.setInt32(4, r.pid, true);
  putText(out, 8, 32, r.line);
  putText(out, 40, 4, r.id);
  putText(out, 44, 32, r.user);
  putText(out, 76, 256, r.host);
  v.setInt16(332, r.exit?.termination ?? 0, true);
  v.setInt16(334, r.exit?.exit ?? 0, true);
  v.setInt32(336, r.session, true);
  const ms = Math.max(0, Math.floor(r.timeMs));
  v.setInt32(340, Math.floor(ms / 1000) | 0, true);
  v.setInt32(344, (ms % 1000) * 1000, true);
  out.set(r.addr.subarray(0, 16), 348);
  return out;
}

/**
 * Decodes a utmp record from the first 384 bytes of `bytes`.
 *
 * @example
 * ```ts
 * decodeUtmp(encodeUtmp(record)).user; // record.user
 * ```
 */
export function decodeUtmp(bytes: Uint8Array): UtmpRecord {
  if (bytes.length < UTMP_SIZE) throw new RangeError(`a utmp record has ${UTMP_SIZE} bytes, got ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, UTMP_SIZE);
  return {
    type: v.getInt16(0, true),
    pid: v.getInt32(4, true),
    line: getText(bytes, 8, 32),
    id: getText(bytes, 40, 4),
    user: getText(bytes, 44, 32),
    host: getText(bytes, 76, 256),
    exit: { termination: v.getInt16(332, true), exit: v.getInt16(334, true) },
    session: v.getInt32(336, true),
    timeMs: (v.getUint32(340, true) * 1000) + Math.floor(v.getInt32(344, true) / 1000),
    addr: bytes.slice(348, 364),
  };
}

/**
 * Encodes a lastlog record (292 bytes: time i32 @0, line[32] @4, host[256] @36).
 *
 * @example
 * ```ts
 * encodeLastlog({ timeMs: Date.now(), line: "pts/3", host: "192.0.2.7" }).length; // 292
 * ```
 */
export function encodeLastlog(r: LastlogRecord): Uint8Array {
  const out = new Uint8Array(LASTLOG_SIZE);
  new DataView(out.buffer).setInt32(0, Math.floor(Math.max(0, r.timeMs) / 1000) | 0, true);
  putText(out, 4, 32, r.line);
  putText(out, 36, 256, r.host);
  return out;
}

/**
 * Decodes a lastlog record.
 *
 * @example
 * ```ts
 * decodeLastlog(encodeLastlog({ timeMs: 1_700_000_000_000, line: "pts/1", host: "h" })).line; // "pts/1"
 * ```
 */
export function decodeLastlog(bytes: Uint8Array): LastlogRecord {
  if (bytes.length < LASTLOG_SIZE) {
    throw new RangeError(`a lastlog record has ${LASTLOG_SIZE} bytes, got ${bytes.length}`);
  }
  const time = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return { timeMs: time * 1000, line: getText(bytes, 4, 32), host: getText(bytes, 36, 256) };
}
