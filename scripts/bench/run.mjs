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
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installCleanupHandlers } from "./lib/cleanup.mjs";
import { writeClientConfig } from "./lib/client.mjs";
import { runningServers, startColumns } from "./lib/columns.mjs";
import { download, latency, negotiatedReport, randomBlock, shellStartup, upload } from "./lib/measure.mjs";
import { SSHD } from "./lib/openssh.mjs";
import { parseOptions, USAGE } from "./lib/options.mjs";
import { missingPrerequisite } from "./lib/prerequisites.mjs";
import { formatReport, reportHeader, summarize } from "./lib/report.mjs";
import { interleaveRounds } from "./lib/rounds.mjs";
import { makeScratchDir } from "./lib/scratch_dir.mjs";
import { progress, readOptions, runScript } from "./lib/script_main.mjs";
import { rcHidingPrefix } from "./lib/shell_rc.mjs";
import { copyTestKeys } from "./lib/test_keys.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** Size of the untimed transfer that warms each server up per cipher and direction. */
const WARMUP_BYTES = 8 * MIB;
/** The key exchange of the second latency row, which every server is made to use (like for like). */
const SAME_KEX = "curve25519-sha256";

/**
 * Run `measure` `runs` times for every column, interleaved (one run per server in turn, so slow
 * drifts of a shared machine hit all servers alike), after `warmups` untimed runs each.
 * Returns the cells and the "min–max" spread line of the row.
 *
 * @param {import("./lib/columns.mjs").Column[]} columns
 * @param {string} label
 * @param {number} warmups
 * @param {number} runs
 * @param {(host: string, timed: boolean) => Promise<number>} measure
 * @returns {Promise<{cells: Map<string, number | Error>, spread: string}>}
 */
async function measureRow(columns, label, warmups, runs, measure) {
  /** @type {Map<string, number[] | Error>} */
  const samples = new Map(columns.map((c) => [c.name, c.failure ?? []]));
  await interleaveRounds(columns, samples, {
    label,
    first: -warmups,
    last: runs - 1,
    mark: (round) => (round < 0 ? "w" : "."),
    step: async (server, values, round) => {
      const v = await measure(server.host, round >= 0);
      if (round >= 0) values.push(v);
    },
  });
  const { cells, spread } = summarize(samples, 1);
  return { cells, spread: spread.length ? spread.join(", ") : "no successful runs" };
}

/** @returns {Promise<number>} the exit code */
async function main() {
  const opts = readOptions(process.argv.slice(2), parseOptions, USAGE);
  if (typeof opts === "number") return opts;
  const missing = missingPrerequisite({ files: [[SSHD, "openssh-server"]], clients: ["ssh"] });
  if (missing) {
    console.error(missing);
    return 1;
  }
  installCleanupHandlers();
  const dir = makeScratchDir("tsshd-bench-");
  const keys = copyTestKeys(REPO, dir);

  const me = userInfo();
  const rc = opts.keepRc ? { prefix: undefined, files: [], reason: "kept (--keep-rc)" } : rcHidingPrefix(me.homedir);
  const prefix = rc.prefix;
  const columns = await startColumns({ repo: REPO, dir, keys, variants: opts.variants, build: opts.build, prefix });
  const running = runningServers(columns);
  const config = writeClientConfig({ ...keys, dir, user: me.username, servers: running });

  const header = [
    ...reportHeader("tsshd vs OpenSSH sshd — same machine, same run, same ssh client", REPO, opts.variants),
    `runs:    latency = median of ${opts.latencyRuns} 'ssh HOST true' after ${opts.warmups} warm-ups; ` +
    `throughput = median of ${opts.runs} x ${opts.mib} MiB ` +
    (opts.wall ? "(whole command, connection set-up included)" : "(transfer phase only; set-up is the latency row)"),
    `shell:   ${me.shell} -c true with SSH_CLIENT set (sources ~/.bashrc, as both servers start it) takes ` +
    `${shellStartup(me.shell ?? "/bin/sh", me.homedir, me.username).toFixed(1)} ms here; ` +
    (prefix
      ? `${rc.files.join(", ")} hidden from all servers (private mount namespace), so latency excludes it`
      : `rc files ${rc.reason}: that time is part of every latency sample on every server`),
    "ratio:   tsshd/OpenSSH for throughput, OpenSSH/tsshd for latency: > 1 means tsshd is better",
  ];
  progress(`measuring ${running.map((s) => s.name).join(", ")} (w = warm-up, . = timed round)\n`);
  const negotiated = await negotiatedReport(config, running);

  /** @type {import("./lib/report.mjs").Row[]} */
  const rows = [];
  const spreads = ["spread (min–max of the timed runs):"];
  const latencyRows = [
    { metric: "latency 'ssh HOST true' (ms)", options: [] },
    { metric: `latency, kex ${SAME_KEX} (ms)`, options: ["-o", `KexAlgorithms=${SAME_KEX}`] },
  ];
  for (const { metric, options } of latencyRows) {
    const measure = (/** @type {string} */ host) => latency(config, host, options);
    const lat = await measureRow(columns, metric, opts.warmups, opts.latencyRuns, measure);
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
      const sum = await measureRow(columns, metric, 1, opts.runs, once);
      rows.push({ metric, better: "higher", digits: 1, cells: sum.cells });
      spreads.push(`  ${metric}: ${sum.spread}`);
    }
  }

  console.log(formatReport({ header, negotiated, servers: columns.map((c) => c.name), rows, notes: spreads }));
  return 0;
}

runScript(main);
