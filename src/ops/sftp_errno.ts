/**
 * Filesystem errors → SFTP status codes, the way OpenSSH's sftp-server maps
 * errno: a missing file or path component is NO_SUCH_FILE, a refusal is
 * PERMISSION_DENIED, a malformed name is BAD_MESSAGE, and everything else is
 * FAILURE carrying the `strerror(3)` text (so a full disk reads "No space left
 * on device"). Messages never contain host paths, so a confined session learns
 * nothing about the directories outside its root.
 *
 * @module
 */
import { SFTP_STATUS, SftpError, type SftpStatusCode } from "../sftp/backend.ts";

/** `strerror(3)` texts (glibc wording) for the errno codes a filesystem call can report. */
const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  EIO: "Input/output error",
  ENXIO: "No such device or address",
  EBADF: "Bad file descriptor",
  EAGAIN: "Resource temporarily unavailable",
  ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied",
  EFAULT: "Bad address",
  EBUSY: "Device or resource busy",
  EEXIST: "File exists",
  EXDEV: "Invalid cross-device link",
  ENODEV: "No such device",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EINVAL: "Invalid argument",
  ENFILE: "Too many open files in system",
  EMFILE: "Too many open files",
  ETXTBSY: "Text file busy",
  EFBIG: "File too large",
  ENOSPC: "No space left on device",
  ESPIPE: "Illegal seek",
  EROFS: "Read-only file system",
  EMLINK: "Too many links",
  EPIPE: "Broken pipe",
  ENAMETOOLONG: "File name too long",
  ENOSYS: "Function not implemented",
  ENOTEMPTY: "Directory not empty",
  ELOOP: "Too many levels of symbolic links",
  EDQUOT: "Disk quota exceeded",
  ENOTSUP: "Operation not supported",
  EOPNOTSUPP: "Operation not supported",
  EOVERFLOW: "Value too large for defined data type",
  ESTALE: "Stale file handle",
  ECANCELED: "Operation canceled",
};

/** The status OpenSSH's sftp-server reports for an errno code (`errno_to_portable`). */
export function statusForErrno(code: string): SftpStatusCode {
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
    case "EBADF":
    case "ELOOP":
      return SFTP_STATUS.NO_SUCH_FILE;
    case "EPERM":
    case "EACCES":
    case "EFAULT":
      return SFTP_STATUS.PERMISSION_DENIED;
    case "ENAMETOOLONG":
    case "EINVAL":
      return SFTP_STATUS.BAD_MESSAGE;
    case "ENOSYS":
      return SFTP_STATUS.OP_UNSUPPORTED;
    default:
      return SFTP_STATUS.FAILURE;
  }
}

/** The fixed message OpenSSH sends with each status; FAILURE carries the errno text instead. */
const STATUS_TEXT: Record<number, string> = {
  [SFTP_STATUS.NO_SUCH_FILE]: "No such file",
  [SFTP_STATUS.PERMISSION_DENIED]: "Permission denied",
  [SFTP_STATUS.BAD_MESSAGE]: "Bad message",
  [SFTP_STATUS.OP_UNSUPPORTED]: "Operation unsupported",
};

/**
 * An {@link SftpError} for an errno code such as `"ENOSPC"`.
 *
 * @example
 * ```ts
 * errnoError("ENOENT"); // SftpError(NO_SUCH_FILE, "No such file")
 * errnoError("ENOSPC"); // SftpError(FAILURE, "No space left on device")
 * ```
 */
export function errnoError(code: string): SftpError {
  const status = statusForErrno(code);
  return new SftpError(status, STATUS_TEXT[status] ?? STRERROR[code] ?? `Failure (${code})`);
}

/**
 * Converts whatever a `node:fs` call threw into an {@link SftpError}: an
 * SftpError passes through, an error with an errno `code` is mapped by
 * {@link errnoError}, anything else becomes FAILURE without its (possibly
 * path-revealing) text.
 *
 * @example
 * ```ts
 * try {
 *   await stat(hostPath);
 * } catch (e) {
 *   throw toSftpError(e);
 * }
 * ```
 */
export function toSftpError(e: unknown): SftpError {
  if (e instanceof SftpError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return errnoError(code);
  if (code === "ERR_INVALID_ARG_VALUE") return new SftpError(SFTP_STATUS.BAD_MESSAGE, "Bad message");
  return new SftpError(SFTP_STATUS.FAILURE, "Failure");
}

/** `node:fs` error code of `e`, if it has one. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
