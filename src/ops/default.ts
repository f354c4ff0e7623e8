/**
 * The default ops that make the engine an sshd: publickey authentication
 * against authorized_keys files (or a command), and login shells / commands on
 * a PTY or pipes. Single-user when tsshd is not root (only the account it runs
 * as may log in); multi-user as root (login names map to system accounts, and
 * every program runs as the account — see {@link LoginGate}).
 *
 * @module
 */
import type { Runtime, UserInfo } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import {
  accept,
  type AuthRequest,
  type AuthResult,
  type ConnectionInfo,
  type KeyboardInteractiveAuthRequest,
  partial,
  type PasswordAuthRequest,
  prompt,
  reject,
  type ServerOps,
} from "../ssh/ops.ts";
import { type KeysCommandConfig, KeyStore } from "./key_store.ts";
import { shellSession } from "./shell.ts";
import { DEFAULT_FORWARDING, forwardingOps, type ForwardingPolicy } from "./forwarding.ts";
import { type Admitted, LoginGate, type PermitRootLogin } from "./login_gate.ts";
import type { UserFilter } from "./user_filter.ts";
import { sessionDirectory } from "./home_dir.ts";
import { UserCa, type UserCaOptions } from "./user_ca.ts";
import { strictModesProblem } from "./strict_modes.ts";
import { PasswordCheck, type PasswordOptions } from "./password_auth.ts";
import { isComplete, nextMethods } from "./auth_methods.ts";
import { HostbasedCheck, type HostbasedOptions } from "./hostbased.ts";
import { access } from "node:fs/promises";

/**
 * StrictModes for a key file that exists; a missing one just holds no keys
 * (its read logs that at debug level, as sshd does) instead of an
 * "Authentication refused: realpath … failed" line at every login.
 */
async function strictModesIfPresent(path: string, user: UserInfo): Promise<string | undefined> {
  try {
    await access(path);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
  }
  return await strictModesProblem(path, user);
}

/** Settings of the default ops. */
export interface DefaultOpsOptions {
  runtime: Runtime;
  logger: Logger;
  /**
   * authorized_keys files, tried in order (sshd's `AuthorizedKeysFile`): paths
   * with `%u` (user), `%h` (home), `%U` (uid), `%%`; relative ones start at the
   * home directory. A single string is one path.
   */
  authorizedKeys: string | readonly string[];
  /** sshd's `AuthorizedKeysCommand`, run when no file lets the key in. */
  authorizedKeysCommand?: KeysCommandConfig;
  /** sshd's `PermitUserEnvironment` for `environment=` options: false (default), true, or a pattern-list of names. */
  permitUserEnvironment?: boolean | string;
  /** Shell for sessions; default the account's login shell. */
  shell?: string;
  /** Confine SFTP sessions to this directory. */
  sftpRoot?: string;
  /** Allow only the SFTP subsystem. */
  sftpOnly?: boolean;
  /** Port and unix-socket forwarding policy; default sshd's (everything allowed, -R on loopback). */
  forwarding?: ForwardingPolicy;
  /** Honour `ssh -A`; default true. */
  allowAgentForwarding?: boolean;
  /** Multi-user mode; default: when tsshd runs as root. */
  multiUser?: boolean;
  /** `--allow-users`, `--deny-users`, `--allow-groups`, `--deny-groups` (multi-user mode). */
  userFilter?: UserFilter;
  /** sshd's `PermitRootLogin`; default `prohibit-password`. */
  permitRootLogin?: PermitRootLogin;
  /** sshd's `AuthenticationMethods` (see auth_methods.ts); undefined = any one method suffices. */
  authenticationMethods?: string[][];
  /** Password and keyboard-interactive logins (off unless a source is given). */
  passwords?: Omit<PasswordOptions, "logger">;
  /** `TrustedUserCAKeys`, `AuthorizedPrincipalsFile`, `RevokedKeys`. */
  certificates?: Pick<UserCaOptions, "trustedCaKeys" | "authorizedPrincipalsFile" | "revokedKeys">;
  /** sshd's `HostbasedAuthentication yes` with these files (see hostbased.ts); undefined = off. */
  hostbased?: Pick<HostbasedOptions, "knownHostsFiles" | "hostsEquivFiles">;
}

/**
 * Build the default ops.
 *
 * @example
 * ```ts
 * const ops = defaultOps({ runtime, logger, authorizedKeys: `${home}/.ssh/authorized_keys` });
 * const server = new Server({ hostKeys, ops, crypto: runtime.crypto, logger });
 * ```
 */
