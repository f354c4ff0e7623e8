/**
 * A {@link PacketCipher} made of a stream cipher (AES-CTR) and a separate MAC,
 * in either of the two layouts SSH uses:
 *
 * - **Encrypt-and-MAC** (RFC 4253 §6, §6.4): the whole packet, length
 *   included, is encrypted; the MAC covers `uint32 seq ‖ unencrypted packet`.
 *   The receiver must decrypt the first block to learn the length, so
 *   `headerLength` is one block and the CTR keystream continues from there
 *   for the rest of the packet; the MAC can only be checked after decrypting.
 * - **Encrypt-then-MAC** (`-etm@openssh.com`, OpenSSH PROTOCOL §1.5): the
 *   4-byte length is sent in the clear, `padding_length ‖ payload ‖ padding`
 *   is encrypted and must be block-aligned, and the MAC covers
 *   `uint32 seq ‖ uint32 length ‖ ciphertext`. The MAC is checked before any
 *   byte is decrypted.
 *
 * The MAC follows the encrypted packet on the wire in both layouts.
 *
 * @module
 */
import type { AesCtr } from "./provider.ts";
import type { Mac } from "./macs.ts";
import { MacError, type PacketCipher } from "../transport/cipher.ts";

/**
 * A zeroed buffer whose data starts 12 bytes into its ArrayBuffer, so that a
 * body copied to index 4 lands 16-byte aligned. Bun (JSC) copies
 * `Uint8Array.set` ~15× slower when the destination offset is 1–15 bytes past
 * the source's; V8 does not care.
 */
function wireBuffer(length: number): Uint8Array {
  return new Uint8Array(length + 12).subarray(12);
}

