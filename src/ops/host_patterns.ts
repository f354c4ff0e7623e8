/**
 * Matching a client against an OpenSSH host pattern-list, as authorized_keys
 * `from="…"` uses it (OpenSSH `match_host_and_ip`): a comma-separated list
 * whose entries are CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`), addresses,
 * or wildcard patterns (`*.example.com`, `192.168.0.?`), each optionally
 * negated with `!`. A negated entry that matches denies even when another
 * entry matches; a malformed CIDR block (mask too long, host bits set) or an
 * empty entry makes the whole list invalid, which callers treat as a denial.
 *
 * tsshd does no reverse DNS (like sshd's default `UseDNS no`): the client's
 * "host name" is its address, so name patterns such as `*.example.com` never
 * match, while address wildcards such as `10.1.*` do.
 *
 * @module
 */
import { addrMatchList, unmapIpv4 } from "./addr_match.ts";
import { matchPatternList } from "./ssh_pattern.ts";

/**
 * `1` the client matches; `0` it does not (nothing matched, or a negated
 * entry matched); `-1` the pattern-list is invalid.
 *
 * @example
 * ```ts
 * const m: HostMatch = matchHostAndIp("10.0.0.1", "10.0.0.1", "10.0.0.0/8"); // 1
 * ```
 */
export type HostMatch = 1 | 0 | -1;

/** OpenSSH copies each sub-pattern into a 1024-byte buffer; a longer one makes the name match fail. */
const MAX_SUBPATTERN = 1023;

/**
 * OpenSSH `match_host_and_ip`: whether the client at `address` (called
 * `host` when its name is known; pass the address again when it is not)
 * matches `patternList`. The address is tried against CIDR blocks and
 * wildcards, the lowercased host name against wildcards (patterns lowercased
 * too); a negated match on either denies. An IPv4-mapped IPv6 address
 * (`::ffff:10.1.2.3`), as address or as name, is matched as the IPv4
 * address, as sshd does.
 *
 * @example
 * ```ts
 * matchHostAndIp("10.1.2.3", "10.1.2.3", "10.0.0.0/8"); // 1
 * matchHostAndIp("10.0.0.1", "10.0.0.1", "!10.0.0.1,10.0.0.0/8"); // 0 (negation wins)
 * matchHostAndIp("192.0.2.7", "pc.sales.example.net", "*.sales.example.net,!pc.sales.example.net"); // 0
 * matchHostAndIp("10.0.0.1", "10.0.0.1", "10.0.0.1/8"); // -1 (host bits set below the mask)
 * ```
 */
export function matchHostAndIp(address: string, host: string, patternList: string): HostMatch {
  const ip = addrMatchList(unmapIpv4(address), patternList);
  if (ip === -2) return -1;
  if (ip === -1) return 0;
  const name = matchHostName(unmapIpv4(host), patternList);
  if (name === -1) return 0;
  return name === 1 || ip === 1 ? 1 : 0;
}

/**
 * OpenSSH `match_hostname`: the lowercased `host` against the pattern-list,
 * case-insensitively: `1` a positive match, `-1` a negated match, `0` none.
 *
 * @example
 * ```ts
 * matchHostName("WWW.Example.COM", "*.example.com"); // 1
 * matchHostName("a.dialup.example.com", "*.example.com,!*.dialup.example.com"); // -1
 * ```
 */
export function matchHostName(host: string, patternList: string): 1 | 0 | -1 {
  if (patternList.split(",").some((p) => p.replace(/^!/, "").length >= MAX_SUBPATTERN)) return 0;
  return matchPatternList(host.toLowerCase(), patternList, true);
}

/**
 * Checks a pattern-list without a client, as sshd checks `from=` lists
 * while reading them: `undefined` if it is well formed, else why not.
 *
 * @example
 * ```ts
 * hostPatternProblem("10.0.0.0/8,!10.1.0.0/16"); // undefined
 * hostPatternProblem("10.0.0.0/33"); // "invalid address block or empty entry in \"10.0.0.0/33\""
 * ```
 */
export function hostPatternProblem(patternList: string): string | undefined {
  return addrMatchList(undefined, patternList) === -2
    ? `invalid address block or empty entry in "${patternList}"`
    : undefined;
}
