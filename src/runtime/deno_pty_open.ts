/**
 * Opening a pseudo-terminal master through glibc, setting its window size and
 * terminal modes before a child opens the slave.
 *
 * @example
 * ```ts
 * const pty = openPtyMaster({ cols: 80, rows: 24, modes: new Map([[53, 0]]) });
 * console.log(pty.slavePath); // "/dev/pts/3"
 * ```
 * @module
 */
import { libc, LibcError, nativeBuffer, Sys } from "./deno_libc.ts";
import { applyTerminalModes, TERMIOS_SIZE } from "./deno_pty_termios.ts";

/**
 * A freshly opened pty: the master fd (non-blocking, close-on-exec) and the slave's path.
 *
 * @example
 * ```ts
 * const pty: PtyMaster = { fd: 12, slavePath: "/dev/pts/3" };
 * ```
 */
export interface PtyMaster {
  /** The master fd. */
  fd: number;
  /** `/dev/pts/N`. */
  slavePath: string;
}

/**
 * Size and modes to give a new pty.
 *
 * @example
 * ```ts
 * const opts: PtyOpenOptions = { cols: 80, rows: 24, modes: new Map([[53, 0]]) };
 * ```
 */
export interface PtyOpenOptions {
  /** Width in characters. */
  cols: number;
  /** Height in characters. */
  rows: number;
  /** Width in pixels (0 or absent: unknown). */
  widthPx?: number;
  /** Height in pixels (0 or absent: unknown). */
  heightPx?: number;
  /** RFC 4254 §8 opcode → value. */
  modes?: ReadonlyMap<number, number>;
}

const decoder = new TextDecoder();
const winsize = nativeBuffer(8);
const winsizeView = new DataView(winsize.buffer);

function clampU16(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return 0;
  return Math.min(0xffff, Math.max(0, Math.trunc(n)));
}

/**
 * Sets the terminal size of a pty through its master (`TIOCSWINSZ`); the
 * kernel sends SIGWINCH to the terminal's foreground process group.
 * Values are clamped to 0…65535.
 *
 * @example
 * ```ts
 * setWindowSize(masterFd, 132, 43);
 * ```
 */
export function setWindowSize(fd: number, cols: number, rows: number, widthPx?: number, heightPx?: number): void {
  winsizeView.setUint16(0, clampU16(rows), true);
  winsizeView.setUint16(2, clampU16(cols), true);
  winsizeView.setUint16(4, clampU16(widthPx), true);
  winsizeView.setUint16(6, clampU16(heightPx), true);
  if (libc().ioctl(fd, Sys.TIOCSWINSZ, winsize) !== 0) throw LibcError.fromErrno("ioctl(TIOCSWINSZ)");
}

/**
 * Applies RFC 4254 terminal modes to the pty behind `fd` (tcgetattr, edit, tcsetattr).
 *
 * @example
 * ```ts
 * setTerminalModes(masterFd, new Map([[53, 0]])); // no echo
 * ```
 */
export function setTerminalModes(fd: number, modes: ReadonlyMap<number, number>): void {
  const lib = libc();
  const termios = nativeBuffer(64);
  if (lib.tcgetattr(fd, termios) !== 0) throw LibcError.fromErrno("tcgetattr");
  const speeds = applyTerminalModes(termios.subarray(0, TERMIOS_SIZE), modes);
  if (speeds.ispeed !== null && lib.cfsetispeed(termios, speeds.ispeed) !== 0) {
    throw LibcError.fromErrno("cfsetispeed");
  }
  if (speeds.ospeed !== null && lib.cfsetospeed(termios, speeds.ospeed) !== 0) {
    throw LibcError.fromErrno("cfsetospeed");
  }
  if (lib.tcsetattr(fd, Sys.TCSANOW, termios) !== 0) throw LibcError.fromErrno("tcsetattr");
}

/**
 * Opens a new pty master (`posix_openpt` + `grantpt` + `unlockpt` +
 * `ptsname_r`), sets its size and modes, and makes it non-blocking.
 * Throws {@link LibcError}; the fd is closed on failure.
 *
 * @example
 * ```ts
 * const { fd, slavePath } = openPtyMaster({ cols: 100, rows: 30 });
 * ```
 */
export function openPtyMaster(opts: PtyOpenOptions): PtyMaster {
  const lib = libc();
  const fd = lib.posix_openpt(Sys.O_RDWR | Sys.O_NOCTTY | Sys.O_CLOEXEC);
  if (fd < 0) throw LibcError.fromErrno("posix_openpt");
  try {
    if (lib.grantpt(fd) !== 0) throw LibcError.fromErrno("grantpt");
    if (lib.unlockpt(fd) !== 0) throw LibcError.fromErrno("unlockpt");
    const name = nativeBuffer(128);
    const rc = lib.ptsname_r(fd, name, BigInt(name.length));
    if (rc !== 0) throw new LibcError("ptsname_r", rc);
    const slavePath = decoder.decode(name.subarray(0, name.indexOf(0)));
    setWindowSize(fd, opts.cols, opts.rows, opts.widthPx, opts.heightPx);
    if (opts.modes && opts.modes.size > 0) setTerminalModes(fd, opts.modes);
    const flags = lib.fcntl(fd, Sys.F_GETFL, 0);
    if (flags < 0 || lib.fcntl(fd, Sys.F_SETFL, flags | Sys.O_NONBLOCK) !== 0) {
      throw LibcError.fromErrno("fcntl(O_NONBLOCK)");
    }
    return { fd, slavePath };
  } catch (e) {
    lib.close(fd);
    throw e;
  }
}
