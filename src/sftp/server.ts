/**
 * The SFTP v3 subsystem (draft-ietf-secsh-filexfer-02 plus the OpenSSH
 * extensions of PROTOCOL §4) served over a session channel against an
 * {@link SftpBackend}.
 *
 * Requests run concurrently and are answered as they finish, except that
 * replies on one handle keep request order (see reply_order.ts). Memory is
 * bounded: at most `maxInFlight` requests and about `maxPendingBytes` of
 * request and reply bytes are held at once; beyond that the server stops
 * reading the channel, so the channel window stops the client. READ lengths
 * are clamped to `maxReadLength`; a packet longer than `maxPacketLength` ends
 * the subsystem with exit status 1 (as OpenSSH's sftp-server exits).
 *
 * @example
 * ```ts
 * const handler: SessionHandler = {
 *   subsystem(name, channel) {
 *     if (name !== "sftp") return false;
 *     void serveSftp(channel, memoryBackend());
 *     return true;
 *   },
 * };
 * ```
 * @module
 */
import type { SessionChannel } from "../ssh/ops.ts";
import { SshReader, WireError } from "../ssh/wire.ts";
import { SFTP_STATUS, type SftpBackend, SftpError } from "./backend.ts";
import {
  DATA_HEADER_LENGTH,
  decodeOpenFlags,
  encodeAttrsReply,
  encodeData,
  encodeHandle,
  encodeName,
  encodeStatus,
  encodeVersion,
  FXP,
  readAttrs,
} from "./codec.ts";
import { type HandleEntry, HandleTable } from "./handles.ts";
import { type IdNames, longname } from "./longname.ts";
import { PacketReader } from "./packet_reader.ts";
import { HandleReplyOrder } from "./reply_order.ts";
import { advertisedExtensions, handleExtended } from "./extensions.ts";
import { type SftpClientQuirks, sftpClientQuirks } from "./client_quirks.ts";

/** Limits and presentation options for {@link serveSftp}; defaults follow OpenSSH's sftp-server. */
export interface SftpServerOptions {
  /** Largest request packet accepted (default 256 KiB); longer ends the subsystem. */
  maxPacketLength?: number;
  /** READ lengths are clamped to this (default 256 KiB − 1 KiB). */
  maxReadLength?: number;
  /** Advertised in limits@openssh.com (default 256 KiB − 1 KiB). */
  maxWriteLength?: number;
  /** Open file and directory handles per session (default 256). */
  maxOpenHandles?: number;
  /** Requests processed at once (default 64). */
  maxInFlight?: number;
  /** Request plus reserved reply bytes held at once before reading pauses (default 8 MiB). */
  maxPendingBytes?: number;
  /** Entries per READDIR reply (default 100, as OpenSSH). */
  readdirBatch?: number;
  /** Owner/group names for READDIR longnames (default: numbers). */
  names?: IdNames;
  /** The client's identification string (`ConnectionInfo.clientVersion`); picks its quirks (client_quirks.ts). */
  clientVersion?: string;
  /** The server's identification string, if not tsshd's default (some clients act differently toward OpenSSH). */
  serverVersion?: string;
}

/** Options with every default applied. */
export type ResolvedSftpOptions = Required<Omit<SftpServerOptions, "names" | "clientVersion" | "serverVersion">> & {
  names?: IdNames;
  quirks: SftpClientQuirks;
};

/**
 * Apply the defaults to `options`.
 *
 * @example
 * ```ts
 * resolveSftpOptions({}).maxReadLength; // 261120
 * ```
 */
export function resolveSftpOptions(options: SftpServerOptions = {}): ResolvedSftpOptions {
  return {
    maxPacketLength: options.maxPacketLength ?? 256 * 1024,
    maxReadLength: options.maxReadLength ?? 256 * 1024 - 1024,
    maxWriteLength: options.maxWriteLength ?? 256 * 1024 - 1024,
    maxOpenHandles: options.maxOpenHandles ?? 256,
    maxInFlight: options.maxInFlight ?? 64,
    maxPendingBytes: options.maxPendingBytes ?? 8 * 1024 * 1024,
    readdirBatch: options.readdirBatch ?? 100,
    names: options.names,
    quirks: sftpClientQuirks(options.clientVersion ?? "", options.serverVersion),
  };
}

/** SFTP protocol version spoken. */
export const SFTP_VERSION = 3;

/**
 * Serve the SFTP subsystem on `channel` until the client closes it; then close
 * every handle and report exit status 0 (1 after a fatal protocol error).
 *
 * @example
 * ```ts
 * await serveSftp(channel, memoryBackend(), { maxInFlight: 32 });
 * ```
 */
