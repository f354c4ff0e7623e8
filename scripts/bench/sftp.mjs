#!/usr/bin/env node
/**
 * File-transfer throughput of tsshd against OpenSSH's sshd + sftp-server on this machine, in the
 * same run, with the same clients: `sftp` put/get, `scp` up/down (SFTP mode) and `scp -O` up/down
 * (legacy protocol) of one file (256 MiB by default), per cipher, printed as MB/s with the ratio
 * tsshd/OpenSSH (> 1 = tsshd faster).
 *
 * Run from the repository root: `node scripts/bench/sftp.mjs` (see `--help`). It reuses the
 * machinery of `run.mjs` (throwaway sshd config, tsshd variants, client config, clean-up).
 *
 * A cell is the median of `--runs` transfers after one untimed warm-up transfer whose copy is
 * checked by SHA-256 (every timed copy is checked by size). The time of a transfer is the client's
 * wall-clock time minus the median time of the same command moving a 1-byte file (connection
 * set-up, authentication, session start), so the figure is the transfer itself.
 *
 * @module
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { loadavg, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanup, installCleanupHandlers, isStopping, trackPath } from "./lib/cleanup.mjs";
import { writeClientConfig } from "./lib/client.mjs";
import { machineReport } from "./lib/machine.mjs";
import { SSHD } from "./lib/openssh.mjs";
import { UsageError } from "./lib/options.mjs";
import { formatTable } from "./lib/report.mjs";
import { freePort } from "./lib/server_process.mjs";
import { rcHidingPrefix } from "./lib/shell_rc.mjs";
import { sha256File, timeCommand, transferCommand } from "./lib/sftp_cases.mjs";
import { SFTP_SERVER, startOpenSshWithSftp } from "./lib/sftp_openssh.mjs";
import { parseSftpOptions, SFTP_USAGE } from "./lib/sftp_options.mjs";
import { startRelay } from "./lib/sftp_relay.mjs";
import { median, range } from "./lib/stats.mjs";
import { buildBinary, startTsshd } from "./lib/tsshd.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** 1-byte transfers per cell that measure the set-up time subtracted from each transfer. */
const SETUP_RUNS = 3;

const progress = (/** @type {string} */ text) => process.stderr.write(text);
/** Relays started for --rtt-ms, closed at the end. */
/** @type {import("./lib/sftp_relay.mjs").Relay[]} */
const relays = [];

/** @typedef {{name: string, server?: import("./lib/server_process.mjs").RunningServer, failure?: Error}} Column */

/**
 * Write `bytes` random bytes to `path` (1 MiB at a time).
 *
 * @param {string} path
 * @param {number} bytes
 */
function randomFile(path, bytes) {
  const block = new Uint8Array(MIB);
  writeFileSync(path, new Uint8Array(0));
  for (let done = 0; done < bytes; done += MIB) {
    randomFillSync(block);
    writeFileSync(path, block.subarray(0, Math.min(MIB, bytes - done)), { flag: "a" });
  }
}

/**
 * Measure one row (a case with a cipher) for every column, the servers interleaved round by round.
 *
 * @param {Column[]} columns
 * @param {import("./lib/sftp_cases.mjs").TransferCase} c
 * @param {{config: string, cipher: string, dir: string, src: string, tiny: string, bytes: number,
 *   sha: string, runs: number}} o
 * @returns {Promise<{cells: Map<string, number | Error>, spread: string[], setup: string[]}>}
 */
