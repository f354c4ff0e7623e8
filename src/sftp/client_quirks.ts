/**
 * SFTP client quirks: known client behaviours that differ from what the
 * server otherwise assumes, chosen by the client's SSH identification string
 * (RFC 4253 §4.2, `ConnectionInfo.clientVersion`).
 *
 * The one quirk so far is the order of SSH_FXP_SYMLINK's two paths.
 * draft-ietf-secsh-filexfer-02 §6.10 defines the request as
 * `(linkpath, targetpath)`, but OpenSSH's sftp-server and sftp client
 * implement `(targetpath, linkpath)` (OpenSSH's PROTOCOL file, "reversal of
 * arguments to SSH_FXP_SYMLINK", keeps it for compatibility), and mainstream
 * clients (OpenSSH `sftp`, paramiko, Go's pkg/sftp) send OpenSSH's order to
 * every server. So the server reads OpenSSH's order, except from the clients
 * in {@link SFTP_CLIENT_QUIRKS}, which send the draft's order to servers they
 * do not recognise as OpenSSH-like — as tsshd (`SSH-2.0-tsshd_…`) is.
 *
 * @example
 * ```ts
 * sftpClientQuirks("SSH-2.0-ssh2js1.17.0").symlinkLinkFirst; // true
 * sftpClientQuirks("SSH-2.0-OpenSSH_9.6p1").symlinkLinkFirst; // false
 * ```
 * @module
 */

/** How one client's SFTP requests are to be read. */
export interface SftpClientQuirks {
  /** SSH_FXP_SYMLINK carries `(linkpath, targetpath)` (the draft's order) instead of OpenSSH's `(targetpath, linkpath)`. */
  readonly symlinkLinkFirst: boolean;
}

/** One row of {@link SFTP_CLIENT_QUIRKS}. */
export interface SftpClientQuirkRule {
  /** The client, for people. */
  readonly client: string;
  /** Matches the client's identification string (`SSH-2.0-…`). */
  readonly ident: RegExp;
  /** The client follows OpenSSH after all when the *server's* identification string matches this. */
  readonly unlessServer?: RegExp;
  readonly quirks: Partial<SftpClientQuirks>;
  /** Where the behaviour is documented or was observed. */
  readonly source: string;
}

/** No quirk: OpenSSH's reading of every request. */
export const NO_SFTP_QUIRKS: SftpClientQuirks = Object.freeze({ symlinkLinkFirst: false });

/**
 * The known quirky clients. Add a row only for behaviour seen in the client's
 * source or documentation, and say where.
 *
 * @example
 * ```ts
 * for (const rule of SFTP_CLIENT_QUIRKS) console.log(rule.client, rule.source);
 * ```
 */
export const SFTP_CLIENT_QUIRKS: readonly SftpClientQuirkRule[] = Object.freeze([
  {
    client: "npm ssh2 (ssh2js)",
    ident: /^SSH-2\.0-ssh2js/,
    unlessServer: /^SSH-2\.0-(?:OpenSSH|dropbear)/,
    quirks: { symlinkLinkFirst: true },
    source: "ssh2 lib/protocol/SFTP.js symlink(): OpenSSH order only when the server ident matches " +
      "/^SSH-2.0-(?:OpenSSH|dropbear)/; covered by tests/e2e/sftp_clients_test.ts",
  },
  {
    client: "WinSCP",
    ident: /^SSH-2\.0-WinSCP/i,
    unlessServer: /^SSH-2\.0-(?:OpenSSH|Sun_SSH|mod_sftp)/,
    quirks: { symlinkLinkFirst: true },
    source: "WinSCP docs (SFTP page, 'Reverses order of symlink command arguments'): the OpenSSH order is " +
      "used only for OpenSSH, Sun SSH and ProFTPD mod_sftp servers; not exercised here (no WinSCP on Linux)",
  },
]);

/**
 * The quirks of the client that sent `clientVersion`, talking to a server
 * that sent `serverVersion` (default: one no client takes for OpenSSH, as
 * tsshd's own `SSH-2.0-tsshd_…`).
 *
 * @example
 * ```ts
 * const q = sftpClientQuirks(conn.clientVersion);
 * const [target, link] = q.symlinkLinkFirst ? [second, first] : [first, second];
 * ```
 */
export function sftpClientQuirks(clientVersion: string, serverVersion = ""): SftpClientQuirks {
  let quirks: SftpClientQuirks = NO_SFTP_QUIRKS;
  for (const rule of SFTP_CLIENT_QUIRKS) {
    if (!rule.ident.test(clientVersion)) continue;
    if (rule.unlessServer?.test(serverVersion)) continue;
    quirks = { ...quirks, ...rule.quirks };
  }
  return quirks;
}
