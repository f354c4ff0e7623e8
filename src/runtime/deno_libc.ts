/**
 * The glibc (x86_64 Linux) functions the Deno PTY and the byte-path file
 * system (`deno_byte_fs.ts`) need, bound through
 * `Deno.dlopen`, plus the constants and errno handling that go with them.
 *
 * The library is opened lazily on first use, so importing this module needs
 * no permission; calling {@link libc} needs `--allow-ffi`.
 *
 * Struct layouts and flag values are those of glibc ≥ 2.34 on x86_64
 * (`posix_spawn_file_actions_addclosefrom_np` needs 2.34).
 *
 * @example
 * ```ts
 * const fd = libc().posix_openpt(Sys.O_RDWR | Sys.O_NOCTTY | Sys.O_CLOEXEC);
 * if (fd < 0) throw LibcError.fromErrno("posix_openpt");
 * ```
 * @module
 */

/**
 * Flag and request values of x86_64 Linux / glibc used by the PTY code.
 *
 * @example
 * ```ts
 * libc().posix_openpt(Sys.O_RDWR | Sys.O_NOCTTY | Sys.O_CLOEXEC);
 * ```
 */
export const Sys = {
  // open(2)
  O_RDONLY: 0,
  O_RDWR: 2,
  /** Do not make the terminal the controlling terminal of the caller. */
  O_NOCTTY: 0o400,
  O_NONBLOCK: 0o4000,
  O_DIRECTORY: 0o200000,
  O_CLOEXEC: 0o2000000,
  // fcntl(2)
  F_GETFL: 3,
  F_SETFL: 4,
  // ioctl(2) on a tty: set the window size (`struct winsize`).
  TIOCSWINSZ: 0x5414n,
  /** tcsetattr(3): apply now. */
  TCSANOW: 0,
  // eventfd(2)
  EFD_NONBLOCK: 0o4000,
  EFD_CLOEXEC: 0o2000000,
  // waitpid(2)
  WNOHANG: 1,
  // access(2)
  F_OK: 0,
  X_OK: 1,
  // poll(2); ERR, HUP and NVAL are reported in revents only.
  POLLIN: 0x001,
  POLLOUT: 0x004,
  POLLERR: 0x008,
  /** The other side of the pty is closed. */
  POLLHUP: 0x010,
  POLLNVAL: 0x020,
  // posix_spawnattr_setflags(3)
  POSIX_SPAWN_SETSIGDEF: 0x04,
  POSIX_SPAWN_SETSIGMASK: 0x08,
  /** setsid() in the child, before the file actions. */
  POSIX_SPAWN_SETSID: 0x80,
} as const;

/**
 * errno values used by the PTY and byte-path file-system code (x86_64 Linux).
 *
 * @example
 * ```ts
 * if (errno() === Errno.EAGAIN) waitForPoll();
 * ```
 */
export const Errno = {
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSPC: 28,
  // File-system errors (deno_byte_fs.ts), named as node:fs names them.
  EPERM: 1,
  ENXIO: 6,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ETXTBSY: 26,
  EFBIG: 27,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ESTALE: 116,
  EDQUOT: 122,
  ECANCELED: 125,
} as const;

const ERRNO_NAMES = new Map<number, string>(Object.entries(Errno).map(([name, value]) => [value, name]));

/**
 * The symbolic name of an errno value, or `E<number>` when it is not one of {@link Errno}.
 *
 * @example
 * ```ts
 * errnoName(5); // "EIO"
 * ```
 */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

/**
 * A libc call failed; `errno` is the raw value and `code` its name.
 *
 * @example
 * ```ts
 * try { openPtyMaster(opts); } catch (e) { if (e instanceof LibcError && e.code === "EMFILE") tooManyFiles(); }
 * ```
 */
export class LibcError extends Error {
  /** The symbolic errno name, e.g. `"ENOENT"`. */
  readonly code: string;

  /** Names the failed call; the message adds the errno name. */
  constructor(
    /** The libc function (and context) that failed. */
    readonly call: string,
    /** The raw errno value. */
    readonly errno: number,
  ) {
    const code = errnoName(errno);
    super(`${call} failed: ${code}`);
    this.name = "LibcError";
    this.code = code;
  }

  /**
   * Builds the error from the current thread's errno. Call it straight after
   * the failing synchronous FFI call.
   *
   * @example
   * ```ts
   * if (libc().grantpt(fd) !== 0) throw LibcError.fromErrno("grantpt");
   * ```
   */
  static fromErrno(call: string): LibcError {
    return new LibcError(call, errno());
  }
}

/**
 * The FFI bindings were asked for on a platform whose struct layouts they do not know.
 *
 * @example
 * ```ts
 * try { libc(); } catch (e) { if (e instanceof UnsupportedPlatformError) useScriptFallback(); }
 * ```
 */
