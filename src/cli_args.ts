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
  return {
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

function cleanParseError(msg: string): string {
  const first = msg.split("\n")[0];
  const unknown = /Unknown option '([^']+)'/.exec(first);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  return first.replace(/\.$/, "");
}
