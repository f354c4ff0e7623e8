/**
 * The packet cipher contract: one direction of the binary packet protocol's
 * encryption and integrity (RFC 4253 §6), synchronous so the packet codec can
 * run on the hot path without awaiting.
 *
 * A plaintext packet is `uint32 packet_length ‖ byte padding_length ‖ payload ‖ padding`.
 *
 * @module
 */

/** A packet failed authentication (bad MAC / tag). The connection must end. */
export class MacError extends Error {
  constructor(message = "message authentication code incorrect") {
    super(message);
    this.name = "MacError";
  }
}

/** One direction of packet encryption + integrity. */
export interface PacketCipher {
  /** SSH algorithm name, e.g. `chacha20-poly1305@openssh.com`. */
  readonly name: string;
  /** Padding alignment (≥ 8). */
  readonly blockSize: number;
  /** Bytes of tag/MAC after each packet. */
  readonly tagLength: number;
  /** Wire bytes needed before {@link decryptLength} can run. */
  readonly headerLength: number;
  /**
   * True when the 4-byte length is not part of the encrypted, block-aligned
   * region (AES-GCM, EtM MACs): then `padding_length ‖ payload ‖ padding`
   * must be a multiple of `blockSize`; otherwise the whole packet must be.
   */
  readonly lengthExcludedFromPadding: boolean;
  /** Encrypt and authenticate a whole plaintext packet; returns wire bytes (with tag). */
  seal(seq: number, packet: Uint8Array): Uint8Array;
  /** The (unauthenticated) `packet_length` from the first `headerLength` wire bytes. */
  decryptLength(seq: number, header: Uint8Array): number;
  /**
   * Authenticate and decrypt one whole wire packet (`4 + packet_length + tagLength`
   * bytes). Returns `padding_length ‖ payload ‖ padding`. Throws {@link MacError}.
   */
  open(seq: number, wire: Uint8Array): Uint8Array;
}

/** The `none` cipher in force before the first NEWKEYS. */
export class NoneCipher implements PacketCipher {
  readonly name = "none";
  readonly blockSize = 8;
  readonly tagLength = 0;
  readonly headerLength = 4;
  readonly lengthExcludedFromPadding = false;

  seal(_seq: number, packet: Uint8Array): Uint8Array {
    return packet;
  }

  decryptLength(_seq: number, header: Uint8Array): number {
    return ((header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3]) >>> 0;
  }

  open(_seq: number, wire: Uint8Array): Uint8Array {
    return wire.subarray(4);
  }
}
