/**
 * The records of the legacy scp (rcp) protocol, as OpenSSH's scp speaks it
 * over the stdin/stdout of `scp -t` / `scp -f`:
 *
 * - `C<mode> <size> <name>\n` a file of `size` bytes follows, then one `\0`;
 * - `D<mode> 0 <name>\n` a directory begins; `E\n` it ends;
 * - `T<mtime> <usec> <atime> <usec>\n` times of the next C/D record (with `-p`);
 * - acknowledgements: `\0` ok, `\1message\n` error (go on), `\2message\n` fatal.
 *
 * Pure parsing and formatting; no I/O.
 *
 * @module
 */

/** Longest control line accepted, newline included (OpenSSH's buffer size). */
export const MAX_LINE = 2048;

/** The one-byte "ok" acknowledgement. */
export const ACK_OK: Uint8Array = Uint8Array.of(0);

/** A malformed record or a broken conversation: the transfer cannot go on. */
export class ScpProtocolError extends Error {
  override name = "ScpProtocolError";
}

/** A `C` (file) or `D` (directory) record. */
export interface EntryRecord {
  kind: "C" | "D";
  /** Permission bits, `0o0000`–`0o7777`. */
  mode: number;
  /** File size in bytes (0 for directories). */
  size: number;
  /** The entry's name: one path component, checked by {@link checkEntryName}. */
  name: string;
}

/** A `T` (times) record, in seconds since the epoch. */
export interface TimesRecord {
  kind: "T";
  mtime: number;
  atime: number;
}

/** Every control record a sink can receive (acks and messages are handled apart). */
export type ControlRecord = EntryRecord | TimesRecord | { kind: "E" };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();
const TIMES = /^T(\d{1,15}) (\d{1,6}) (\d{1,15}) (\d{1,6})$/;
const ENTRY = /^([CD])([0-7]{4}) (\d{1,16}) /;

/**
 * Refuse names that are not exactly one harmless path component: empty, `.`,
 * `..`, or holding `/` or NUL (the CVE-2018-20685 / CVE-2019-6111 class).
 *
 * @example
 * ```ts
 * checkEntryName("report.txt"); // ok
 * checkEntryName("../evil");    // throws ScpProtocolError
 * ```
 */
export function checkEntryName(name: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new ScpProtocolError(`error: unexpected filename: ${name}`);
  }
}

/**
 * Parse one control line (without its trailing newline).
 * Throws {@link ScpProtocolError} for anything malformed, including unsafe names.
 *
 * @example
 * ```ts
 * parseControlLine(new TextEncoder().encode("C0644 5 hello.txt"));
 * // { kind: "C", mode: 0o644, size: 5, name: "hello.txt" }
 * ```
 */
export function parseControlLine(line: Uint8Array): ControlRecord {
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    throw new ScpProtocolError("protocol error: control record is not UTF-8");
  }
  if (text === "E") return { kind: "E" };
  if (text[0] === "T") {
    const t = TIMES.exec(text);
    if (!t) throw new ScpProtocolError("protocol error: bad time record");
    return { kind: "T", mtime: Number(t[1]), atime: Number(t[3]) };
  }
  if (text[0] !== "C" && text[0] !== "D") throw new ScpProtocolError("protocol error: expected control record");
  const m = ENTRY.exec(text);
  if (!m) throw new ScpProtocolError("protocol error: bad mode or size");
  const size = Number(m[3]);
  if (!Number.isSafeInteger(size)) throw new ScpProtocolError("protocol error: size out of range");
  const name = text.slice(m[0].length);
  checkEntryName(name);
  return { kind: m[1] as "C" | "D", mode: parseInt(m[2], 8), size, name };
}

/**
 * Format a `C` or `D` record.
 *
 * @example
 * ```ts
 * formatEntry({ kind: "C", mode: 0o644, size: 5, name: "a b" }); // bytes of "C0644 5 a b\n"
 * ```
 */
export function formatEntry(e: EntryRecord): Uint8Array {
  return encoder.encode(`${e.kind}${(e.mode & 0o7777).toString(8).padStart(4, "0")} ${e.size} ${e.name}\n`);
}

/**
 * Format a `T` record (whole seconds; the microsecond fields are sent as 0, as OpenSSH does).
 *
 * @example
 * ```ts
 * formatTimes(1700000000, 1700000001); // bytes of "T1700000000 0 1700000001 0\n"
 * ```
 */
export function formatTimes(mtime: number, atime: number): Uint8Array {
  return encoder.encode(`T${Math.max(0, Math.floor(mtime))} 0 ${Math.max(0, Math.floor(atime))} 0\n`);
}

/**
 * Format an error acknowledgement: `\1scp: message\n` (or `\2…` when fatal).
 * Newlines inside `message` are replaced so the line stays one line.
 *
 * @example
 * ```ts
 * formatError("x: No such file or directory"); // bytes of "\x01scp: x: No such file or directory\n"
 * ```
 */
export function formatError(message: string, fatal = false): Uint8Array {
  return encoder.encode(`${fatal ? "\x02" : "\x01"}scp: ${message.replace(/[\r\n]/g, "?")}\n`);
}

const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EEXIST: "File exists",
  ENOSPC: "No space left on device",
  EDQUOT: "Disk quota exceeded",
  EROFS: "Read-only file system",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EIO: "Input/output error",
  EBUSY: "Device or resource busy",
  ETXTBSY: "Text file busy",
  EFBIG: "File too large",
  EMFILE: "Too many open files",
};

/**
 * The C library's message for a node:fs error (`ENOENT` → `No such file or directory`).
 *
 * @example
 * ```ts
 * try { await stat("nope"); } catch (e) { strerror(e); } // "No such file or directory"
 * ```
 */
export function strerror(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && code in STRERROR) return STRERROR[code];
  return typeof code === "string" ? code : (e as Error)?.message ?? String(e);
}
