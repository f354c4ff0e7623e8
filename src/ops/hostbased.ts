/**
 * Hostbased authentication in the default ops: sshd's `HostbasedAuthentication
 * yes` with its defaults `IgnoreRhosts yes` (`~/.rhosts` and `~/.shosts` grant
 * nothing), `UseDNS no` and `HostbasedUsesNameFromPacketOnly no` — OpenSSH
 * `hostbased_key_allowed` and `auth_rhosts2`.
 *
 * The engine has already checked the client host key's signature. Then:
 *
 * 1. The client's own name for itself is only compared with what sshd
 *    "resolves" the connection to — without DNS, its address — and a
 *    difference is logged (`userauth_hostbased mismatch: …`), not refused:
 *    from there on the **address** is the client host, so a client cannot
 *    pick which entries apply to it by naming itself.
 * 2. A hosts.equiv-style file ({@link HostbasedOptions.hostsEquivFiles}, see
 *    `hosts_equiv.ts`) must let the client user on that host in as the
 *    local account. Root is never let in this way (sshd ignores the system
 *    files for uid 0, and tsshd reads no `~/.rhosts`).
 * 3. The host key must be listed for that address in a known_hosts file
 *    ({@link HostbasedOptions.knownHostsFiles}, see `known_hosts.ts`),
 *    the next file consulted only while no key at all is listed for the host
 *    (as sshd falls back from `ssh_known_hosts` to `ssh_known_hosts2`).
 *    A `@revoked` line refuses the key. The users' own `~/.ssh/known_hosts`
 *    are not read (sshd's `IgnoreUserKnownHosts yes`).
 *
 * Files are re-read at every attempt; an unreadable one grants nothing.
 *
 * @module
 */
import { constants } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { UserInfo } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import type { HostbasedAuthRequest } from "../ssh/auth_ops.ts";
import { printable } from "../ssh/transport/version.ts";
import { unmapIpv4 } from "./addr_match.ts";
import { asciiLower, rhostsVerdict } from "./hosts_equiv.ts";
import { checkKnownHostKey, type HostKeyStatus, knownHostKeys } from "./known_hosts.ts";

/**
 * sshd's system-wide known-hosts files, in the order it reads them.
 *
 * @example
 * ```ts
 * new HostbasedCheck({ crypto, logger, knownHostsFiles: DEFAULT_HOSTBASED_KNOWN_HOSTS, hostsEquivFiles: [] });
 * ```
 */
export const DEFAULT_HOSTBASED_KNOWN_HOSTS: readonly string[] = [
  "/etc/ssh/ssh_known_hosts",
  "/etc/ssh/ssh_known_hosts2",
];

/**
 * sshd's hosts.equiv files, in the order it reads them.
 *
 * @example
 * ```ts
 * new HostbasedCheck({ crypto, logger, knownHostsFiles: [], hostsEquivFiles: DEFAULT_HOSTS_EQUIV });
 * ```
 */
export const DEFAULT_HOSTS_EQUIV: readonly string[] = ["/etc/hosts.equiv", "/etc/ssh/shosts.equiv"];

/** Settings of {@link HostbasedCheck}. */
export interface HostbasedOptions {
  crypto: CryptoProvider;
  logger: Logger;
  /** known_hosts files holding the client hosts' keys, in order. */
  knownHostsFiles: readonly string[];
  /** hosts.equiv-style files naming the hosts (and users) let in, in order. */
  hostsEquivFiles: readonly string[];
  /**
   * sshd's `StrictModes` for the log lines about a home directory (or an
   * ignored `~/.rhosts`) others could write; default true.
   */
  strictModes?: boolean;
}

/** The per-user files sshd would read without `IgnoreRhosts yes`: it still looks at them (and logs bad modes). */
const RHOSTS_FILES = [".shosts", ".rhosts"];
const WRITABLE_BY_OTHERS = 0o022;

/** Does `path` exist (as `stat` sees it)? */
async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides whether a hostbased request may log in.
 *
 * @example
 * ```ts
 * const hostbased = new HostbasedCheck({
 *   crypto, logger, knownHostsFiles: DEFAULT_HOSTBASED_KNOWN_HOSTS, hostsEquivFiles: DEFAULT_HOSTS_EQUIV,
 * });
 * if (req.method === "hostbased" && await hostbased.allowed(account, req)) return accept();
 * ```
 */
export class HostbasedCheck {
  constructor(private o: HostbasedOptions) {}

