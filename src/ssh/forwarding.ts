/**
 * Port, unix-socket and listener forwarding of one connection (RFC 4254 §7,
 * OpenSSH PROTOCOL §2.4): the `direct-tcpip` and
 * `direct-streamlocal@openssh.com` channel opens, the `tcpip-forward` and
 * `streamlocal-forward@openssh.com` global requests with their cancels, and
 * the listeners they own. Permissions from authentication are enforced here
 * before the ops are asked; the stricter of the two always wins.
 *
 * @module
 */
import type { Channel } from "./channel.ts";
import type { Logger } from "./config.ts";
import type { ConnectionInfo, ServerOps } from "./ops.ts";
import type { ForwardStream, HostPort, ListenAccept, ListenResult, OpenResult } from "./forward_ops.ts";
import { OPEN_FAILURE } from "./messages.ts";
import { SshReader, SshWriter } from "./wire.ts";
import { printable } from "./transport/version.ts";
import { pumpChannel } from "./channel_pump.ts";
import { permitsListen, permitsOpen } from "./forward_policy.ts";

/** What forwarding needs from the connection. */
export interface ChannelHost {
  /** Reserve a channel slot for an inbound open; false when at the limit. */
  reserve(): boolean;
  /** Give back a reserved slot (the open failed). */
  unreserve(): void;
  /** Turn a reserved slot into an open channel and confirm it to the client. */
  confirm(remoteId: number, window: number, maxPacket: number): Channel;
  /** Send CHANNEL_OPEN_FAILURE. */
  refuse(remoteId: number, reason: number, text: string): void;
  /** Open a channel to the client; `null` when refused, at the limit, or the connection ended. */
  open(type: string, body: (w: SshWriter) => void): Promise<Channel | null>;
}

const REASON = {
  "prohibited": OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED,
  "connect-failed": OPEN_FAILURE.CONNECT_FAILED,
  "unknown-type": OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE,
  "resource-shortage": OPEN_FAILURE.RESOURCE_SHORTAGE,
} as const;

/** Most remote-forward listeners one connection may hold. */
const MAX_LISTENERS = 64;

/** A reply to a global request: `false` = REQUEST_FAILURE, `true` = REQUEST_SUCCESS, bytes = SUCCESS with data. */
export type GlobalReply = boolean | Uint8Array;

/**
 * The forwarding state of one connection.
 *
 * @example
 * ```ts
 * const fwd = new Forwarding(host, ops, info, logger);
 * if (fwd.handlesOpen(type)) fwd.openInbound(type, remoteId, window, maxPacket, reader);
 * ```
 */
export class Forwarding {
  private listeners = new Map<string, ListenAccept>();
  private ended = false;

  constructor(
    private host: ChannelHost,
    private ops: ServerOps,
    private info: ConnectionInfo,
    private logger: Logger,
  ) {}

  /** Channel types served here. */
  handlesOpen(type: string): boolean {
    return type === "direct-tcpip" || type === "direct-streamlocal@openssh.com";
  }

  /** Global requests served here. */
  handlesRequest(name: string): boolean {
    return name === "tcpip-forward" || name === "cancel-tcpip-forward" ||
      name === "streamlocal-forward@openssh.com" || name === "cancel-streamlocal-forward@openssh.com";
  }

  /** An inbound open of a type {@link handlesOpen} accepts; answered asynchronously (connects take time). */
  openInbound(type: string, remoteId: number, window: number, maxPacket: number, r: SshReader): void {
    const perms = this.info.permissions;
    let decide: () => Promise<OpenResult>;
    let what: string;
    if (type === "direct-tcpip") {
      const req = { host: r.utf8(), port: r.uint32(), originator: { host: r.utf8(), port: r.uint32() } };
      what = `${printable(req.host)} port ${req.port}`;
      if (perms.noPortForwarding || !permitsOpen(perms.permitOpen, req.host, req.port)) {
        return this.prohibited(remoteId, `open to ${what}`);
      }
      const hook = this.ops.directTcpip;
      if (!hook) return this.prohibited(remoteId, `open to ${what}`);
      decide = async () => await hook.call(this.ops, req, this.info);
    } else {
      const req = { path: r.utf8() };
      what = `unix socket ${printable(req.path)}`;
      const hook = this.ops.directStreamlocal;
      if (perms.noPortForwarding || !hook) return this.prohibited(remoteId, `open to ${what}`);
      decide = async () => await hook.call(this.ops, req, this.info);
    }
    if (!this.host.reserve()) {
      this.host.refuse(remoteId, OPEN_FAILURE.RESOURCE_SHORTAGE, "too many channels");
      return;
    }
    void this.finishOpen(remoteId, window, maxPacket, what, decide);
  }

  private prohibited(remoteId: number, what: string): void {
    this.logger.info(`refused ${what} for ${printable(this.info.user)}: forwarding not permitted`);
    this.host.refuse(remoteId, OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, "forwarding not permitted");
  }

