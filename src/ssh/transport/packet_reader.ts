/**
 * Inbound binary packet framing (RFC 4253 §6): buffers bytes from the wire,
 * decrypts and authenticates whole packets with the current {@link PacketCipher},
 * counts sequence numbers and checks lengths and padding.
 *
 * @module
 */
import { DISCONNECT } from "../messages.ts";
import { DisconnectError } from "../errors.ts";
import { MacError, NoneCipher, type PacketCipher } from "./cipher.ts";

/** Largest packet accepted (`packet_length`), as OpenSSH's PACKET_MAX_SIZE. */
export const MAX_PACKET_LENGTH = 256 * 1024;

/**
 * Turns wire bytes into packet payloads.
 *
 * @example
 * ```ts
 * const r = new PacketReader();
 * r.push(bytesFromSocket);
 * for (let p = r.next(); p; p = r.next()) handle(p);
 * ```
 */
export class PacketReader {
  private buf = new Uint8Array(64 * 1024);
  private start = 0;
  private end = 0;
  private pendingLength = -1;
  private cipher: PacketCipher = new NoneCipher();
  /** Sequence number of the next packet to be read (wraps at 2^32). */
  seq = 0;
  /** Total packets read since the last key change (for rekey limits). */
  packetsSinceKeys = 0;
  /** Total bytes read since the last key change. */
  bytesSinceKeys = 0;

  /** Bytes buffered but not yet returned as packets. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Use `cipher` for every packet after the current one. */
  setCipher(cipher: PacketCipher): void {
    this.cipher = cipher;
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
  }

  /** Append bytes from the wire. */
  push(chunk: Uint8Array): void {
    const need = this.end + chunk.length;
    if (need > this.buf.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        let size = this.buf.length;
        while (size < live + chunk.length) size *= 2;
        const nb = new Uint8Array(size);
        nb.set(this.buf.subarray(this.start, this.end));
        this.buf = nb;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * The next packet's payload (a fresh array the caller owns), or `null` if
   * more bytes are needed. Throws {@link DisconnectError} on a bad length,
   * padding or MAC.
   */
  next(): Uint8Array | null {
    const c = this.cipher;
    if (this.pendingLength < 0) {
      if (this.end - this.start < c.headerLength) return null;
      const len = c.decryptLength(this.seq, this.buf.subarray(this.start, this.start + c.headerLength));
      this.checkLength(len, c);
      this.pendingLength = len;
    }
    const total = 4 + this.pendingLength + c.tagLength;
    if (this.end - this.start < total) return null;
    const wire = this.buf.subarray(this.start, this.start + total);
    let body: Uint8Array;
    try {
      body = c.open(this.seq, wire);
    } catch (e) {
      if (e instanceof MacError) throw new DisconnectError(DISCONNECT.MAC_ERROR, "Corrupted MAC on input");
      throw e;
    }
    this.start += total;
    if (this.start === this.end) this.start = this.end = 0;
    this.pendingLength = -1;
    this.seq = (this.seq + 1) >>> 0;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += total;
    const padLen = body[0];
    const payloadLen = body.length - 1 - padLen;
    if (padLen < 4 || payloadLen < 1) {
      throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, `bad padding length ${padLen} in packet of ${body.length}`);
    }
    return body.slice(1, 1 + payloadLen);
  }

  private checkLength(len: number, c: PacketCipher): void {
    const aligned = c.lengthExcludedFromPadding ? len : len + 4;
    if (len < 5 || len > MAX_PACKET_LENGTH || aligned % c.blockSize !== 0) {
      throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, `Bad packet length ${len}`);
    }
  }
}
