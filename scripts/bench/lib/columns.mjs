/**
 * The columns of a benchmark's table, one per server: OpenSSH's sshd (the baseline) and each tsshd
 * variant, built if need be and started on free loopback ports with the same keys. A column holds
 * its running server or the reason it has none, so one failing variant costs only its column.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startOpenSsh } from "./openssh.mjs";
import { progress } from "./script_main.mjs";
import { freePort } from "./server_process.mjs";
import { buildBinary, startTsshd } from "./tsshd.mjs";

/**
 * A column: a running server, or the reason it could not be started.
 *
 * @typedef {{name: string, server?: import("./server_process.mjs").RunningServer, failure?: Error}} Column
 */

/**
 * @typedef {object} StartColumnsOptions
 * @property {string} repo the repository root
 * @property {string} dir the scratch directory (OpenSSH's config goes there)
 * @property {string[]} variants tsshd variants, in column order
 * @property {boolean} build run `deno task build` first when `binary` is among the variants
 * @property {import("./test_keys.mjs").TestKeys} keys every server's host key and authorized_keys
 * @property {string[]} [prefix] a wrapper command line for every server (see shell_rc.mjs)
 * @property {typeof startOpenSsh} [openssh] how to start the baseline (default {@link startOpenSsh})
 */

/**
 * Start OpenSSH and the tsshd variants, each on its own free port, after building dist/tsshd if
 * asked. A tsshd variant that cannot be built or started gets its `failure` (and a progress line);
 * OpenSSH not starting throws, as there is nothing to compare with.
 *
 * @example
 * ```js
 * const keys = copyTestKeys(repo, dir);
 * const columns = await startColumns({ repo, dir, keys, variants: ["deno", "bun"], build: false });
 * columns.map((c) => c.name); // ["OpenSSH", "tsshd-deno", "tsshd-bun"]
 * ```
 * @param {StartColumnsOptions} o
 * @returns {Promise<Column[]>}
 */
export async function startColumns(o) {
  /** @type {Column[]} */
  const columns = [{ name: "OpenSSH" }, ...o.variants.map((v) => ({ name: `tsshd-${v}` }))];
  const binaryCol = columns.find((c) => c.name === "tsshd-binary");
  if (binaryCol && o.build) {
    progress("building dist/tsshd (deno task build)…\n");
    await buildBinary(o.repo).catch((e) => (binaryCol.failure = asError(e)));
  }
  if (binaryCol && !binaryCol.failure && !existsSync(join(o.repo, "dist/tsshd"))) {
    binaryCol.failure = new Error("dist/tsshd does not exist (run without --no-build)");
  }
  const { dir, prefix } = o;
  const { hostKey, authorizedKeys } = o.keys;
  const openssh = o.openssh ?? startOpenSsh;
  progress("starting servers…\n");
  for (const c of columns) {
    if (c.failure) continue;
    const port = await freePort();
    try {
      c.server = c.name === "OpenSSH"
        ? await openssh({ dir, port, hostKey, authorizedKeys, prefix })
        : await startTsshd({
          repo: o.repo,
          variant: c.name.slice("tsshd-".length),
          port,
          hostKey,
          authorizedKeys,
          prefix,
        });
    } catch (e) {
      c.failure = asError(e);
      if (c.name === "OpenSSH") throw c.failure;
      progress(`${c.name} did not start: ${c.failure.message}\n`);
    }
  }
  return columns;
}

/**
 * The servers of the columns that have one, in column order.
 *
 * @example
 * ```js
 * runningServers(columns).map((s) => s.name); // ["OpenSSH", "tsshd-deno"]
 * ```
 * @param {Column[]} columns
 * @returns {import("./server_process.mjs").RunningServer[]}
 */
export function runningServers(columns) {
  return columns.flatMap((c) => (c.server ? [c.server] : []));
}

/**
 * `e` as an Error (a thrown non-Error becomes its text).
 *
 * @example
 * ```js
 * asError("boom").message; // "boom"
 * ```
 * @param {unknown} e
 * @returns {Error}
 */
export function asError(e) {
  return e instanceof Error ? e : new Error(String(e));
}
