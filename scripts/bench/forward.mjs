#!/usr/bin/env node
/**
 * Port-forwarding throughput of tsshd against OpenSSH's sshd on this machine, in the same run, with
 * the same ssh client: bytes pushed through `ssh -N -L` (client → server → sink: the server's
 * receive path) and `ssh -N -R` (server → client → sink: the server's send path) to a TCP sink in
 * this process, per cipher, printed as MB/s with the ratio tsshd/OpenSSH (> 1 = tsshd faster).
 *
 * Run from the repository root: `node scripts/bench/forward.mjs` (see `--help`). It shares
 * `run.mjs`'s machinery in lib/ (throwaway sshd config, tsshd variants, client config, clean-up).
 *
 * One long-lived `ssh -N` per server, cipher and direction carries every transfer of its cell:
 * one untimed warm-up transfer, then `--runs` timed ones, the servers interleaved round by round.
 * A transfer is one TCP connection through the forward: the clock runs from the connect to the
 * sink's receipt of the last byte (the sink checks the count), so the ssh handshake is excluded.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { connect as netConnect, createServer } from "node:net";
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { installCleanupHandlers } from "./lib/cleanup.mjs";
import { runSsh, writeClientConfig } from "./lib/client.mjs";
import { asError, runningServers, startColumns } from "./lib/columns.mjs";
import { FORWARD_USAGE, parseForwardOptions } from "./lib/forward_options.mjs";
import { negotiatedReport, randomBlock } from "./lib/measure.mjs";
import { SSHD } from "./lib/openssh.mjs";
import { missingPrerequisite } from "./lib/prerequisites.mjs";
import { formatReport, reportHeader, summarize } from "./lib/report.mjs";
import { interleaveRounds } from "./lib/rounds.mjs";
import { makeScratchDir } from "./lib/scratch_dir.mjs";
import { progress, readOptions, runScript } from "./lib/script_main.mjs";
import { freePort } from "./lib/server_process.mjs";
import { copyTestKeys } from "./lib/test_keys.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** Bytes per socket write. */
const CHUNK = MIB;
/** Size of the untimed warm-up transfer of each cell. */
const WARMUP_BYTES = 32 * MIB;

/**
 * A TCP sink on 127.0.0.1: counts each connection's bytes and, at its EOF, half-closes back and
 * reports `{bytes, lastAt}` to whoever is waiting for the next connection to finish.
 *
 * @returns {Promise<{port: number, next: () => Promise<{bytes: number, lastAt: number}>, close: () => void}>}
 */
async function startSink() {
  /** @type {Array<(r: {bytes: number, lastAt: number}) => void>} */
  const waiting = [];
  /** @type {Array<{bytes: number, lastAt: number}>} */
  const finished = [];
  const server = createServer((sock) => {
    let bytes = 0;
    let lastAt = 0;
    sock.on("data", (d) => {
      bytes += d.length;
      lastAt = performance.now();
    });
    sock.on("error", () => {});
    sock.on("end", () => {
      sock.end();
      const r = { bytes, lastAt };
      const w = waiting.shift();
      if (w) w(r);
      else finished.push(r);
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(undefined)));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr !== null ? addr.port : 0,
    next: () => {
      const r = finished.shift();
      return r ? Promise.resolve(r) : new Promise((ok) => waiting.push(ok));
    },
    close: () => server.close(),
  };
}

/**
 * Is a TCP socket listening on 127.0.0.1:`port`? Read from /proc/net/tcp, because a probing
 * connection would itself be forwarded to the sink.
 *
 * @param {number} port
 * @returns {boolean}
 */
function isListening(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8").split("\n").some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === `0100007F:${hex}` && f[3] === "0A";
  });
}

/**
 * A long-lived `ssh -N -L|-R` from a free port on 127.0.0.1 to the sink; resolves once the
 * forwarded port listens (on the client for -L, on the server for -R).
 *
 * @param {string} config
 * @param {string} host
 * @param {string} mode `L` or `R`
 * @param {string} cipher `default` or a cipher name
 * @param {number} sinkPort
 * @returns {Promise<{port: number, stop: () => Promise<void>}>}
 */
