/**
 * A raw SFTP client over an in-memory {@link SessionChannel}: tests send
 * hand-built packets (including malformed ones) to `serveSftp` and read the
 * replies, and can stall the reply direction to test back-pressure.
 *
 * @module
 */
import type { ExitStatus, SessionChannel } from "../../src/ssh/ops.ts";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";
import { PacketReader } from "../../src/sftp/packet_reader.ts";

/** The server's side of the pipe. */
export class FakeChannel implements SessionChannel {
  private inbox: (Uint8Array | null)[] = [];
  private waiting?: () => void;
  private outbox: Uint8Array[] = [];
  private outWaiting?: () => void;
  /** Set to stall `write` until released (a client that stops reading). */
  gate?: Promise<void>;
  exitStatus?: ExitStatus;
  /** Chunks the server has read. */
  reads = 0;
  private closeResolve!: () => void;
  readonly closed: Promise<void> = new Promise((r) => (this.closeResolve = r));

  /** Client → server bytes. */
  push(b: Uint8Array | null): void {
    this.inbox.push(b);
    this.waiting?.();
  }

  async read(): Promise<Uint8Array | null> {
    while (this.inbox.length === 0) await new Promise<void>((r) => (this.waiting = r));
    this.reads++;
    return this.inbox.shift()!;
  }

  /** Chunks queued for the server but not yet read. */
  get unread(): number {
    return this.inbox.length;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.gate) await this.gate;
    this.outbox.push(data.slice());
    this.outWaiting?.();
  }

  writeStderr(): Promise<void> {
    return Promise.resolve();
  }

  eof(): void {}

  exit(status: ExitStatus): void {
    this.exitStatus ??= status;
    this.closeResolve();
    this.outWaiting?.();
  }

  close(): void {
    this.closeResolve();
  }

  /** Server → client bytes (null once exited and drained). */
  async take(): Promise<Uint8Array | null> {
    while (this.outbox.length === 0) {
      if (this.exitStatus) return null;
      await new Promise<void>((r) => (this.outWaiting = r));
    }
    return this.outbox.shift()!;
  }
}

/** A reply: its type, id (except VERSION) and a reader after the id. */
export interface Reply {
  type: number;
  id: number;
  r: SshReader;
  raw: Uint8Array;
}

/** Frame a payload (type + body) as a packet. */
export function frame(type: number, body: (w: SshWriter) => void): Uint8Array {
  const w = new SshWriter().uint32(0).byte(type);
  body(w);
  const out = w.bytes();
  new DataView(out.buffer).setUint32(0, out.length - 4);
  return out;
}

/** Client half. */
export class RawClient {
  readonly channel = new FakeChannel();
  private reader = new PacketReader(() => this.channel.take(), 1 << 30);

  send(pkt: Uint8Array): void {
    this.channel.push(pkt);
  }

  /** Send a request of `type` with id and body. */
  request(type: number, id: number, body: (w: SshWriter) => void = () => {}): void {
    this.send(frame(type, (w) => body(w.uint32(id))));
  }

  /** The next reply, or null once the server exited. */
  async reply(): Promise<Reply | null> {
    const p = await this.reader.next();
    if (!p) return null;
    const r = new SshReader(p, 1);
    const id = p[0] === 2 ? 0 : r.uint32();
    return { type: p[0], id, r, raw: p };
  }

  /** INIT → VERSION; returns the extension pairs. */
  async init(): Promise<Map<string, string>> {
    this.send(frame(1, (w) => w.uint32(3)));
    const v = await this.reply();
    if (!v || v.type !== 2) throw new Error("no VERSION");
    const version = v.r.uint32();
    if (version !== 3) throw new Error(`version ${version}`);
    const m = new Map<string, string>();
    while (v.r.remaining) m.set(v.r.utf8(), v.r.utf8());
    return m;
  }

  /** Send and wait for the reply (requests answered one at a time). */
  async call(type: number, id: number, body: (w: SshWriter) => void = () => {}): Promise<Reply> {
    this.request(type, id, body);
    const r = await this.reply();
    if (!r) throw new Error("server exited");
    if (r.id !== id) throw new Error(`reply id ${r.id} != ${id}`);
    return r;
  }
}