  private async finishOpen(
    remoteId: number,
    window: number,
    maxPacket: number,
    what: string,
    decide: () => Promise<OpenResult>,
  ): Promise<void> {
    let result: OpenResult | undefined;
    try {
      result = await decide();
    } catch (e) {
      this.logger.warn(`forwarding hook threw (treated as refusal): ${(e as Error).message}`);
    }
    if (this.ended) {
      if (result?.decision === "open") result.stream.close();
      return;
    }
    if (result?.decision !== "open" || typeof result.stream?.read !== "function") {
      this.host.unreserve();
      const reason = result?.decision === "refuse" ? REASON[result.reason] ?? 1 : 1;
      const text = result?.decision === "refuse" ? result.message : "open refused";
      this.logger.info(`channel open to ${what} failed: ${text || "refused"}`);
      this.host.refuse(remoteId, reason, text);
      return;
    }
    this.logger.debug(`forwarding to ${what}`);
    void pumpChannel(this.host.confirm(remoteId, window, maxPacket), result.stream);
  }

  /** Handle a global request {@link handlesRequest} accepts. */
  async globalRequest(name: string, r: SshReader): Promise<GlobalReply> {
    const perms = this.info.permissions;
    if (name === "cancel-tcpip-forward" || name === "cancel-streamlocal-forward@openssh.com") {
      const key = name === "cancel-tcpip-forward" ? tcpKey(r.utf8(), r.uint32()) : unixKey(r.utf8());
      const l = this.listeners.get(key);
      if (!l) return false;
      this.listeners.delete(key);
      l.close();
      return true;
    }
    if (perms.noPortForwarding || this.listeners.size >= MAX_LISTENERS) return false;
    if (name === "tcpip-forward") {
      const host = r.utf8();
      const port = r.uint32();
      if (port > 65535 || !permitsListen(perms.permitListen, host, port)) {
        this.logger.info(`refused remote forward ${printable(host)} port ${port}: not permitted`);
        return false;
      }
      const hook = this.ops.tcpipForward;
      if (!hook) return false;
      const bound = { port };
      const result = await this.ask(() =>
        hook.call(this.ops, { host, port, connect: (s, o) => this.forwarded(host, bound.port, s, o) }, this.info)
      );
      if (!result) return false;
      bound.port = result.port;
      return this.register(tcpKey(host, result.port), result, port === 0 ? result.port : undefined);
    }
    const path = r.utf8();
    const hook = this.ops.streamlocalForward;
    if (!hook) return false;
    const result = await this.ask(() =>
      hook.call(this.ops, { path, connect: (s) => this.forwardedUnix(path, s) }, this.info)
    );
    return result ? this.register(unixKey(path), result) : false;
  }

  private async ask(hook: () => ListenResult | Promise<ListenResult>): Promise<ListenAccept | undefined> {
    try {
      const result = await hook();
      if (result?.decision === "listening" && typeof result.close === "function") return result;
      if (result?.decision === "refuse" && result.message) {
        this.logger.info(`remote forward refused: ${result.message}`);
      }
    } catch (e) {
      this.logger.warn(`forwarding hook threw (treated as refusal): ${(e as Error).message}`);
    }
    return undefined;
  }

  private register(key: string, l: ListenAccept, allocated?: number): GlobalReply {
    if (this.ended || this.listeners.has(key)) {
      l.close();
      return false;
    }
    this.listeners.set(key, l);
    return allocated === undefined ? true : new SshWriter(4).uint32(allocated).bytes();
  }

  private async forwarded(host: string, port: number, stream: ForwardStream, o?: HostPort): Promise<boolean> {
    const orig = o ?? { host: "", port: 0 };
    const ch = await this.host.open(
      "forwarded-tcpip",
      (w) => w.string(host).uint32(port).string(orig.host).uint32(orig.port),
    );
    return this.pumpOrClose(ch, stream);
  }

  private async forwardedUnix(path: string, stream: ForwardStream): Promise<boolean> {
    const ch = await this.host.open("forwarded-streamlocal@openssh.com", (w) => w.string(path).string(""));
    return this.pumpOrClose(ch, stream);
  }

  /** Pump `stream` over `ch`, or close it when the channel was not opened. */
  pumpOrClose(ch: Channel | null, stream: ForwardStream): boolean {
    if (!ch) {
      stream.close();
      return false;
    }
    void pumpChannel(ch, stream);
    return true;
  }

  /** The connection ended: close every listener. */
  closeAll(): void {
    this.ended = true;
    for (const l of this.listeners.values()) l.close();
    this.listeners.clear();
  }
}

function tcpKey(host: string, port: number): string {
  return `tcp ${host} ${port}`;
}

function unixKey(path: string): string {
  return `unix ${path}`;
}