export function serveSftp(
  channel: SessionChannel,
  backend: SftpBackend,
  options: SftpServerOptions = {},
): Promise<void> {
  return new SftpSession(channel, backend, resolveSftpOptions(options)).run();
}

/** One SFTP session: the state behind {@link serveSftp}, also used by the extension handlers. */
export class SftpSession {
  readonly handles: HandleTable;
  private inflight = 0;
  private pendingBytes = 0;
  private wake?: () => void;
  private writeChain: Promise<void> = Promise.resolve();
  private dead = false;
  private readonly replyOrder = new HandleReplyOrder();

  constructor(
    readonly channel: SessionChannel,
    readonly backend: SftpBackend,
    readonly options: ResolvedSftpOptions,
  ) {
    this.handles = new HandleTable(options.maxOpenHandles);
  }

  /** The request loop. */
  async run(): Promise<void> {
    const reader = new PacketReader(() => this.channel.read(), this.options.maxPacketLength);
    let code = 0;
    try {
      const init = await reader.next();
      if (init === null) {
        this.channel.exit({ code: 0 });
        return;
      }
      if (init[0] !== FXP.INIT) throw new WireError(`expected SSH_FXP_INIT, got type ${init[0]}`);
      await this.send(encodeVersion(SFTP_VERSION, advertisedExtensions(this.backend)));
      for (;;) {
        await this.admit();
        const pkt = this.dead ? null : await reader.next();
        if (pkt === null || this.dead) break;
        const cost = pkt.length + (pkt[0] === FXP.READ ? this.options.maxReadLength + DATA_HEADER_LENGTH : 256);
        this.inflight++;
        this.pendingBytes += cost;
        this.request(pkt).then(() => this.release(cost), () => this.release(cost));
      }
    } catch {
      code = 1;
    }
    if (code !== 0) this.fatal();
    while (this.inflight > 0) await new Promise<void>((r) => (this.wake = r));
    await this.writeChain;
    await this.closeAll();
    if (!this.dead) this.channel.exit({ code: 0 });
  }

  private async closeAll(): Promise<void> {
    for (const e of this.handles.drain()) {
      try {
        await (e.kind === "file" ? e.file.close() : e.dir.close());
      } catch { /* closing at session end: nothing to report to */ }
    }
  }

