/**
 * Everything the benchmark starts or creates is registered here, so one call
 * (or Ctrl-C, or an error, or plain exit) ends the processes and removes the files.
 *
 * Servers are spawned `detached` (their own process group), so a signal to the
 * group also reaches what they forked (sshd's per-connection children, shells).
 *
 * @module
 */
import { rmdirSync, rmSync } from "node:fs";

/** Tracked children; the value says whether the child leads its own process group (spawned `detached`). */
/** @type {Map<import("node:child_process").ChildProcess, boolean>} */
const children = new Map();
/** @type {Map<string, "tree" | "emptyDir">} */
const paths = new Map();
let stopping = false;

/**
 * Whether a signal asked the benchmark to stop: work in progress should give up quietly.
 *
 * @example
 * ```js
 * if (isStopping()) return;
 * ```
 * @returns {boolean}
 */
export function isStopping() {
  return stopping;
}

/**
 * Track a child process until it exits; {@link cleanup} ends it if it is still running.
 *
 * @example
 * ```js
 * const child = trackChild(spawn("sleep", ["60"], { detached: true }), true);
 * ```
 * @template {import("node:child_process").ChildProcess} T
 * @param {T} child
 * @param {boolean} group true when spawned `detached`: clean-up then signals the whole process group
 * @returns {T}
 */
export function trackChild(child, group) {
  children.set(child, group);
  // a group leader's exit does not end its group: keep it tracked so that clean-up signals the group
  if (!group) {
    child.once("exit", () => children.delete(child));
    child.once("error", () => children.delete(child));
  }
  return child;
}

/**
 * Remove `path` at clean-up: the whole tree (`"tree"`) or only if it is an empty directory (`"emptyDir"`).
 *
 * @example
 * ```js
 * trackPath(mkdtempSync("/tmp/tsshd-bench-"), "tree");
 * ```
 * @param {string} path
 * @param {"tree" | "emptyDir"} how
 * @returns {string} the path
 */
export function trackPath(path, how) {
  paths.set(path, how);
  return path;
}

/**
 * Send `signal` to a child's process group (when it leads one) or to the child.
 *
 * @param {import("node:child_process").ChildProcess} child
 * @param {boolean} group
 * @param {NodeJS.Signals} signal
 */
function signalChild(child, group, signal) {
  if (child.pid === undefined) return;
  if (!group && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(group ? -child.pid : child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * End every tracked process (SIGTERM, then SIGKILL after `graceMs`) and remove every tracked path.
 * Safe to call more than once.
 *
 * @example
 * ```js
 * try { await bench(); } finally { await cleanup(); }
 * ```
 * @param {number} [graceMs]
 * @returns {Promise<void>}
 */
export async function cleanup(graceMs = 2000) {
  const live = [...children.keys()];
  for (const [c, group] of children) signalChild(c, group, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (live.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  cleanupSync();
}

/** The synchronous last resort (also run from `process.on("exit")`): SIGKILL what is left, remove the paths. */
function cleanupSync() {
  for (const [c, group] of children) signalChild(c, group, "SIGKILL");
  children.clear();
  for (const [path, how] of paths) {
    try {
      if (how === "tree") rmSync(path, { recursive: true, force: true });
      else rmdirSync(path);
    } catch {
      // not empty or already gone: leave it
    }
  }
  paths.clear();
}

/**
 * Install handlers so that Ctrl-C, SIGTERM, SIGHUP, an uncaught error or a normal exit all clean up.
 *
 * @example
 * ```js
 * installCleanupHandlers();
 * ```
 */
export function installCleanupHandlers() {
  for (const sig of /** @type {NodeJS.Signals[]} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\nbench: ${sig}, cleaning up…`);
      cleanup(1000).finally(() => process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1)));
    });
  }
  process.on("exit", cleanupSync);
}
