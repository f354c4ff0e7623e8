/**
 * Command-line options of the port-forwarding benchmark (`node scripts/bench/forward.mjs --help`).
 *
 * @module
 */
import { parseSharedOptions, pickChoices, USAGE_TAIL, VARIANTS } from "./shared_options.mjs";

/** The ciphers measured, in row order; `default` lets the client choose (chacha20-poly1305 for OpenSSH 9). */
export const FORWARD_CIPHERS = ["default", "aes128-gcm@openssh.com"];

/** The forwarding modes, in row order: `ssh -L` and `ssh -R`. */
const MODES = ["L", "R"];

/** The `--help` text. */
export const FORWARD_USAGE = `Usage: node scripts/bench/forward.mjs [options]

Throughput of TCP port forwarding through tsshd (Deno, Bun, single binary) against OpenSSH's
sshd, on this machine with the same ssh client: N MiB pushed through 'ssh -N -L' (the server
receives and decrypts) and 'ssh -N -R' (the server encrypts and sends) to a local TCP sink.
Prints MB/s and the ratio tsshd/OpenSSH (> 1 = tsshd faster).

Options:
  --quick             64 MiB per transfer, 1 timed run per cell
  --only LIST         tsshd variants, comma-separated from: ${VARIANTS.join(",")} (default all)
  --mib N             MiB per transfer (default 512; 64 with --quick)
  --runs N            timed transfers per cell, the median is shown (default 3; 1 with --quick)
  --ciphers LIST      comma-separated ciphers; 'default' = the client's choice (default ${FORWARD_CIPHERS.join(",")})
  --modes LIST        L, R or both (default L,R)
${USAGE_TAIL}`;

/**
 * The shared options (`mib`: MiB per transfer, `runs`: timed transfers per cell, `ciphers`: `default` =
 * the client's choice…) and forward.mjs's own.
 *
 * @typedef {import("./shared_options.mjs").SharedOptions & ForwardOnlyOptions} ForwardBenchOptions
 */

/**
 * @typedef {object} ForwardOnlyOptions
 * @property {string[]} modes `L` and/or `R`, in that order
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
  const { shared, strings } = parseSharedOptions(argv, {
    mib: 512,
    ciphers: FORWARD_CIPHERS,
    strings: ["modes"],
  });
  const normalize = (/** @type {string} */ m) => m.replace(/^-/, "").toUpperCase();
  return {
    ...shared,
    modes: pickChoices(strings.modes, { flag: "--modes", noun: "mode", all: MODES, hint: "L or R", normalize }),
  };
}
