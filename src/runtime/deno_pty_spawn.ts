/**
 * Starting a child on a pty slave with glibc's `posix_spawn`: a new session
 * (`setsid`), the slave opened as fd 0 so it becomes the controlling
 * terminal, fds 1 and 2 duplicated from it, every other fd closed, all
 * signal dispositions reset to default and the signal mask emptied.
 *
 * @example
 * ```ts
 * const path = resolveExecutable("bash", env, "/home/u");
 * const pid = spawnOnSlave({ path, argv: ["-bash"], env, cwd: "/home/u", slavePath: "/dev/pts/3" });
 * ```
 * @module
 */
import { cString, Errno, libc, LibcError, nativeBuffer, Sys } from "./deno_libc.ts";

/** glibc's default search path when `PATH` is unset (`confstr(_CS_PATH)`). */
const DEFAULT_PATH = "/bin:/usr/bin";
/** Generous upper bounds of `posix_spawnattr_t` (336 B) and `posix_spawn_file_actions_t` (80 B). */
const SPAWN_STRUCT_SIZE = 512;
/** `sizeof(sigset_t)` in glibc. */
const SIGSET_SIZE = 128;

/**
 * What {@link spawnOnSlave} runs.
 *
 * @example
 * ```ts
 * const spec: SlaveSpawn = { path: "/bin/bash", argv: ["-bash"], env: { HOME: "/root" }, cwd: "/root", slavePath };
 * ```
 */
export interface SlaveSpawn {
  /** Executable path (absolute, or relative to `cwd`). */
  path: string;
  /** The complete argv, argv[0] included. */
  argv: readonly string[];
  /** The complete environment. */
  env: Readonly<Record<string, string>>;
  /** Working directory of the child (`chdir` before exec). */
  cwd: string;
  /** The pty slave to open as fds 0–2. */
  slavePath: string;
}

function isDirectory(path: Uint8Array): boolean {
  const fd = libc().open(path, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC, 0);
  if (fd < 0) return false;
  libc().close(fd);
  return true;
}

/**
 * Finds `file` like `execvp` would, but in the child's `PATH` (from `env`,
 * default `/bin:/usr/bin`); relative PATH entries are taken relative to
 * `cwd`. A `file` containing `/` is returned unchanged. Throws
 * {@link LibcError} `ENOENT` (nowhere) or `EACCES` (found, not executable).
 *
 * @example
 * ```ts
 * resolveExecutable("sh", { PATH: "/usr/bin:/bin" }, "/"); // "/usr/bin/sh"
 * ```
 */
export function resolveExecutable(file: string, env: Readonly<Record<string, string>>, cwd: string): string {
  if (file.includes("/")) return file;
  if (file === "") throw new LibcError("resolve executable ''", Errno.ENOENT);
  const lib = libc();
  let denied = false;
  for (const entry of (env.PATH ?? DEFAULT_PATH).split(":")) {
    const dir = entry === "" ? cwd : entry.startsWith("/") ? entry : `${cwd}/${entry}`;
    const candidate = `${dir.endsWith("/") ? dir : `${dir}/`}${file}`;
    const c = cString(candidate);
    if (lib.access(c, Sys.X_OK) === 0 && !isDirectory(c)) return candidate;
    if (!denied && lib.access(c, Sys.F_OK) === 0 && !isDirectory(c)) denied = true;
  }
  throw new LibcError(`resolve executable '${file}' in PATH`, denied ? Errno.EACCES : Errno.ENOENT);
}

/** NUL-terminated strings plus a NULL-terminated array of pointers to them (`char *const[]`). */
function cStringArray(list: readonly string[]): { block: Uint8Array; pointers: BigUint64Array } {
  const parts = list.map(cString);
  const block = nativeBuffer(parts.reduce((n, p) => n + p.length, 0));
  const pointers = new BigUint64Array(new ArrayBuffer(8 * (parts.length + 1)));
  const base = Deno.UnsafePointer.value(Deno.UnsafePointer.of(block));
  let offset = 0;
  parts.forEach((part, i) => {
    block.set(part, offset);
    pointers[i] = base + BigInt(offset);
    offset += part.length;
  });
  return { block, pointers };
}

function check(call: string, rc: number): void {
  if (rc !== 0) throw new LibcError(call, rc);
}

/**
 * Spawns the child on the pty slave and returns its pid. Throws
 * {@link LibcError} if the exec (or `chdir`, or opening the slave) fails;
 * glibc reaps the failed child itself.
 *
 * @example
 * ```ts
 * const pid = spawnOnSlave({ path: "/bin/bash", argv: ["bash", "-i"], env: {}, cwd: "/", slavePath });
 * ```
 */
export function spawnOnSlave(spec: SlaveSpawn): number {
  const lib = libc();
  const path = cString(spec.path);
  const slave = cString(spec.slavePath);
  const cwd = cString(spec.cwd);
  const argv = cStringArray(spec.argv);
  const envp = cStringArray(Object.entries(spec.env).map(([k, v]) => `${k}=${v}`));
  const attr = nativeBuffer(SPAWN_STRUCT_SIZE);
  const actions = nativeBuffer(SPAWN_STRUCT_SIZE);
  const allSignals = nativeBuffer(SIGSET_SIZE);
  const noSignals = nativeBuffer(SIGSET_SIZE);
  const pid = new Int32Array(new ArrayBuffer(4));

  check("posix_spawnattr_init", lib.posix_spawnattr_init(attr));
  try {
    check("posix_spawn_file_actions_init", lib.posix_spawn_file_actions_init(actions));
    try {
      lib.sigfillset(allSignals);
      lib.sigemptyset(noSignals);
      check("posix_spawnattr_setsigdefault", lib.posix_spawnattr_setsigdefault(attr, allSignals));
      check("posix_spawnattr_setsigmask", lib.posix_spawnattr_setsigmask(attr, noSignals));
      const flags = Sys.POSIX_SPAWN_SETSID | Sys.POSIX_SPAWN_SETSIGDEF | Sys.POSIX_SPAWN_SETSIGMASK;
      check("posix_spawnattr_setflags", lib.posix_spawnattr_setflags(attr, flags));
      // setsid() runs before the file actions, so opening the slave here makes it the controlling tty.
      check("posix_spawn_file_actions_addopen", lib.posix_spawn_file_actions_addopen(actions, 0, slave, Sys.O_RDWR, 0));
      check("posix_spawn_file_actions_adddup2", lib.posix_spawn_file_actions_adddup2(actions, 0, 1));
      check("posix_spawn_file_actions_adddup2", lib.posix_spawn_file_actions_adddup2(actions, 0, 2));
      check("posix_spawn_file_actions_addclosefrom_np", lib.posix_spawn_file_actions_addclosefrom_np(actions, 3));
      check("posix_spawn_file_actions_addchdir_np", lib.posix_spawn_file_actions_addchdir_np(actions, cwd));
      const rc = lib.posix_spawn(pid, path, actions, attr, argv.pointers, envp.pointers);
      if (rc !== 0) throw new LibcError(`posix_spawn '${spec.path}' in '${spec.cwd}'`, rc);
      return pid[0];
    } finally {
      lib.posix_spawn_file_actions_destroy(actions);
    }
  } finally {
    lib.posix_spawnattr_destroy(attr);
    // The pointer arrays point into these blocks: keep them reachable until posix_spawn has returned.
    argv.block.fill(0);
    envp.block.fill(0);
  }
}
