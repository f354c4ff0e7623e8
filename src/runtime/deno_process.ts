/**
 * Child processes with pipes for Deno, via `Deno.Command`.
 *
 * The child gets exactly the given environment (`clearEnv: true`), so `PATH`
 * for the executable lookup comes from `opts.env`. Deno cannot set `argv[0]`:
 * a login-shell argv0 such as `"-bash"` is emulated by passing `-l` first
 * (see {@link argsWithoutArgv0}); any other argv0 is ignored.
 * Deno does not report whether a core was dumped, so `coreDumped` is always
 * `false`. With `opts.user` the child is started through setpriv
 * (`privilege_drop.ts`), which also restores a login-shell argv0.
 *
 * @module
 */
import type { ChildProcess, ExitInfo, SpawnOptions } from "./types.ts";
import { argsWithoutArgv0, exitInfo, signalWithPrefix, SpawnError, toSpawnError } from "./node_common.ts";
import { needsPrivilegeDrop, resolveProgram, runAsArgv } from "./privilege_drop.ts";

/**
 * Spawn `opts.file` with stdin, stdout and stderr piped. Throws `SpawnError`
 * (from `node_common.ts`) if the file or the working directory does not exist
 * or the file is not executable.
 *
 * Both output pipes can be read to EOF after the child exited. Stdin is closed
 * automatically when the child exits.
 *
 * @example
 * ```ts
 * const child = spawnDeno({ file: "sh", args: ["-c", "echo hi"], env: { PATH: "/usr/bin:/bin" }, cwd: "/" });
 * await child.read(); // "hi\n" as bytes
 * await child.exited; // { code: 0, signal: null, coreDumped: false }
 * ```
 */
export function spawnDeno(opts: SpawnOptions): ChildProcess {
  let child: Deno.ChildProcess;
  try {
    const [file, ...args] = needsPrivilegeDrop(opts.user, opts.file)
      ? runAsArgv(opts.user, resolveProgram(opts.file, opts.env, opts.cwd), opts.args, opts.argv0)
      : [opts.file, ...argsWithoutArgv0(opts)];
    child = new Deno.Command(file, {
      args,
      env: opts.env,
      clearEnv: true,
      cwd: opts.cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw error instanceof SpawnError ? error : toSpawnError(error, opts.file, opts.cwd);
  }
  return new DenoChild(child);
}

/** Pull the next chunk from a reader; `null` once the stream is done. */
async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array | null> {
  const { value, done } = await reader.read();
  return done ? null : value;
}

class DenoChild implements ChildProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #child: Deno.ChildProcess;
  #stdout: ReadableStreamDefaultReader<Uint8Array>;
  #stderr: ReadableStreamDefaultReader<Uint8Array>;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #stdinClosed = false;

  constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.pid = child.pid;
    this.#stdout = child.stdout.getReader();
    this.#stderr = child.stderr.getReader();
    this.#stdin = child.stdin.getWriter();
    this.exited = child.status.then((status) => {
      this.closeStdin();
      return exitInfo(status.code, status.signal);
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
    await this.#stdin.write(data);
  }

  closeStdin(): void {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    this.#stdin.close().catch(() => {
      // the child closed its end first: nothing to flush
    });
  }

  resize(): void {
    // not a terminal
  }

  kill(signal: string): void {
    const name = signalWithPrefix(signal) as Deno.Signal;
    try {
      this.#child.kill(name);
    } catch {
      // already exited
    }
  }
}
