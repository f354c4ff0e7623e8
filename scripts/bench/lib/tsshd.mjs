/**
 * tsshd as a user starts it: on Deno (the `start` task's command), on Bun, and as the
 * single binary built by `deno task build`.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startServer } from "./server_process.mjs";
import { trackChild } from "./cleanup.mjs";

/** Deno's flags from deno.json's `start` task. */
const DENO_FLAGS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-ffi",
  "--allow-sys",
];

/**
 * The command line that starts a tsshd variant (without the tsshd flags).
 *
 * @example
 * ```js
 * variantCommand("/repo", "bun"); // ["/repo/node_modules/.bin/bun", "cli.ts"]
 * ```
 * @param {string} repo the repository root
 * @param {string} variant `"deno"`, `"bun"` or `"binary"`
 * @returns {string[]}
 */
export function variantCommand(repo, variant) {
  switch (variant) {
    case "deno":
      return [join(repo, "node_modules/.bin/deno"), "run", ...DENO_FLAGS, "cli.ts"];
    case "bun":
      return [join(repo, "node_modules/.bin/bun"), "cli.ts"];
    case "binary":
      return [join(repo, "dist/tsshd")];
    default:
      throw new RangeError(`unknown tsshd variant ${variant}`);
  }
}

/**
 * Start a tsshd variant on `127.0.0.1:port` with the given host key and authorized keys.
 *
 * @example
 * ```js
 * const s = await startTsshd({ repo, variant: "deno", port, hostKey, authorizedKeys });
 * ```
 * @param {{repo: string, variant: string, port: number, hostKey: string, authorizedKeys: string,
 *   prefix?: string[]}} o `prefix`: a wrapper command line (see shell_rc.mjs)
 * @returns {Promise<import("./server_process.mjs").RunningServer>}
 */
export function startTsshd(o) {
  const [command, ...pre] = variantCommand(o.repo, o.variant);
  const args = [...pre, "-p", String(o.port), "-b", "127.0.0.1", "-k", o.hostKey, "-a", o.authorizedKeys];
  return startServer({
    name: `tsshd-${o.variant}`,
    host: `tsshd-${o.variant}`,
    port: o.port,
    command,
    args,
    cwd: o.repo,
    prefix: o.prefix,
  });
}

/**
 * Run `deno task build` (→ dist/tsshd) in the repository; resolves with its output, rejects on failure.
 *
 * @example
 * ```js
 * await buildBinary("/repo");
 * ```
 * @param {string} repo
 * @returns {Promise<string>}
 */
export function buildBinary(repo) {
  return new Promise((resolve, reject) => {
    const child = trackChild(
      spawn(join(repo, "node_modules/.bin/deno"), ["task", "build"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] }),
      false,
    );
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(out);
      else {reject(
          new Error(`'deno task build' failed (exit ${code}):\n${out.trim().split("\n").slice(-10).join("\n")}`),
        );}
    });
  });
}
