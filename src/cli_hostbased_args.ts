/**
 * The hostbased-authentication flags of `tsshd`, named after sshd_config's
 * `HostbasedAuthentication`: `--hostbased-authentication` (off by default),
 * `--hostbased-known-hosts` (the client hosts' keys) and `--hosts-equiv`
 * (which hosts and users may log in).
 *
 * @module
 */
import { DEFAULT_HOSTBASED_KNOWN_HOSTS, DEFAULT_HOSTS_EQUIV } from "./ops/hostbased.ts";

/** parseArgs option specs of the hostbased flags. */
export const HOSTBASED_OPTIONS = {
  "hostbased-authentication": { type: "boolean" },
  "hostbased-known-hosts": { type: "string", multiple: true },
  "hosts-equiv": { type: "string", multiple: true },
} as const;

/** The help text lines of the hostbased flags. */
export const HOSTBASED_HELP =
  `      --hostbased-authentication  let users in whose client host is trusted (off by default): the host's
                               address must be in a hosts.equiv file and its host key in a known-hosts
                               file (the client signs with it through ssh-keysign). Never for root
      --hostbased-known-hosts FILE  client host keys, known_hosts format with the address as host name;
                               repeatable (default /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2)
      --hosts-equiv FILE       "HOST [USER]" lines: HOST's USER (default: the same name) may log in;
                               repeatable (default /etc/hosts.equiv, /etc/ssh/shosts.equiv)
`;

/** The parsed values parseArgs returns for {@link HOSTBASED_OPTIONS}. */
export interface HostbasedFlagValues {
  "hostbased-authentication"?: boolean;
  "hostbased-known-hosts"?: string[];
  "hosts-equiv"?: string[];
}

/**
 * Hostbased settings from the command line: `hostbased` is undefined unless
 * `--hostbased-authentication` was given.
 *
 * @example
 * ```ts
 * const s: HostbasedSettings = hostbasedSettings({ "hostbased-authentication": true });
 * s.hostbased?.hostsEquivFiles; // ["/etc/hosts.equiv", "/etc/ssh/shosts.equiv"]
 * ```
 */
export interface HostbasedSettings {
  hostbased?: { knownHostsFiles: string[]; hostsEquivFiles: string[] };
}

/**
 * Turn the flag values into settings; throws an `Error` with a one-line
 * message when a file flag comes without `--hostbased-authentication` or is empty.
 *
 * @example
 * ```ts
 * hostbasedSettings({ "hostbased-authentication": true, "hosts-equiv": ["/srv/equiv"] });
 * // { hostbased: { knownHostsFiles: ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"], hostsEquivFiles: ["/srv/equiv"] } }
 * ```
 */
export function hostbasedSettings(v: HostbasedFlagValues): HostbasedSettings {
  const known = v["hostbased-known-hosts"];
  const equiv = v["hosts-equiv"];
  for (const [flag, files] of [["--hostbased-known-hosts", known], ["--hosts-equiv", equiv]] as const) {
    if (files === undefined) continue;
    if (!v["hostbased-authentication"]) throw new Error(`${flag} needs --hostbased-authentication`);
    if (files.some((f) => f === "")) throw new Error(`${flag}: empty file name`);
  }
  if (!v["hostbased-authentication"]) return {};
  return {
    hostbased: {
      knownHostsFiles: known ?? [...DEFAULT_HOSTBASED_KNOWN_HOSTS],
      hostsEquivFiles: equiv ?? [...DEFAULT_HOSTS_EQUIV],
    },
  };
}
