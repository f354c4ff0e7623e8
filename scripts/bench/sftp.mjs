#!/usr/bin/env node
/**
 * File-transfer throughput of tsshd against OpenSSH's sshd + sftp-server on this machine, in the
 * same run, with the same clients: `sftp` put/get, `scp` up/down (SFTP mode) and `scp -O` up/down
 * (legacy protocol) of one file (256 MiB by default), per cipher, printed as MB/s with the ratio
 * tsshd/OpenSSH (> 1 = tsshd faster).
 *
 * Run from the repository root: `node scripts/bench/sftp.mjs` (see `--help`). It shares
 * `run.mjs`'s machinery in lib/ (throwaway sshd config, tsshd variants, client config, clean-up).
 *
 * A cell is the median of `--runs` transfers after one untimed warm-up transfer whose copy is
 * checked by SHA-256 (every timed copy is checked by size). The time of a transfer is the client's
 * wall-clock time minus the median time of the same command moving a 1-byte file (connection
 * set-up, authentication, session start), so the figure is the transfer itself.
 *
 * @module
 */
import { rmSync, statSync, writeFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installCleanupHandlers } from "./lib/cleanup.mjs";
import { writeClientConfig } from "./lib/client.mjs";
import { runningServers, startColumns } from "./lib/columns.mjs";
import { SSHD } from "./lib/openssh.mjs";
import { missingPrerequisite } from "./lib/prerequisites.mjs";
import { formatReport, reportHeader, summarize } from "./lib/report.mjs";
import { interleaveRounds } from "./lib/rounds.mjs";
import { makeScratchDir } from "./lib/scratch_dir.mjs";
import { progress, readOptions, runScript } from "./lib/script_main.mjs";
import { rcHidingPrefix } from "./lib/shell_rc.mjs";
import { sha256File, timeCommand, transferCommand } from "./lib/sftp_cases.mjs";
import { SFTP_SERVER, startOpenSshWithSftp } from "./lib/sftp_openssh.mjs";
import { parseSftpOptions, SFTP_USAGE } from "./lib/sftp_options.mjs";
import { startRelay } from "./lib/sftp_relay.mjs";
import { median } from "./lib/stats.mjs";
import { copyTestKeys } from "./lib/test_keys.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** 1-byte transfers per cell that measure the set-up time subtracted from each transfer. */
const SETUP_RUNS = 3;

/** Relays started for --rtt-ms, closed at the end. */
/** @type {import("./lib/sftp_relay.mjs").Relay[]} */
const relays = [];

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
 * @param {import("./lib/columns.mjs").Column[]} columns
 * @param {import("./lib/sftp_cases.mjs").TransferCase} c
 * @param {{config: string, cipher: string, dir: string, src: string, tiny: string, bytes: number,
 *   sha: string, runs: number}} o
 * @returns {Promise<{cells: Map<string, number | Error>, spread: string[], setup: string[]}>}
 */
async function measureRow(columns, c, o) {
  /** @type {Map<string, {setup: number[], rates: number[]} | Error>} */
  const state = new Map(columns.map((col) => [col.name, col.failure ?? { setup: [], rates: [] }]));
  await interleaveRounds(columns, state, {
    label: `${c.name}, ${o.cipher}`,
    first: -SETUP_RUNS,
    last: o.runs,
    // negative: set-up rounds, 0: warm-up (SHA-256 checked), > 0: timed
    mark: (round) => (round < 0 ? "s" : round === 0 ? "w" : "."),
    step: async (server, st, round) => {
      const tiny = round < 0;
      const dst = join(o.dir, `${c.dir}-${server.name}.bin`);
      const cmd = transferCommand(c, {
        config: o.config,
        host: server.host,
        cipher: o.cipher,
        from: tiny ? o.tiny : o.src,
        to: dst,
      });
      try {
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
      } finally {
        rmSync(dst, { force: true });
      }
    },
  });
  const setup = [];
  for (const [name, st] of state) {
    if (!(st instanceof Error) && st.setup.length) setup.push(`${name} ${median(st.setup).toFixed(0)}`);
  }
  const { cells, spread } = summarize(
    new Map([...state].map(([name, st]) => [name, st instanceof Error ? st : st.rates])),
    0,
  );
  return { cells, spread, setup };
}

/** @returns {Promise<number>} the exit code */
async function main() {
  const opts = readOptions(process.argv.slice(2), parseSftpOptions, SFTP_USAGE);
  if (typeof opts === "number") return opts;
  const missing = missingPrerequisite({
    files: [[SSHD, "openssh-server"], [SFTP_SERVER, "openssh-sftp-server"]],
    clients: ["sftp", "scp"],
  });
  if (missing) {
    console.error(missing);
    return 1;
  }
  installCleanupHandlers();
  const dir = makeScratchDir("tsshd-sftp-bench-", opts.dir);
  const keys = copyTestKeys(REPO, dir);

  const bytes = opts.mib * MIB;
  const src = join(dir, "src.bin");
  const tiny = join(dir, "tiny.bin");
  progress(`writing ${opts.mib} MiB of random data to ${src}…\n`);
  randomFile(src, bytes);
  writeFileSync(tiny, "x");
  const sha = await sha256File(src);

  const me = userInfo();
  const rc = rcHidingPrefix(me.homedir);
  const columns = await startColumns({
    repo: REPO,
    dir,
    keys,
    variants: opts.variants,
    build: opts.build,
    prefix: rc.prefix,
    openssh: startOpenSshWithSftp,
  });
  const running = runningServers(columns);
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
  const config = writeClientConfig({ ...keys, dir, user: me.username, servers: targets });
  const header = [
    ...reportHeader(
      "tsshd vs OpenSSH sshd + sftp-server — file transfers, same machine, same run, same clients",
      REPO,
      opts.variants,
    ),
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
  const notes = ["spread (min–max MB/s of the timed runs) and set-up time subtracted (median ms):"];
  for (const cipher of opts.ciphers) {
    const short = cipher.replace(/@openssh\.com$/, "");
    for (const c of opts.cases) {
      const row = await measureRow(columns, c, { config, cipher, dir, src, tiny, bytes, sha, runs: opts.runs });
      const metric = `${c.name}, ${short} (MB/s)`;
      rows.push({ metric, better: "higher", digits: 1, cells: row.cells });
      notes.push(`  ${metric}: spread ${row.spread.join(", ") || "-"}; set-up ms ${row.setup.join(", ") || "-"}`);
    }
  }
  console.log(formatReport({ header, servers: columns.map((c) => c.name), rows, notes }));
  return 0;
}

runScript(main, () => {
  for (const r of relays) r.close();
});
