/**
 * Child processes with pipes for Bun, via `Bun.spawn`.
 *
 * The child gets exactly the given environment, `argv[0]` is set when given,
 * and the executable is looked up in `opts.env.PATH`. The stdout/stderr
 * readers are taken synchronously at spawn: a Bun subprocess stream without a
 * reader is drained eagerly into memory (measured: 200 MB buffered), while
 * with a reader that is not read Bun stops after about 0.5 MB, so not reading
 * is back-pressure on the child. Bun does not report core dumps, so
 * `coreDumped` is always `false`. With `opts.user` the child is started
 * through setpriv (`privilege_drop.ts`).
 *
 * @module
 */
import type { ChildProcess, ExitInfo, SpawnOptions } from "./types.ts";
import { type BunFileSink, bunGlobal, type BunSubprocess } from "./bun_api.ts";
import { exitInfo, signalWithPrefix, SpawnError, toSpawnError } from "./node_common.ts";
import { needsPrivilegeDrop, resolveProgram, runAsArgv } from "./privilege_drop.ts";

/**
 * Spawn `opts.file` with stdin, stdout and stderr piped. Throws `SpawnError`
 * (from `node_common.ts`) if the file or the working directory does not exist
 * or the file is not executable.
 *
 * @example
 * ```ts
 * const child = spawnBun({ file: "sh", args: ["-c", "echo hi"], env: { PATH: "/usr/bin:/bin" }, cwd: "/" });
 * await child.read(); // "hi\n" as bytes
 * await child.exited; // { code: 0, signal: null, coreDumped: false }
 * ```
 */
export function spawnBun(opts: SpawnOptions): ChildProcess {
  let proc: BunSubprocess;
  try {
    const user = opts.user;
    const drop = needsPrivilegeDrop(user, opts.file);
    proc = bunGlobal().spawn({
      cmd: drop
        ? runAsArgv(user, resolveProgram(opts.file, opts.env, opts.cwd), opts.args, opts.argv0)
        : [opts.file, ...opts.args],
      argv0: drop ? undefined : opts.argv0,
      env: opts.env,
      cwd: opts.cwd,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (error) {
    throw error instanceof SpawnError ? error : toSpawnError(error, opts.file, opts.cwd);
  }
  return new BunChild(proc);
}

/** Pull the next chunk from a reader as a plain `Uint8Array`; `null` once the stream is done. */
async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array | null> {
  const { value, done } = await reader.read();
  if (done) return null;
  // Bun hands out Node Buffers; a plain view avoids Buffer's slow paths in JS crypto.
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

class BunChild implements ChildProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #proc: BunSubprocess;
  #stdout: ReadableStreamDefaultReader<Uint8Array>;
  #stderr: ReadableStreamDefaultReader<Uint8Array>;
  #stdin: BunFileSink;
  #stdinClosed = false;

  constructor(proc: BunSubprocess) {
    if (!proc.stdout || !proc.stderr || !proc.stdin) throw new Error("Bun.spawn returned no pipes");
    this.#proc = proc;
    this.pid = proc.pid;
    this.#stdout = proc.stdout.getReader();
    this.#stderr = proc.stderr.getReader();
    this.#stdin = proc.stdin;
    this.exited = proc.exited.then(() => {
      this.closeStdin();
      return exitInfo(proc.exitCode, proc.signalCode);
    });
  }

  read(): Promise<Uint8Array | null> {
    return nextChunk(this.#stdout);
  }

  readErr(): Promise<Uint8Array | null> {
    return nextChunk(this.#stderr);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.#stdinClosed) throw new Error("write to a closed stdin");
    const written = this.#stdin.write(data);
    if (written instanceof Promise) await written;
    const flushed = this.#stdin.flush();
    if (flushed instanceof Promise) await flushed;
  }

  closeStdin(): void {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    try {
      const ended = this.#stdin.end();
      if (ended instanceof Promise) ended.catch(() => {});
    } catch {
      // the child closed its end first
    }
  }

  resize(): void {
    // not a terminal
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
