/**
 * Running a child as another account (multi-user mode, server runs as root).
 *
 * Neither `posix_spawn` (the Deno PTY), `Deno.Command` nor `Bun.spawn` can
 * call `initgroups`, so the child is started through util-linux
 * `setpriv --reuid=U --regid=G --init-groups -- PROGRAM…` (or `--groups=…`
 * when the caller knows the groups). setpriv changes only the credentials:
 * the environment, working directory, fds, session and controlling tty are
 * passed through to the program it execs.
 *
 * setpriv execs the program with argv[0] = its path, so a login-shell argv0
 * (`-bash`) is lost. It is restored by one more exec through bash:
 * `bash -c 'exec -a "$0" "$@"' -bash /bin/bash` (bash's `exec -a` sets
 * argv[0]; POSIX sh has no such option). Without bash, a `-` argv0 becomes a
 * `-l` argument, which every common shell reads as "login shell". Other
 * argv0 values (`bash` for `bash -c CMD`) are dropped, saving the extra exec
 * on every command: only `$0` differs.
 *
 * @module
 */
import process from "node:process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import type { RunAs } from "./types.ts";
import { argsWithoutArgv0, SpawnError } from "./node_common.ts";

/** Where util-linux installs setpriv. */
const SETPRIV_CANDIDATES = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv"];
/** The shell whose `exec -a` restores argv[0]. */
const BASH_CANDIDATES = ["/bin/bash", "/usr/bin/bash"];
/** glibc's default search path when `PATH` is unset. */
const DEFAULT_PATH = "/bin:/usr/bin";

let setpriv: string | undefined;

/**
 * The absolute path of `setpriv`. Throws {@link SpawnError} `ENOENT` naming
 * the package when it is not installed.
 *
 * @example
 * ```ts
 * setprivPath(); // "/usr/bin/setpriv"
 * ```
 */
export function setprivPath(): string {
  setpriv ??= SETPRIV_CANDIDATES.find((p) => existsSync(p));
  if (!setpriv) {
    throw new SpawnError(
      "cannot run programs as another user: setpriv is not installed (it is part of util-linux)",
      "ENOENT",
      "setpriv",
    );
  }
  return setpriv;
}

/** This process's uid, or undefined where the platform has none. */
function currentUid(): number | undefined {
  try {
    return process.getuid?.();
  } catch {
    return undefined; // e.g. Deno without --allow-sys=uid
  }
}

/**
 * Whether spawning as `user` needs a credential change: a `user` was given
 * and this process is root or runs as another uid. Throws
 * {@link SpawnError} when it would but this process is not root (only root
 * may switch users).
 *
 * @example
 * ```ts
 * if (needsPrivilegeDrop(opts.user, opts.file)) argv = runAsArgv(opts.user, file, args, argv0);
 * ```
 */
export function needsPrivilegeDrop(user: RunAs | undefined, file: string): user is RunAs {
  if (!user) return false;
  const uid = currentUid();
  if (uid === 0) return true;
  if (uid === user.uid) return false;
  throw new SpawnError(
    `cannot run "${file}" as ${user.name} (uid ${user.uid}): only root can switch users (this process has uid ${uid})`,
    "OTHER",
    file,
  );
}

/**
 * The argv that runs `file` with argv[0] `argv0` (see the module doc):
 * unchanged when no argv0 or an equal one is asked for, through bash's
 * `exec -a` for a login-shell `-name`, else with `-l` added for `-name` and
 * the argv0 dropped otherwise.
 *
 * @example
 * ```ts
 * withArgv0("/bin/bash", [], "-bash"); // ["/bin/bash", "-c", 'exec -a "$0" "$@"', "-bash", "/bin/bash"]
 * withArgv0("/bin/sh", ["-c", "id"], "sh"); // ["/bin/sh", "-c", "id"]
 * ```
 */
export function withArgv0(file: string, args: readonly string[], argv0?: string): string[] {
  if (argv0 === undefined || argv0 === file || !argv0.startsWith("-")) return [file, ...args];
  const bash = BASH_CANDIDATES.find((p) => existsSync(p));
  if (bash) return [bash, "-c", 'exec -a "$0" "$@"', argv0, file, ...args];
  return [file, ...argsWithoutArgv0({ file, args: [...args], argv0 })];
}

/**
 * The complete argv (argv[0] is setpriv's absolute path) that runs `file`
 * with `args` as `user`: real and effective uid and gid, and the
 * supplementary groups (`user.groups` when given, else initgroups for the
 * uid's account). argv0 handling as in {@link withArgv0}.
 *
 * @example
 * ```ts
 * runAsArgv({ uid: 1000, gid: 1000, name: "alice" }, "/usr/bin/id", []);
 * // ["/usr/bin/setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "--", "/usr/bin/id"]
 * ```
 */
export function runAsArgv(user: RunAs, file: string, args: readonly string[], argv0?: string): string[] {
  const groups = user.groups === undefined
    ? "--init-groups"
    : user.groups.length === 0
    ? "--clear-groups"
    : `--groups=${user.groups.join(",")}`;
  return [setprivPath(), `--reuid=${user.uid}`, `--regid=${user.gid}`, groups, "--", ...withArgv0(file, args, argv0)];
}

function isExecutableFile(path: string): "yes" | "no" | "denied" {
  try {
    if (!statSync(path).isFile()) return "no";
  } catch {
    return "no";
  }
  try {
    accessSync(path, constants.X_OK);
    return "yes";
  } catch {
    return "denied";
  }
}

/**
 * Finds `file` like `execvp` would in the child's `PATH` (from `env`,
 * default `/bin:/usr/bin`), relative entries taken from `cwd`; a `file`
 * containing `/` is returned unchanged. Throws {@link SpawnError} `ENOENT`
 * or `EACCES`, so a missing program fails at spawn time rather than as
 * setpriv's exit status 127.
 *
 * @example
 * ```ts
 * resolveProgram("sh", { PATH: "/usr/bin:/bin" }, "/"); // "/usr/bin/sh"
 * ```
 */
export function resolveProgram(file: string, env: Readonly<Record<string, string>>, cwd: string): string {
  if (file.includes("/")) return file;
  let denied = false;
  for (const entry of (env.PATH ?? DEFAULT_PATH).split(":")) {
    const dir = entry === "" ? cwd : entry.startsWith("/") ? entry : `${cwd}/${entry}`;
    const candidate = `${dir.endsWith("/") ? dir : `${dir}/`}${file}`;
    const state = isExecutableFile(candidate);
    if (state === "yes") return candidate;
    if (state === "denied") denied = true;
  }
  const why = denied ? "permission denied" : "not found in PATH";
  throw new SpawnError(`cannot execute "${file}" in "${cwd}": ${why}`, denied ? "EACCES" : "ENOENT", file);
}
