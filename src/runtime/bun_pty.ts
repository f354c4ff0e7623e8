/**
 * PTY children for Bun, via `Bun.spawn({ terminal })` (Bun ≥ 1.3.5).
 *
 * What Bun 1.4.5 offers and what it lacks (measured):
 * - The child is session leader with the pts as controlling tty; `argv0` is
 *   honoured, so a login shell gets its `"-bash"` style argv0 directly.
 * - Terminal modes: only the termios flag words can be set
 *   (`inputFlags`/`outputFlags`/`localFlags`/`controlFlags`); control
 *   characters (VINTR…, opcodes 1–18) and speeds cannot. They can only be
 *   set once `Bun.spawn` returned, i.e. after the exec: a program that reads
 *   its modes immediately may still see the defaults (measured: `stty -a`
 *   missed ECHO=0 in 1 of 40 spawns, `bash -c 'stty -a'` in 2 of 40). An
 *   interactive bash is not affected (readline re-reads the modes at each
 *   prompt). A standalone `new Bun.Terminal()` could be configured before
 *   the spawn, but Bun then neither makes it the controlling tty ("no job
 *   control in this shell") nor reports EOF when the child exits.
 * - Output arrives through a `data` callback and **cannot be paused**: there
 *   is no pause/resume on a terminal, so unread output is buffered here
 *   without bound (Bun reads the master at about 60 MB/s).
 * - `terminal.write` accepts all bytes and buffers what the PTY cannot take;
 *   its `drain` callback did not fire after a buffered write was flushed, so
 *   `write()` resolves as soon as Bun accepted the bytes (no back-pressure).
 * - The `exit` callback marks the end of the PTY output (EIO once the child
 *   exited); it fires after the last `data` callback, so `read()` returns
 *   `null` only after everything the child wrote.
 * - Pixel sizes (`widthPx`/`heightPx`) cannot be set.
 * - With `opts.user` the program runs through setpriv (`privilege_drop.ts`)
 *   and the slave is given to the user right after `Bun.spawn` returns.
 *
 * @module
 */
import type { ChildProcess, ExitInfo, PtySpawnOptions, RunAs } from "./types.ts";
import { bunGlobal, type BunSubprocess, type BunTerminal } from "./bun_api.ts";
import { ChunkQueue } from "./chunk_queue.ts";
import { exitInfo, signalWithPrefix, SpawnError, toSpawnError, ttyPathOf, unrefTimer } from "./node_common.ts";
import { needsPrivilegeDrop, resolveProgram, runAsArgv } from "./privilege_drop.ts";
import { givePtyTo } from "./pty_owner.ts";
import { applyTerminalModes } from "./tty_modes.ts";
import { existsSync } from "node:fs";

/** How long after the child exited the PTY output may still be open before it is closed. */
const OUTPUT_GRACE_MS = 1000;

/** Where bash lives, for the `ttyEnv` wrapper (its `exec -a` keeps the real program's argv0). */
const BASH = "/bin/bash";

/**
 * Bun picks the pts only inside `Bun.spawn`, so the slave path cannot be put
 * into the environment beforehand. When `ttyEnv` is asked for, start the
 * program through `bash -c 'export VAR=$(tty); exec -a ARGV0 FILE ARGS…'`,
 * which replaces itself with the program (same pid, same session and tty).
 */
function withTtyEnv(opts: PtySpawnOptions): { cmd: string[]; argv0: string | undefined } {
  if (!opts.ttyEnv || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.ttyEnv) || !existsSync(BASH)) {
    return { cmd: [opts.file, ...opts.args], argv0: opts.argv0 };
  }
  const script = `export ${opts.ttyEnv}="$(tty)"; exec -a "$0" "$@"`;
  return { cmd: [BASH, "-c", script, opts.argv0 ?? opts.file, opts.file, ...opts.args], argv0: undefined };
}

/**
 * Spawn `opts.file` on a new PTY of `opts.cols` × `opts.rows`. Throws
 * `SpawnError` (from `node_common.ts`) if it cannot be executed.
 *
 * @example
 * ```ts
 * const shell = spawnPtyBun({ file: "/bin/bash", args: [], argv0: "-bash", env, cwd: "/root", cols: 80, rows: 24 });
 * await shell.write(new TextEncoder().encode("exit 3\r"));
 * await shell.exited; // { code: 3, signal: null, coreDumped: false }
 * ```
 */
