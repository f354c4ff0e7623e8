/**
 * PTY children for Deno through FFI to glibc (x86_64 Linux).
 *
 * `posix_openpt` gives a master (size and RFC 4254 modes set, non-blocking);
 * `posix_spawn` starts the child as a session leader whose fds 0–2 are the
 * slave, which thereby becomes its controlling terminal. One poll loop for
 * all sessions moves the bytes and a SIGCHLD listener reaps the children
 * (see `deno_pty_hub.ts` for why).
 *
 * Permissions: `--allow-ffi` only (FFI is full trust: it bypasses every
 * other Deno permission). No `--unstable-ffi` is needed on Deno 2.
 *
 * @example
 * ```ts
 * const child = spawnPtyDeno({
 *   file: "bash", args: ["--norc", "-i"], env: { PATH: "/usr/bin:/bin", TERM: "xterm" },
 *   cwd: "/tmp", cols: 80, rows: 24,
 * });
 * await child.write(new TextEncoder().encode("tty; exit 3\n"));
 * for (let c = await child.read(); c; c = await child.read()) Deno.stdout.writeSync(c);
 * console.log(await child.exited); // { code: 3, signal: null, coreDumped: false }
 * ```
 * @module
 */
import type { ChildProcess, PtySpawnOptions } from "./types.ts";
import { cString, errno, libc, LibcError } from "./deno_libc.ts";
import { SpawnError, toSpawnError } from "./node_common.ts";
import { ptyHub } from "./deno_pty_hub.ts";
import { openPtyMaster, type PtyMaster } from "./deno_pty_open.ts";
import { PtySession } from "./deno_pty_session.ts";
import { resolveExecutable, spawnOnSlave } from "./deno_pty_spawn.ts";
import { needsPrivilegeDrop, runAsArgv } from "./privilege_drop.ts";
import { givePtyTo, type PtyOwnerFs } from "./pty_owner.ts";

export { LibcError, UnsupportedPlatformError } from "./deno_libc.ts";
export { SpawnError } from "./node_common.ts";
export { PtyClosedError } from "./deno_pty_session.ts";

/**
 * Spawns `opts.file` (searched in `opts.env.PATH` unless it contains `/`) on
 * a new pty as a session leader with the pty as its controlling terminal.
 * argv[0] is `opts.argv0 ?? opts.file`; the environment is exactly
 * `opts.env`; all signals start at their default disposition, unblocked.
 * Throws `SpawnError` (`code` `ENOENT`, `EACCES` or `OTHER`; the
 * {@link LibcError} with the exact errno as its `cause`) if the pty cannot be
 * opened or the program cannot be started in `opts.cwd` (a string with a
 * NUL character gives `OTHER` with a `TypeError` cause). With `opts.user`
 * the slave is given to the user (`pty_owner.ts`) and the program runs
 * through setpriv (`privilege_drop.ts`).
 *
 * @example
 * ```ts
 * const sh = spawnPtyDeno({ file: "/bin/sh", argv0: "-sh", args: [], env: {}, cwd: "/", cols: 80, rows: 24 });
 * sh.resize(120, 40);
 * sh.kill("HUP");
 * ```
 */
/** chown/chmod through libc: Deno's own fs calls need --allow-all for /dev paths. */
const LIBC_FS: PtyOwnerFs = {
  chown(path, uid, gid) {
    if (libc().chown(cString(path), uid, gid) !== 0) throw new LibcError("chown", errno());
  },
  chmod(path, mode) {
    if (libc().chmod(cString(path), mode) !== 0) throw new LibcError("chmod", errno());
  },
};

export function spawnPtyDeno(opts: PtySpawnOptions): ChildProcess {
  let master: PtyMaster | undefined;
  try {
    const user = opts.user;
    const drop = needsPrivilegeDrop(user, opts.file);
    const resolved = resolveExecutable(opts.file, opts.env, opts.cwd);
    const argv = drop ? runAsArgv(user, resolved, opts.args, opts.argv0) : [opts.argv0 ?? opts.file, ...opts.args];
    const path = drop ? argv[0] : resolved;
    master = openPtyMaster(opts);
    if (drop) givePtyTo(master.slavePath, user, undefined, LIBC_FS);
    const env = opts.ttyEnv ? { ...opts.env, [opts.ttyEnv]: master.slavePath } : opts.env;
    const pid = spawnOnSlave({ path, argv, env, cwd: opts.cwd, slavePath: master.slavePath });
    return new PtySession(ptyHub(), pid, master.fd, master.slavePath);
  } catch (error) {
    if (master) libc().close(master.fd);
    throw error instanceof SpawnError ? error : toSpawnError(error, opts.file, opts.cwd);
  }
}

/**
 * Resolves once every PTY session has ended, its poll loop has stopped and
 * every child has been reaped (then nothing of the PTY code keeps the
 * process alive). For graceful shutdown and tests.
 *
 * @example
 * ```ts
 * await ptyIdle();
 * ```
 */
export function ptyIdle(): Promise<void> {
  return ptyHub().whenIdle();
}
