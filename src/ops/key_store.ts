/**
 * Where the default ops find a user's authorized keys and which line, if
 * any, lets a key in — sshd's `AuthorizedKeysFile` and
 * `AuthorizedKeysCommand` with the checks of OpenSSH
 * `auth_authorise_keyopts`:
 *
 * - Files are templates with `%u` (user), `%h` (home), `%U` (uid) and `%%`;
 *   a relative path is taken from the user's home; `none` stands for no
 *   file. Each is re-read on every attempt, in order.
 * - The command runs after the files, only if no file line let the key in
 *   (see `keys_command.ts`); its arguments may hold `%u %h %U %f %t %k %C %D
 *   %%`; with no arguments it gets the user name, as sshd passes it.
 * - A line whose key matches still lets the key in only if it is not
 *   `cert-authority` (that kind only vouches for certificates), has no
 *   `principals=` (only meaningful with cert-authority), has not passed its
 *   `expiry-time`, and its `from=` list matches the client (see
 *   `host_patterns.ts`). Each refusal is logged and the next line is tried,
 *   as sshd does.
 * - `environment=` values pass only when {@link KeyStoreOptions.permitUserEnvironment}
 *   allows them (sshd's `PermitUserEnvironment`).
 * - A certificate is let in by a `cert-authority` line holding its CA's key
 *   ({@link KeyStore.authorizeCertificate}, {@link certificateAuthorityGrant}).
 *
 * Every failure — unreadable file, bad template, failing command — lets
 * nothing in.
 *
 * @module
 */
import type { RunAs, Runtime, UserInfo } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import type { Permissions, PublicKeyInfo } from "../ssh/auth_ops.ts";
import type { PeerInfo } from "../ssh/ops.ts";
import { type AuthorizedKey, parseAuthorizedKeys } from "../ssh/keys/authorized_keys.ts";
import { encodeBase64 } from "../ssh/keys/base64.ts";
import { printable } from "../ssh/transport/version.ts";
import { timingSafeEqual } from "../ssh/wire.ts";
import type { Certificate } from "../ssh/keys/certificate.ts";
import { certificateProblem } from "../ssh/keys/cert_policy.ts";
import { certificatePermissions } from "../ssh/keys/cert_permissions.ts";
import { keyTypeLabel } from "../ssh/keys/fingerprint.ts";
import { mergePermissions } from "../ssh/auth/permissions_merge.ts";
import { AuthorizedKeysFile, permissionsFor } from "./authorized_keys.ts";
import { unmapIpv4 } from "./addr_match.ts";
import { matchHostAndIp } from "./host_patterns.ts";
import { runKeysCommand } from "./keys_command.ts";
import { matchPatternList } from "./ssh_pattern.ts";
import { authorizedKeysPath, expandTokens } from "./path_tokens.ts";

export {
  authorizedKeysPath,
  COMMAND_TOKENS,
  expandTokens,
  PATH_TOKENS,
  TokenError,
  tokenProblem,
} from "./path_tokens.ts";

/**
 * The `AuthorizedKeysCommand` to run.
 *
 * @example
 * ```ts
 * const command: KeysCommandConfig = { argv: ["/usr/local/bin/keys-for", "%u", "%f"], runAs: nobody };
 * ```
 */
export interface KeysCommandConfig {
  /** Absolute program path, then argument templates (see {@link COMMAND_TOKENS}). */
  argv: readonly string[];
  /** Run as this account (sshd's `AuthorizedKeysCommandUser`); default the server's own. */
  runAs?: RunAs;
  /** Time limit; default 10 s. */
  timeoutMs?: number;
}

/**
 * Settings of a {@link KeyStore}.
 *
 * @example
 * ```ts
 * const o: KeyStoreOptions = { runtime, logger, files: [".ssh/authorized_keys"], permitUserEnvironment: "LANG,LC_*" };
 * ```
 */