async function startTunnel(config, host, mode, cipher, sinkPort) {
  const port = await freePort();
  const run = runSsh(
    config,
    [
      "-N",
      "-o",
      "ExitOnForwardFailure=yes",
      ...(cipher === "default" ? [] : ["-c", cipher]),
      `-${mode}`,
      `127.0.0.1:${port}:127.0.0.1:${sinkPort}`,
      host,
    ],
    { timeoutMs: 3_600_000 },
  );
  run.child.stdin.end();
  let exited = false;
  const done = run.done.finally(() => (exited = true));
  const stop = async () => {
    if (!exited) run.child.kill("SIGTERM");
    await done.catch(() => {});
  };
  const deadline = Date.now() + 20_000;
  while (!isListening(port)) {
    if (exited) {
      const r = await done;
      throw new Error(
        `ssh -${mode} exited (${r.signal ?? r.code}): ${r.stderr.trim().split("\n").slice(-2).join(" | ")}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`ssh -${mode} did not listen on port ${port} within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop };
}

/**
 * Push `bytes` (repeating `data`) through the forward listening on `port` to the sink; MB/s from
 * the connect to the sink's receipt of the last byte. Throws if the sink counted another size.
 *
 * @param {number} port
 * @param {number} bytes
 * @param {Uint8Array} data a multiple of {@link CHUNK}
 * @param {{next: () => Promise<{bytes: number, lastAt: number}>}} sink
 * @returns {Promise<number>}
 */
async function transfer(port, bytes, data, sink) {
  const arrived = sink.next();
  const t0 = performance.now();
  const sock = netConnect(port, "127.0.0.1");
  /** @type {Promise<never>} */
  const failed = new Promise((_, fail) => {
    sock.once("error", fail);
    sock.once("close", () => fail(new Error("the forwarded connection closed before the sink saw its end")));
  });
  failed.catch(() => {});
  const limitMs = 30_000 + bytes / 1000;
  const timer = setTimeout(() => sock.destroy(new Error(`no end after ${limitMs} ms`)), limitMs);
  try {
    await Promise.race([new Promise((ok) => sock.once("connect", ok)), failed]);
    for (let sent = 0; sent < bytes;) {
      const n = Math.min(CHUNK, bytes - sent);
      const off = sent % data.length;
      const ok = sock.write(data.subarray(off, off + n));
      sent += n;
      if (!ok) await Promise.race([new Promise((r) => sock.once("drain", r)), failed]);
    }
    sock.end();
    const r = await Promise.race([arrived, failed]);
    if (r.bytes !== bytes) throw new Error(`the sink received ${r.bytes} bytes, sent ${bytes}`);
    return bytes / 1e6 / ((r.lastAt - t0) / 1000);
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/**
 * Measure one row (a mode with a cipher) for every column: a tunnel per server, one warm-up, then
 * `runs` timed transfers with the servers interleaved round by round.
 *
 * @param {import("./lib/columns.mjs").Column[]} columns
 * @param {{config: string, mode: string, cipher: string, bytes: number, runs: number, data: Uint8Array,
 *   sink: Awaited<ReturnType<typeof startSink>>}} o
 * @returns {Promise<{cells: Map<string, number | Error>, spread: string[]}>}
 */
async function measureRow(columns, o) {
  /** @type {Map<string, {port: number, stop: () => Promise<void>, rates: number[]} | Error>} */
  const tunnels = new Map();
  for (const col of columns) {
    if (col.failure || !col.server) {
      tunnels.set(col.name, col.failure ?? new Error("not started"));
      continue;
    }
    try {
      tunnels.set(col.name, {
        ...(await startTunnel(o.config, col.server.host, o.mode, o.cipher, o.sink.port)),
        rates: [],
      });
    } catch (e) {
      tunnels.set(col.name, asError(e));
    }
  }
  try {
    await interleaveRounds(columns, tunnels, {
      label: `-${o.mode} ${o.cipher}`,
      first: 0,
      last: o.runs,
      mark: (round) => (round === 0 ? "w" : "."),
      step: async (_server, tunnel, round) => {
        const rate = await transfer(
          tunnel.port,
          round === 0 ? Math.min(WARMUP_BYTES, o.bytes) : o.bytes,
          o.data,
          o.sink,
        );
        if (round > 0) tunnel.rates.push(rate);
      },
      drop: (tunnel) => tunnel.stop(),
    });
  } finally {
    for (const t of tunnels.values()) if (!(t instanceof Error)) await t.stop();
  }
  return summarize(new Map([...tunnels].map(([name, t]) => [name, t instanceof Error ? t : t.rates])), 0);
}

/** @returns {Promise<number>} the exit code */
async function main() {
  const opts = readOptions(process.argv.slice(2), parseForwardOptions, FORWARD_USAGE);
  if (typeof opts === "number") return opts;
  const missing = missingPrerequisite({ files: [[SSHD, "openssh-server"]], clients: [] });
  if (missing) {
    console.error(missing);
    return 1;
  }
  if (!existsSync("/proc/net/tcp")) {
    console.error("bench: /proc/net/tcp is needed to see when a forward listens (Linux only)");
    return 1;
  }
  installCleanupHandlers();
  const dir = makeScratchDir("tsshd-forward-bench-");
  const keys = copyTestKeys(REPO, dir);
  const columns = await startColumns({ repo: REPO, dir, keys, variants: opts.variants, build: opts.build });
  const running = runningServers(columns);
  const config = writeClientConfig({ ...keys, dir, user: userInfo().username, servers: running });
  const negotiated = await negotiatedReport(config, running);

  const header = [
    ...reportHeader(
      "port forwarding: tsshd vs OpenSSH sshd — same machine, same run, same ssh client",
      REPO,
      opts.variants,
    ),
    `runs:    median of ${opts.runs} x ${opts.mib} MiB per cell, after one ${WARMUP_BYTES / MIB} MiB warm-up, ` +
    "through one long-lived 'ssh -N' per server and cell; timed from the TCP connect to the sink's last byte",
    "modes:   -L = this process → ssh → server → sink (server receives); -R = this process → server → ssh → sink " +
    "(server sends)",
    "ratio:   tsshd/OpenSSH: > 1 means tsshd is faster",
  ];
  const sink = await startSink();
  const data = randomBlock();
  const bytes = opts.mib * MIB;
  /** @type {import("./lib/report.mjs").Row[]} */
  const rows = [];
  const spreads = ["spread (min–max of the timed runs, MB/s):"];
  progress(`measuring ${running.map((s) => s.name).join(", ")} (w = warm-up, . = timed round)\n`);
  try {
    for (const cipher of opts.ciphers) {
      for (const mode of opts.modes) {
        const short = cipher === "default" ? "default cipher" : cipher.replace(/@openssh\.com$/, "");
        const metric = `-${mode} ${short} (MB/s)`;
        const r = await measureRow(columns, { config, mode, cipher, bytes, runs: opts.runs, data, sink });
        rows.push({ metric, better: "higher", digits: 1, cells: r.cells });
        spreads.push(`  ${metric}: ${r.spread.join(", ") || "no successful runs"}`);
      }
    }
  } finally {
    sink.close();
  }
  console.log(formatReport({ header, negotiated, servers: columns.map((c) => c.name), rows, notes: spreads }));
  return 0;
}

runScript(main);
