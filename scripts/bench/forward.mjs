#!/usr/bin/env node
/**
 * Port-forwarding throughput of tsshd against OpenSSH's sshd on this machine, in the same run, with
 * the same ssh client: bytes pushed through `ssh -N -L` (client → server → sink: the server's
 * receive path) and `ssh -N -R` (server → client → sink: the server's send path) to a TCP sink in
 * this process, per cipher, printed as MB/s with the ratio tsshd/OpenSSH (> 1 = tsshd faster).
 *
 * Run from the repository root: `node scripts/bench/forward.mjs` (see `--help`). It reuses the
 * machinery of `run.mjs` (throwaway sshd config, tsshd variants, client config, clean-up).
 *
 * One long-lived `ssh -N` per server, cipher and direction carries every transfer of its cell:
 * one untimed warm-up transfer, then `--runs` timed ones, the servers interleaved round by round.
 * A transfer is one TCP connection through the forward: the clock runs from the connect to the
 * sink's receipt of the last byte (the sink checks the count), so the ssh handshake is excluded.
 *
 * @module
 */
import { scratchParent } from "./lib/scratch_dir.mjs";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { connect as netConnect, createServer } from "node:net";
import { execFileSync } from "node:child_process";
import { loadavg, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { cleanup, installCleanupHandlers, isStopping, trackPath } from "./lib/cleanup.mjs";
import { runSsh, writeClientConfig } from "./lib/client.mjs";
import { machineReport } from "./lib/machine.mjs";
import { negotiated, randomBlock } from "./lib/measure.mjs";
import { SSHD, startOpenSsh } from "./lib/openssh.mjs";
import { UsageError, VARIANTS } from "./lib/options.mjs";
import { formatTable } from "./lib/report.mjs";
import { freePort } from "./lib/server_process.mjs";
import { median, range } from "./lib/stats.mjs";
import { buildBinary, startTsshd } from "./lib/tsshd.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MIB = 1 << 20;
/** Bytes per socket write. */
const CHUNK = MIB;
/** Size of the untimed warm-up transfer of each cell. */
const WARMUP_BYTES = 32 * MIB;
/** The ciphers measured, in row order; `default` lets the client choose (chacha20-poly1305 for OpenSSH 9). */
const CIPHERS = ["default", "aes128-gcm@openssh.com"];
const MODES = ["L", "R"];

const progress = (/** @type {string} */ text) => process.stderr.write(text);

/** The `--help` text. */
const USAGE = `Usage: node scripts/bench/forward.mjs [options]

Throughput of TCP port forwarding through tsshd (Deno, Bun, single binary) against OpenSSH's
sshd, on this machine with the same ssh client: N MiB pushed through 'ssh -N -L' (the server
receives and decrypts) and 'ssh -N -R' (the server encrypts and sends) to a local TCP sink.
Prints MB/s and the ratio tsshd/OpenSSH (> 1 = tsshd faster).

Options:
  --quick             64 MiB per transfer, 1 timed run per cell
  --only LIST         tsshd variants, comma-separated from: ${VARIANTS.join(",")} (default all)
  --mib N             MiB per transfer (default 512; 64 with --quick)
  --runs N            timed transfers per cell, the median is shown (default 3; 1 with --quick)
  --ciphers LIST      comma-separated ciphers; 'default' = the client's choice (default ${CIPHERS.join(",")})
  --modes LIST        L, R or both (default L,R)
  --no-build          do not run 'deno task build'; use the existing dist/tsshd
  -h, --help          show this help
`;

/**
 * @typedef {object} ForwardBenchOptions
 * @property {string[]} variants tsshd variants to run
 * @property {number} mib MiB per transfer
 * @property {number} runs timed transfers per cell
 * @property {string[]} ciphers ciphers, `default` = the client's choice
 * @property {string[]} modes `L` and/or `R`
 * @property {boolean} build build dist/tsshd first
 * @property {boolean} help print usage and exit
 */

/**
 * Parse argv (without `node` and the script path).
 *
 * @example
 * ```js
 * parseForwardOptions(["--quick", "--modes", "L"]).mib; // 64
 * ```
 * @param {string[]} argv
 * @returns {ForwardBenchOptions}
 */
export function parseForwardOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string" },
        mib: { type: "string" },
        runs: { type: "string" },
        ciphers: { type: "string" },
        modes: { type: "string" },
        "no-build": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const list = (/** @type {string | undefined} */ text, /** @type {string[]} */ all) =>
    text === undefined ? [...all] : text.split(",").map((s) => s.trim()).filter(Boolean);
  const variants = list(values.only, VARIANTS);
  for (const v of variants) {
    if (!VARIANTS.includes(v)) {
      throw new UsageError(`--only: unknown variant '${v}' (choose from ${VARIANTS.join(",")})`);
    }
  }
  const modes = list(values.modes, MODES).map((m) => m.replace(/^-/, "").toUpperCase());
  for (const m of modes) if (!MODES.includes(m)) throw new UsageError(`--modes: unknown mode '${m}' (L or R)`);
  const quick = values.quick === true;
  const positive = (/** @type {string} */ flag, /** @type {string | undefined} */ text, /** @type {number} */ d) => {
    if (text === undefined) return d;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${text}'`);
    return n;
  };
  return {
    variants: VARIANTS.filter((v) => variants.includes(v)),
    mib: positive("--mib", values.mib, quick ? 64 : 512),
    runs: positive("--runs", values.runs, quick ? 1 : 3),
    ciphers: list(values.ciphers, CIPHERS),
    modes: MODES.filter((m) => modes.includes(m)),
    build: values["no-build"] !== true,
    help: values.help === true,
  };
}

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

