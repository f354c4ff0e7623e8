/**
 * SSH payload compression (RFC 4253 §6.2): `zlib` and OpenSSH's delayed
 * `zlib@openssh.com` (PROTOCOL §2.1), which is the same codec switched on only
 * once the server has sent SSH_MSG_USERAUTH_SUCCESS, so unauthenticated peers
 * never reach the decompressor.
 *
 * Each direction is one zlib stream for the life of the connection (rekeying
 * does not restart it). Every packet payload is compressed and sync-flushed on
 * its own ({@link Compressor}); the receiver inflates each packet's data as the
 * continuation of the stream ({@link Decompressor}), with a cap on the output
 * per packet. Compression happens before padding and encryption, decompression
 * after decryption and MAC verification.
 *
 * How the transport uses this:
 * - negotiate `compC2S`/`compS2C` from the KEXINIT lists (server list
 *   {@link DEFAULT_COMPRESSION}); {@link findCompression} tells whether the name
 *   is supported and whether it is `delayed`;
 * - `none`: nothing. `zlib`: create the {@link Compressor} (outgoing) and
 *   {@link Decompressor} (incoming) when the NEWKEYS that brings it into force
 *   takes effect in that direction. `zlib@openssh.com`: create both right
 *   after sending USERAUTH_SUCCESS (outgoing packets after it are compressed;
 *   incoming packets read after it are decompressed). Keep existing instances
 *   across later key exchanges;
 * - outgoing: `payload = compressor.compress(payload)` before padding;
 *   incoming: `payload = decompressor.decompress(data, MAX_PACKET_LENGTH)` after
 *   the MAC check. It throws {@link CompressionError}, a {@link DisconnectError}
 *   with reason COMPRESSION_ERROR; an empty result is a protocol error for the
 *   caller to report (a packet has at least a message number).
 *
 * @module
 */
import { DISCONNECT } from "../messages.ts";
import { DisconnectError } from "../errors.ts";
import { type DeflateOptions, Deflater } from "./deflate.ts";
import { InflateError, Inflater } from "./inflate.ts";

/**
 * Bad compressed data from the peer, or a packet that decompresses to more than
 * allowed. The connection ends with DISCONNECT reason COMPRESSION_ERROR (6).
 *
 * @example
 * ```ts
 * const e = new CompressionError("decompressed data exceeds 262144 bytes");
 * e.reason; // 6 (DISCONNECT.COMPRESSION_ERROR)
 * ```
 */
export class CompressionError extends DisconnectError {
  constructor(message: string) {
    super(DISCONNECT.COMPRESSION_ERROR, message);
    this.name = "CompressionError";
  }
}

/**
 * A compression method as the key exchange sees it.
 *
 * @example
 * ```ts
 * const m: CompressionMethod = { name: "zlib@openssh.com", compresses: true, delayed: true };
 * ```
 */
export interface CompressionMethod {
  /** SSH name. */
  readonly name: string;
  /** False for `none`. */
  readonly compresses: boolean;
  /** True when compression starts only after USERAUTH_SUCCESS (`zlib@openssh.com`). */
  readonly delayed: boolean;
}

/**
 * `none`: payloads travel as they are.
 *
 * @example
 * ```ts
 * COMPRESSION_NONE.compresses; // false
 * ```
 */
export const COMPRESSION_NONE: CompressionMethod = { name: "none", compresses: false, delayed: false };
/**
 * `zlib@openssh.com`: zlib, switched on after USERAUTH_SUCCESS.
 *
 * @example
 * ```ts
 * COMPRESSION_ZLIB_OPENSSH.delayed; // true
 * ```
 */
export const COMPRESSION_ZLIB_OPENSSH: CompressionMethod = {
  name: "zlib@openssh.com",
  compresses: true,
  delayed: true,
};
/**
 * `zlib` (RFC 4253 §6.2): zlib from the first NEWKEYS. Supported but not offered by default.
 *
 * @example
 * ```ts
 * COMPRESSION_ZLIB.delayed; // false
 * ```
 */
export const COMPRESSION_ZLIB: CompressionMethod = { name: "zlib", compresses: true, delayed: false };

/**
 * Every supported compression method by SSH name.
 *
 * @example
 * ```ts
 * COMPRESSIONS.has("zlib"); // true
 * ```
 */
export const COMPRESSIONS: ReadonlyMap<string, CompressionMethod> = new Map(
  [COMPRESSION_NONE, COMPRESSION_ZLIB_OPENSSH, COMPRESSION_ZLIB].map((m) => [m.name, m]),
);

/**
 * The server's default compression list, as OpenSSH's sshd offers it: the
 * client's order decides, so `ssh` gets `none` unless run with `-C`.
 *
 * @example
 * ```ts
 * DEFAULT_COMPRESSION; // ["none", "zlib@openssh.com"]
 * ```
 */
export const DEFAULT_COMPRESSION: readonly string[] = [COMPRESSION_NONE.name, COMPRESSION_ZLIB_OPENSSH.name];

/**
 * Look a compression method up by SSH name.
 *
 * @example
 * ```ts
 * findCompression("zlib@openssh.com")?.delayed; // true
 * findCompression("zstd@openssh.com"); // undefined
 * ```
 */
export function findCompression(name: string): CompressionMethod | undefined {
  return COMPRESSIONS.get(name);
}

/**
 * One direction's outgoing zlib stream: each payload compressed and sync-flushed.
 *
 * @example
 * ```ts
 * const c = new Compressor();
 * const wire1 = c.compress(new TextEncoder().encode("ls -l\n"));
 * const wire2 = c.compress(new TextEncoder().encode("ls -l\n")); // shorter: refers back to wire1's data
 * ```
 */
export class Compressor {
  readonly #deflater: Deflater;

  constructor(options?: DeflateOptions) {
    this.#deflater = new Deflater(options);
  }

  /** The compressed, flushed form of `payload` (a fresh array). */
  compress(payload: Uint8Array): Uint8Array {
    return this.#deflater.compress(payload);
  }
}

/**
 * One direction's incoming zlib stream.
 *
 * @example
 * ```ts
 * const c = new Compressor();
 * const d = new Decompressor();
 * const data = new TextEncoder().encode("hello");
 * d.decompress(c.compress(data), 35000); // "hello" again
 * ```
 */
export class Decompressor {
  readonly #inflater = new Inflater();
  #failed: CompressionError | undefined;

  /**
   * Inflate one packet's data as the continuation of the stream. Throws
   * {@link CompressionError} on bad data or more than `maxOutput` bytes of
   * output; after that the stream is unusable and every call throws again.
   */
  decompress(data: Uint8Array, maxOutput: number): Uint8Array {
    if (this.#failed) throw this.#failed;
    try {
      return this.#inflater.inflate(data, maxOutput);
    } catch (e) {
      if (!(e instanceof InflateError)) throw e;
      this.#failed = new CompressionError(`decompression failed: ${e.message}`);
      throw this.#failed;
    }
  }
}
