/**
 * The default session handler: a login shell on a PTY, or a command through
 * the user's shell (`$SHELL -c COMMAND`) with a PTY when one was requested and
 * pipes otherwise, wired to the channel with back-pressure both ways.
 *
 * @module
 */
import type { ChildProcess, ExitInfo, RunAs, Runtime, UserInfo } from "../runtime/types.ts";
import type { ConnectionInfo, PtyRequest, SessionChannel, SessionHandler } from "../ssh/ops.ts";
import type { Logger } from "../ssh/config.ts";
import { isAcceptedEnv, sessionEnv } from "./session_env.ts";
import { serveSftp } from "../sftp/server.ts";
import { diskBackend } from "./sftp_fs.ts";
import { idNames } from "./sftp_users.ts";
import { runScp, scpCommand } from "./scp.ts";
import { AgentSocket } from "./agent_forward.ts";
import { SFTP_SERVER_COMMAND } from "../cli_sftp_server.ts";
import { type LoginSession, recordLogin, recordLogout } from "./login_records.ts";

/** Options of the default shell handler. */
export interface ShellOptions {
  runtime: Runtime;
  user: UserInfo;
  /** Shell for sessions; default the account's shell. */
  shell: string;
  logger: Logger;
  /** Confine SFTP sessions to this directory (`--sftp-root`). */
  sftpRoot?: string;
  /** Allow only the SFTP subsystem (`--sftp-only`). */
  sftpOnly?: boolean;
  /** Honour `ssh -A` (`--allow-agent-forwarding`, default true). */
  allowAgentForwarding?: boolean;
  /**
   * Multi-user mode: run every program as this account (uid, gid, groups).
   * SFTP then runs in a helper process as the user (`tsshd internal-sftp-server`)
   * and legacy scp through the user's shell, like sshd.
   */
  runAs?: RunAs;
  /** Working directory of programs (default the home directory). */
  cwd?: string;
  /** Told to the user on stderr when a program starts (e.g. "Could not chdir to home directory"). */
  cwdMessage?: string;
  /** Write utmp/wtmp/lastlog records for PTY sessions (multi-user mode). */
  loginRecords?: boolean;
}

/** How long to keep draining a PTY after its shell exited (background jobs may hold it open). */
const PTY_DRAIN_AFTER_EXIT_MS = 1000;

/**
 * Make the session handler for one session channel.
 *
 * @example
 * ```ts
 * const ops = { session: (conn) => shellSession(conn, { runtime, user, shell: "/bin/bash", logger }) };
 * ```
 */
