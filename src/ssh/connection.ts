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
import { Session } from "./session.ts";
import { printable } from "./transport/version.ts";
import { LivenessMonitor } from "./liveness.ts";
import { hostkeysAnnouncement, proveHostkeys } from "./hostkeys_update.ts";

/**
 * Serves the connection protocol for one authenticated user until the
 * transport ends.
 *
 * @example
 * ```ts
 * await new Connection(transport, ops, info, limits, logger).run();
 * ```
 */
export class Connection implements ChannelSink {
  private channels = new Map<number, Channel>();
  private sessions = new Map<number, Session>();
  private nextId = 0;
  private noMoreSessions = false;
  private liveness: LivenessMonitor;

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
      this.liveness.stop();
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
        await this.open(r);
        return;
      case MSG.CHANNEL_OPEN_CONFIRMATION:
      case MSG.CHANNEL_OPEN_FAILURE:
        throw protocolError("unexpected channel open reply: the server opens no channels yet");
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
    if (name === "hostkeys-prove-00@openssh.com") {
      const t = this.transport;
      const reply = proveHostkeys(r, t.hostKeys, this.info.sessionId, t.negotiated?.hostKey);
      if (wantReply) t.send(reply);
      return;
    }
    if (name === "no-more-sessions@openssh.com") this.noMoreSessions = true;
    else this.logger.debug(`global request ${printable(name)} refused`);
    if (wantReply) this.transport.send(new Uint8Array([MSG.REQUEST_FAILURE]));
  }

  private openFailure(remoteId: number, reason: number, text: string): void {
    this.transport.send(
      new SshWriter().byte(MSG.CHANNEL_OPEN_FAILURE).uint32(remoteId).uint32(reason).string(text).string("").bytes(),
    );
  }

  private allocId(): number {
    while (this.channels.has(this.nextId)) this.nextId = (this.nextId + 1) >>> 0;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    return id;
  }

  private async open(r: SshReader): Promise<void> {
    const type = r.utf8();
    const remoteId = r.uint32();
    const window = r.uint32();
    const maxPacket = r.uint32();
    if (type !== "session") {
      this.openFailure(remoteId, OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE, `unknown channel type ${printable(type)}`);
      return;
    }
    if (this.noMoreSessions) throw protocolError("session opened after no-more-sessions@openssh.com");
    if (this.channels.size >= this.limits.maxChannels || this.sessions.size >= this.limits.maxSessions) {
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
    if (!handler) {
      this.openFailure(remoteId, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, "session refused");
      return;
    }
    const id = this.allocId();
    const ch = new Channel(
      this,
      id,
      remoteId,
      window,
      Math.max(1, Math.min(maxPacket, 256 * 1024)),
      this.limits.channelWindow,
      this.limits.channelMaxPacket,
    );
    this.channels.set(id, ch);
    this.sessions.set(id, new Session(ch, handler, this.info.permissions, this.logger));
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
}