export interface KeyStoreOptions {
  runtime: Pick<Runtime, "spawn">;
  logger: Logger;
  /** `AuthorizedKeysFile` templates, tried in order (see {@link authorizedKeysPath}). */
  files: readonly string[];
  command?: KeysCommandConfig;
  /**
   * sshd's `PermitUserEnvironment`: `false` (default) drops `environment=`
   * options, `true` passes them, a pattern-list passes the names it matches.
   */
  permitUserEnvironment?: boolean | string;
  /**
   * Checked before a file is read (sshd's `StrictModes`); a returned reason
   * skips the file and is logged as `Authentication refused: REASON`.
   */
  checkFile?: (path: string, user: UserInfo) => Promise<string | undefined>;
  /** The clock, in ms since the epoch (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * The client and key being checked.
 *
 * @example
 * ```ts
 * const q: KeyQuery = { user: account, key: req.key, peer: req.peer };
 * ```
 */
export interface KeyQuery {
  user: UserInfo;
  key: PublicKeyInfo;
  peer: PeerInfo;
}

/**
 * A line that lets the key in, and what it allows.
 *
 * @example
 * ```ts
 * const grant: KeyGrant | undefined = await store.authorize(q);
 * if (grant) console.log(`${grant.entry.fileName}:${grant.entry.lineNumber}`, grant.permissions);
 * ```
 */
export interface KeyGrant {
  entry: AuthorizedKey;
  permissions: Permissions;
}

/** Distinct warnings remembered before the memory is cleared. */
const MAX_REMEMBERED = 1000;

/**
 * The authorized keys of the default ops.
 *
 * @example
 * ```ts
 * const store = new KeyStore({ runtime, logger, files: [".ssh/authorized_keys", ".ssh/authorized_keys2"] });
 * const grant = await store.authorize({ user, key: req.key, peer: req.peer });
 * return grant ? accept(grant.permissions) : reject();
 * ```
 */
export class KeyStore {
  private files = new Map<string, AuthorizedKeysFile>();
  private warned = new Set<string>();

  constructor(private o: KeyStoreOptions) {}

  /** The first line that lets `q.key` in for `q.user` from `q.peer`, or undefined. */
  authorize(q: KeyQuery): Promise<KeyGrant | undefined> {
    return this.search(q, (entries) => this.pick(entries, q));
  }

  /**
   * The first `cert-authority` line whose key signed the certificate
   * `q.key` and that lets it in (see {@link certificateAuthorityGrant}), or
   * undefined; plain keys get undefined. Files first, then the command, as
   * for keys.
   */
  authorizeCertificate(q: KeyQuery): Promise<KeyGrant | undefined> {
    const cert = q.key.certificate;
    if (!cert) return Promise.resolve(undefined);
    return this.search(q, (entries) => {
      const nowMs = (this.o.now ?? Date.now)();
      const address = unmapIpv4(q.peer.address);
      const matching: AuthorizedKey[] = [];
      for (const e of entries) if (timingSafeEqual(e.key.blob, cert.signatureKey.blob)) matching.push(e);
      for (const entry of matching) {
        const grant = certificateAuthorityGrant(entry, cert, q.user.name, address, nowMs);
        if ("refusal" in grant) {
          for (const line of grant.refusal) this.o.logger.info(line);
          continue;
        }
        const environment = allowedEnvironment(entry, this.o.permitUserEnvironment ?? false);
        if (environment) grant.permissions.environment = environment;
        return { entry, permissions: grant.permissions };
      }
      return undefined;
    });
  }

  /** The grant `pick` finds in the files, in order, then in the command's output. */
  private async search(
    q: KeyQuery,
    pick: (entries: readonly AuthorizedKey[]) => KeyGrant | undefined,
  ): Promise<KeyGrant | undefined> {
    for (const template of this.o.files) {
      if (template.toLowerCase() === "none") continue;
      let path: string;
      try {
        path = authorizedKeysPath(template, q.user);
      } catch (e) {
        this.warnOnce(`authorized keys file "${template}": ${(e as Error).message}`);
        continue;
      }
      const grant = pick(await this.fileEntries(path, q.user));
      if (grant) return grant;
    }
    if (this.o.command) return pick(await this.commandEntries(this.o.command, q));
    return undefined;
  }

  private async fileEntries(path: string, user: UserInfo): Promise<AuthorizedKey[]> {
    if (this.o.checkFile) {
      const problem = await this.o.checkFile(path, user);
      if (problem !== undefined) {
        this.o.logger.info(`Authentication refused: ${problem}`);
        return [];
      }
    }
    let file = this.files.get(path);
    if (!file) {
      if (this.files.size >= MAX_REMEMBERED) this.files.clear();
      file = new AuthorizedKeysFile(path, this.o.logger);
      this.files.set(path, file);
    }
    return await file.entries();
  }

