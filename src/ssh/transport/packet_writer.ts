/**
 * Outbound binary packet framing (RFC 4253 §6): pads, encrypts and numbers
 * packets with the current {@link PacketCipher}.
 *
 * @module
 */
import { NoneCipher, type PacketCipher } from "./cipher.ts";

const RANDOM_POOL_SIZE = 4096;

/**
 * Turns payloads into wire bytes.
 *
 * @example
 * ```ts
 * const w = new PacketWriter();
 * socket.write(w.seal(new Uint8Array([2, 0, 0, 0, 0]))); // SSH_MSG_IGNORE
 * ```
 */
export class PacketWriter {
  private cipher: PacketCipher = new NoneCipher();
  private pool = new Uint8Array(RANDOM_POOL_SIZE);
  private poolPos = RANDOM_POOL_SIZE;
  /** Sequence number of the next packet to be sent. */
  seq = 0;
  packetsSinceKeys = 0;
  bytesSinceKeys = 0;

  /** Use `cipher` for every packet from now on. */
  setCipher(cipher: PacketCipher): void {
    this.cipher = cipher;
    this.packetsSinceKeys = 0;
    this.bytesSinceKeys = 0;
  }

  /** Build, encrypt and number one packet. */
  seal(payload: Uint8Array): Uint8Array {
    return this.sealWith(payload.length, (dst) => dst.set(payload));
  }

  /**
   * Like {@link seal}, but `fill` writes the `payloadLength`-byte payload
   * straight into the packet buffer (saves a copy on the data path). With
   * `alignTo`, payload offset `alignTo` is placed 16-byte aligned in memory.
   */
  sealWith(payloadLength: number, fill: (dst: Uint8Array) => void, alignTo?: number): Uint8Array {
    const c = this.cipher;
    const bs = c.blockSize;
    const base = 1 + payloadLength + (c.lengthExcludedFromPadding ? 0 : 4);
    let pad = bs - (base % bs);
    if (pad < 4) pad += bs;
    const packetLength = 1 + payloadLength + pad;
    // Start the packet so that payload byte `alignTo` lands on a 16-byte boundary of its buffer:
    // bulk copies between equally aligned buffers are several times faster (notably in JavaScriptCore).
    const shift = alignTo === undefined ? 0 : (16 - ((5 + alignTo) & 15)) & 15;
    const packet = shift ? new Uint8Array(shift + 4 + packetLength).subarray(shift) : new Uint8Array(4 + packetLength);
    const dv = new DataView(packet.buffer, packet.byteOffset);
    dv.setUint32(0, packetLength);
    packet[4] = pad;
    fill(packet.subarray(5, 5 + payloadLength));
    this.fillRandom(packet.subarray(5 + payloadLength));
    const wire = c.seal(this.seq, packet);
    this.seq = (this.seq + 1) >>> 0;
    this.packetsSinceKeys++;
    this.bytesSinceKeys += wire.length;
    return wire;
  }

  private fillRandom(dst: Uint8Array): void {
    if (this.poolPos + dst.length > this.pool.length) {
      crypto.getRandomValues(this.pool);
      this.poolPos = 0;
    }
    dst.set(this.pool.subarray(this.poolPos, this.poolPos + dst.length));
    this.poolPos += dst.length;
  }
}
