/**
 * The single poller and reaper behind every Deno PTY session.
 *
 * Deno runs at most 32 `nonblocking` FFI calls at a time, so a blocking call
 * per session deadlocks at about 32 sessions. The hub keeps exactly **one**
 * `poll()` in flight over `[eventfd, ...masters]`; sessions do their reads
 * and writes synchronously on the JS thread when it reports readiness. Any
 * change of interest (a session added or removed, output paused or resumed,
 * input waiting for POLLOUT) writes the eventfd so the poll returns and is
 * rebuilt. With no sessions the poll is not reissued and the eventfd is
 * closed, so nothing keeps the process alive.
 *
 * Children are reaped on `SIGCHLD` with `waitpid(pid, WNOHANG)` for each pid
 * the hub knows, never `waitpid(-1)`, so `Deno.Command` keeps its own children.
 * The signal listener exists only while there are children to reap.
 *
 * @example
 * ```ts
 * const hub = ptyHub();
 * hub.watch(session);                        // poll its master
 * hub.watchChild(pid, (status) => done(status));
 * await hub.whenIdle();                      // no sessions and no children left
 * ```
 * @module
 */
import { Errno, errno, libc, LibcError, nativeBuffer, Sys } from "./deno_libc.ts";

/**
 * A pty master as the hub sees it.
 *
 * @example
 * ```ts
 * const pty: PolledPty = { fd, interest: () => POLLIN, service: (revents) => drain(revents) };
 * ```
 */
export interface PolledPty {
  /** The master fd, or -1 once closed. */
  readonly fd: number;
  /** The poll events wanted right now (0 = leave it out of this poll). */
  interest(): number;
  /** Handles the `revents` poll reported for this fd. Must not throw. */
  service(revents: number): void;
}

/**
 * Called once with the raw wait status, or `null` if someone else reaped the child (ECHILD).
 *
 * @example
 * ```ts
 * const onExit: ExitCallback = (status) => console.log(status === null ? "lost" : decodeWaitStatus(status));
 * ```
 */
export type ExitCallback = (status: number | null) => void;

const POLLFD_SIZE = 8;
/** Poll timeout while children are alive: how often all of them are checked even without SIGCHLD. */
const REAP_INTERVAL_MS = 1000;
/** Consecutive failed polls (EINTR) after which the loop pauses briefly instead of spinning. */
const POLL_FAILURES_BEFORE_BACKOFF = 8;

/**
 * One poll loop and one SIGCHLD listener for all PTY sessions of this isolate.
 *
 * @example
 * ```ts
 * const hub = new PtyHub(); // normally the shared ptyHub()
 * hub.watch(session);
 * ```
 */
