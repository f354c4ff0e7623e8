/**
 * One child on a pty, as a {@link ChildProcess}: bounded output buffering
 * with back-pressure, queued input, resize, signals and the exit status.
 * The I/O is driven by the {@link PtyHub}, which polls the master.
 *
 * Output ends (`read()` → `null`) when reading the master fails with EIO
 * (every slave fd is closed), or `PTY_LIMITS.exitGraceMs` after the child
 * exited, with a final drain of the master until "no data" (EAGAIN) — for
 * when something else (a background job) still holds the slave open. The
 * kernel flushes pending slave output before it answers EAGAIN, so all
 * output the child wrote before exiting is kept. The master fd is closed at
 * that point, whether or not the consumer has read everything yet: what is
 * buffered stays readable, so a consumer that stopped reading does not pin
 * the fd (or the poll loop) once the child is gone.
 *
 * @example
 * ```ts
 * const child = new PtySession(ptyHub(), pid, master.fd, master.slavePath);
 * for (let c = await child.read(); c; c = await child.read()) console.log(c.length);
 * console.log(await child.exited);
 * ```
 * @module
 */
import type { ChildProcess, ExitInfo } from "./types.ts";
import { Errno, errno, libc, LibcError, nativeBuffer, Sys } from "./deno_libc.ts";
import type { PolledPty, PtyHub } from "./deno_pty_hub.ts";
import { setWindowSize } from "./deno_pty_open.ts";
import { signalNumber } from "./deno_pty_signals.ts";
import { decodeWaitStatus } from "./deno_pty_wait_status.ts";

/**
 * The buffering bounds of a PTY session.
 *
 * @example
 * ```ts
 * const biggestRead = PTY_LIMITS.readChunk; // 65536
 * ```
 */
export const PTY_LIMITS = {
  /** Largest chunk `read()` returns (one drain of the master per poll wake-up). */
  readChunk: 64 * 1024,
  /** Output buffered for a consumer that is not reading, after which the master is no longer read. */
  output: 64 * 1024,
  /** How long output may still arrive from other holders of the slave after the child exited. */
  exitGraceMs: 100,
  /** Most output read after the grace period before the master is closed regardless (others may keep writing). */
  finalDrain: 1024 * 1024,
} as const;

const READ_CHUNK = PTY_LIMITS.readChunk;
const OUTPUT_LIMIT = PTY_LIMITS.output;

/** Reported when the child was reaped by someone else (`waitpid(-1)` elsewhere) so its status is lost. */
const UNKNOWN_EXIT: ExitInfo = { code: 255, signal: null, coreDumped: false };

/** Shared by all sessions: reads happen synchronously, one at a time, on the JS thread. */
const scratch = nativeBuffer(READ_CHUNK);

/**
 * Input could not be delivered: the terminal's output already ended (the
 * pty is closed), or writing to the master failed.
 *
 * @example
 * ```ts
 * await child.write(data).catch((e) => { if (e instanceof PtyClosedError) channel.close(); });
 * ```
 */
export class PtyClosedError extends Error {
  /** The cause, if any, is the failed write's {@link LibcError}. */
  constructor(message = "the pty is closed", options?: ErrorOptions) {
    super(message, options);
    this.name = "PtyClosedError";
  }
}

