/**
 * Session channels (RFC 4254 §6): the channel requests of one session and the
 * {@link SessionChannel} the ops drive.
 *
 * @module
 */
import type { Channel } from "./channel.ts";
import type {
  AgentConnect,
  ExitStatus,
  ForwardedConnect,
  Permissions,
  PtyRequest,
  SessionChannel,
  SessionHandler,
  WindowSize,
} from "./ops.ts";
import type { Logger } from "./config.ts";
import { SshReader, SshWriter } from "./wire.ts";
import { printable } from "./transport/version.ts";
import { decodeTerminalModes } from "./terminal_modes.ts";

/**
 * Drives one session channel: parses its requests, asks the handler, and
 * exposes the channel to the handler as a {@link SessionChannel}.
 */
export class Session {
  private started = false;
  private ptyGranted = false;
  private agentGranted = false;
  private readonly api: SessionChannel;
  private markReady!: () => void;

  constructor(
    private channel: Channel,
    private handler: SessionHandler,
    private permissions: Permissions,
    private logger: Logger,
    /** Opens agent and X11 channels to the client. */
    private forwards: { agent: AgentConnect; x11: ForwardedConnect },
  ) {
    // Output from a shell/exec/subsystem handler waits until the request's reply has been sent.
    const ready = new Promise<void>((r) => (this.markReady = r));
    this.api = makeSessionChannel(channel, ready);
    channel.onClose = () => {
      try {
        handler.close?.();
      } catch (e) {
        logger.warn(`session close hook threw: ${(e as Error).message}`);
      }
    };
  }

  /** Handle one CHANNEL_REQUEST (reader positioned after the want_reply flag). */
  async request(name: string, wantReply: boolean, r: SshReader): Promise<void> {
    let ok = false;
    try {
      ok = await this.dispatch(name, r);
    } catch (e) {
      this.logger.debug(`session request ${printable(name)} failed: ${(e as Error).message}`);
      ok = false;
    }
    if (wantReply) this.channel.reply(ok);
    if (ok && (name === "shell" || name === "exec" || name === "subsystem")) this.markReady();
  }

  private async dispatch(name: string, r: SshReader): Promise<boolean> {
    const h = this.handler;
    switch (name) {
      case "pty-req": {
        const req: PtyRequest = {
          term: r.utf8(),
          cols: r.uint32(),
          rows: r.uint32(),
          widthPx: r.uint32(),
          heightPx: r.uint32(),
          modes: decodeTerminalModes(r.string()),
        };
        if (this.started || this.ptyGranted || this.permissions.noPty || !h.pty) return false;
        this.ptyGranted = await h.pty(req);
        return this.ptyGranted;
      }
      case "env": {
        const key = r.utf8();
        const value = r.utf8();
        if (this.started || !h.env) return false;
        return await h.env(key, value);
      }
      case "shell":
      case "exec":
      case "subsystem": {
        const arg = name === "shell" ? "" : r.utf8();
        if (this.started) return false;
        this.started = true;
        const ok = await this.start(name, arg);
        if (!ok) this.started = false;
        return ok;
      }
      case "window-change": {
        const size: WindowSize = { cols: r.uint32(), rows: r.uint32(), widthPx: r.uint32(), heightPx: r.uint32() };
        if (!this.ptyGranted || !h.windowChange) return false;
        h.windowChange(size);
        return true;
      }
      case "auth-agent-req@openssh.com": {
        if (this.agentGranted || this.permissions.noAgentForwarding || !h.agentForward) return false;
        this.agentGranted = await h.agentForward(this.forwards.agent);
        return this.agentGranted;
      }
      case "x11-req": {
        const req = { singleConnection: r.boolean(), authProtocol: r.utf8(), authCookie: r.utf8(), screen: r.uint32() };
        if (this.started || this.permissions.noX11Forwarding || !h.x11) return false;
        return await h.x11(req, this.forwards.x11);
      }
      case "break": {
        const ms = r.uint32();
        return h.break ? await h.break(ms) : false;
      }
      case "signal": {
        const sig = r.utf8();
        if (!h.signal) return false;
        h.signal(sig);
        return true;
      }
      default:
        return false;
    }
  }

  private async start(kind: string, arg: string): Promise<boolean> {
    const h = this.handler;
    const forced = this.permissions.forceCommand;
    if (forced !== undefined) {
      return h.exec ? await h.exec(forced, this.api, { originalCommand: kind === "shell" ? undefined : arg }) : false;
    }
    if (kind === "shell") return h.shell ? await h.shell(this.api) : false;
    if (kind === "exec") return h.exec ? await h.exec(arg, this.api) : false;
    return h.subsystem ? await h.subsystem(arg, this.api) : false;
  }
}

/**
 * Wrap a channel as the ops-facing {@link SessionChannel}. Nothing is sent
 * before `ready` resolves (the reply to the request that started the program).
 */
export function makeSessionChannel(ch: Channel, ready: Promise<void> = Promise.resolve()): SessionChannel {
  const exit = (status: ExitStatus) => {
    if (ch.closeSent) return;
    if ("code" in status) {
      ch.sendRequest("exit-status", false, (w: SshWriter) => w.uint32(status.code >>> 0));
    } else {
      ch.sendRequest(
        "exit-signal",
        false,
        (w: SshWriter) =>
          w.string(status.signal).boolean(status.coreDumped ?? false).string(status.message ?? "").string(""),
      );
    }
    ch.sendEof();
    ch.sendClose();
  };
  return {
    read: () => ch.read(),
    write: async (d) => {
      await ready;
      await ch.write(d);
    },
    writeStderr: async (d) => {
      await ready;
      await ch.write(d, true);
    },
    eof: () => void ready.then(() => ch.sendEof()),
    exit: (status) => void ready.then(() => exit(status)),
    close: () => void ready.then(() => ch.sendClose()),
    closed: ch.closed,
  };
}
