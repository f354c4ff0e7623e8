/**
 * The environment of a session's program, as OpenSSH's sshd builds it
 * (session.c `do_setup_env`): the account's variables, the connection's,
 * the terminal's, and the client's accepted `env` requests.
 *
 * @module
 */
import type { ConnectionInfo } from "../ssh/ops.ts";
import type { UserInfo } from "../runtime/types.ts";

/** PATH for sessions (Debian's sshd default for ordinary users; root gets the sbin dirs too). */
export function defaultPath(uid: number): string {
  return uid === 0
    ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    : "/usr/local/bin:/usr/bin:/bin:/usr/games";
}

/** Client `env` requests the default ops accept (OpenSSH's Debian default `AcceptEnv LANG LC_*`). */
export function isAcceptedEnv(name: string): boolean {
  return name === "LANG" || /^LC_[A-Z_]+$/.test(name);
}

/** What the environment depends on. */
export interface SessionEnvInput {
  user: UserInfo;
  conn: ConnectionInfo;
  shell: string;
  /** Accepted client `env` requests. */
  clientEnv: ReadonlyMap<string, string>;
  /** From the pty request. */
  term?: string;
  /** `/dev/pts/N` when a pty is allocated. */
  tty?: string;
  /** The server's own TZ, passed on like OpenSSH does. */
  tz?: string;
}

/**
 * Build the environment.
 *
 * @example
 * ```ts
 * const env = sessionEnv({ user, conn, shell: "/bin/bash", clientEnv: new Map([["LANG", "C.UTF-8"]]) });
 * env.SSH_CONNECTION; // "127.0.0.1 51000 127.0.0.1 2200"
 * ```
 */
export function sessionEnv(i: SessionEnvInput): Record<string, string> {
  const p = i.conn.peer;
  const env: Record<string, string> = {};
  for (const [k, v] of i.clientEnv) env[k] = v;
  Object.assign(env, i.conn.permissions.environment ?? {});
  Object.assign(env, {
    USER: i.user.name,
    LOGNAME: i.user.name,
    HOME: i.user.home,
    SHELL: i.shell,
    PATH: defaultPath(i.user.uid),
    MAIL: `/var/mail/${i.user.name}`,
    SSH_CLIENT: `${p.address} ${p.port} ${p.localPort}`,
    SSH_CONNECTION: `${p.address} ${p.port} ${p.localAddress} ${p.localPort}`,
  });
  if (i.tz) env.TZ = i.tz;
  if (i.term !== undefined) env.TERM = i.term;
  if (i.tty) env.SSH_TTY = i.tty;
  return env;
}