interface PendingWrite {
  data: Uint8Array;
  offset: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * A child running on a pty master that a {@link PtyHub} polls.
 *
 * @example
 * ```ts
 * const child = new PtySession(ptyHub(), pid, master.fd, master.slavePath);
 * child.resize(120, 40);
 * ```
 */
export class PtySession implements ChildProcess, PolledPty {
  /** The child's process id. */
  readonly pid: number;
  /** The slave device, e.g. `/dev/pts/3`. */
  readonly ttyPath: string;
  /** Resolves once the child has exited and been reaped. */
  readonly exited: Promise<ExitInfo>;
  #hub: PtyHub;
  #fd: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #readers: ((chunk: Uint8Array | null) => void)[] = [];
  #writes: PendingWrite[] = [];
  #exit: ExitInfo | null = null;
  #resolveExit!: (info: ExitInfo) => void;
  #graceOver = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  /** Takes ownership of `fd` (non-blocking master) and starts polling it and watching `pid`. */
  constructor(hub: PtyHub, pid: number, fd: number, ttyPath: string) {
    this.#hub = hub;
    this.pid = pid;
    this.#fd = fd;
    this.ttyPath = ttyPath;
    this.exited = new Promise((resolve) => this.#resolveExit = resolve);
    hub.watch(this);
    hub.watchChild(pid, (status) => this.#onExit(status));
  }

  /** The master fd, or -1 once output has ended and it was closed. */
  get fd(): number {
    return this.#fd;
  }

  /** Next output chunk (owned by the caller), or `null` once output has ended. */
  read(): Promise<Uint8Array | null> {
    const chunk = this.#chunks.shift(); // a short queue: about OUTPUT_LIMIT bytes at most (finalDrain after exit)
    if (chunk) {
      const wasPaused = this.#buffered >= OUTPUT_LIMIT;
      this.#buffered -= chunk.length;
      if (wasPaused && this.#buffered < OUTPUT_LIMIT && this.#fd >= 0) {
        this.#pump();
        this.#hub.interestChanged();
      }
      return Promise.resolve(chunk);
    }
    if (this.#fd < 0) return Promise.resolve(null);
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /**
   * Writes to the terminal; resolves once every byte went to the master.
   * What the kernel does not take at once is copied and queued until POLLOUT.
   * Rejects with {@link PtyClosedError} if the pty is closed or the write fails.
   */
  write(data: Uint8Array): Promise<void> {
    if (this.#fd < 0) return Promise.reject(new PtyClosedError());
    if (data.length === 0) return Promise.resolve();
    let offset = 0;
    if (this.#writes.length === 0) {
      try {
        offset = this.#writeFrom(data, 0);
      } catch (e) {
        return Promise.reject(new PtyClosedError("writing to the pty failed", { cause: e }));
      }
      if (offset === data.length) return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.#writes.push({ data: data.slice(offset), offset: 0, resolve, reject });
      this.#hub.interestChanged();
    });
  }

  /** No-op: a terminal has no separate stdin to close. */
  closeStdin(): void {}

  /** Sets the terminal size (`TIOCSWINSZ`, which sends SIGWINCH). No-op once the pty is closed. */
  resize(cols: number, rows: number, widthPx?: number, heightPx?: number): void {
    if (this.#fd >= 0) setWindowSize(this.#fd, cols, rows, widthPx, heightPx);
  }

  /**
   * Sends a signal by name without `SIG` (`"INT"`, `"TERM"`…) to the child.
   * Throws a `TypeError` for an unknown name; does nothing once the child was reaped.
   */
  kill(signal: string): void {
    const signo = signalNumber(signal);
    if (signo === null) throw new TypeError(`unknown signal name "${signal}" (expected e.g. "TERM", "INT", "KILL")`);
    if (this.#exit !== null) return;
    libc().kill(this.pid, signo); // ESRCH (exited, not yet reaped) is fine to ignore
  }

  /** @internal The poll events this session wants now. */
  interest(): number {
    if (this.#fd < 0) return 0;
    return (this.#buffered < OUTPUT_LIMIT ? Sys.POLLIN : 0) | (this.#writes.length > 0 ? Sys.POLLOUT : 0);
  }

  /** @internal Handles what poll reported for the master. */
  service(revents: number): void {
    if (revents & Sys.POLLNVAL) {
      this.#end();
      return;
    }
    if (this.#writes.length > 0 && revents & (Sys.POLLOUT | Sys.POLLHUP | Sys.POLLERR)) this.#flush();
    if (this.#fd >= 0 && this.#buffered < OUTPUT_LIMIT && revents & (Sys.POLLIN | Sys.POLLHUP | Sys.POLLERR)) {
      this.#pump();
    }
  }

  /**
   * Reads the master into one chunk until EAGAIN, EIO or the buffer limit.
   * Once the child has exited and the grace period is over this is the final
   * drain: it ignores the limit (the kernel holds well under
   * `PTY_LIMITS.finalDrain` for a dead writer), reads until EAGAIN or EIO
   * and then ends the output, so the master is closed even if nobody reads.
   */
  #pump(): void {
    const lib = libc();
    const final = this.#graceOver;
    let total = 0;
    for (;;) {
      const budget = final ? READ_CHUNK : Math.min(READ_CHUNK, OUTPUT_LIMIT - this.#buffered);
      if (budget <= 0) return;
      let filled = 0;
      let ended = false;
      let drained = false;
      while (filled < budget) {
        const n = Number(lib.read(this.#fd, scratch.subarray(filled, budget), BigInt(budget - filled)));
        if (n > 0) {
          filled += n;
          continue;
        }
        const e = n === 0 ? Errno.EIO : errno();
        if (e === Errno.EINTR) continue;
        if (e === Errno.EAGAIN) drained = true;
        else ended = true; // EIO: every slave fd is closed. Anything else also ends this pty.
        break;
      }
      if (filled > 0) this.#deliver(scratch.slice(0, filled));
      total += filled;
      if (ended || (final && (drained || total >= PTY_LIMITS.finalDrain))) {
        this.#end();
        return;
      }
      if (!final) return; // one chunk per poll wake-up; poll is level-triggered
    }
  }

  #deliver(chunk: Uint8Array): void {
    const reader = this.#readers.shift();
    if (reader) {
      reader(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** Writes `data` from `offset` until done or EAGAIN; returns the new offset. Throws on other errors. */
  #writeFrom(data: Uint8Array, offset: number): number {
    const lib = libc();
    while (offset < data.length) {
      const n = Number(lib.write(this.#fd, data.subarray(offset), BigInt(data.length - offset)));
      if (n > 0) {
        offset += n;
        continue;
      }
      const e = n === 0 ? Errno.EAGAIN : errno();
      if (e === Errno.EINTR) continue;
      if (e === Errno.EAGAIN) break;
      throw new LibcError("write to pty master", e);
    }
    return offset;
  }

  #flush(): void {
    while (this.#writes.length > 0) {
      const w = this.#writes[0];
      try {
        w.offset = this.#writeFrom(w.data, w.offset);
      } catch (e) {
        this.#failWrites(new PtyClosedError("writing to the pty failed", { cause: e }));
        return;
      }
      if (w.offset < w.data.length) return; // EAGAIN: wait for POLLOUT
      this.#writes.shift();
      w.resolve();
    }
  }

  #failWrites(error: Error): void {
    for (const w of this.#writes.splice(0)) w.reject(error);
  }

  /** Output has ended: close the master, stop polling, wake readers, fail queued input. */
  #end(): void {
    if (this.#fd < 0) return;
    this.#hub.unwatch(this);
    libc().close(this.#fd);
    this.#fd = -1;
    clearTimeout(this.#graceTimer);
    for (const reader of this.#readers.splice(0)) reader(null);
    this.#failWrites(new PtyClosedError());
    this.#hub.reap(this.pid); // usually the child is gone already: no need to wait for SIGCHLD
  }

  #onExit(status: number | null): void {
    const info = status === null ? UNKNOWN_EXIT : decodeWaitStatus(status) ?? UNKNOWN_EXIT;
    this.#exit = info;
    this.#resolveExit(info);
    if (this.#fd < 0) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceOver = true;
      if (this.#fd >= 0) this.#pump();
    }, PTY_LIMITS.exitGraceMs);
  }
}
