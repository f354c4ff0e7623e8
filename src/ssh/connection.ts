/**
 * The `ssh-connection` service (RFC 4254): global requests, channel opens and
 * the per-channel messages, multiplexed over one transport.
 *
 * @module
 */
import type { Transport } from "./transport/transport.ts";
import type { Limits, Logger } from "./config.ts";
import type { ConnectionInfo, ServerOps } from "./ops.ts";
import { DISCONNECT, MSG, OPEN_FAILURE } from "./messages.ts";
import { protocolError } from "./errors.ts";
import { SshReader, SshWriter } from "./wire.ts";
import { Channel, type ChannelSink } from "./channel.ts";
import { WindowBudget } from "./channel_window.ts";
import { Session } from "./session.ts";
import { printable } from "./transport/version.ts";
import { LivenessMonitor } from "./liveness.ts";
import { hostkeysAnnouncement, proveHostkeys } from "./hostkeys_update.ts";
import { type ChannelHost, Forwarding, type GlobalReply } from "./forwarding.ts";
import type { ForwardedConnect, ForwardStream } from "./forward_ops.ts";

/**
 * Serves the connection protocol for one authenticated user until the
 * transport ends.
 *
 * @example
 * ```ts
 * await new Connection(transport, ops, info, limits, logger).run();
 * ```
 */
export class Connection implements ChannelSink, ChannelHost {
  private channels = new Map<number, Channel>();
  private sessions = new Map<number, Session>();
  /** Channels we asked the client to open, by our id, waiting for its answer. */
  private pendingOpens = new Map<
    number,
    (answer: { remoteId: number; window: number; maxPacket: number } | null) => void
  >();
  /** Inbound opens accepted by the engine and waiting for the ops (connects in progress). */
  private reserved = 0;
  private nextId = 0;
  private noMoreSessions = false;
  private ended = false;
  private liveness: LivenessMonitor;
  /** Growth of all this connection's receive windows beyond their initial size (Limits.connectionWindowGrowth). */
  private windowBudget: WindowBudget;
  private forwarding: Forwarding;
  /** Global requests are answered in the order they came (RFC 4254 §4). */
  private globalReplies: Promise<void> = Promise.resolve();

  constructor(
    private transport: Transport,
    private ops: ServerOps,
    private info: ConnectionInfo,
    private limits: Limits,
    private logger: Logger,
  ) {
    this.liveness = new LivenessMonitor(transport, limits, (reason) => {
      const p = info.peer;
      logger.info(`${reason}: disconnecting user ${printable(info.user)} ${p.address} port ${p.port}`);
      void transport.disconnect(DISCONNECT.BY_APPLICATION, reason);
    });
    this.forwarding = new Forwarding(this, ops, info, logger);
    this.windowBudget = new WindowBudget(limits.connectionWindowGrowth);
  }

  /** Process packets until the transport ends (throws its error). */
  async run(): Promise<void> {
    this.liveness.start();
    this.transport.send(hostkeysAnnouncement(this.transport.hostKeys));
    try {
      for (;;) {
        const p = await this.transport.readPacket();
        await this.dispatch(p);
      }
    } finally {
      this.ended = true;
      this.liveness.stop();
      this.forwarding.closeAll();
      for (const answer of this.pendingOpens.values()) answer(null);
      this.pendingOpens.clear();
      for (const ch of this.channels.values()) ch.abort();
      this.channels.clear();
      this.sessions.clear();
    }
  }

  // ChannelSink
  send(payload: Uint8Array): void {
    this.transport.send(payload);
  }

  sendWith(length: number, fill: (dst: Uint8Array) => void, alignTo?: number): void {
    this.transport.sendWith(length, fill, alignTo);
  }

  waitWritable(): Promise<void> {
    return this.transport.waitWritable();
  }

  release(channel: Channel): void {
    this.channels.delete(channel.localId);
    this.sessions.delete(channel.localId);
  }

  // ChannelHost
  reserve(): boolean {
    if (this.ended || this.channels.size + this.pendingOpens.size + this.reserved >= this.limits.maxChannels) {
      return false;
    }
    this.reserved++;
    return true;
  }

  unreserve(): void {
    this.reserved--;
  }

  confirm(remoteId: number, window: number, maxPacket: number): Channel {
    this.reserved--;
    const ch = this.newChannel(this.allocId(), remoteId, window, maxPacket);
    this.sendConfirmation(remoteId, ch.localId);
    return ch;
  }