async function measureRow(columns, c, o) {
  /** @type {Map<string, {setup: number[], rates: number[]} | Error>} */
  const state = new Map(columns.map((col) => [col.name, col.failure ?? { setup: [], rates: [] }]));
  /**
   * @param {number} round negative: set-up rounds, 0: warm-up (SHA-256 checked), > 0: timed
   */
  const step = async (/** @type {number} */ round) => {
    for (const col of columns) {
      if (isStopping()) throw new Error("stopped");
      const st = state.get(col.name);
      if (st instanceof Error || st === undefined || col.server === undefined) continue;
      const tiny = round < 0;
      const dst = join(o.dir, `${c.dir}-${col.name}.bin`);
      const cmd = transferCommand(c, {
        config: o.config,
        host: col.server.host,
        cipher: o.cipher,
        from: tiny ? o.tiny : o.src,
        to: dst,
      });
      try {
        if (!col.server.alive()) throw new Error(`server exited: ${col.server.tail()}`);
        const ms = await timeCommand(cmd);
        const size = statSync(dst).size;
        const want = tiny ? 1 : o.bytes;
        if (size !== want) throw new Error(`copy has ${size} bytes, expected ${want}`);
        if (round === 0 && (await sha256File(dst)) !== o.sha) throw new Error("copy differs (SHA-256)");
        if (tiny) st.setup.push(ms);
        else if (round > 0) {
          const transferMs = Math.max(1, ms - median(st.setup));
          st.rates.push(o.bytes / 1e6 / (transferMs / 1000));
        }
      } catch (e) {
        if (isStopping()) throw e;
        state.set(col.name, e instanceof Error ? e : new Error(String(e)));
        progress(` [${col.name} FAILED]`);
      } finally {
        rmSync(dst, { force: true });
      }
    }
    progress(round < 0 ? "s" : round === 0 ? "w" : ".");
  };
  progress(`${c.name}, ${o.cipher}:`);
  for (let round = -SETUP_RUNS; round <= o.runs; round++) await step(round);
  progress("\n");
  /** @type {Map<string, number | Error>} */
  const cells = new Map();
  const spread = [];
  const setup = [];
  for (const [name, st] of state) {
    if (st instanceof Error) {
      cells.set(name, st);
      continue;
    }
    cells.set(name, st.rates.length ? median(st.rates) : new Error("no samples"));
    if (st.rates.length) {
      const { min, max } = range(st.rates);
      spread.push(`${name} ${min.toFixed(0)}–${max.toFixed(0)}`);
    }
    if (st.setup.length) setup.push(`${name} ${median(st.setup).toFixed(0)}`);
  }
  return { cells, spread, setup };
}