export function spawnPtyBun(opts: PtySpawnOptions): ChildProcess {
  const output = new ChunkQueue();
  const ended = { hook: () => {} };
  let proc: BunSubprocess;
  let runAs: RunAs | undefined;
  try {
    if (needsPrivilegeDrop(opts.user, opts.file)) runAs = opts.user;
    const { cmd, argv0 } = withTtyEnv(opts);
    proc = bunGlobal().spawn({
      cmd: runAs ? runAsArgv(runAs, resolveProgram(cmd[0], opts.env, opts.cwd), cmd.slice(1), argv0) : cmd,
      argv0: runAs ? undefined : argv0,
      env: opts.env,
      cwd: opts.cwd,
      terminal: {
        cols: opts.cols,
        rows: opts.rows,
        name: opts.env.TERM,
        // Bun hands out Node Buffers; a plain view avoids Buffer's slow paths in JS crypto.
        data: (_terminal, data) => output.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
        exit: () => {
          output.end();
          ended.hook();
        },
      },
    });
  } catch (error) {
    throw error instanceof SpawnError ? error : toSpawnError(error, opts.file, opts.cwd);
  }
  const terminal = proc.terminal;
  if (!terminal) throw new Error("Bun.spawn returned no terminal (Bun ≥ 1.3.5 is required for PTYs)");
  if (opts.modes) applyModes(terminal, opts.modes);
  const child = new BunPtyChild(proc, terminal, output);
  ended.hook = () => child.onOutputEnd();
  if (runAs) handOver(child, runAs, opts);
  return child;
}

/**
 * Give the new slave to `user`. Bun picks the pts inside `Bun.spawn`, so this
 * runs just after it: while setpriv is still starting the program (a few
 * milliseconds), not before. On failure the child is killed.
 */
function handOver(child: BunPtyChild, user: RunAs, opts: PtySpawnOptions): void {
  try {
    if (!child.ttyPath) throw new Error("the new terminal's path is unknown");
    givePtyTo(child.ttyPath, user);
  } catch (error) {
    child.kill("KILL");
    throw toSpawnError(error, opts.file, opts.cwd);
  }
}

/** Set the flag-type terminal modes Bun can set; the others are skipped. */
function applyModes(terminal: BunTerminal, modes: ReadonlyMap<number, number>): void {
  const current = {
    input: terminal.inputFlags,
    output: terminal.outputFlags,
    local: terminal.localFlags,
    control: terminal.controlFlags,
  };
  const { flags } = applyTerminalModes(current, modes);
  if (flags.input !== current.input) terminal.inputFlags = flags.input;
  if (flags.output !== current.output) terminal.outputFlags = flags.output;
  if (flags.local !== current.local) terminal.localFlags = flags.local;
  if (flags.control !== current.control) terminal.controlFlags = flags.control;
}

class BunPtyChild implements ChildProcess {
  readonly pid: number;
  readonly ttyPath?: string;
  readonly exited: Promise<ExitInfo>;
  #proc: BunSubprocess;
  #terminal: BunTerminal;
  #output: ChunkQueue;
  #exitedFlag = false;

  constructor(proc: BunSubprocess, terminal: BunTerminal, output: ChunkQueue) {
    this.#proc = proc;
    this.#terminal = terminal;
    this.#output = output;
    this.pid = proc.pid;
    this.ttyPath = ttyPathOf(proc.pid);
    this.exited = proc.exited.then(() => {
      this.#afterExit();
      return exitInfo(proc.exitCode, proc.signalCode);
    });
  }

  /** The PTY output ended (all data delivered): release the terminal once the child is gone too. */
  onOutputEnd(): void {
    if (this.#exitedFlag) this.#closeTerminal();
  }

  /** After exit, wait a grace period for the output to end (a grandchild may hold the pts), then close. */
  #afterExit(): void {
    this.#exitedFlag = true;
    if (this.#output.ended) {
      this.#closeTerminal();
      return;
    }
    unrefTimer(setTimeout(() => {
      this.#output.end();
      this.#closeTerminal();
    }, OUTPUT_GRACE_MS));
  }

  #closeTerminal(): void {
    if (this.#terminal.closed) return;
    try {
      this.#terminal.close();
    } catch {
      // already closed
    }
  }

  read(): Promise<Uint8Array | null> {
    return this.#output.read();
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#terminal.closed) return Promise.reject(new Error("write to a closed terminal"));
    try {
      this.#terminal.write(data);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  closeStdin(): void {
    // a PTY has no separate stdin to close
  }

  resize(cols: number, rows: number): void {
    if (this.#terminal.closed) return;
    try {
      this.#terminal.resize(cols, rows);
    } catch {
      // closed between the check and the call
    }
  }

  kill(signal: string): void {
    const name = signalWithPrefix(signal);
    try {
      this.#proc.kill(name);
    } catch {
      // already exited
    }
  }
}
