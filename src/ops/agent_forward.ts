/**
 * Agent forwarding for a session (`ssh -A`, OpenSSH PROTOCOL.agent): a unix
 * socket in a private directory (`/tmp/ssh-XXXXXXXXXX/agent.PID`, mode 0700
 * directory and 0600 socket, as sshd makes it), named to the session's
 * programs in `SSH_AUTH_SOCK`; each connection to it becomes an
 * `auth-agent@openssh.com` channel to the client. Both are removed when the
 * session ends.
 *
 * @module
 */
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pid } from "node:process";
import type { RunAs, Runtime, UnixListener } from "../runtime/types.ts";
import type { AgentConnect } from "../ssh/forward_ops.ts";
import type { Logger } from "../ssh/config.ts";

/**
 * A forwarded agent's socket.
 *
 * @example
 * ```ts
 * const agent = await AgentSocket.open(runtime, logger, connect);
 * env.SSH_AUTH_SOCK = agent.path;
 * // …when the session ends:
 * agent.close();
 * ```
 */
export class AgentSocket {
  private constructor(
    /** The socket path for `SSH_AUTH_SOCK`. */
    readonly path: string,
    private dir: string,
    private listener: UnixListener,
  ) {}

  /** Make the directory and socket and start accepting. */
  static async open(rt: Runtime, logger: Logger, connect: AgentConnect, owner?: RunAs): Promise<AgentSocket> {
    const dir = await mkdtemp(join(tmpdir(), "ssh-"));
    const path = join(dir, `agent.${pid}`);
    try {
      await chmod(dir, 0o700);
      const listener = await rt.listenUnix(path);
      await chmod(path, 0o600);
      if (owner) {
        // multi-user mode: the user's programs must reach it, nobody else's
        await chown(dir, owner.uid, owner.gid);
        await chown(path, owner.uid, owner.gid);
      }
      const agent = new AgentSocket(path, dir, listener);
      void agent.serve(connect, logger);
      return agent;
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private async serve(connect: AgentConnect, logger: Logger): Promise<void> {
    try {
      for await (const c of this.listener.accept()) {
        void connect(c).then((ok) => ok || logger.debug("agent channel refused by the client"));
      }
    } catch {
      // closed
    }
  }

  /** Stop accepting and remove the socket and its directory. */
  close(): void {
    this.listener.close();
    void rm(this.dir, { recursive: true, force: true }).catch(() => {});
  }
}