  refuse(remoteId: number, reason: number, text: string): void {
    this.openFailure(remoteId, reason, text);
  }

  async open(type: string, body: (w: SshWriter) => void): Promise<Channel | null> {
    if (!this.reserve()) return null;
    const id = this.allocId();
    this.reserved--;
    const answer = new Promise<{ remoteId: number; window: number; maxPacket: number } | null>((resolve) =>
      this.pendingOpens.set(id, resolve)
    );
    const w = new SshWriter().byte(MSG.CHANNEL_OPEN).string(type).uint32(id).uint32(this.limits.channelWindow)
      .uint32(this.limits.channelMaxPacket);
    body(w);
    this.transport.send(w.bytes());
    const a = await answer;
    this.pendingOpens.delete(id);
    if (!a || this.ended) return null;
    return this.newChannel(id, a.remoteId, a.window, a.maxPacket);
  }

  private openAnswer(r: SshReader, confirmed: boolean): void {
    const id = r.uint32();
    const answer = this.pendingOpens.get(id);
    if (!answer) throw protocolError(`open ${confirmed ? "confirmation" : "failure"} for unknown channel ${id}`);
    this.pendingOpens.delete(id);
    answer(confirmed ? { remoteId: r.uint32(), window: r.uint32(), maxPacket: r.uint32() } : null);
  }

  private newChannel(id: number, remoteId: number, window: number, maxPacket: number): Channel {
    const ch = new Channel(
      this,
      id,
      remoteId,
      window,
      Math.max(1, Math.min(maxPacket, 256 * 1024)),
      this.limits.channelWindow,
      this.limits.channelMaxPacket,
      this.limits.channelMaxWindow,
      this.windowBudget,
    );
    this.channels.set(id, ch);
    return ch;
  }

  private sendConfirmation(remoteId: number, id: number): void {
    this.transport.send(
      new SshWriter()
        .byte(MSG.CHANNEL_OPEN_CONFIRMATION)
        .uint32(remoteId)
        .uint32(id)
        .uint32(this.limits.channelWindow)
        .uint32(this.limits.channelMaxPacket)
        .bytes(),
    );
  }

  /** How a session reaches the client for agent and X11 connections. */
  private readonly sessionForwards = {
    agent: this.connector("auth-agent@openssh.com"),
    x11: this.connector("x11", (w, from) => w.string(from.host).uint32(from.port)),
  };

  /** Opens a channel of `type` to the client for each connection handed in, and pumps it. */
  private connector(
    type: string,
    body?: (w: SshWriter, from: { host: string; port: number }) => void,
  ): ForwardedConnect {
    return async (stream: ForwardStream, from = { host: "", port: 0 }) =>
      this.forwarding.pumpOrClose(await this.open(type, (w) => body?.(w, from)), stream);
  }

  private channel(r: SshReader): Channel {
    const id = r.uint32();
    const ch = this.channels.get(id);
    if (!ch) throw protocolError(`message for unknown channel ${id}`);
    return ch;
  }

  private async dispatch(p: Uint8Array): Promise<void> {
    const r = new SshReader(p, 1);
    switch (p[0]) {
      case MSG.CHANNEL_DATA: {
        const ch = this.channel(r);
        ch.receiveData(r.string());
        return;
      }
      case MSG.CHANNEL_EXTENDED_DATA: {
        const ch = this.channel(r);
        r.uint32();
        ch.receiveData(r.string()); // counted against the window; no session consumes client stderr
        return;
      }
      case MSG.CHANNEL_WINDOW_ADJUST:
        this.channel(r).adjustWindow(r.uint32());
        return;
      case MSG.CHANNEL_EOF:
        this.channel(r).receiveEof();
        return;
      case MSG.CHANNEL_CLOSE:
        this.channel(r).receiveClose();
        return;
      case MSG.CHANNEL_REQUEST: {
        const ch = this.channel(r);
        const name = r.utf8();
        const wantReply = r.boolean();
        const session = this.sessions.get(ch.localId);
        if (session && !ch.closeSent) await session.request(name, wantReply, r);
        else if (wantReply) ch.reply(false);
        return;
      }
      case MSG.CHANNEL_SUCCESS:
      case MSG.CHANNEL_FAILURE:
        this.channel(r); // replies to our want_reply=false requests never come; ignore
        return;
      case MSG.CHANNEL_OPEN:
        await this.openRequested(r);
        return;
      case MSG.CHANNEL_OPEN_CONFIRMATION:
      case MSG.CHANNEL_OPEN_FAILURE:
        this.openAnswer(r, p[0] === MSG.CHANNEL_OPEN_CONFIRMATION);
        return;
      case MSG.GLOBAL_REQUEST:
        this.globalRequest(r);
        return;
      case MSG.REQUEST_SUCCESS:
      case MSG.REQUEST_FAILURE:
        this.liveness.replied(); // the only global requests we send are keepalives
        return;
      case MSG.SERVICE_REQUEST:
      case MSG.USERAUTH_REQUEST:
        // RFC 4252 §5.1: auth requests after success are ignored.
        return;
      default:
        this.logger.debug(`unimplemented message ${p[0]}`);
        this.transport.send(new SshWriter(8).byte(MSG.UNIMPLEMENTED).uint32(0).bytes());
    }
  }