  private async commandEntries(c: KeysCommandConfig, q: KeyQuery): Promise<AuthorizedKey[]> {
    const p = q.peer;
    const values = {
      u: q.user.name,
      h: q.user.home,
      U: String(q.user.uid),
      f: q.key.fingerprint,
      t: q.key.type,
      k: encodeBase64(q.key.blob),
      C: `${p.localAddress} ${p.localPort} ${p.address} ${p.port}`,
      D: "",
    };
    let argv: string[];
    try {
      argv = c.argv.length === 1
        ? [c.argv[0], q.user.name]
        : [c.argv[0], ...c.argv.slice(1).map((a) => expandTokens(a, values))];
    } catch (e) {
      this.warnOnce(`AuthorizedKeysCommand ${c.argv.join(" ")}: ${(e as Error).message}`);
      return [];
    }
    const label = printable(argv.join(" "));
    const result = await runKeysCommand(this.o.runtime, { argv, runAs: c.runAs, timeoutMs: c.timeoutMs });
    if (!result.ok) {
      this.o.logger.warn(`AuthorizedKeysCommand ${label} ${result.reason}: no keys from it`);
      return [];
    }
    const parsed = parseAuthorizedKeys(result.stdout, `AuthorizedKeysCommand ${printable(c.argv[0])}`);
    for (const w of parsed.warnings) this.warnOnce(w);
    return parsed.entries;
  }

