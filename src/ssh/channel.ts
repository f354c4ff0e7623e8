/**
 * One channel of the connection protocol (RFC 4254 §5) with both flow-control
 * windows: ours (how much the peer may still send; re-opened as the consumer
 * reads and grown while it keeps up, so unread data is bounded by the window —
 * see channel_window.ts) and the peer's (how much we may still send; writers
 * wait for WINDOW_ADJUST).
 *
 * @module
 */
import { EXTENDED_DATA_STDERR, MSG } from "./messages.ts";
import { protocolError } from "./errors.ts";
import { SshWriter } from "./wire.ts";
import { ReceiveWindow, type WindowBudget } from "./channel_window.ts";

/** What a channel needs from the connection. */
export interface ChannelSink {
  /** Queue a packet. */
  send(payload: Uint8Array): void;
  /** Queue a packet of `length` bytes that `fill` writes in place. */
  sendWith(length: number, fill: (dst: Uint8Array) => void, alignTo?: number): void;
  /** Resolves when the transport's output queue has room. */
  waitWritable(): Promise<void>;
  /** Called once both sides have sent CLOSE. */
  release(channel: Channel): void;
}

const MAX_WINDOW = 0xffffffff;

/**
 * A channel endpoint.
 *
 * @example
 * ```ts
 * const ch = new Channel(sink, 0, peerId, peerWindow, peerMaxPacket, 2 << 20, 32768, 16 << 20);
 * await ch.write(new TextEncoder().encode("hello\n"));
 * ch.sendEof(); ch.sendClose();
 * ```
 */
export class Channel {
  private inbox: Uint8Array[] = [];
  private readWaiter: (() => void) | undefined;
  private windowWaiters: Array<() => void> = [];
  private window: ReceiveWindow;
  /** The peer sent EOF. */
  remoteEof = false;
  /** The peer sent CLOSE. */
  remoteClosed = false;
  /** We sent EOF. */
  eofSent = false;
  /** We sent CLOSE. */
  closeSent = false;
  private released = false;
  private closedResolve!: () => void;
  /** Resolves when the channel is closed by either side. */
  readonly closed: Promise<void> = new Promise((r) => (this.closedResolve = r));
  /** Called when the channel closes (either side), once. */
  onClose: (() => void) | undefined;

  constructor(
    private sink: ChannelSink,
    /** Our channel number. */
    readonly localId: number,
    /** The peer's channel number. */
    readonly remoteId: number,
    private remoteWindow: number,
    /** Largest data payload the peer accepts per packet. */
    readonly remoteMaxPacket: number,
    /** Our initial window size. */
    readonly windowSize: number,
    /** Largest data payload we accept. */
    readonly maxPacket: number,
    /** The most our window may grow to while the consumer keeps up (default: `windowSize`, a fixed window). */
    maxWindowSize: number = windowSize,
    /** The connection's shared growth budget (none: each channel may grow to its maximum). */
    budget?: WindowBudget,
  ) {
    this.window = new ReceiveWindow(windowSize, Math.max(windowSize, maxWindowSize), undefined, budget);
  }

  /** Our current window size (grows from `windowSize` up to the maximum). */
  get receiveWindow(): number {
    return this.window.size;
  }

  // ---- inbound (from the connection) -------------------------------

  /** Data arrived from the peer. Throws a protocol error if it exceeds our window. */
  receiveData(data: Uint8Array): void {
    if (data.length > this.maxPacket) {
      throw protocolError(`channel ${this.localId}: packet of ${data.length} bytes exceeds max ${this.maxPacket}`);
    }
    if (!this.window.receive(data.length)) {
      throw protocolError(
        `channel ${this.localId}: peer sent ${data.length} bytes, window is ${this.window.available}`,
      );
    }
    if (this.closeSent || this.remoteEof) return; // drop, but count against the window
    if (data.length) this.inbox.push(data);
    this.wakeReader();
  }

  /** The peer sent WINDOW_ADJUST. */
  adjustWindow(n: number): void {
    // OpenSSH treats overflow as a protocol error too.
    if (this.remoteWindow + n > MAX_WINDOW) throw protocolError(`channel ${this.localId}: window overflow`);
    this.remoteWindow += n;
    for (const w of this.windowWaiters.splice(0)) w();
  }

  /** The peer sent EOF. */
  receiveEof(): void {
    this.remoteEof = true;
    this.wakeReader();
  }

