/**
 * Command-line options of the benchmark (`node scripts/bench/run.mjs --help`).
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Every tsshd variant the benchmark knows, in column order. */
export const VARIANTS = ["deno", "bun", "binary"];

/** The ciphers measured for bulk throughput, in row order. */
export const CIPHERS = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"];

/** The `--help` text. */
export const USAGE = `Usage: node scripts/bench/run.mjs [options]

Benchmarks tsshd (Deno, Bun, single binary) against OpenSSH's sshd on this machine,
with the same ssh client, and prints the results as ratios.

Options:
  --quick             fewer runs and 64 MiB transfers (latency runs 8, throughput runs 1)
  --only LIST         tsshd variants to run, comma-separated from: deno,bun,binary (default all)
  --mib N             MiB per bulk transfer (default 256; 64 with --quick)
  --runs N            throughput runs per cell, the median is shown (default 3; 1 with --quick)
  --latency-runs N    'ssh HOST true' runs per server, after 2 warm-ups (default 20; 8 with --quick)
  --ciphers LIST      comma-separated ciphers (default ${CIPHERS.join(",")})
  --wall              throughput over the whole ssh command (connection set-up included)
                      instead of over the transfer itself
  --keep-rc           let the servers' shells source the account's ~/.bashrc (default: as root, hide it
                      from every server in a private mount namespace, so latency measures the server)
  --no-build          do not run 'deno task build'; use the existing dist/tsshd
  -h, --help          show this help
`;

/** A command-line problem: print the message and the usage, exit 2. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * @typedef {object} BenchOptions
 * @property {string[]} variants tsshd variants to run, a subset of {@link VARIANTS}
 * @property {number} mib MiB per bulk transfer
 * @property {number} runs throughput runs per cell
 * @property {number} latencyRuns `ssh HOST true` runs per server
 * @property {number} warmups latency warm-up runs per server
 * @property {string[]} ciphers ciphers for the throughput rows
 * @property {boolean} wall measure throughput over the whole command
 * @property {boolean} build build dist/tsshd first
 * @property {boolean} keepRc let the shells source ~/.bashrc
 * @property {boolean} help print usage and exit
 */

/**
 * Parse argv (without `node` and the script path).
 *
 * @example
 * ```js
 * const o = parseOptions(["--quick", "--only", "deno"]);
 * o.mib; // 64
 * o.variants; // ["deno"]
 * ```
 * @param {string[]} argv
 * @returns {BenchOptions}
 */
export function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string" },
        mib: { type: "string" },
        runs: { type: "string" },
        "latency-runs": { type: "string" },
        ciphers: { type: "string" },
        wall: { type: "boolean", default: false },
        "no-build": { type: "boolean", default: false },
        "keep-rc": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const quick = values.quick === true;
  const variants = values.only === undefined ? [...VARIANTS] : values.only.split(",").map((s) => s.trim());
  for (const v of variants) {
    if (!VARIANTS.includes(v)) {
      throw new UsageError(`--only: unknown variant '${v}' (choose from ${VARIANTS.join(",")})`);
    }
  }
  return {
    variants: VARIANTS.filter((v) => variants.includes(v)),
    mib: positiveInt("--mib", values.mib, quick ? 64 : 256),
    runs: positiveInt("--runs", values.runs, quick ? 1 : 3),
    latencyRuns: positiveInt("--latency-runs", values["latency-runs"], quick ? 8 : 20),
    warmups: 2,
    ciphers: values.ciphers === undefined ? [...CIPHERS] : values.ciphers.split(",").map((s) => s.trim()),
    wall: values.wall === true,
    build: values["no-build"] !== true,
    keepRc: values["keep-rc"] === true,
    help: values.help === true,
  };
}

/**
 * @param {string} flag
 * @param {string | undefined} text
 * @param {number} fallback
 * @returns {number}
 */
function positiveInt(flag, text, fallback) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}
