/**
 * Command-line options of the benchmark (`node scripts/bench/run.mjs --help`).
 *
 * @module
 */
import { parseSharedOptions, positiveInt, USAGE_TAIL } from "./shared_options.mjs";

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
${USAGE_TAIL}`;

/**
 * The shared options (`mib`: MiB per bulk transfer, `runs`: throughput runs per cell…) and run.mjs's own.
 *
 * @typedef {import("./shared_options.mjs").SharedOptions & RunOnlyOptions} BenchOptions
 */

/**
 * @typedef {object} RunOnlyOptions
 * @property {number} latencyRuns `ssh HOST true` runs per server
 * @property {number} warmups latency warm-up runs per server
 * @property {boolean} wall measure throughput over the whole command
 * @property {boolean} keepRc let the shells source ~/.bashrc
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
  const { shared, strings, flags } = parseSharedOptions(argv, {
    mib: 256,
    ciphers: CIPHERS,
    strings: ["latency-runs"],
    flags: ["wall", "keep-rc"],
  });
  return {
    ...shared,
    latencyRuns: positiveInt("--latency-runs", strings["latency-runs"], shared.quick ? 8 : 20),
    warmups: 2,
    wall: flags.wall,
    keepRc: flags["keep-rc"],
  };
}
