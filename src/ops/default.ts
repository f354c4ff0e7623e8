/**
 * The default ops that make the engine an sshd: single-user (the account
 * tsshd runs as), publickey authentication against an authorized_keys file,
 * and login shells / commands on a PTY or pipes.
 *
 * @module
 */
import type { Runtime, UserInfo } from "../runtime/types.ts";
import type { Logger } from "../ssh/config.ts";
import { accept, reject, type ServerOps } from "../ssh/ops.ts";
import { AuthorizedKeysFile, permissionsFor } from "./authorized_keys.ts";
import { shellSession } from "./shell.ts";
import { DEFAULT_FORWARDING, forwardingOps, type ForwardingPolicy } from "./forwarding.ts";

/** Settings of the default ops. */
export interface DefaultOpsOptions {
  runtime: Runtime;
  logger: Logger;
  /** Path of the authorized_keys file. */
  authorizedKeys: string;
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
  const user: UserInfo = o.runtime.currentUser();
  const shell = o.shell ?? user.shell;
  const store = new AuthorizedKeysFile(o.authorizedKeys, o.logger);
  return {
    ...forwardingOps(o.runtime, o.logger, user, o.forwarding ?? DEFAULT_FORWARDING),
    authMethods: ["publickey"],
    async authenticate(req) {
      if (req.user !== user.name) return reject({ invalidUser: req.method !== "none" });
      if (req.method !== "publickey") return reject();
      const entry = await store.find(req.key.blob);
      if (!entry) return reject();
      return accept(permissionsFor(entry));
    },
    session(conn) {
      return shellSession(conn, {
        runtime: o.runtime,
        user,
        shell,
        logger: o.logger,
        sftpRoot: o.sftpRoot,
        sftpOnly: o.sftpOnly,
        allowAgentForwarding: o.allowAgentForwarding,
      });
    },
  };
}