  /** May `req` (signature already verified) log in as `account`? Logs as sshd does. */
  async allowed(account: UserInfo, req: HostbasedAuthRequest): Promise<boolean> {
    // The connection's own logger, so these lines carry its id as the engine's do (sshd: its child's pid).
    const log = this.o.logger.forConnection?.(`${req.peer.address} port ${req.peer.port}`) ?? this.o.logger;
    const ipaddr = unmapIpv4(req.peer.address);
    const resolved = ipaddr; // UseDNS no: the "canonical host name" is the address
    const chost = printable(req.clientHost);
    const cuser = printable(req.clientUser);
    log.debug(`hostbased_key_allowed: chost ${chost} resolvedname ${resolved} ipaddr ${ipaddr}`);
    if (asciiLower(req.clientHost) !== asciiLower(resolved)) {
      log.info(`userauth_hostbased mismatch: client sends ${chost}, but we resolve ${ipaddr} to ${resolved}`);
    }
    if (!(await this.rhostsAllow(log, account, req.clientUser, resolved, ipaddr))) {
      log.debug(
        `hostbased_key_allowed: auth_rhosts2 refused user "${cuser}" host "${resolved}" addr "${ipaddr}"`,
      );
      return false;
    }
    log.debug("hostbased_key_allowed: access allowed by auth_rhosts2");
    const status = await this.hostKeyStatus(log, resolved, req.key.blob);
    if (status === "revoked") log.warn(`WARNING: revoked key for ${resolved} attempted authentication`);
    if (status !== "ok") return false;
    // sshd logs this at VERBOSE.
    log.debug(`Accepted ${req.key.label} public key ${req.key.fingerprint} from ${cuser}@${resolved}`);
    return true;
  }

  /** OpenSSH `auth_rhosts2` with `IgnoreRhosts yes`. */
  private async rhostsAllow(
    log: Logger,
    account: UserInfo,
    clientUser: string,
    hostname: string,
    ipaddr: string,
  ): Promise<boolean> {
    const home = account.home.replace(/\/+$/, "") || "/";
    const own = RHOSTS_FILES.map((f) => `${home === "/" ? "" : home}/${f}`);
    const anyOwn = (await Promise.all(own.map(exists))).some(Boolean);
    if (!anyOwn && !(await Promise.all(this.o.hostsEquivFiles.map(exists))).some(Boolean)) {
      log.debug("auth_rhosts2: no hosts access files exist");
      return false;
    }
    if (account.uid === 0) log.debug("auth_rhosts2: root user, ignoring system hosts files");
    else {
      for (const file of this.o.hostsEquivFiles) {
        if (await this.fileAllows(log, file, { hostname, ipaddr, clientUser, serverUser: account.name })) return true;
      }
    }
    // Nothing let the user in: sshd goes on to ~/.shosts and ~/.rhosts, which IgnoreRhosts
    // makes it skip — but it still reports a home directory or file others could write.
    const strict = this.o.strictModes ?? true;
    const bad = (s: { uid: number; mode: number }) =>
      (s.uid !== 0 && s.uid !== account.uid) || (s.mode & WRITABLE_BY_OTHERS) !== 0;
    let homeStat;
    try {
      homeStat = await stat(account.home);
    } catch {
      log.info(`Rhosts authentication refused for ${account.name}: no home directory ${account.home}`);
      return false;
    }
    if (strict && bad(homeStat)) {
      log.info(`Rhosts authentication refused for ${account.name}: bad ownership or modes for home directory.`);
      return false;
    }
    for (const path of own) {
      try {
        if (strict && bad(await stat(path))) {
          log.info(`Rhosts authentication refused for ${account.name}: bad modes for ${path}`);
        }
      } catch { /* absent */ }
    }
    return false;
  }

  /** OpenSSH `check_rhosts_file`: an unreadable file, or one that is not a regular file, allows nothing. */
  private async fileAllows(
    log: Logger,
    file: string,
    q: { hostname: string; ipaddr: string; clientUser: string; serverUser: string },
  ): Promise<boolean> {
    let text: string;
    // O_NONBLOCK: a FIFO planted there must not hang the login.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
    if (!handle) return false;
    try {
      if (!(await handle.stat()).isFile()) {
        log.info(`User ${q.serverUser} hosts file ${file} is not a regular file`);
        return false;
      }
      text = new TextDecoder().decode(await handle.readFile());
    } catch {
      return false;
    } finally {
      await handle.close();
    }
    const v = rhostsVerdict(text, q);
    if (v.verdict === "deny") log.debug(`Matched negative entry in ${file}:${v.lineNumber}.`);
    if (v.verdict !== "allow") return false;
    log.debug(`Accepted for ${q.hostname} [${q.ipaddr}] by ${file}:${v.lineNumber}.`);
    return true;
  }

  /** OpenSSH `check_key_in_hostfiles` over the files, the next one only while the host has no key listed. */
  private async hostKeyStatus(log: Logger, host: string, blob: Uint8Array): Promise<HostKeyStatus> {
    let found: ReturnType<typeof checkKnownHostKey> = { status: "new" };
    for (const file of this.o.knownHostsFiles) {
      let text: string;
      try {
        text = new TextDecoder().decode(await readRegular(file));
      } catch (e) {
        log.debug(`load_hostkeys: fopen ${file}: ${(e as Error).message}`);
        continue;
      }
      const { entries, skipped } = knownHostKeys(this.o.crypto, text, file, host);
      for (const s of skipped) log.debug(`${s}: line skipped`);
      found = checkKnownHostKey(entries, blob);
      if (found.status !== "new") break;
    }
    if (found.status === "ok" && found.entry) {
      log.debug(`check_key_in_hostfiles: key for ${host} found at ${found.entry.fileName}:${found.entry.lineNumber}`);
    } else if (found.status !== "revoked") log.debug(`check_key_in_hostfiles: key for host ${host} not found`);
    return found.status;
  }
}

/** The bytes of a file, refusing what is not a regular file (without blocking on a FIFO). */
async function readRegular(path: string): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error("not a regular file");
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
