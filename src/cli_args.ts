/**
 * Command-line flags of the `tsshd` binary, parsed with `node:util` parseArgs
 * into a plain settings object. No I/O here, so it is easy to test.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CIPHERS, DEFAULT_CIPHERS } from "./ssh/crypto/ciphers.ts";
import { DEFAULT_MACS, MACS, OPTIONAL_MACS } from "./ssh/crypto/macs.ts";
import { DEFAULT_KEX, OPTIONAL_KEX, supportedKex } from "./ssh/crypto/kex/registry.ts";
import { DEFAULT_HOST_KEY_ALGS, DEFAULT_USER_SIG_ALGS } from "./ssh/config.ts";
import { FORWARD_HELP, FORWARD_OPTIONS, type ForwardSettings, forwardSettings } from "./cli_forward_args.ts";
import { AUTH_HELP, AUTH_OPTIONS, type AuthSettings, authSettings } from "./cli_auth_args.ts";
import { USERS_HELP, USERS_OPTIONS, type UsersSettings, usersSettings } from "./cli_users_args.ts";
import { HOSTBASED_HELP, HOSTBASED_OPTIONS, type HostbasedSettings, hostbasedSettings } from "./cli_hostbased_args.ts";
import { LOG_FORMATS, type LogFormat } from "./ops/log.ts";

/** Settings from the command line. */
export interface CliSettings extends ForwardSettings, AuthSettings, UsersSettings, HostbasedSettings {
  port: number;
  listen: string;
  hostKeys: string[];
  shell?: string;
  /** Cipher preference from `--ciphers`; undefined = the engine's default. */
  ciphers?: string[];
  /** MAC preference from `--macs`; undefined = the engine's default. */
  macs?: string[];
  /** Key exchange preference from `--kex`; undefined = the engine's default. */
  kex?: string[];
  verbose: number;
  /** `--log-format`: `syslog` (default) or `bare`. */
  logFormat: LogFormat;
  help: boolean;
  version: boolean;
  /** `--host-key-algorithms LIST` (ssh-rsa only when listed). */
  hostKeyAlgorithms?: string[];
  /** `--pubkey-accepted-algorithms LIST` (ssh-rsa only when listed). */
  pubkeyAcceptedAlgorithms?: string[];
  /** `--sftp-root DIR`: SFTP sessions see DIR as "/". */
  sftpRoot?: string;
  /** `--sftp-only`: only the SFTP subsystem is allowed. */
  sftpOnly: boolean;
  /** `--moduli FILE`: OpenSSH moduli file for diffie-hellman-group-exchange. */
  moduli?: string;
  /** `--passphrase-file` / `--passphrase-env` for encrypted host keys. */
  passphraseFile?: string;
  passphraseEnv?: string;
  /** `--rekey-limit`: bytes and milliseconds (0 = no time limit). */
  rekeyBytes?: number;
  rekeyIntervalMs?: number;
  /** `--login-grace-time` in ms (0 = no limit). */
  loginGraceMs?: number;
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

/** `names` comma-separated on new help-text lines indented to the description column. */
function wrapNames(names: readonly string[]): string {
  const lines = [""];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + name.length > 64) lines.push("");
    lines[lines.length - 1] += name + ",";
  }
  return lines.map((l) => "\n" + " ".repeat(31) + l).join("").replace(/,$/, "");
}

