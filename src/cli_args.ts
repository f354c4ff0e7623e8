/**
 * Command-line flags of the `tsshd` binary, parsed with `node:util` parseArgs
 * into a plain settings object. No I/O here, so it is easy to test.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Settings from the command line. */
export interface CliSettings {
  port: number;
  listen: string;
  hostKeys: string[];
  authorizedKeys: string;
  shell?: string;
  verbose: number;
  help: boolean;
  version: boolean;
  /** `--rekey-limit`: bytes and milliseconds (0 = no time limit). */
  rekeyBytes?: number;
  rekeyIntervalMs?: number;
  /** `--client-alive-interval` in ms (0 = off) and `--client-alive-count-max`. */
  clientAliveIntervalMs?: number;
  clientAliveCountMax?: number;
}

/** A bad command line; `message` is the one line to print. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The `--help` text. */
export const USAGE = `Usage: tsshd [options]

An SSH server. Serves the account it runs as; clients log in with a key listed
in the authorized-keys file.

Options:
  -p, --port PORT              TCP port to listen on (default 2200)
  -b, --listen ADDR            address to bind (default 0.0.0.0, all IPv4 interfaces; :: for IPv6)
  -k, --key FILE               host private key (OpenSSH format); repeatable. A missing file is
                               created as a new ed25519 key (mode 0600).
                               (default ~/.config/tsshd/ssh_host_ed25519_key)
  -a, --authorized-keys FILE   authorized public keys (default ~/.ssh/authorized_keys)
      --shell PATH             shell for sessions (default: the account's login shell)
      --rekey-limit SIZE [TIME]  rekey after SIZE bytes (K/M/G suffixes) or TIME (s/m/h suffixes),
                               as one argument like sshd's RekeyLimit: "1G 1h" (default)
      --client-alive-interval SECONDS  send a keepalive after this much client silence (default 0: off)
      --client-alive-count-max N  unanswered keepalives before disconnect (default 3)
  -v, --verbose                more log output (repeat for debug)
  -h, --help                   show this help and exit
  -V, --version                print the version and exit
`;

/**
 * Parse argv (without the program name).
 *
 * @example
 * ```ts
 * const s = parseCli(["-p", "2222", "-k", "host_key"], "/home/me");
 * s.port; // 2222
 * ```
 */
export function parseCli(argv: string[], home: string): CliSettings {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string", short: "p" },
        listen: { type: "string", short: "b" },
        key: { type: "string", short: "k", multiple: true },
        "authorized-keys": { type: "string", short: "a" },
        shell: { type: "string" },
        verbose: { type: "boolean", short: "v", multiple: true },
        "rekey-limit": { type: "string" },
        "client-alive-interval": { type: "string" },
        "client-alive-count-max": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (e) {
    throw new UsageError(`${cleanParseError((e as Error).message)} (see tsshd --help)`);
  }
  const v = parsed.values;
  let port = 2200;
  if (v.port !== undefined) {
    if (!/^\d+$/.test(v.port) || Number(v.port) > 65535) {
      throw new UsageError(`invalid port '${v.port}': expected a number from 0 to 65535`);
    }
    port = Number(v.port);
  }
  const listen = v.listen ?? "0.0.0.0";
  if (listen === "") throw new UsageError("empty listen address");
  const rekey = v["rekey-limit"] === undefined ? undefined : parseRekeyLimit(v["rekey-limit"]);
  return {
    rekeyBytes: rekey?.bytes,
    rekeyIntervalMs: rekey?.ms,
    clientAliveIntervalMs: v["client-alive-interval"] === undefined
      ? undefined
      : parseCount(v["client-alive-interval"], "--client-alive-interval") * 1000,
    clientAliveCountMax: v["client-alive-count-max"] === undefined
      ? undefined
      : parseCount(v["client-alive-count-max"], "--client-alive-count-max"),
    port,
    listen,
    hostKeys: v.key && v.key.length ? v.key : [`${home}/.config/tsshd/ssh_host_ed25519_key`],
    authorizedKeys: v["authorized-keys"] ?? `${home}/.ssh/authorized_keys`,
    shell: v.shell,
    verbose: v.verbose?.length ?? 0,
    help: v.help ?? false,
    version: v.version ?? false,
  };
}

const SIZE_UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const TIME_UNITS: Record<string, number> = { "": 1, S: 1, M: 60, H: 3600, D: 86400, W: 604800 };

/**
 * sshd's RekeyLimit syntax: `SIZE [TIME]`, SIZE with K/M/G or `default`/`none`,
 * TIME with s/m/h/d/w or `none`. The smallest accepted SIZE is 16 bytes (as sshd).
 */
export function parseRekeyLimit(text: string): { bytes: number; ms: number } {
  const [size, time, extra] = text.trim().split(/\s+/);
  if (!size || extra !== undefined) throw new UsageError(`invalid --rekey-limit '${text}': expected "SIZE [TIME]"`);
  let bytes = 1024 ** 3;
  if (size !== "default" && size !== "none") {
    const m = /^(\d+)([KMG]?)$/i.exec(size);
    if (!m || Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()] < 16) {
      throw new UsageError(`invalid --rekey-limit size '${size}': expected a number with K, M or G (at least 16)`);
    }
    bytes = Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()];
  } else if (size === "none") bytes = Number.MAX_SAFE_INTEGER;
  let ms = 3_600_000;
  if (time !== undefined) {
    if (time === "none") ms = 0;
    else {
      const m = /^(\d+)([smhdw]?)$/i.exec(time);
      if (!m) throw new UsageError(`invalid --rekey-limit time '${time}': expected a number with s, m, h, d or w`);
      ms = Number(m[1]) * TIME_UNITS[m[2].toUpperCase()] * 1000;
    }
  }
  return { bytes, ms };
}

function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid ${flag} '${text}': expected a whole number`);
  return Number(text);
}

function cleanParseError(msg: string): string {
  const first = msg.split("\n")[0];
  const unknown = /Unknown option '([^']+)'/.exec(first);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  return first.replace(/\.$/, "");
}