export function defaultOps(o: DefaultOpsOptions): ServerOps {
  const gate = new LoginGate({
    runtime: o.runtime,
    logger: o.logger,
    multiUser: o.multiUser,
    filter: o.userFilter,
    permitRootLogin: o.permitRootLogin,
  });
  // What authentication admitted, for the session hooks of the same connection (keyed by the session id).
  const admitted = new Map<string, Admitted>();
  const idOf = (sessionId: Uint8Array) => Array.from(sessionId, (b) => b.toString(16).padStart(2, "0")).join("");
  const admit = async (name: string, sessionId: Uint8Array, peer: Parameters<LoginGate["admit"]>[1]) => {
    const key = idOf(sessionId);
    const known = admitted.get(key);
    if (known && known.account.name === name) return known;
    const who = await gate.admit(name, peer);
    if (who) {
      admitted.set(key, who);
      // A cache, not a registry: forget the oldest; a later lookup just asks the gate again.
      if (admitted.size > 1000) admitted.delete(admitted.keys().next().value!);
    }
    return who;
  };
  const account = (conn: ConnectionInfo) => admit(conn.user, conn.sessionId, conn.peer);
  const passwords = new PasswordCheck({ logger: o.logger, ...o.passwords });
  /** `password`, or `keyboard-interactive` asking one "Password:" question. */
  const passwordLogin = async (req: PasswordAuthRequest | KeyboardInteractiveAuthRequest, who: Admitted) => {
    let password: string;
    if (req.method === "keyboard-interactive") {
      if (!req.responses) return prompt({ prompts: [{ prompt: "Password: ", echo: false }] });
      password = req.responses[0] ?? "";
    } else password = req.password;
    const rootOk = gate.rootAllows(who.account, "password", false);
    const ok = await passwords.verify(rootOk ? who.account.name : undefined, password);
    if (!rootOk) o.logger.info(`ROOT LOGIN REFUSED FROM ${req.peer.address} port ${req.peer.port}`);
    return ok ? accept() : reject();
  };
  const ca = new UserCa({ crypto: o.runtime.crypto, logger: o.logger, ...o.certificates });
  const store = new KeyStore({
    runtime: o.runtime,
    logger: o.logger,
    files: typeof o.authorizedKeys === "string" ? [o.authorizedKeys] : o.authorizedKeys,
    command: o.authorizedKeysCommand,
    permitUserEnvironment: o.permitUserEnvironment,
    // Multi-user: sshd's StrictModes — a file others could have written grants nothing.
    ...(gate.multiUser ? { checkFile: strictModesIfPresent } : {}),
  });
  const lists = o.authenticationMethods;
  const hostbased = o.hostbased &&
    new HostbasedCheck({ ...o.hostbased, crypto: o.runtime.crypto, logger: o.logger, strictModes: gate.multiUser });
  const ops: ServerOps = {
    ...forwardingOps(o.runtime, o.logger, async (conn) => {
      const who = await account(conn);
      return who && { uid: who.account.uid, gids: who.runAs?.groups ?? [who.account.gid] };
    }, o.forwarding ?? DEFAULT_FORWARDING),
    authMethods: lists ? nextMethods(lists, []) : [
      ...passwords.enabled ? ["publickey", "password", "keyboard-interactive"] : ["publickey"],
      ...hostbased ? ["hostbased"] : [],
    ],
    async authenticate(req) {
      if (!lists) return await decide(req);
      // AuthenticationMethods: only a method next in some list counts; success is partial until a list is done.
      if (req.method !== "none" && !nextMethods(lists, req.completed).includes(req.method)) return reject();
      const res = await decide(req);
      if (res.decision !== "accept" || (req.method === "publickey" && !req.verified)) return res;
      const done = [...req.completed, req.method];
      return isComplete(lists, done) ? res : partial(res.permissions, nextMethods(lists, done));
    },
    async session(conn) {
      const who = await account(conn);
      if (!who) return undefined;
      const { account: user } = who;
      const dir = who.runAs
        ? await sessionDirectory({ uid: user.uid, gids: who.runAs.groups ?? [user.gid], home: user.home })
        : undefined;
      return shellSession(conn, {
        runtime: o.runtime,
        user,
        shell: o.shell ?? user.shell,
        logger: o.logger,
        sftpRoot: o.sftpRoot,
        sftpOnly: o.sftpOnly,
        allowAgentForwarding: o.allowAgentForwarding,
        runAs: who.runAs,
        cwd: dir?.cwd,
        cwdMessage: dir?.message,
        loginRecords: gate.multiUser,
      });
    },
  };
  return ops;

  async function decide(req: AuthRequest): Promise<AuthResult> {
    const who = await admit(req.user, req.sessionId, req.peer);
    if (!who) {
      // Unknown users get the same questions and the same time as real ones.
      if (req.method === "keyboard-interactive" && passwords.enabled && !req.responses) {
        return prompt({ prompts: [{ prompt: "Password: ", echo: false }] });
      }
      if (req.method === "password") await passwords.verify(undefined, req.password);
      if (req.method === "keyboard-interactive") await passwords.verify(undefined, req.responses?.[0] ?? "");
      return reject({ invalidUser: req.method !== "none" });
    }
    if ((req.method === "password" || req.method === "keyboard-interactive") && passwords.enabled) {
      return await passwordLogin(req, who);
    }
    if (req.method === "hostbased") {
      if (!hostbased || await ca.revoked(req.key) || !(await hostbased.allowed(who.account, req))) return reject();
      if (!gate.rootAllows(who.account, req.method, false)) {
        o.logger.info(`ROOT LOGIN REFUSED FROM ${req.peer.address} port ${req.peer.port}`);
        return reject();
      }
      return accept();
    }
    if (req.method !== "publickey") return reject();
    if (await ca.revoked(req.key)) return reject();
    const query = { user: who.account, key: req.key, peer: req.peer };
    // Certificates: TrustedUserCAKeys first, then cert-authority lines (sshd's order).
    const permissions = req.key.certificate
      ? (await ca.authorize(who.account, req.key, req.peer.address)) ??
        (await store.authorizeCertificate(query))?.permissions
      : (await store.authorize(query))?.permissions;
    if (!permissions) return reject();
    if (!gate.rootAllows(who.account, req.method, permissions.forceCommand !== undefined)) {
      o.logger.info(`ROOT LOGIN REFUSED FROM ${req.peer.address} port ${req.peer.port}`);
      return reject();
    }
    return accept(permissions);
  }
}