/** The `--help` text. */
export const USAGE = `Usage: tsshd [options]
       tsshd keygen -t ed25519|ecdsa|rsa [-b BITS] -f FILE [-C COMMENT]
       tsshd fingerprint FILE
       tsshd passwd USER [--password-file FILE]

An SSH server. Run as a normal user it serves that account alone; run as root
it serves every system account, running each session as its user. Clients log
in with a key from the user's authorized-keys file (or a certificate, or a
password when enabled).

Options:
  -p, --port PORT              TCP port to listen on (default 2200)
  -b, --listen ADDR            address to bind (default 0.0.0.0, all IPv4 interfaces; :: for IPv6)
  -k, --key FILE               host private key (OpenSSH format); repeatable. A missing file is
                               created as a new ed25519 key (mode 0600).
                               (default ~/.config/tsshd/ssh_host_ed25519_key)
${AUTH_HELP}${USERS_HELP}${HOSTBASED_HELP}      --host-key-algorithms LIST  host key algorithms to offer ('+ssh-rsa' adds SHA-1 RSA signatures)
      --pubkey-accepted-algorithms LIST  user key signature algorithms ('+ssh-rsa' accepts SHA-1 RSA)
      --moduli FILE            groups for diffie-hellman-group-exchange-sha256 (OpenSSH moduli format;
                               default: the RFC 3526 groups)
      --passphrase-file FILE   passphrase for encrypted host keys: the first line of FILE
      --passphrase-env NAME    passphrase for encrypted host keys: environment variable NAME
      --shell PATH             shell for sessions (default: the account's login shell)
      --sftp-root DIR          SFTP sessions see DIR as "/" and cannot leave it
      --sftp-only              allow only SFTP (like sshd's ForceCommand internal-sftp)
      --ciphers LIST           ciphers in order of preference, comma-separated; '+LIST' appends
                               to the default, which is${wrapNames(DEFAULT_CIPHERS)}
      --macs LIST              MACs for the -ctr ciphers, likewise; the default is${wrapNames(DEFAULT_MACS)}
                               and also supported are${wrapNames(OPTIONAL_MACS)}
      --kex LIST               key exchange methods (sshd's KexAlgorithms), likewise; default:${wrapNames(DEFAULT_KEX)}
                               and also supported are${wrapNames(OPTIONAL_KEX)}
      --rekey-limit SIZE [TIME]  rekey after SIZE bytes (K/M/G suffixes) or TIME (s/m/h suffixes),
                               as one argument like sshd's RekeyLimit: "1G 1h" (default)
      --login-grace-time SECONDS  time to complete key exchange and authentication (default 120; 0 = none)
      --client-alive-interval SECONDS  send a keepalive after this much client silence (default 0: off)
      --client-alive-count-max N  unanswered keepalives before disconnect (default 3)
${FORWARD_HELP}  -v, --verbose                more log output (repeat for debug)
      --log-format syslog|bare  log lines as "TIME tsshd sshd[ID]: message" (syslog, default; fail2ban's
                               sshd filter reads them) or the message alone (bare, for journald)
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
        shell: { type: "string" },
        ciphers: { type: "string" },
        macs: { type: "string" },
        kex: { type: "string" },
        verbose: { type: "boolean", short: "v", multiple: true },
        "rekey-limit": { type: "string" },
        "passphrase-file": { type: "string" },
        moduli: { type: "string" },
        "sftp-root": { type: "string" },
        "sftp-only": { type: "boolean" },
        "host-key-algorithms": { type: "string" },
        "pubkey-accepted-algorithms": { type: "string" },
        "passphrase-env": { type: "string" },
        "client-alive-interval": { type: "string" },
        "login-grace-time": { type: "string" },
        "client-alive-count-max": { type: "string" },
        ...FORWARD_OPTIONS,
        ...USERS_OPTIONS,
        ...HOSTBASED_OPTIONS,
        ...AUTH_OPTIONS,
        "log-format": { type: "string" },
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
  let forward: ForwardSettings;
  let auth: AuthSettings;
  let users: UsersSettings;
  let hostbased: HostbasedSettings;
  try {
    forward = forwardSettings(v);
    auth = authSettings(v);
    users = usersSettings(v);
    hostbased = hostbasedSettings(v);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const logFormat = v["log-format"] ?? "syslog";
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new UsageError(`invalid --log-format '${logFormat}': expected ${LOG_FORMATS.join(" or ")}`);
  }
  return {
    ...forward,
    ...auth,
    ...users,
    ...hostbased,
    logFormat: logFormat as LogFormat,
    moduli: v.moduli,
    sftpRoot: v["sftp-root"],
    sftpOnly: v["sftp-only"] ?? false,
    hostKeyAlgorithms: v["host-key-algorithms"] === undefined
      ? undefined
      : algorithmList("host-key-algorithms", v["host-key-algorithms"], DEFAULT_HOST_KEY_ALGS, HOST_KEY_ALGS),
    pubkeyAcceptedAlgorithms: v["pubkey-accepted-algorithms"] === undefined ? undefined : algorithmList(
      "pubkey-accepted-algorithms",
      v["pubkey-accepted-algorithms"],
      DEFAULT_USER_SIG_ALGS,
      USER_SIG_ALGS,
    ),
    passphraseFile: v["passphrase-file"],
    passphraseEnv: v["passphrase-env"],
    rekeyBytes: rekey?.bytes,
    rekeyIntervalMs: rekey?.ms,
    loginGraceMs: v["login-grace-time"] === undefined
      ? undefined
      : parseCount(v["login-grace-time"], "--login-grace-time") * 1000,
    clientAliveIntervalMs: v["client-alive-interval"] === undefined
      ? undefined
      : parseCount(v["client-alive-interval"], "--client-alive-interval") * 1000,
    clientAliveCountMax: v["client-alive-count-max"] === undefined
      ? undefined
      : parseCount(v["client-alive-count-max"], "--client-alive-count-max"),
    port,
    listen,
    hostKeys: v.key && v.key.length ? v.key : [`${home}/.config/tsshd/ssh_host_ed25519_key`],
    shell: v.shell,
    ciphers: v.ciphers === undefined ? undefined : algorithmList("ciphers", v.ciphers, DEFAULT_CIPHERS, CIPHERS),
    macs: v.macs === undefined ? undefined : algorithmList("macs", v.macs, DEFAULT_MACS, MACS),
    kex: v.kex === undefined
      ? undefined
      : algorithmList("kex", v.kex, DEFAULT_KEX, new Map(supportedKex().map((n) => [n, n]))),
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

/**
 * An algorithm preference list from a flag value: `a,b,c` replaces the default,
 * `+a,b` appends to it (skipping names already there). Unknown or repeated
 * names and an empty list are usage errors.
 *
 * @example
 * ```ts
 * algorithmList("macs", "+hmac-sha1", ["hmac-sha2-256"], new Map([["hmac-sha1", 1], ["hmac-sha2-256", 2]]));
 * // ["hmac-sha2-256", "hmac-sha1"]
 * ```
 */
export function algorithmList(
  flag: string,
  value: string,
  defaults: readonly string[],
  supported: ReadonlyMap<string, unknown>,
): string[] {
  const append = value.startsWith("+");
  const names = (append ? value.slice(1) : value).split(",");
  const out = append ? [...defaults] : [];
  for (const name of names) {
    if (!supported.has(name)) {
      const what = name === "" ? "empty name" : `unknown name '${name}'`;
      throw new UsageError(`--${flag}: ${what} (supported: ${[...supported.keys()].join(",")})`);
    }
    if (!out.includes(name)) out.push(name);
    else if (!append) throw new UsageError(`--${flag}: '${name}' is listed twice`);
  }
  return out;
}

const HOST_KEY_ALGS: ReadonlyMap<string, true> = new Map([...DEFAULT_HOST_KEY_ALGS, "ssh-rsa"].map((a) => [a, true]));
const USER_SIG_ALGS: ReadonlyMap<string, true> = new Map([...DEFAULT_USER_SIG_ALGS, "ssh-rsa"].map((a) => [a, true]));

function cleanParseError(msg: string): string {
  const first = msg.split("\n")[0];
  const unknown = /Unknown option '([^']+)'/.exec(first);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(first);
  if (missing) return `option '${missing[1]}' needs a value`;
  return first.replace(/\.$/, "");
}