  /** The first entry for the key that passes every check; every refusal is logged. */
  private pick(entries: readonly AuthorizedKey[], q: KeyQuery): KeyGrant | undefined {
    const matching: AuthorizedKey[] = [];
    // Compare every line in constant time, whichever matches.
    for (const e of entries) if (timingSafeEqual(e.key.blob, q.key.blob)) matching.push(e);
    const address = unmapIpv4(q.peer.address);
    const nowSeconds = Math.floor((this.o.now ?? Date.now)() / 1000);
    for (const entry of matching) {
      if (entry.options.certAuthority) continue; // vouches for certificates only
      const refusal = entryRefusal(entry, printable(q.user.name), address, nowSeconds);
      if (refusal) {
        for (const line of refusal) this.o.logger.info(line);
        continue;
      }
      const permissions = permissionsFor(entry);
      const environment = allowedEnvironment(entry, this.o.permitUserEnvironment ?? false);
      if (environment) permissions.environment = environment;
      return { entry, permissions };
    }
    return undefined;
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    if (this.warned.size >= MAX_REMEMBERED) this.warned.clear();
    this.warned.add(message);
    this.o.logger.warn(message);
  }
}

/**
 * What a `cert-authority` line grants the certificate `cert` it signed, for
 * `user` connecting from `address` at `nowMs` — OpenSSH's
 * `auth_check_authkey_line` for certificates: the line must be
 * `cert-authority`, pass its own checks ({@link entryRefusal}: expiry-time,
 * from=), and the certificate must be valid now, from `address`
 * (`source-address`), with a principal in the line's `principals="…"` or,
 * without that option, the user name. The line's restrictions and the
 * certificate's combine, the stricter winning; two different forced commands
 * refuse. `refusal` holds the log lines (sshd's words) when it may not.
 * A certificate without principals is always refused (sshd would let it in
 * as anyone without `principals=`).
 *
 * @example
 * ```ts
 * const g = certificateAuthorityGrant(entry, req.key.certificate!, "alice", "192.0.2.1", Date.now());
 * if ("permissions" in g) accept(g.permissions);
 * ```
 */
export function certificateAuthorityGrant(
  entry: AuthorizedKey,
  cert: Certificate,
  user: string,
  address: string,
  nowMs: number,
): { permissions: Permissions } | { refusal: string[] } {
  if (!entry.options.certAuthority) return { refusal: [] }; // the CA's key, but not trusted as one here
  const name = printable(user);
  const lineRefusal = entryRefusal(entry, name, address, Math.floor(nowMs / 1000));
  if (lineRefusal) return { refusal: lineRefusal };
  const principals = entry.options.principals;
  let problem = certificateProblem(cert, {
    kind: "user",
    now: nowMs,
    ...(principals ? { authorizedPrincipals: principals } : { principal: user }),
    sourceAddress: address,
  });
  const line = permissionsFor(entry);
  const fromCert = certificateGrant(cert);
  if (!problem && line.forceCommand !== undefined && fromCert.forceCommand !== undefined) {
    if (line.forceCommand !== fromCert.forceCommand) problem = "Forced command options conflict";
  }
  if (problem) {
    const id = printable(cert.keyId);
    return {
      refusal: [
        `Refusing certificate ID "${id}" serial=${cert.serial} signed by ${keyTypeLabel(entry.key)} CA ` +
        `via ${entry.fileName}:${entry.lineNumber}: ${problem}`,
      ],
    };
  }
  return { permissions: mergePermissions(line, fromCert) };
}

/**
 * The {@link Permissions} a user certificate grants by itself: its
 * `force-command` and `verify-required`, and everything its extensions do not
 * permit (see `certificatePermissions`). `permit-user-rc` has no counterpart:
 * tsshd never runs `~/.ssh/rc`.
 *
 * @example
 * ```ts
 * certificateGrant(cert); // e.g. { forceCommand: "/bin/backup", noPty: true, noPortForwarding: true, … }
 * ```
 */
export function certificateGrant(cert: Certificate): Permissions {
  const p = certificatePermissions(cert);
  const out: Permissions = {};
  if (p.forceCommand !== undefined) out.forceCommand = p.forceCommand;
  for (const f of ["noPty", "noPortForwarding", "noAgentForwarding", "noX11Forwarding"] as const) {
    if (p[f]) out[f] = true;
  }
  if (p.noTouchRequired) out.noTouchRequired = true;
  if (p.verifyRequired) out.verifyRequired = true;
  return out;
}

/**
 * Why `entry` may not be used now by `user` from `address` (log lines in
 * sshd's words), or `undefined` if it may. `address` is also the host name
 * (tsshd does no reverse DNS).
 *
 * @example
 * ```ts
 * entryRefusal(entry, "alice", "192.0.2.1", Math.floor(Date.now() / 1000));
 * // ["/home/alice/.ssh/authorized_keys:3: Authentication tried for alice with correct key but not from a permitted host (host=192.0.2.1, ip=192.0.2.1, required=10.0.0.0/8)."]
 * ```
 */
export function entryRefusal(
  entry: AuthorizedKey,
  user: string,
  address: string,
  nowSeconds: number,
): string[] | undefined {
  const loc = `${entry.fileName}:${entry.lineNumber}`;
  const o = entry.options;
  if (o.expiryTime !== undefined && o.expiryTime < nowSeconds) {
    const when = new Date(o.expiryTime * 1000).toISOString();
    return [`${loc}: Authentication tried for ${user} with correct key but the key expired at ${when}.`];
  }
  if (o.principals !== undefined && !o.certAuthority) {
    return [
      `${loc}: Authentication tried for ${user} with correct key but principals= is only valid with cert-authority.`,
    ];
  }
  if (o.from !== undefined) {
    const required = o.from.join(",");
    const m = matchHostAndIp(address, address, required);
    if (m === 1) return undefined;
    const lines = m === -1 ? [`${loc}: invalid from criteria "${printable(required)}"`] : [];
    lines.push(
      `${loc}: Authentication tried for ${user} with correct key but not from a permitted host ` +
        `(host=${address}, ip=${address}, required=${printable(required)}).`,
    );
    return lines;
  }
  return undefined;
}

/**
 * The `environment=` values of `entry` that `policy` lets through
 * (`PermitUserEnvironment`: `true`, `false`, or a pattern-list of names),
 * or `undefined` for none.
 *
 * @example
 * ```ts
 * allowedEnvironment(entry, "LANG,LC_*"); // { LANG: "C.UTF-8" } when the line has environment="LANG=C.UTF-8"
 * ```
 */
export function allowedEnvironment(entry: AuthorizedKey, policy: boolean | string): Record<string, string> | undefined {
  if (policy === false || entry.options.environment.length === 0) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const { name, value } of entry.options.environment) {
    if (policy !== true && matchPatternList(name, policy) !== 1) continue;
    out[name] = value;
    any = true;
  }
  return any ? out : undefined;
}