function readUint32(b: Uint8Array): number {
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/**
 * Encrypt-and-MAC: the MAC covers the plaintext packet, the length is encrypted.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * import { HMAC_SHA2_256 } from "./macs.ts";
 * const p = createCryptoProvider();
 * const key = new Uint8Array(16), iv = new Uint8Array(16), macKey = new Uint8Array(32);
 * const tx = new EncryptAndMacCipher("aes128-ctr", 16, p.aesCtr(key, iv), HMAC_SHA2_256.create(p, macKey));
 * const rx = new EncryptAndMacCipher("aes128-ctr", 16, p.aesCtr(key, iv), HMAC_SHA2_256.create(p, macKey));
 * const packet = new Uint8Array(16); // packet_length 12, padding_length 10, MSG_NEWKEYS
 * packet.set([0, 0, 0, 12, 10, 21]);
 * const wire = tx.seal(3, packet); // 16 + 32 bytes
 * rx.decryptLength(3, wire.subarray(0, 16)); // 12
 * rx.open(3, wire); // padding_length ‖ payload ‖ padding
 * ```
 */
export class EncryptAndMacCipher implements PacketCipher {
  readonly tagLength: number;
  readonly headerLength: number;
  readonly lengthExcludedFromPadding = false;

  readonly #stream: AesCtr;
  readonly #mac: Mac;
  /** The first block of the packet being read, decrypted by {@link decryptLength}. */
  #first: Uint8Array | null = null;

  /**
   * @param name SSH cipher name (for logs).
   * @param blockSize the cipher's block size: padding alignment and header length.
   * @param stream the keystream for this direction (encrypting and decrypting are the same XOR).
   * @param mac this direction's keyed MAC.
   */
  constructor(readonly name: string, readonly blockSize: number, stream: AesCtr, mac: Mac) {
    this.headerLength = blockSize;
    this.tagLength = mac.length;
    this.#stream = stream;
    this.#mac = mac;
  }

  seal(seq: number, packet: Uint8Array): Uint8Array {
    const n = packet.length;
    const tag = this.#mac.compute(seq, packet);
    const out = new Uint8Array(n + tag.length);
    out.set(this.#stream.update(packet), 0);
    out.set(tag, n);
    return out;
  }

  /** Decrypts the first block (once per packet) and keeps it for {@link open}. */
  decryptLength(_seq: number, header: Uint8Array): number {
    if (this.#first === null) {
      if (header.length < this.blockSize) throw new RangeError(`need ${this.blockSize} header bytes`);
      this.#first = this.#stream.update(header.subarray(0, this.blockSize));
    }
    return readUint32(this.#first);
  }

  open(seq: number, wire: Uint8Array): Uint8Array {
    const bs = this.blockSize;
    const n = wire.length - this.tagLength;
    if (n < bs || n % bs !== 0) throw new MacError("packet is not a whole number of blocks plus a MAC");
    const first = this.#first ?? this.#stream.update(wire.subarray(0, bs));
    this.#first = null;
    const plain = new Uint8Array(n);
    plain.set(first, 0);
    if (n > bs) plain.set(this.#stream.update(wire.subarray(bs, n)), bs);
    if (readUint32(plain) !== n - 4 || !this.#mac.verify(seq, plain, wire.subarray(n))) throw new MacError();
    return plain.subarray(4);
  }
}

/**
 * Encrypt-then-MAC: the length travels in the clear, the MAC covers the ciphertext
 * and is verified before decrypting.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * import { HMAC_SHA2_256_ETM } from "./macs.ts";
 * const p = createCryptoProvider();
 * const key = new Uint8Array(16), iv = new Uint8Array(16), macKey = new Uint8Array(32);
 * const tx = new EncryptThenMacCipher("aes128-ctr", 16, p.aesCtr(key, iv), HMAC_SHA2_256_ETM.create(p, macKey));
 * const rx = new EncryptThenMacCipher("aes128-ctr", 16, p.aesCtr(key, iv), HMAC_SHA2_256_ETM.create(p, macKey));
 * const packet = new Uint8Array(20); // packet_length 16, padding_length 14, MSG_NEWKEYS
 * packet.set([0, 0, 0, 16, 14, 21]);
 * const wire = tx.seal(3, packet); // 20 + 32 bytes
 * rx.decryptLength(3, wire.subarray(0, 4)); // 16
 * rx.open(3, wire); // padding_length ‖ payload ‖ padding
 * ```
 */
export class EncryptThenMacCipher implements PacketCipher {
  readonly tagLength: number;
  readonly headerLength = 4;
  readonly lengthExcludedFromPadding = true;

  readonly #stream: AesCtr;
  readonly #mac: Mac;

  /**
   * @param name SSH cipher name (for logs).
   * @param blockSize the cipher's block size: alignment of the encrypted part.
   * @param stream the keystream for this direction.
   * @param mac this direction's keyed Encrypt-then-MAC.
   */
  constructor(readonly name: string, readonly blockSize: number, stream: AesCtr, mac: Mac) {
    this.tagLength = mac.length;
    this.#stream = stream;
    this.#mac = mac;
  }

  seal(seq: number, packet: Uint8Array): Uint8Array {
    if (packet.length < 4) throw new RangeError("packet too short");
    const n = packet.length;
    const out = wireBuffer(n + this.tagLength);
    out.set(packet.subarray(0, 4), 0);
    out.set(this.#stream.update(packet.subarray(4)), 4);
    out.set(this.#mac.compute(seq, out.subarray(0, n)), n);
    return out;
  }

  decryptLength(_seq: number, header: Uint8Array): number {
    if (header.length < 4) throw new RangeError("need 4 header bytes");
    return readUint32(header);
  }

  open(seq: number, wire: Uint8Array): Uint8Array {
    const n = wire.length - this.tagLength;
    if (n < 4 || (n - 4) % this.blockSize !== 0) {
      throw new MacError("packet is not a whole number of blocks plus a MAC");
    }
    if (!this.#mac.verify(seq, wire.subarray(0, n), wire.subarray(n))) throw new MacError();
    return this.#stream.update(wire.subarray(4, n));
  }
}

/**
 * The packet cipher for `stream` + `mac`, in the layout the MAC asks for (`mac.etm`).
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * import { HMAC_SHA2_512 } from "./macs.ts";
 * const p = createCryptoProvider();
 * const c = createCipherWithMac("aes256-ctr", 16, p.aesCtr(new Uint8Array(32), new Uint8Array(16)),
 *   HMAC_SHA2_512.create(p, new Uint8Array(64)));
 * c.headerLength; // 16 (Encrypt-and-MAC must decrypt a block to learn the length)
 * ```
 */
export function createCipherWithMac(name: string, blockSize: number, stream: AesCtr, mac: Mac): PacketCipher {
  return mac.etm
    ? new EncryptThenMacCipher(name, blockSize, stream, mac)
    : new EncryptAndMacCipher(name, blockSize, stream, mac);
}
