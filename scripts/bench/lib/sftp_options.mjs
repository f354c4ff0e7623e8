/**
 * Command-line options of the SFTP/scp benchmark (`node scripts/bench/sftp.mjs --help`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseSharedOptions, pickChoices, positiveInt, USAGE_TAIL, VARIANTS } from "./shared_options.mjs";
import { CASES } from "./sftp_cases.mjs";

/** The ciphers measured, in row order; `default` lets the client choose (chacha20-poly1305 for OpenSSH 9). */
export const SFTP_CIPHERS = ["default", "aes128-gcm@openssh.com"];

/**
 * Where the files go by default: the home directory's cache, because tsshd running as root applies
 * sshd's StrictModes to authorized_keys and refuses one below a world-writable directory such as
 * /tmp (and not /dev/shm either: Deno wants --allow-all to open files under /dev).
 */
const HOME_CACHE = join(homedir(), ".cache");
const DEFAULT_DIR = existsSync(HOME_CACHE) ? HOME_CACHE : tmpdir();

/** The `--help` text. */
export const SFTP_USAGE = `Usage: node scripts/bench/sftp.mjs [options]

File transfers through tsshd (Deno, Bun, single binary) against OpenSSH's sshd with its
sftp-server, on this machine with the same clients: sftp put/get, scp up/down (SFTP mode)
and scp -O up/down (legacy protocol). Prints MB/s and the ratio tsshd/OpenSSH (> 1 = tsshd faster).

Options:
  --quick             64 MiB files, 1 timed run per cell
  --only LIST         tsshd variants, comma-separated from: ${VARIANTS.join(",")} (default all)
  --cases LIST        comma-separated case names (default all: ${CASES.map((c) => c.name).join(", ")})
  --mib N             file size in MiB (default 256; 64 with --quick)
  --runs N            timed runs per cell, the median is shown (default 3; 1 with --quick)
  --ciphers LIST      comma-separated ciphers; 'default' = the client's choice (default ${SFTP_CIPHERS.join(",")})
  --dir PATH          where the temp dir with the files goes (default ${DEFAULT_DIR})
  --rtt-ms N          put a relay that adds N ms of round-trip time in front of every server
                      (emulates a link with latency: what the channel windows are for; default 0)
${USAGE_TAIL}`;

/**
 * The shared options (`mib`: file size in MiB, `runs`: timed runs per cell, `ciphers`: `default` = the
 * client's choice…) and sftp.mjs's own.
 *
 * @typedef {import("./shared_options.mjs").SharedOptions & SftpOnlyOptions} SftpBenchOptions
 */

/**
 * @typedef {object} SftpOnlyOptions
 * @property {import("./sftp_cases.mjs").TransferCase[]} cases the transfers, in row order
 * @property {string} dir parent of the temp dir
 * @property {number} rttMs emulated round-trip time added by a relay (0 = none)
 */

/**
 * Parse argv (without `node` and the script path).
 *
 * @example
 * ```js
 * const o = parseSftpOptions(["--quick", "--only", "deno", "--cases", "sftp put,sftp get"]);
 * o.mib; // 64
 * ```
 * @param {string[]} argv
 * @returns {SftpBenchOptions}
 */
export function parseSftpOptions(argv) {
  const { shared, strings } = parseSharedOptions(argv, {
    mib: 256,
    ciphers: SFTP_CIPHERS,
    strings: ["cases", "dir", "rtt-ms"],
  });
  const names = pickChoices(strings.cases, { flag: "--cases", noun: "case", all: CASES.map((c) => c.name) });
  return {
    ...shared,
    cases: CASES.filter((c) => names.includes(c.name)),
    dir: strings.dir ?? DEFAULT_DIR,
    rttMs: positiveInt("--rtt-ms", strings["rtt-ms"], 0),
  };
}