  private globalRequest(r: SshReader): void {
    const name = r.utf8();
    const wantReply = r.boolean();
    const answer = this.answerGlobal(name, r);
    // Replies leave in request order even when one waits for a listener.
    this.globalReplies = this.globalReplies.then(async () => {
      const reply = await answer;
      if (!wantReply || this.ended) return;
      if (reply instanceof Uint8Array && reply[0] === MSG.REQUEST_SUCCESS) this.transport.send(reply);
      else if (reply instanceof Uint8Array) {
        this.transport.send(new SshWriter(1 + reply.length).byte(MSG.REQUEST_SUCCESS).raw(reply).bytes());
      } else this.transport.send(new Uint8Array([reply ? MSG.REQUEST_SUCCESS : MSG.REQUEST_FAILURE]));
    });
  }

  private async answerGlobal(name: string, r: SshReader): Promise<GlobalReply> {
    if (name === "hostkeys-prove-00@openssh.com") {
      const t = this.transport;
      const reply = proveHostkeys(r, t.hostKeys, this.info.sessionId, t.negotiated?.hostKey);
      return reply[0] === MSG.REQUEST_SUCCESS ? reply : false;
    }
    if (this.forwarding.handlesRequest(name)) {
      try {
        return await this.forwarding.globalRequest(name, r);
      } catch (e) {
        this.logger.debug(`global request ${printable(name)} failed: ${(e as Error).message}`);
        return false;
      }
    }
    if (name === "no-more-sessions@openssh.com") this.noMoreSessions = true;
    else this.logger.debug(`global request ${printable(name)} refused`);
    return false;
  }

  private openFailure(remoteId: number, reason: number, text: string): void {
    this.transport.send(
      new SshWriter().byte(MSG.CHANNEL_OPEN_FAILURE).uint32(remoteId).uint32(reason).string(text).string("").bytes(),
    );
  }

  private allocId(): number {
    while (this.channels.has(this.nextId) || this.pendingOpens.has(this.nextId)) this.nextId = (this.nextId + 1) >>> 0;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    return id;
  }

  private async openRequested(r: SshReader): Promise<void> {
    const type = r.utf8();
    const remoteId = r.uint32();
    const window = r.uint32();
    const maxPacket = r.uint32();
    if (this.forwarding.handlesOpen(type)) {
      this.forwarding.openInbound(type, remoteId, window, maxPacket, r);
      return;
    }
    if (type !== "session") {
      this.openFailure(remoteId, OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE, `unknown channel type ${printable(type)}`);
      return;
    }
    if (this.noMoreSessions) throw protocolError("session opened after no-more-sessions@openssh.com");
    if (this.sessions.size >= this.limits.maxSessions || !this.reserve()) {
      this.openFailure(remoteId, OPEN_FAILURE.RESOURCE_SHORTAGE, "too many channels");
      return;
    }
    let handler;
    try {
      handler = this.ops.session ? await this.ops.session(this.info) : undefined;
    } catch (e) {
      this.logger.warn(`session hook threw (treated as refusal): ${(e as Error).message}`);
      handler = undefined;
    }
    if (!handler || this.ended) {
      this.unreserve();
      this.openFailure(remoteId, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, "session refused");
      return;
    }
    const ch = this.confirm(remoteId, window, maxPacket);
    this.sessions.set(ch.localId, new Session(ch, handler, this.info.permissions, this.logger, this.sessionForwards));
  }
}
