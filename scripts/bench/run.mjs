#!/usr/bin/env node
/**
 * tsshd against OpenSSH's sshd on this machine, in the same run, with the same ssh client:
 * connection latency and bulk throughput per cipher, printed as ratios (> 1 = tsshd better).
 *
 * Run from the repository root: `node scripts/bench/run.mjs` (see `--help` and README.md).
 * Installs nothing; needs /usr/sbin/sshd (package openssh-server) and the ssh client.
 *
 * @module
 */
import { scratchParent } from "./lib/scratch_dir.mjs";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { loadavg, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { cleanup, installCleanupHandlers, isStopping, trackPath } from "./lib/cleanup.mjs";
import { writeClientConfig } from "./lib/client.mjs";
import { machineReport } from "./lib/machine.mjs";
import { download, latency, negotiated, randomBlock, shellStartup, upload } from "./lib/measure.mjs";
import { SSHD, startOpenSsh } from "./lib/openssh.mjs";
import { parseOptions, USAGE, UsageError } from "./lib/options.mjs";
import { formatTable } from "./lib/report.mjs";
import { freePort } from "./lib/server_process.mjs";
import { rcHidingPrefix } from "./lib/shell_rc.mjs";
import { median, range } from "./lib/stats.mjs";
import { buildBinary, startTsshd } from "./lib/tsshd.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** Size of the untimed transfer that warms each server up per cipher and direction. */
const WARMUP_BYTES = 8 * MIB;
/** The key exchange of the second latency row, which every server is made to use (like for like). */
const SAME_KEX = "curve25519-sha256";

/** Progress goes to stderr so stdout holds only the report. */
const progress = (/** @type {string} */ text) => process.stderr.write(text);

/**
 * A column: a running server, or the reason it could not be started.
 *
 * @typedef {{name: string, server?: import("./lib/server_process.mjs").RunningServer, failure?: Error}} Column
 */

/**
 * Run `measure` `runs` times for every column, interleaved (one run per server in turn, so slow
 * drifts of a shared machine hit all servers alike), after `warmups` untimed runs each.
 * Returns the samples per server, or the first error.
 *
 * @param {Column[]} columns
 * @param {string} label
 * @param {number} warmups
 * @param {number} runs
 * @param {(host: string, timed: boolean) => Promise<number>} measure
 * @returns {Promise<Map<string, number[] | Error>>}
 */
async function measureAll(columns, label, warmups, runs, measure) {
  /** @type {Map<string, number[] | Error>} */
  const out = new Map();
  for (const c of columns) out.set(c.name, c.failure ?? []);
  progress(`${label}:`);
  for (let round = -warmups; round < runs; round++) {
    for (const c of columns) {
      if (isStopping()) throw new Error("stopped");
      const samples = out.get(c.name);
      if (!Array.isArray(samples) || c.server === undefined) continue;
      try {
        if (!c.server.alive()) throw new Error(`server exited: ${c.server.tail()}`);
        const v = await measure(c.server.host, round >= 0);
        if (round >= 0) samples.push(v);
      } catch (e) {
        if (isStopping()) throw e;
        out.set(c.name, e instanceof Error ? e : new Error(String(e)));
        progress(` [${c.name} FAILED]`);
      }
    }
    progress(round < 0 ? "w" : ".");
  }
  progress("\n");
  return out;
}

/**
 * Medians for the table cells, and a "min–max" line for the spread section.
 *
 * @param {Map<string, number[] | Error>} samples
 * @param {number} digits
 * @returns {{cells: Map<string, number | Error>, spread: string}}
 */
function summarize(samples, digits) {
  /** @type {Map<string, number | Error>} */
  const cells = new Map();
  const spread = [];
  for (const [name, s] of samples) {
    if (s instanceof Error) {
      cells.set(name, s);
    } else if (s.length === 0) {
      cells.set(name, new Error("no samples"));
    } else {
      cells.set(name, median(s));
      const { min, max } = range(s);
      spread.push(`${name} ${min.toFixed(digits)}–${max.toFixed(digits)}`);
    }
  }
  return { cells, spread: spread.length ? spread.join(", ") : "no successful runs" };
}

/** @returns {Promise<number>} the exit code */
async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(SSHD)) {
    console.error(`bench: ${SSHD} not found: install the openssh-server package (e.g. apt-get install openssh-server)`);
    return 1;
  }
  try {
    execFileSync("ssh", ["-V"], { stdio: "ignore" });
  } catch {
    console.error("bench: the ssh client was not found: install the openssh-client package");
    return 1;
  }
  installCleanupHandlers();
  const dir = trackPath(mkdtempSync(join(scratchParent(), "tsshd-bench-")), "tree");
  const file = (/** @type {string} */ name) => {
    const dst = join(dir, name);
    copyFileSync(join(REPO, "keys", name), dst);
    return dst;
  };
  const hostKey = file("host_ed25519");
  const hostKeyPub = file("host_ed25519.pub");
  const identity = file("client_ed25519");
  const authorizedKeys = file("authorized_keys");
  // copyFileSync keeps the mode of keys/ (0644 in git): ssh and sshd want private keys 0600
  for (const f of [hostKey, identity, authorizedKeys]) execFileSync("chmod", ["600", f]);

  /** @type {Column[]} */
  const columns = [{ name: "OpenSSH" }, ...opts.variants.map((v) => ({ name: `tsshd-${v}` }))];
  if (opts.variants.includes("binary") && opts.build) {
    progress("building dist/tsshd (deno task build)…\n");
    try {
      await buildBinary(REPO);
    } catch (e) {
      const col = columns.find((c) => c.name === "tsshd-binary");
      if (col) col.failure = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (opts.variants.includes("binary") && !existsSync(join(REPO, "dist/tsshd"))) {
    const col = columns.find((c) => c.name === "tsshd-binary");
    if (col && !col.failure) col.failure = new Error("dist/tsshd does not exist (run without --no-build)");
  }

  const me = userInfo();
  const rc = opts.keepRc ? { prefix: undefined, files: [], reason: "kept (--keep-rc)" } : rcHidingPrefix(me.homedir);
  const prefix = rc.prefix;
  progress("starting servers…\n");
  for (const c of columns) {
    if (c.failure) continue;
    const port = await freePort();
    try {
      c.server = c.name === "OpenSSH"
        ? await startOpenSsh({ dir, port, hostKey, authorizedKeys, prefix })
        : await startTsshd({
          repo: REPO,
          variant: c.name.slice("tsshd-".length),
          port,
          hostKey,
          authorizedKeys,
          prefix,
        });
    } catch (e) {
      c.failure = e instanceof Error ? e : new Error(String(e));
      if (c.name === "OpenSSH") throw c.failure;
      progress(`${c.name} did not start: ${c.failure.message}\n`);
    }
  }
  const running = columns.flatMap((c) => (c.server ? [c.server] : []));
  const config = writeClientConfig({ dir, user: me.username, identity, hostKeyPub, servers: running });

  const header = [
    "tsshd vs OpenSSH sshd — same machine, same run, same ssh client",
    ...machineReport(REPO, opts.variants),
    `load:    ${loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15-min load average at start)`,
    `runs:    latency = median of ${opts.latencyRuns} 'ssh HOST true' after ${opts.warmups} warm-ups; ` +
    `throughput = median of ${opts.runs} x ${opts.mib} MiB ` +
    (opts.wall ? "(whole command, connection set-up included)" : "(transfer phase only; set-up is the latency row)"),
    `shell:   ${me.shell} -c true with SSH_CLIENT set (sources ~/.bashrc, as both servers start it) takes ` +
    `${shellStartup(me.shell, me.homedir, me.username).toFixed(1)} ms here; ` +
    (prefix
      ? `${rc.files.join(", ")} hidden from all servers (private mount namespace), so latency excludes it`
      : `rc files ${rc.reason}: that time is part of every latency sample on every server`),
    "ratio:   tsshd/OpenSSH for throughput, OpenSSH/tsshd for latency: > 1 means tsshd is better",
  ];
  progress(`measuring ${running.map((s) => s.name).join(", ")} (w = warm-up, . = timed round)\n`);

  const kex = [];
  for (const s of running) {
    try {
      kex.push(`  ${s.name.padEnd(13)} ${await negotiated(config, s.host)}`);
    } catch (e) {
      kex.push(`  ${s.name.padEnd(13)} ? (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /** @type {import("./lib/report.mjs").Row[]} */
  const rows = [];
  const spreads = [];
  const latencyRows = [
    { metric: "latency 'ssh HOST true' (ms)", options: [] },
    { metric: `latency, kex ${SAME_KEX} (ms)`, options: ["-o", `KexAlgorithms=${SAME_KEX}`] },
  ];
  for (const { metric, options } of latencyRows) {
    const measure = (/** @type {string} */ host) => latency(config, host, options);
    const lat = summarize(await measureAll(columns, metric, opts.warmups, opts.latencyRuns, measure), 1);
    rows.push({ metric, better: "lower", digits: 1, cells: lat.cells });
    spreads.push(`  ${metric}: ${lat.spread}`);
  }

  const bytes = opts.mib * MIB;
  const data = randomBlock();
  for (const cipher of opts.ciphers) {
    const short = cipher.replace(/@openssh\.com$/, "");
    for (const dir of /** @type {const} */ (["upload", "download"])) {
      const once = (/** @type {string} */ host, /** @type {boolean} */ timed) => {
        const n = timed ? bytes : Math.min(bytes, WARMUP_BYTES);
        return dir === "upload"
          ? upload(config, host, cipher, n, data, opts.wall)
          : download(config, host, cipher, n, opts.wall);
      };
      const metric = `${dir} ${short} (MB/s)`;
      const sum = summarize(await measureAll(columns, metric, 1, opts.runs, once), 1);
      rows.push({ metric, better: "higher", digits: 1, cells: sum.cells });
      spreads.push(`  ${metric}: ${sum.spread}`);
    }
  }

  const report = [
    ...header,
    "negotiated (kex / host key / default cipher):",
    ...kex,
    "",
    formatTable(columns.map((c) => c.name), rows),
    "",
    "spread (min–max of the timed runs):",
    ...spreads,
    `load at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  ];
  console.log("\n" + report.join("\n"));
  return 0;
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (e) => {
    if (isStopping()) return; // the signal handler cleans up and exits
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    await cleanup();
    process.exit(1);
  },
);