export class UnsupportedPlatformError extends Error {
  /** `platform` is `<arch>-<os>` as Deno reports them. */
  constructor(readonly platform: string) {
    super(`the Deno FFI PTY supports x86_64 Linux with glibc only, not ${platform}`);
    this.name = "UnsupportedPlatformError";
  }
}

const SYMBOLS = {
  posix_openpt: { parameters: ["i32"], result: "i32" },
  grantpt: { parameters: ["i32"], result: "i32" },
  unlockpt: { parameters: ["i32"], result: "i32" },
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  tcsetattr: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  cfsetispeed: { parameters: ["buffer", "u32"], result: "i32" },
  cfsetospeed: { parameters: ["buffer", "u32"], result: "i32" },
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  access: { parameters: ["buffer", "i32"], result: "i32" },
  chown: { parameters: ["buffer", "u32", "u32"], result: "i32" },
  chmod: { parameters: ["buffer", "u32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  eventfd: { parameters: ["u32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  kill: { parameters: ["i32", "i32"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigfillset: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_addopen: { parameters: ["buffer", "i32", "buffer", "i32", "u32"], result: "i32" },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addclosefrom_np: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addchdir_np: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  __errno_location: { parameters: [], result: "pointer" },
  // File-system calls on byte paths (deno_byte_fs.ts); fstatat needs glibc ≥ 2.33, getdents64 ≥ 2.30.
  pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
  pwrite: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
  fstat: { parameters: ["i32", "buffer"], result: "i32" },
  fstatat: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  truncate: { parameters: ["buffer", "i64"], result: "i32" },
  fsync: { parameters: ["i32"], result: "i32" },
  fchmod: { parameters: ["i32", "u32"], result: "i32" },
  fchown: { parameters: ["i32", "u32", "u32"], result: "i32" },
  fchownat: { parameters: ["i32", "buffer", "u32", "u32", "i32"], result: "i32" },
  futimens: { parameters: ["i32", "buffer"], result: "i32" },
  utimensat: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  getdents64: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  mkdir: { parameters: ["buffer", "u32"], result: "i32" },
  rmdir: { parameters: ["buffer"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  rename: { parameters: ["buffer", "buffer"], result: "i32" },
  link: { parameters: ["buffer", "buffer"], result: "i32" },
  symlink: { parameters: ["buffer", "buffer"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  realpath: { parameters: ["buffer", "buffer"], result: "pointer" },
  statvfs: { parameters: ["buffer", "buffer"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * The bound glibc functions (see the module doc for the layout assumptions).
 *
 * @example
 * ```ts
 * const lib: Libc = libc();
 * lib.close(fd);
 * ```
 */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let lib: Libc | undefined;
let errnoView: Deno.UnsafePointerView | undefined;

/**
 * Opens `libc.so.6` once and returns its bound functions. Needs `--allow-ffi`.
 *
 * @example
 * ```ts
 * const pid = libc().kill(1234, 15);
 * ```
 */
export function libc(): Libc {
  if (!lib) {
    if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
      throw new UnsupportedPlatformError(`${Deno.build.arch}-${Deno.build.os}`);
    }
    lib = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  }
  return lib;
}

/**
 * The calling thread's errno. Only meaningful straight after a failed
 * synchronous FFI call on this thread (not after `nonblocking` calls).
 *
 * @example
 * ```ts
 * if (libc().close(fd) !== 0) console.log(errnoName(errno()));
 * ```
 */
export function errno(): number {
  if (!errnoView) {
    const ptr = libc().__errno_location();
    if (ptr === null) throw new LibcError("__errno_location", Errno.EINVAL);
    errnoView = new Deno.UnsafePointerView(ptr);
  }
  return errnoView.getInt32(0);
}

const encoder = new TextEncoder();

/**
 * Encodes `text` as a NUL-terminated C string in its own (off-heap) buffer.
 * Throws a `TypeError` if `text` contains a NUL character.
 *
 * @example
 * ```ts
 * libc().access(cString("/bin/sh"), Sys.X_OK);
 * ```
 */
export function cString(text: string): Uint8Array {
  if (text.includes("\0")) throw new TypeError(`string contains a NUL character: ${JSON.stringify(text)}`);
  const bytes = encoder.encode(text);
  const out = new Uint8Array(new ArrayBuffer(bytes.length + 1));
  out.set(bytes);
  return out;
}

/**
 * Allocates a zeroed buffer whose memory lives outside the JS heap, so its
 * address stays fixed while native code holds it.
 *
 * @example
 * ```ts
 * const status = nativeBuffer(4);
 * ```
 */
export function nativeBuffer(size: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(size));
}
