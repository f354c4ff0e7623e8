/**
 * Who may log in at all, before any credential is looked at — sshd's
 * `allowed_user()` and `PermitRootLogin`. Single-user mode (tsshd not root)
 * admits only the account tsshd runs as; multi-user mode (root) maps the
 * login name to a system account and refuses unknown, locked and expired
 * accounts, unusable shells and what `--allow-users`/`--deny-users`/
 * `--allow-groups`/`--deny-groups` exclude — each with sshd's log line.
 *
 * @module
 */
import type { RunAs, Runtime, UserInfo } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import type { PeerInfo } from "../ssh/ops.ts";
import { accountGroups, accountProblem, lookupAccount } from "./accounts.ts";
import { readShadowStatus } from "./shadow_status.ts";
import { filterUsesGroups, type UserFilter, userFilterProblem } from "./user_filter.ts";

/** sshd's `PermitRootLogin` values. */
export type PermitRootLogin = "yes" | "prohibit-password" | "forced-commands-only" | "no";

/** Settings of the gate. */
export interface LoginGateOptions {
  runtime: Runtime;
  logger: Logger;
  /** Default: root ⇒ multi-user. */
  multiUser?: boolean;
  filter?: UserFilter;
  /** Default `prohibit-password`. */
  permitRootLogin?: PermitRootLogin;
}

/** An account that may log in, with what sessions need to run as it. */
export interface Admitted {
  account: UserInfo;
  /** Credentials for spawned programs; undefined in single-user mode (run as tsshd itself). */
  runAs?: RunAs;
}

/**
 * Decides who may log in.
 *
 * @example
 * ```ts
 * const gate = new LoginGate({ runtime, logger });
 * const who = await gate.admit("alice", peer); // undefined = treat as an invalid user
 * ```
 */
export class LoginGate {
  readonly multiUser: boolean;
  private self: UserInfo;

  constructor(private o: LoginGateOptions) {
    this.self = o.runtime.currentUser();
    this.multiUser = o.multiUser ?? this.self.uid === 0;
  }

  /** The account for `name` if it may log in from `peer`, else undefined (logged as sshd does). */
  async admit(name: string, peer: PeerInfo): Promise<Admitted | undefined> {
    if (!this.multiUser) return name === this.self.name ? { account: this.self } : undefined;
    const source = { runtime: this.o.runtime };
    const account = await lookupAccount(name, source);
    if (!account) return undefined;
    const deny = (line: string) => {
      this.o.logger.info(line); // already in sshd's words: "User bob not allowed because account is locked"
      return undefined;
    };
    const problem = await accountProblem(account, await readShadowStatus(name));
    if (problem) return deny(problem);
    const groups = await accountGroups(account, source);
    if (this.o.filter) {
      const why = userFilterProblem(this.o.filter, {
        user: name,
        groups: filterUsesGroups(this.o.filter) ? groups.names : [],
        host: peer.address,
        address: peer.address,
      });
      if (why) return deny(why);
    }
    return { account, runAs: { uid: account.uid, gid: account.gid, name: account.name, groups: groups.gids } };
  }

  /**
   * May `account` log in with `method` under `PermitRootLogin`? Only root is
   * limited; `forced-commands-only` needs a key with `command=`.
   */
  rootAllows(account: UserInfo, method: string, forcedCommand: boolean): boolean {
    if (account.uid !== 0) return true;
    const p = this.o.permitRootLogin ?? "prohibit-password";
    if (p === "yes") return true;
    if (p === "no") return false;
    const keyMethod = method === "publickey" || method === "hostbased";
    return p === "prohibit-password" ? keyMethod : keyMethod && forcedCommand;
  }
}
