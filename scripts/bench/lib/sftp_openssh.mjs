/**
 * OpenSSH's sshd for the SFTP benchmark: the same throwaway config as `run.mjs` uses
 * (`lib/openssh.mjs`) plus the `Subsystem sftp` line Debian's stock sshd_config has,
 * so `sftp` and `scp` (SFTP mode) reach OpenSSH's own `sftp-server`.
 *
 * @module
 */
import { startOpenSsh } from "./openssh.mjs";

/** Debian's (and the stock sshd_config's) SFTP server. */
export const SFTP_SERVER = "/usr/lib/openssh/sftp-server";

/**
 * Write `dir/sshd_sftp_config` and start `sshd -D -e -f` on `port` with the SFTP subsystem.
 * As root, creates /run/sshd (privilege separation) if it is missing and registers it for removal.
 *
 * @example
 * ```js
 * const s = await startOpenSshWithSftp({ dir, port, hostKey, authorizedKeys });
 * ```
 * @param {{dir: string, port: number, hostKey: string, authorizedKeys: string, prefix?: string[]}} o
 *   `prefix`: a wrapper command line (see shell_rc.mjs)
 * @returns {Promise<import("./server_process.mjs").RunningServer>}
 */
export function startOpenSshWithSftp(o) {
  return startOpenSsh({ ...o, configName: "sshd_sftp_config", extraConfig: [`Subsystem sftp ${SFTP_SERVER}`] });
}
