/**
 * Who may log in: `--deny-users`, `--allow-users`, `--deny-groups` and
 * `--allow-groups`, with the semantics of sshd_config(5) DenyUsers,
 * AllowUsers, DenyGroups and AllowGroups (OpenSSH `allowed_user`):
 *
 * - Each list holds patterns (`*`, `?`; see `ssh_pattern.ts`). A user
 *   pattern may be `USER@HOST`, where USER is a pattern and HOST a
 *   pattern-list matched against the client's host name and address (CIDR
 *   blocks allowed, `!` negates). Group patterns match group *names* (the
 *   primary group and the supplementary groups); numeric ids are not
 *   recognised.
 * - Order: DenyUsers, AllowUsers, DenyGroups, AllowGroups. A deny match
 *   refuses; a non-empty allow list refuses everyone it does not match.
 *
 * @module
 */
import { printable } from "../ssh/transport/version.ts";
import { addrMatchList } from "./addr_match.ts";
import { matchHostAndIp } from "./host_patterns.ts";
import { matchPattern } from "./ssh_pattern.ts";

/**
 * The four lists; an absent or empty list does not restrict.
 *
 * @example
 * ```ts
 * const filter: UserFilter = { allowUsers: ["alice", "bob@10.0.0.0/8"], denyGroups: ["guests"] };
 * ```
 */
export interface UserFilter {
  allowUsers?: readonly string[];
  denyUsers?: readonly string[];
  allowGroups?: readonly string[];
  denyGroups?: readonly string[];
}

/**
 * The login being checked.
 *
 * @example
 * ```ts
 * const who: LoginCandidate = { user: "alice", groups: ["alice", "sudo"], host: "10.1.2.3", address: "10.1.2.3" };
 * ```
 */
export interface LoginCandidate {
  /** The account name. */
  user: string;
  /** Names of the account's primary and supplementary groups (needed only when a group list is set). */
  groups: readonly string[];
  /** The client's host name, or its address when names are not looked up (sshd's `UseDNS no`). */
  host: string;
  /** The client's numeric address. */
  address: string;
}

/**
 * A malformed pattern (a bad CIDR block in the HOST part of `USER@HOST`).
 *
 * @example
 * ```ts
 * try { validateUserFilter({ allowUsers: ["a@10.0.0.1/8"] }); } catch (e) { console.error((e as UserFilterError).message); }
 * ```
 */
export class UserFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserFilterError";
  }
}

/**
 * OpenSSH `match_user`: whether `pattern` (`USER` or `USER@HOST`) matches
 * the login; -1 if its HOST part is invalid.
 *
 * @example
 * ```ts
 * matchUser("alice", "10.0.0.5", "10.0.0.5", "alice@10.0.0.0/24"); // 1
 * matchUser("alice", "h.example.com", "192.0.2.1", "al*@*.example.com"); // 1
 * ```
 */
export function matchUser(user: string, host: string, address: string, pattern: string): 1 | 0 | -1 {
  const at = pattern.lastIndexOf("@");
  if (at < 0) return matchPattern(user, pattern) ? 1 : 0;
  if (!matchPattern(user, pattern.slice(0, at))) return 0;
  return matchHostAndIp(address, host, pattern.slice(at + 1));
}

/**
 * Throws {@link UserFilterError} for a user pattern whose HOST part holds an
 * invalid address block (sshd refuses to start on these), so configuration
 * errors surface at start-up rather than at the first login.
 *
 * @example
 * ```ts
 * validateUserFilter({ denyUsers: ["*@10.0.0.0/8"] }); // fine
 * validateUserFilter({ denyUsers: ["*@10.0.0.0/33"] }); // throws
 * ```
 */
export function validateUserFilter(filter: UserFilter): void {
  for (const [option, list] of [["--allow-users", filter.allowUsers], ["--deny-users", filter.denyUsers]] as const) {
    for (const pattern of list ?? []) {
      const at = pattern.lastIndexOf("@");
      if (at >= 0 && addrMatchList(undefined, pattern.slice(at + 1)) === -2) {
        throw new UserFilterError(`invalid ${option} pattern "${pattern}": bad address block after "@"`);
      }
    }
  }
}

/**
 * Whether the filter looks at groups (then the caller must fill
 * {@link LoginCandidate.groups}).
 *
 * @example
 * ```ts
 * filterUsesGroups({ allowUsers: ["a"] }); // false
 * ```
 */
export function filterUsesGroups(filter: UserFilter): boolean {
  return (filter.allowGroups?.length ?? 0) > 0 || (filter.denyGroups?.length ?? 0) > 0;
}

/**
 * Splits an option value into patterns the way sshd_config does: on
 * whitespace (a comma is part of a pattern's HOST pattern-list).
 *
 * @example
 * ```ts
 * splitPatterns("alice  bob@10.0.0.0/8,!10.0.0.1"); // ["alice", "bob@10.0.0.0/8,!10.0.0.1"]
 * ```
 */
export function splitPatterns(value: string): string[] {
  return value.split(/\s+/).filter((p) => p !== "");
}

/**
 * Why `who` may not log in, as sshd logs it, or `undefined` if the filter
 * lets it through. A user pattern with an invalid HOST part counts as a
 * refusal (call {@link validateUserFilter} at start-up to catch those).
 *
 * @example
 * ```ts
 * userFilterProblem({ denyUsers: ["root"] }, { user: "root", groups: [], host: "h", address: "192.0.2.1" });
 * // "User root from h not allowed because listed in DenyUsers"
 * ```
 */
export function userFilterProblem(filter: UserFilter, who: LoginCandidate): string | undefined {
  const prefix = `User ${printable(who.user)} from ${printable(who.host)} not allowed because`;
  const matches = (pattern: string) => matchUser(who.user, who.host, who.address, pattern);
  for (const pattern of filter.denyUsers ?? []) {
    const r = matches(pattern);
    if (r === -1) return `${prefix} DenyUsers pattern "${printable(pattern)}" is invalid`;
    if (r === 1) return `${prefix} listed in DenyUsers`;
  }
  const allowUsers = filter.allowUsers ?? [];
  if (allowUsers.length > 0) {
    let allowed = false;
    for (const pattern of allowUsers) {
      const r = matches(pattern);
      if (r === -1) return `${prefix} AllowUsers pattern "${printable(pattern)}" is invalid`;
      if (r === 1) {
        allowed = true;
        break;
      }
    }
    if (!allowed) return `${prefix} not listed in AllowUsers`;
  }
  if (!filterUsesGroups(filter)) return undefined;
  if (who.groups.length === 0) return `${prefix} not in any group`;
  const groupMatches = (patterns: readonly string[]) =>
    who.groups.some((group) => patterns.some((pattern) => matchPattern(group, pattern)));
  if (groupMatches(filter.denyGroups ?? [])) return `${prefix} a group is listed in DenyGroups`;
  const allowGroups = filter.allowGroups ?? [];
  if (allowGroups.length > 0 && !groupMatches(allowGroups)) {
    return `${prefix} none of user's groups are listed in AllowGroups`;
  }
  return undefined;
}