  /** The peer sent CLOSE. */
  receiveClose(): void {
    this.remoteClosed = true;
    this.remoteEof = true;
    this.wakeReader();
    for (const w of this.windowWaiters.splice(0)) w();
    // Data that arrived before the CLOSE is still the consumer's to read (EOF follows it).
    const unread = this.inbox;
    this.sendClose();
    this.inbox = unread;
    this.maybeRelease();
  }

  // ---- the consumer side -----------------------------------------------

  /** Next chunk of peer data; `null` after EOF/close. Re-opens (and grows) the window as data is consumed. */
  async read(): Promise<Uint8Array | null> {
    while (this.inbox.length === 0) {
      if (this.remoteEof || this.closeSent) return null;
      this.window.starved();
      await new Promise<void>((r) => (this.readWaiter = r));
    }
    const chunk = this.inbox.shift()!;
    const grant = this.window.consume(chunk.length);
    if (grant > 0 && !this.closeSent && !this.remoteClosed) {
      this.sink.send(new SshWriter(16).byte(MSG.CHANNEL_WINDOW_ADJUST).uint32(this.remoteId).uint32(grant).bytes());
    }
    return chunk;
  }

  /** Send data (or stderr with `extended`), split by window and max packet. Resolves when all is queued, or the channel closed. */
  async write(data: Uint8Array, extended = false): Promise<void> {
    let off = 0;
    while (off < data.length) {
      if (this.closeSent || this.remoteClosed || this.eofSent) return;
      if (this.remoteWindow === 0) {
        await new Promise<void>((r) => this.windowWaiters.push(r));
        continue;
      }
      await this.sink.waitWritable();
      if (this.closeSent || this.remoteClosed || this.remoteWindow === 0) continue;
      const n = Math.min(data.length - off, this.remoteWindow, this.remoteMaxPacket);
      const piece = data.subarray(off, off + n);
      const header = extended ? 13 : 9;
      this.sink.sendWith(header + n, (dst) => {
        const dv = new DataView(dst.buffer, dst.byteOffset, header);
        dst[0] = extended ? MSG.CHANNEL_EXTENDED_DATA : MSG.CHANNEL_DATA;
        dv.setUint32(1, this.remoteId);
        if (extended) dv.setUint32(5, EXTENDED_DATA_STDERR);
        dv.setUint32(header - 4, n);
        dst.set(piece, header);
      }, (header - piece.byteOffset) & 15); // the copy's destination aligned like its source
      this.remoteWindow -= n;
      off += n;
    }
  }

  /** Send a channel request. */
  sendRequest(name: string, wantReply: boolean, body?: (w: SshWriter) => void): void {
    if (this.closeSent) return;
    const w = new SshWriter().byte(MSG.CHANNEL_REQUEST).uint32(this.remoteId).string(name).boolean(wantReply);
    body?.(w);
    this.sink.send(w.bytes());
  }

  /** Reply to a channel request. */
  reply(ok: boolean): void {
    if (this.closeSent) return;
    this.sink.send(new SshWriter(8).byte(ok ? MSG.CHANNEL_SUCCESS : MSG.CHANNEL_FAILURE).uint32(this.remoteId).bytes());
  }

  /** Send EOF once. */
  sendEof(): void {
    if (this.eofSent || this.closeSent) return;
    this.eofSent = true;
    this.sink.send(new SshWriter(8).byte(MSG.CHANNEL_EOF).uint32(this.remoteId).bytes());
  }

  /** Send CLOSE once; the channel is released when the peer's CLOSE arrives too. */
  sendClose(): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.inbox = [];
    this.sink.send(new SshWriter(8).byte(MSG.CHANNEL_CLOSE).uint32(this.remoteId).bytes());
    this.wakeReader();
    for (const w of this.windowWaiters.splice(0)) w();
    this.notifyClosed();
    this.maybeRelease();
  }

  /** The connection died: wake everybody, release. */
  abort(): void {
    this.closeSent = true;
    this.remoteClosed = true;
    this.remoteEof = true;
    this.inbox = [];
    this.wakeReader();
    for (const w of this.windowWaiters.splice(0)) w();
    this.notifyClosed();
  }

  private notifyClosed(): void {
    this.window.release();
    const cb = this.onClose;
    this.onClose = undefined;
    this.closedResolve();
    cb?.();
  }

  private maybeRelease(): void {
    if (this.closeSent && this.remoteClosed && !this.released) {
      this.released = true;
      this.notifyClosed();
      this.sink.release(this);
    }
  }

  private wakeReader(): void {
    const w = this.readWaiter;
    this.readWaiter = undefined;
    w?.();
  }
}
