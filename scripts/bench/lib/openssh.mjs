/**
 * OpenSSH's sshd, unprivileged on a loopback port with its own config in the benchmark's temp dir.
 * The system sshd and its config are never touched.
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { trackPath } from "./cleanup.mjs";
import { startServer } from "./server_process.mjs";

/** Where Debian's openssh-server puts sshd; sshd must be started by an absolute path. */
export const SSHD = "/usr/sbin/sshd";

/** The directory sshd needs for privilege separation when run as root. */
const PRIVSEP_DIR = "/run/sshd";

/**
 * The text of an sshd_config for the benchmark.
 *
 * @example
 * ```js
 * sshdConfig({ port: 2222, hostKey: "/tmp/x/host_ed25519", authorizedKeys: "/tmp/x/authorized_keys" });
 * ```
 * @param {{port: number, hostKey: string, authorizedKeys: string}} o
 * @returns {string}
 */
export function sshdConfig(o) {
  return [
    `Port ${o.port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${o.hostKey}`,
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    "PidFile none",
    "UsePAM no",
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UseDNS no",
    "PrintMotd no",
    "PrintLastLog no",
    "X11Forwarding no",
    "LogLevel INFO",
    "",
  ].join("\n");
}

/**
 * Write the config, plus the `extraConfig` lines, to `dir/sshd_config` (or `dir/<configName>`) and
 * start `sshd -D -e -f` on `port`. As root, creates /run/sshd if it is missing (and registers it for removal).
 *
 * @example
 * ```js
 * const s = await startOpenSsh({ dir, port, hostKey, authorizedKeys });
 * const t = await startOpenSsh({ dir, port: port2, hostKey, authorizedKeys, configName: "sshd_sftp_config",
 *   extraConfig: ["Subsystem sftp /usr/lib/openssh/sftp-server"] });
 * ```
 * @param {{dir: string, port: number, hostKey: string, authorizedKeys: string, prefix?: string[],
 *   configName?: string, extraConfig?: string[]}} o `prefix`: a wrapper command line (see shell_rc.mjs)
 * @returns {Promise<import("./server_process.mjs").RunningServer>}
 */
export function startOpenSsh(o) {
  const config = join(o.dir, o.configName ?? "sshd_config");
  const extra = (o.extraConfig ?? []).map((line) => `${line}\n`).join("");
  writeFileSync(config, sshdConfig(o) + extra, { mode: 0o600 });
  if (process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
    trackPath(PRIVSEP_DIR, "emptyDir");
  }
  return startServer({
    name: "OpenSSH",
    host: "openssh",
    port: o.port,
    command: SSHD,
    args: ["-D", "-e", "-f", config],
    prefix: o.prefix,
  });
}
