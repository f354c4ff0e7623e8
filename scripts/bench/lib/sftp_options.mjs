/**
 * Command-line options of the SFTP/scp benchmark (`node scripts/bench/sftp.mjs --help`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UsageError, VARIANTS } from "./options.mjs";
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
  --no-build          do not run 'deno task build'; use the existing dist/tsshd
  -h, --help          show this help
`;

/**
 * @typedef {object} SftpBenchOptions
 * @property {string[]} variants tsshd variants to run
 * @property {import("./sftp_cases.mjs").TransferCase[]} cases the transfers, in row order
 * @property {number} mib file size in MiB
 * @property {number} runs timed runs per cell
 * @property {string[]} ciphers ciphers, `default` = the client's choice
 * @property {string} dir parent of the temp dir
 * @property {number} rttMs emulated round-trip time added by a relay (0 = none)
 * @property {boolean} build build dist/tsshd first
 * @property {boolean} help print usage and exit
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
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string" },
        cases: { type: "string" },
        mib: { type: "string" },
        runs: { type: "string" },
        ciphers: { type: "string" },
        dir: { type: "string" },
        "rtt-ms": { type: "string" },
        "no-build": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const quick = values.quick === true;
  const list = (/** @type {string | undefined} */ text) => text?.split(",").map((s) => s.trim()).filter(Boolean);
  const variants = list(values.only) ?? [...VARIANTS];
  for (const v of variants) {
    if (!VARIANTS.includes(v)) throw new UsageError(`--only: unknown variant '${v}' (choose from ${VARIANTS})`);
  }
  const names = list(values.cases) ?? CASES.map((c) => c.name);
  for (const n of names) {
    if (!CASES.some((c) => c.name === n)) throw new UsageError(`--cases: unknown case '${n}'`);
  }
  return {
    variants: VARIANTS.filter((v) => variants.includes(v)),
    cases: CASES.filter((c) => names.includes(c.name)),
    mib: count("--mib", values.mib, quick ? 64 : 256),
    runs: count("--runs", values.runs, quick ? 1 : 3),
    ciphers: list(values.ciphers) ?? [...SFTP_CIPHERS],
    dir: values.dir ?? DEFAULT_DIR,
    rttMs: values["rtt-ms"] === undefined ? 0 : count("--rtt-ms", values["rtt-ms"], 0),
    build: values["no-build"] !== true,
    help: values.help === true,
  };
}

/**
 * @param {string} flag
 * @param {string | undefined} text
 * @param {number} fallback
 * @returns {number}
 */
function count(flag, text, fallback) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}
