/**
 * `ls -l` style lines for SSH_FXP_NAME longnames, in the layout of OpenSSH's
 * `ls_file()` (sftp-common.c): mode string, link count, owner, group, size,
 * date, name. Owner and group names come from an injectable lookup.
 *
 * @example
 * ```ts
 * longname(utf8("a.txt"), { permissions: 0o100644, size: 5n, uid: 0, gid: 0, mtime: 0 }, { now: 0 });
 * // "-rw-r--r--    1 0        0               5 Jan  1  1970 a.txt"
 * ```
 * @module
 */
import type { SftpAttrs } from "./backend.ts";

/** Names for numeric ids; `undefined` prints the number. */
export interface IdNames {
  user?(uid: number): string | undefined;
  group?(gid: number): string | undefined;
}

/** Options for {@link longname}. */
export interface LongnameOptions {
  names?: IdNames;
  /** "Now" in seconds since the epoch, to choose between time and year (default: the clock). */
  now?: number;
  /** Link count (default: 1, or the attrs' `nlink` when the backend gives one). */
  nlink?: number;
}

const S_IFMT = 0o170000;
const TYPE_CHARS: Record<number, string> = {
  0o140000: "s",
  0o120000: "l",
  0o100000: "-",
  0o060000: "b",
  0o040000: "d",
  0o020000: "c",
  0o010000: "p",
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SIX_MONTHS = 365 * 24 * 60 * 60 / 2;

/**
 * The 10-character mode string like `strmode(3)` (`drwxr-xr-x`, with s/S/t/T).
 *
 * @example
 * ```ts
 * modeString(0o104755); // "-rwsr-xr-x"
 * ```
 */
export function modeString(mode: number): string {
  const t = TYPE_CHARS[mode & S_IFMT] ?? "?";
  const bit = (m: number, c: string) => (mode & m ? c : "-");
  const special = (x: number, s: number, lower: string, upper: string) =>
    mode & s ? (mode & x ? lower : upper) : (mode & x ? "x" : "-");
  return t + bit(0o400, "r") + bit(0o200, "w") + special(0o100, 0o4000, "s", "S") +
    bit(0o040, "r") + bit(0o020, "w") + special(0o010, 0o2000, "s", "S") +
    bit(0o004, "r") + bit(0o002, "w") + special(0o001, 0o1000, "t", "T");
}

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** The date column: "Mon DD HH:MM" within six months of now, else "Mon DD  YYYY" (UTC; DD space-padded like strftime %e). */
function dateColumn(mtime: number, now: number): string {
  const d = new Date(mtime * 1000);
  const head = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)}`;
  if (now - SIX_MONTHS <= mtime && mtime <= now + SIX_MONTHS) {
    return `${head} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  }
  return `${head}  ${d.getUTCFullYear()}`;
}

/**
 * The longname line as text (the name is decoded lossily; see {@link longname} for bytes).
 *
 * @example
 * ```ts
 * longnameText("x", { permissions: 0o40755, mtime: 0 }, { now: 0 }); // "drwxr-xr-x    1 0 ..."
 * ```
 */
export function longnameText(name: string, attrs: SftpAttrs, options: LongnameOptions = {}): string {
  const user = (attrs.uid !== undefined ? options.names?.user?.(attrs.uid) : undefined) ?? String(attrs.uid ?? 0);
  const group = (attrs.gid !== undefined ? options.names?.group?.(attrs.gid) : undefined) ?? String(attrs.gid ?? 0);
  const nlink = String(options.nlink ?? attrs.nlink ?? 1).padStart(3);
  const size = String(attrs.size ?? 0n).padStart(8);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  return `${modeString(attrs.permissions ?? 0)}  ${nlink} ${user.padEnd(8)} ${group.padEnd(8)} ${size} ${
    dateColumn(attrs.mtime ?? 0, now)
  } ${name}`;
}

const enc = new TextEncoder();

/**
 * The longname line as bytes, keeping the filename's bytes exactly.
 *
 * @example
 * ```ts
 * longname(new Uint8Array([0x66, 0xff]), { permissions: 0o100600 });
 * ```
 */
export function longname(filename: Uint8Array, attrs: SftpAttrs, options: LongnameOptions = {}): Uint8Array {
  const head = enc.encode(longnameText("", attrs, options));
  const out = new Uint8Array(head.length + filename.length);
  out.set(head);
  out.set(filename, head.length);
  return out;
}