  /** Wait until another request may be read. */
  private async admit(): Promise<void> {
    while (this.inflight >= this.options.maxInFlight || this.pendingBytes >= this.options.maxPendingBytes) {
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private release(cost: number): void {
    this.inflight--;
    this.pendingBytes -= cost;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Queue one whole reply packet on the channel (replies never interleave). */
  send(packet: Uint8Array): Promise<void> {
    if (this.dead) return Promise.resolve();
    const p = this.writeChain.then(() => this.channel.write(packet));
    this.writeChain = p.catch(() => {});
    return p;
  }

  private async request(pkt: Uint8Array): Promise<void> {
    const r = new SshReader(pkt, 1);
    if (pkt.length < 5) {
      this.fatal();
      return;
    }
    const id = r.uint32();
    const turn = this.replyOrder.claim(pkt);
    let reply: Uint8Array;
    try {
      reply = await this.dispatch(pkt[0], id, r);
    } catch (e) {
      reply = statusFor(id, e);
    }
    // Replies on one handle keep request order (reply_order.ts: OpenSSH < 9.4 scp truncates otherwise).
    if (turn) await turn.ready;
    const sent = this.send(reply);
    turn?.done();
    await sent;
  }

  /** End the subsystem after a packet that cannot be answered. */
  private fatal(): void {
    if (this.dead) return;
    this.dead = true;
    this.channel.exit({ code: 1 });
  }

  /** The file entry for a handle, or an SftpError FAILURE. */
  file(handle: Uint8Array): Extract<HandleEntry, { kind: "file" }> {
    const e = this.handles.get(handle);
    if (!e || e.kind !== "file") throw new SftpError(SFTP_STATUS.FAILURE, "No such file handle");
    return e;
  }

  private dir(handle: Uint8Array): Extract<HandleEntry, { kind: "dir" }> {
    const e = this.handles.get(handle);
    if (!e || e.kind !== "dir") throw new SftpError(SFTP_STATUS.FAILURE, "No such directory handle");
    return e;
  }

  /** OK status for `id`. */
  ok(id: number): Uint8Array {
    return encodeStatus(id, SFTP_STATUS.OK);
  }

  /** A one-entry NAME reply for a path (REALPATH, READLINK, expand-path, home-directory). */
  nameReply(id: number, path: Uint8Array): Uint8Array {
    return encodeName(id, [{ filename: path, longname: path, attrs: {} }]);
  }

  private async dispatch(type: number, id: number, r: SshReader): Promise<Uint8Array> {
    const b = this.backend;
    switch (type) {
      case FXP.OPEN: {
        const path = r.string().slice();
        const flags = decodeOpenFlags(r.uint32());
        const attrs = readAttrs(r);
        if (this.handles.full) throw new SftpError(SFTP_STATUS.FAILURE, "Too many open handles");
        const file = await b.open(path, flags, attrs);
        return encodeHandle(
          id,
          this.addHandle({ kind: "file", file, path, readable: !!flags.read, writable: !!flags.write }),
        );
      }
      case FXP.OPENDIR: {
        const path = r.string().slice();
        if (this.handles.full) throw new SftpError(SFTP_STATUS.FAILURE, "Too many open handles");
        const dir = await b.opendir(path);
        return encodeHandle(id, this.addHandle({ kind: "dir", dir, path }));
      }
      case FXP.CLOSE: {
        const e = this.handles.remove(r.string());
        if (!e) throw new SftpError(SFTP_STATUS.FAILURE, "No such handle");
        await (e.kind === "file" ? e.file.close() : e.dir.close());
        return this.ok(id);
      }
      case FXP.READ: {
        const e = this.file(r.string());
        const offset = r.uint64();
        const len = Math.min(r.uint32(), this.options.maxReadLength);
        const data = await e.file.read(offset, len);
        if (data === null || (data.length === 0 && len > 0)) return encodeStatus(id, SFTP_STATUS.EOF);
        return encodeData(id, data.length > len ? data.subarray(0, len) : data);
      }
      case FXP.WRITE: {
        const e = this.file(r.string());
        const offset = r.uint64();
        await e.file.write(offset, r.string());
        return this.ok(id);
      }
      case FXP.LSTAT:
        return encodeAttrsReply(id, await b.lstat(r.string()));
      case FXP.STAT:
        return encodeAttrsReply(id, await b.stat(r.string()));
      case FXP.FSTAT:
        return encodeAttrsReply(id, await this.file(r.string()).file.stat());
      case FXP.SETSTAT: {
        const path = r.string();
        await b.setstat(path, readAttrs(r));
        return this.ok(id);
      }
      case FXP.FSETSTAT: {
        const e = this.file(r.string());
        await e.file.setstat(readAttrs(r));
        return this.ok(id);
      }
      case FXP.READDIR: {
        const e = this.dir(r.string());
        const entries = await e.dir.next(this.options.readdirBatch);
        if (!entries || entries.length === 0) return encodeStatus(id, SFTP_STATUS.EOF);
        return encodeName(
          id,
          entries.map((x) => ({
            filename: x.filename,
            longname: x.longname ?? longname(x.filename, x.attrs, { names: this.options.names }),
            attrs: x.attrs,
          })),
        );
      }
      case FXP.REMOVE:
        await b.remove(r.string());
        return this.ok(id);
      case FXP.MKDIR: {
        const path = r.string();
        await b.mkdir(path, readAttrs(r));
        return this.ok(id);
      }
      case FXP.RMDIR:
        await b.rmdir(r.string());
        return this.ok(id);
      case FXP.REALPATH:
        return this.nameReply(id, await b.realpath(r.string()));
      case FXP.RENAME: {
        const from = r.string();
        await b.rename(from, r.string(), { posix: false });
        return this.ok(id);
      }
      case FXP.READLINK:
        return this.nameReply(id, await b.readlink(r.string()));
      case FXP.SYMLINK: {
        // OpenSSH sends (targetpath, linkpath), the reverse of the draft's order; some clients send the draft's.
        const first = r.string();
        const second = r.string();
        if (this.options.quirks.symlinkLinkFirst) await b.symlink(second, first);
        else await b.symlink(first, second);
        return this.ok(id);
      }
      case FXP.EXTENDED:
        return await handleExtended(this, id, r);
      default:
        return encodeStatus(id, SFTP_STATUS.OP_UNSUPPORTED);
    }
  }

  private addHandle(entry: HandleEntry): Uint8Array {
    try {
      return this.handles.add(entry);
    } catch (e) {
      void (entry.kind === "file" ? entry.file.close() : entry.dir.close()).catch(() => {});
      throw e;
    }
  }
}

/**
 * The STATUS reply for an error thrown while serving request `id`.
 *
 * @example
 * ```ts
 * statusFor(3, new SftpError(SFTP_STATUS.NO_SUCH_FILE, "No such file")); // STATUS 2
 * ```
 */
export function statusFor(id: number, e: unknown): Uint8Array {
  if (e instanceof SftpError) return encodeStatus(id, e.status, e.message);
  if (e instanceof WireError) return encodeStatus(id, SFTP_STATUS.BAD_MESSAGE);
  if (e instanceof RangeError) return encodeStatus(id, SFTP_STATUS.FAILURE, e.message);
  return encodeStatus(id, SFTP_STATUS.FAILURE);
}