/** @typedef {{name: string, server?: import("./lib/server_process.mjs").RunningServer, failure?: Error}} Column */

/**
 * Measure one row (a mode with a cipher) for every column: a tunnel per server, one warm-up, then
 * `runs` timed transfers with the servers interleaved round by round.
 *
 * @param {Column[]} columns
 * @param {{config: string, mode: string, cipher: string, bytes: number, runs: number, data: Uint8Array,
 *   sink: Awaited<ReturnType<typeof startSink>>}} o
 * @returns {Promise<{cells: Map<string, number | Error>, spread: string[]}>}
 */
async function measureRow(columns, o) {
  /** @type {Map<string, {port: number, stop: () => Promise<void>, rates: number[]} | Error>} */
  const state = new Map();
  progress(`-${o.mode} ${o.cipher}:`);
  for (const col of columns) {
    if (col.failure || !col.server) {
      state.set(col.name, col.failure ?? new Error("not started"));
      continue;
    }
    try {
      state.set(col.name, {
        ...(await startTunnel(o.config, col.server.host, o.mode, o.cipher, o.sink.port)),
        rates: [],
      });
    } catch (e) {
      state.set(col.name, e instanceof Error ? e : new Error(String(e)));
    }
  }
  try {
    for (let round = 0; round <= o.runs; round++) {
      for (const col of columns) {
        if (isStopping()) throw new Error("stopped");
        const st = state.get(col.name);
        if (st === undefined || st instanceof Error) continue;
        try {
          if (col.server && !col.server.alive()) throw new Error(`server exited: ${col.server.tail()}`);
          const rate = await transfer(st.port, round === 0 ? Math.min(WARMUP_BYTES, o.bytes) : o.bytes, o.data, o.sink);
          if (round > 0) st.rates.push(rate);
        } catch (e) {
          if (isStopping()) throw e;
          await st.stop();
          state.set(col.name, e instanceof Error ? e : new Error(String(e)));
          progress(` [${col.name} FAILED]`);
        }
      }
      progress(round === 0 ? "w" : ".");
    }
  } finally {
    for (const st of state.values()) if (!(st instanceof Error)) await st.stop();
    progress("\n");
  }
  /** @type {Map<string, number | Error>} */
  const cells = new Map();
  const spread = [];
  for (const [name, st] of state) {
    if (st instanceof Error) cells.set(name, st);
    else if (st.rates.length === 0) cells.set(name, new Error("no samples"));
    else {
      cells.set(name, median(st.rates));
      const { min, max } = range(st.rates);
      spread.push(`${name} ${min.toFixed(0)}–${max.toFixed(0)}`);
    }
  }
  return { cells, spread };
}

/** @returns {Promise<number>} the exit code */
async function main() {
  let opts;
  try {
    opts = parseForwardOptions(process.argv.slice(2));
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
  if (!existsSync("/proc/net/tcp")) {
    console.error("bench: /proc/net/tcp is needed to see when a forward listens (Linux only)");
    return 1;
  }
  installCleanupHandlers();
  const dir = trackPath(mkdtempSync(join(scratchParent(), "tsshd-forward-bench-")), "tree");
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
  progress("starting servers…\n");
  for (const c of columns) {
    if (c.failure) continue;
    const port = await freePort();
    try {
      c.server = c.name === "OpenSSH"
        ? await startOpenSsh({ dir, port, hostKey, authorizedKeys })
        : await startTsshd({ repo: REPO, variant: c.name.slice("tsshd-".length), port, hostKey, authorizedKeys });
    } catch (e) {
      c.failure = e instanceof Error ? e : new Error(String(e));
      if (c.name === "OpenSSH") throw c.failure;
      progress(`${c.name} did not start: ${c.failure.message}\n`);
    }
  }
  const running = columns.flatMap((c) => (c.server ? [c.server] : []));
  const config = writeClientConfig({ dir, user: userInfo().username, identity, hostKeyPub, servers: running });
  const kex = [];
  for (const s of running) {
    try {
      kex.push(`  ${s.name.padEnd(13)} ${await negotiated(config, s.host)}`);
    } catch (e) {
      kex.push(`  ${s.name.padEnd(13)} ? (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  const header = [
    "port forwarding: tsshd vs OpenSSH sshd — same machine, same run, same ssh client",
    ...machineReport(REPO, opts.variants),
    `load:    ${loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15-min load average at start)`,
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
  const spreads = [];
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
  console.log(
    "\n" + [
      ...header,
      "negotiated (kex / host key / default cipher):",
      ...kex,
      "",
      formatTable(columns.map((c) => c.name), rows),
      "",
      "spread (min–max of the timed runs, MB/s):",
      ...spreads,
      `load at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    ].join("\n"),
  );
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
