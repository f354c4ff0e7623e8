/**
 * Hide the account's shell rc files from the servers under test.
 *
 * Both sshd and tsshd run a command as `SHELL -c CMD` with SSH_CLIENT set, and Debian's bash then
 * sources ~/.bashrc (SSH_SOURCE_BASHRC). On a machine whose ~/.bashrc is heavy (pyenv, nvm…) that
 * adds 100+ ms to every `ssh HOST true` on every server, and the latency row measures the rc file
 * instead of the server. As root, the benchmark starts each server inside a private mount namespace
 * (`unshare --mount`) where the rc files are bind-mounted over by /dev/null: the files on disk and
 * every other process are untouched, and all servers run the same bare shell.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The rc files a non-interactive `SHELL -c` reads: bash's over ssh, zsh's always. */
const RC_FILES = [".bashrc", ".zshenv"];

/** The shell script run by `unshare`: bind-mount /dev/null over each file up to `--`, then exec the rest. */
const SCRIPT = 'while [ "$1" != -- ]; do mount --bind /dev/null "$1" || exit 111; shift; done; shift; exec "$@"';

/**
 * A command prefix that starts a program with the account's rc files hidden, or `undefined` with
 * the reason when that is not possible here (not root, no `unshare`, no rc file).
 *
 * @example
 * ```js
 * const hide = rcHidingPrefix("/root");
 * if (hide.prefix) spawn(hide.prefix[0], [...hide.prefix.slice(1), "/usr/sbin/sshd", "-D"]);
 * ```
 * @param {string} home
 * @returns {{prefix?: string[], files: string[], reason: string}}
 */
export function rcHidingPrefix(home) {
  const files = RC_FILES.map((f) => join(home, f)).filter((f) => existsSync(f));
  if (files.length === 0) return { files, reason: "no rc file to hide" };
  if (process.getuid?.() !== 0) return { files, reason: "not root: cannot use a private mount namespace" };
  const prefix = [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    SCRIPT,
    "bench-rc",
    ...files,
    "--",
  ];
  try {
    execFileSync(prefix[0], [...prefix.slice(1), "true"], { stdio: "ignore", timeout: 10_000 });
  } catch (e) {
    return { files, reason: `unshare/mount failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
  return { prefix, files, reason: "hidden" };
}