export class PtyHub {
  #ptys = new Set<PolledPty>();
  #children = new Map<number, ExitCallback>();
  #efd = -1;
  #running = false;
  #inFlight = false;
  #wakeSent = false;
  #pollfds = nativeBuffer(POLLFD_SIZE * 16);
  #view = new DataView(this.#pollfds.buffer);
  #order: (PolledPty | null)[] = [];
  #count = 0;
  #listening = false;
  #idleWaiters: (() => void)[] = [];
  #status = new Int32Array(new ArrayBuffer(4));
  #counter = nativeBuffer(8);
  #one = new Uint8Array(new BigUint64Array([1n]).buffer);
  #onSigchld = (): void => {
    for (const pid of [...this.#children.keys()]) this.reap(pid);
  };

  /**
   * Starts polling a master (starting the loop if it was idle).
   *
   * @example
   * ```ts
   * hub.watch(session);
   * ```
   */
  watch(pty: PolledPty): void {
    this.#start();
    this.#ptys.add(pty);
    this.interestChanged();
  }

  /**
   * Stops polling a master. Call it before closing the fd; a poll in flight
   * is woken so it no longer watches the fd.
   *
   * @example
   * ```ts
   * hub.unwatch(session);
   * ```
   */
  unwatch(pty: PolledPty): void {
    if (this.#ptys.delete(pty)) this.interestChanged();
  }

  /**
   * Tells the hub that some session's {@link PolledPty.interest} may have
   * changed; wakes the poll in flight so it is rebuilt.
   *
   * @example
   * ```ts
   * queue.push(data); hub.interestChanged(); // now wants POLLOUT
   * ```
   */
  interestChanged(): void {
    if (!this.#inFlight || this.#wakeSent || this.#efd < 0) return;
    this.#wakeSent = true;
    libc().write(this.#efd, this.#one, 8n);
  }

  /**
   * Reaps `pid` when it exits and calls `onExit` once with its wait status.
   * Checks immediately too, in case it exited before the listener existed.
   *
   * @example
   * ```ts
   * hub.watchChild(pid, (status) => console.log(status));
   * ```
   */
  watchChild(pid: number, onExit: ExitCallback): void {
    this.#start();
    this.#children.set(pid, onExit);
    if (!this.#listening) {
      Deno.addSignalListener("SIGCHLD", this.#onSigchld);
      this.#listening = true;
    }
    this.reap(pid);
  }

  /**
   * Tries `waitpid(pid, WNOHANG)` for a watched child; returns true once it
   * has been reaped (or was not watched).
   *
   * @example
   * ```ts
   * if (!hub.reap(pid)) console.log("still running");
   * ```
   */
  reap(pid: number): boolean {
    const onExit = this.#children.get(pid);
    if (!onExit) return true;
    let status: number | null = null;
    for (;;) {
      const rc = libc().waitpid(pid, this.#status, Sys.WNOHANG);
      if (rc === 0) return false;
      if (rc === pid) {
        status = this.#status[0];
        break;
      }
      const e = errno();
      if (e === Errno.EINTR) continue;
      break; // ECHILD: not our child any more (reaped elsewhere); the status is lost.
    }
    this.#children.delete(pid);
    this.#settle();
    onExit(status);
    return true;
  }

  /**
   * Resolves when no session is polled, no poll is in flight and no child is
   * left to reap. Useful before shutting down or at the end of a test.
   *
   * @example
   * ```ts
   * await ptyHub().whenIdle();
   * ```
   */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Opens the eventfd and starts the loop if it is not running (the loop runs after this task). */
  #start(): void {
    if (this.#efd < 0) {
      this.#efd = libc().eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
      if (this.#efd < 0) throw LibcError.fromErrno("eventfd");
    }
    if (!this.#running) {
      this.#running = true;
      queueMicrotask(() => this.#loop());
    }
  }

  #isIdle(): boolean {
    return !this.#running && this.#children.size === 0;
  }

  #settle(): void {
    if (this.#children.size === 0 && this.#listening) {
      Deno.removeSignalListener("SIGCHLD", this.#onSigchld);
      this.#listening = false;
      this.interestChanged(); // the loop may now be done
    }
    if (this.#isIdle()) { for (const resolve of this.#idleWaiters.splice(0)) resolve(); }
  }

  async #loop(): Promise<void> {
    const lib = libc();
    let failures = 0;
    try {
      // Children are watched by the loop too: Deno's signal listener does not keep the event loop alive.
      while (this.#ptys.size > 0 || this.#children.size > 0) {
        this.#rebuild();
        this.#inFlight = true;
        this.#wakeSent = false;
        let n: number;
        try {
          n = await lib.poll(this.#pollfds, BigInt(this.#count), this.#children.size > 0 ? REAP_INTERVAL_MS : -1);
        } finally {
          this.#inFlight = false;
        }
        if (n < 0) {
          // EINTR (a signal hit the pool thread); errno of that thread is not readable here.
          if (++failures >= POLL_FAILURES_BEFORE_BACKOFF) await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        failures = 0;
        if (n === 0) this.#onSigchld(); // timeout: a safety net should a SIGCHLD ever be missed
        else this.#dispatch();
      }
    } finally {
      this.#running = false;
      this.#order.length = 0;
      if (this.#efd >= 0) {
        lib.close(this.#efd);
        this.#efd = -1;
      }
      this.#settle();
    }
  }

  #rebuild(): void {
    const count = this.#ptys.size + 1;
    if (this.#pollfds.length < count * POLLFD_SIZE) {
      this.#pollfds = nativeBuffer(POLLFD_SIZE * Math.max(count, 2 * this.#pollfds.length / POLLFD_SIZE));
      this.#view = new DataView(this.#pollfds.buffer);
    }
    const v = this.#view;
    v.setInt32(0, this.#efd, true);
    v.setInt16(4, Sys.POLLIN, true);
    v.setInt16(6, 0, true);
    this.#order.length = count;
    this.#order[0] = null;
    let i = 1;
    for (const pty of this.#ptys) {
      const events = pty.interest();
      const at = i * POLLFD_SIZE;
      v.setInt32(at, events !== 0 && pty.fd >= 0 ? pty.fd : -1, true); // negative fds are skipped by poll
      v.setInt16(at + 4, events, true);
      v.setInt16(at + 6, 0, true);
      this.#order[i++] = pty;
    }
    this.#count = count;
  }

  #dispatch(): void {
    const v = this.#view;
    if (v.getInt16(6, true) !== 0) libc().read(this.#efd, this.#counter, 8n);
    for (let i = 1; i < this.#count; i++) {
      const at = i * POLLFD_SIZE;
      const revents = v.getInt16(at + 6, true);
      if (revents === 0) continue;
      const pty = this.#order[i];
      // Skip sessions removed (and maybe fds reused) while the poll was in flight.
      if (!pty || !this.#ptys.has(pty) || pty.fd !== v.getInt32(at, true)) continue;
      pty.service(revents);
    }
  }
}

let hub: PtyHub | undefined;

/**
 * The hub shared by all PTY sessions of this isolate (created on first use).
 *
 * @example
 * ```ts
 * await ptyHub().whenIdle();
 * ```
 */
export function ptyHub(): PtyHub {
  hub ??= new PtyHub();
  return hub;
}