/** @returns {Promise<number>} the exit code */
async function main() {
  let opts;
  try {
    opts = parseSftpOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench: ${e.message}\n\n${SFTP_USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(SFTP_USAGE);
    return 0;
  }
  for (const [path, pkg] of [[SSHD, "openssh-server"], [SFTP_SERVER, "openssh-sftp-server"]]) {
    if (!existsSync(path)) {
      console.error(`bench: ${path} not found: install the ${pkg} package (e.g. apt-get install ${pkg})`);
      return 1;
    }
  }
  for (const tool of ["sftp", "scp"]) {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
    } catch {
      console.error(`bench: the ${tool} client was not found: install the openssh-client package`);
      return 1;
    }
  }
  installCleanupHandlers();
  const dir = trackPath(mkdtempSync(join(opts.dir, "tsshd-sftp-bench-")), "tree");
  const file = (/** @type {string} */ name) => {
    const dst = join(dir, name);
    copyFileSync(join(REPO, "keys", name), dst);
    return dst;
  };
  const hostKey = file("host_ed25519");
  const hostKeyPub = file("host_ed25519.pub");
  const identity = file("client_ed25519");
  const authorizedKeys = file("authorized_keys");
  for (const f of [hostKey, identity, authorizedKeys]) execFileSync("chmod", ["600", f]);

  const bytes = opts.mib * MIB;
  const src = join(dir, "src.bin");
  const tiny = join(dir, "tiny.bin");
  progress(`writing ${opts.mib} MiB of random data to ${src}…\n`);
  randomFile(src, bytes);
  writeFileSync(tiny, "x");
  const sha = await sha256File(src);

  /** @type {Column[]} */
  const columns = [{ name: "OpenSSH" }, ...opts.variants.map((v) => ({ name: `tsshd-${v}` }))];
  const binaryCol = columns.find((c) => c.name === "tsshd-binary");
  if (binaryCol && opts.build) {
    progress("building dist/tsshd (deno task build)…\n");
    await buildBinary(REPO).catch((e) => (binaryCol.failure = e instanceof Error ? e : new Error(String(e))));
  }
  if (binaryCol && !binaryCol.failure && !existsSync(join(REPO, "dist/tsshd"))) {
    binaryCol.failure = new Error("dist/tsshd does not exist (run without --no-build)");
  }

  const me = userInfo();
  const rc = rcHidingPrefix(me.homedir);
  progress("starting servers…\n");
  for (const c of columns) {
    if (c.failure) continue;
    const port = await freePort();
    try {
      c.server = c.name === "OpenSSH"
        ? await startOpenSshWithSftp({ dir, port, hostKey, authorizedKeys, prefix: rc.prefix })
        : await startTsshd({
          repo: REPO,
          variant: c.name.slice("tsshd-".length),
          port,
          hostKey,
          authorizedKeys,
          prefix: rc.prefix,
        });
    } catch (e) {
      c.failure = e instanceof Error ? e : new Error(String(e));
      if (c.name === "OpenSSH") throw c.failure;
      progress(`${c.name} did not start: ${c.failure.message}\n`);
    }
  }
  const running = columns.flatMap((c) => (c.server ? [c.server] : []));
  /** @type {{host: string, port: number}[]} */
  const targets = [];
  for (const s of running) {
    if (opts.rttMs === 0) targets.push(s);
    else {
      const relay = await startRelay(s.port, opts.rttMs / 2);
      relays.push(relay);
      targets.push({ host: s.host, port: relay.port });
    }
  }
  const config = writeClientConfig({ dir, user: me.username, identity, hostKeyPub, servers: targets });
  const header = [
    "tsshd vs OpenSSH sshd + sftp-server — file transfers, same machine, same run, same clients",
    ...machineReport(REPO, opts.variants),
    `load:    ${loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15-min load average at start)`,
    `file:    ${opts.mib} MiB of random data in ${opts.dir} (both ends on this machine)`,
    `link:    ${
      opts.rttMs ? `loopback through a relay adding ${opts.rttMs} ms of round-trip time (in this process)` : "loopback"
    }`,
    `runs:    median of ${opts.runs} transfers after 1 warm-up (copy checked by SHA-256); time = client wall ` +
    `time minus the median of ${SETUP_RUNS} 1-byte transfers (set-up)`,
    `shell:   rc files ${rc.prefix ? `${rc.files.join(", ")} hidden from all servers` : rc.reason}`,
    "ratio:   tsshd/OpenSSH: > 1 means tsshd is faster",
  ];
  progress(`measuring ${running.map((s) => s.name).join(", ")} (s = set-up, w = warm-up, . = timed)\n`);

  /** @type {import("./lib/report.mjs").Row[]} */
  const rows = [];
  const notes = [];
  for (const cipher of opts.ciphers) {
    const short = cipher.replace(/@openssh\.com$/, "");
    for (const c of opts.cases) {
      const row = await measureRow(columns, c, { config, cipher, dir, src, tiny, bytes, sha, runs: opts.runs });
      const metric = `${c.name}, ${short} (MB/s)`;
      rows.push({ metric, better: "higher", digits: 1, cells: row.cells });
      notes.push(`  ${metric}: spread ${row.spread.join(", ") || "-"}; set-up ms ${row.setup.join(", ") || "-"}`);
    }
  }
  console.log(
    [
      "",
      ...header,
      "",
      formatTable(columns.map((c) => c.name), rows),
      "",
      "spread (min–max MB/s of the timed runs) and set-up time subtracted (median ms):",
      ...notes,
      `load at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    ].join("\n"),
  );
  return 0;
}

main().then(
  async (code) => {
    for (const r of relays) r.close();
    await cleanup();
    process.exit(code);
  },
  async (e) => {
    if (isStopping()) return;
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    for (const r of relays) r.close();
    await cleanup();
    process.exit(1);
  },
);