export function shellSession(conn: ConnectionInfo, o: ShellOptions): SessionHandler {
  let pty: PtyRequest | undefined;
  const clientEnv = new Map<string, string>();
  let child: ChildProcess | undefined;
  let agent: AgentSocket | undefined;
  let login: LoginSession | undefined;
  /** Programs run as another account than tsshd's (multi-user mode, not root). */
  const dropped = o.runAs !== undefined && o.runAs.uid !== o.runtime.currentUser().uid;

  const start = (channel: SessionChannel, command: string | undefined, originalCommand?: string): boolean => {
    const shellName = o.shell.split("/").pop() ?? "sh";
    const env = sessionEnv({ user: o.user, conn, shell: o.shell, clientEnv, term: pty?.term, tz: o.runtime.env("TZ") });
    if (agent) env.SSH_AUTH_SOCK = agent.path;
    if (originalCommand !== undefined) env.SSH_ORIGINAL_COMMAND = originalCommand;
    const base = {
      file: o.shell,
      args: command === undefined ? [] : ["-c", command],
      argv0: command === undefined ? `-${shellName}` : shellName,
      env,
      cwd: o.cwd ?? o.user.home,
      ...(o.runAs ? { user: o.runAs } : {}),
    };
    try {
      if (pty) {
        child = o.runtime.spawnPty({
          ...base,
          cols: pty.cols || 80,
          rows: pty.rows || 24,
          widthPx: pty.widthPx,
          heightPx: pty.heightPx,
          modes: pty.modes,
          ttyEnv: "SSH_TTY",
        });
      } else {
        child = o.runtime.spawn(base);
      }
    } catch (e) {
      o.logger.warn(`cannot start ${o.shell}: ${(e as Error).message}`);
      return false;
    }
    o.logger.debug(`session for ${conn.user}: pid ${child.pid}${child.ttyPath ? ` on ${child.ttyPath}` : ""}`);
    if (o.cwdMessage) void channel.writeStderr(new TextEncoder().encode(`${o.cwdMessage}\n`));
    if (o.loginRecords && child.ttyPath) {
      const p = conn.peer;
      login = {
        user: o.user.name,
        uid: o.user.uid,
        pid: child.pid,
        ttyPath: child.ttyPath,
        host: p.address,
        address: p.address,
      };
      void recordLogin(login).catch((e) => o.logger.debug(`login records: ${(e as Error).message}`));
    }
    void pump(child, channel, pty !== undefined, o.logger);
    return true;
  };

  /** SFTP in a helper process running as the user (multi-user mode). */
  const sftpAsUser = (channel: SessionChannel): boolean => {
    const args = ["--home", o.user.home, "--client-version", conn.clientVersion];
    if (o.sftpRoot) args.push("--root", o.sftpRoot);
    const self = o.runtime.selfCommand([SFTP_SERVER_COMMAND, ...args]);
    try {
      child = o.runtime.spawn({
        file: self.file,
        args: self.args,
        env: { HOME: o.user.home, USER: o.user.name, LOGNAME: o.user.name, PATH: "/usr/bin:/bin" },
        cwd: o.cwd ?? o.user.home,
        user: o.runAs,
      });
    } catch (e) {
      o.logger.warn(`cannot start the sftp helper for ${conn.user}: ${(e as Error).message}`);
      return false;
    }
    void pump(child, channel, false, o.logger);
    return true;
  };

  const sftp = (channel: SessionChannel): boolean => {
    if (dropped) return sftpAsUser(channel);
    const backend = diskBackend({ home: o.user.home, root: o.sftpRoot, byteFs: o.runtime.byteFs });
    void idNames().then((names) => serveSftp(channel, backend, { clientVersion: conn.clientVersion, names })).catch(
      (e) => {
        o.logger.warn(`sftp session for ${conn.user} failed: ${(e as Error).message}`);
        channel.exit({ code: 1 });
      },
    );
    return true;
  };
  /** Sessions of an --sftp-only server: tell the user why there is no shell, as OpenSSH does. */
  const sftpOnlyRefusal = (channel: SessionChannel): boolean => {
    void channel.writeStderr(new TextEncoder().encode("This service allows sftp connections only.\n")).then(() =>
      channel.exit({ code: 1 })
    );
    return true;
  };

  return {
    pty(req) {
      pty = req;
      return true;
    },
    subsystem(name, channel) {
      return name === "sftp" ? sftp(channel) : false;
    },
    env(name, value) {
      if (!isAcceptedEnv(name)) return false;
      clientEnv.set(name, value);
      return true;
    },
    shell: (channel) => o.sftpOnly ? sftpOnlyRefusal(channel) : start(channel, undefined),
    exec: (command, channel, forced) => {
      if (command === "internal-sftp") return sftp(channel); // a forced command, like sshd's ForceCommand internal-sftp
      if (o.sftpOnly) return sftpOnlyRefusal(channel);
      const scp = dropped ? undefined : scpCommand(command); // as another user: the system scp, like sshd
      if (!scp) return start(channel, command, forced?.originalCommand);
      void runScp(scp, channel, { cwd: o.user.home }).then((code) => channel.exit({ code }));
      return true;
    },
    windowChange(size) {
      child?.resize(size.cols, size.rows, size.widthPx, size.heightPx);
    },
    signal(name) {
      child?.kill(name);
    },
    async agentForward(connect) {
      if (o.allowAgentForwarding === false || agent) return false;
      try {
        agent = await AgentSocket.open(o.runtime, o.logger, connect, dropped ? o.runAs : undefined);
        return true;
      } catch (e) {
        o.logger.warn(`agent forwarding for ${conn.user} failed: ${(e as Error).message}`);
        return false;
      }
    },
    close() {
      child?.kill("HUP");
      agent?.close();
      if (login) void recordLogout(login).catch(() => {});
    },
  };
}

/** Move bytes both ways until the program ends, then report its exit. */
async function pump(child: ChildProcess, channel: SessionChannel, isPty: boolean, logger: Logger): Promise<void> {
  const copyOut = async (read: () => Promise<Uint8Array | null>, write: (d: Uint8Array) => Promise<void>) => {
    for (let c = await read(); c; c = await read()) await write(c);
  };
  const stdin = (async () => {
    for (let c = await channel.read(); c; c = await channel.read()) await child.write(c);
    child.closeStdin();
  })().catch(() => child.closeStdin());
  const outputs: Promise<void>[] = [copyOut(() => child.read(), (d) => channel.write(d))];
  if (child.readErr) {
    const readErr = child.readErr.bind(child);
    outputs.push(copyOut(readErr, (d) => channel.writeStderr(d)));
  }
  const outDone = Promise.all(outputs).catch((e) => logger.debug(`session output: ${(e as Error).message}`));
  let status: ExitInfo;
  try {
    status = await child.exited;
  } catch (e) {
    logger.warn(`session child: ${(e as Error).message}`);
    status = { code: 255, signal: null, coreDumped: false };
  }
  if (isPty) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([outDone, new Promise((r) => (timer = setTimeout(r, PTY_DRAIN_AFTER_EXIT_MS)))]);
    clearTimeout(timer);
  } else {
    await outDone;
  }
  void stdin;
  if (status.signal) channel.exit({ signal: status.signal, coreDumped: status.coreDumped });
  else channel.exit({ code: status.code ?? 255 });
}
