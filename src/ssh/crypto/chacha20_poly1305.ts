/**
 * `chacha20-poly1305@openssh.com`, as specified in OpenSSH's
 * `PROTOCOL.chacha20poly1305`:
 *
 * - the 64-byte key is `K_2 ‖ K_1`: `K_2` (first 32 bytes) encrypts the packet
 *   and keys Poly1305, `K_1` (last 32 bytes) only encrypts the 4-byte length;
 * - the nonce is the packet sequence number as a big-endian uint64;
 * - the length is encrypted with `K_1` from block counter 0;
 * - the Poly1305 key is the first 32 bytes of `K_2`'s keystream block 0, and
 *   the rest of the packet is encrypted with `K_2` from block counter 1;
 * - the tag is Poly1305 over `encrypted length ‖ encrypted rest`, checked in
 *   constant time before any plaintext is returned (the composed path checks
 *   it before decrypting; the WebAssembly path decrypts large packets in its
 *   own memory while authenticating them and hands out nothing on a mismatch).
 *
 * Backends: with the crypto provider's own WebAssembly `chacha20` and `poly1305`
 * (`src/ssh/crypto/wasm/`), a packet is sealed or opened by one call into the
 * module (one copy in, one copy out); with any other pair (native or noble
 * ChaCha20, noble Poly1305, or a wrapped provider) the construction is composed
 * from the provider's two primitives, with the same result.
 *
 * Padding: like every AEAD cipher in OpenSSH (`packet.c`: `aadlen = 4` whenever
 * the cipher has a tag), the 4-byte length is left out of the block alignment,
 * so `packet_length` itself must be a multiple of 8; OpenSSH drops packets
 * that are not ("padding error").
 *
 * @module
 */
import type { CryptoProvider } from "./provider.ts";
import { MacError, type PacketCipher } from "../transport/cipher.ts";
import { loadedWasmChaChaPoly, type WasmChaChaPoly } from "./wasm/wasm_crypto.ts";

/**
 * The SSH name of this cipher.
 *
 * @example
 * ```ts
 * CHACHA20_POLY1305_NAME; // "chacha20-poly1305@openssh.com"
 * ```
 */
export const CHACHA20_POLY1305_NAME = "chacha20-poly1305@openssh.com";

const TAG_LENGTH = 16;
const ZEROS32 = new Uint8Array(32);

/**
 * A zeroed output buffer whose data starts 12 bytes into its ArrayBuffer, so
 * that a body copied to index 4 lands 16-byte aligned. Bun (JSC) copies
 * `Uint8Array.set` ~15× slower (2–3 GB/s instead of 40) when the destination
 * offset is 1–15 bytes past the source's; V8 does not care.
 */
function wireBuffer(length: number): Uint8Array {
  return new Uint8Array(length + 12).subarray(12);
}

/** Constant-time equality of two 16-byte tags. */
function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * One direction of `chacha20-poly1305@openssh.com`. Stateless apart from its
 * keys: the sequence number passed to each call is the nonce.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "../../runtime/crypto.ts";
 * const provider = createCryptoProvider();
 * const key = crypto.getRandomValues(new Uint8Array(64));
 * const tx = new ChaCha20Poly1305Cipher(provider, key);
 * const rx = new ChaCha20Poly1305Cipher(provider, key);
 * const packet = new Uint8Array(20); // packet_length 16, padding_length 14, MSG_NEWKEYS, 14 bytes of padding
 * packet.set([0, 0, 0, 16, 14, 21]);
 * const wire = tx.seal(3, packet); // 20 + 16 bytes
 * const length = rx.decryptLength(3, wire.subarray(0, 4)); // 16
 * const body = rx.open(3, wire); // padding_length ‖ payload ‖ padding
 * ```
 */
export class ChaCha20Poly1305Cipher implements PacketCipher {
  readonly name = CHACHA20_POLY1305_NAME;
  readonly blockSize = 8;
  readonly tagLength = TAG_LENGTH;
  readonly headerLength = 4;
  /** OpenSSH treats the 4-byte length as AAD here: `packet_length` alone must be block-aligned. */
  readonly lengthExcludedFromPadding = true;

  readonly #provider: CryptoProvider;
  /** K_2: payload encryption and Poly1305 key derivation. */
  readonly #mainKey: Uint8Array;
  /** K_1: packet length encryption only. */
  readonly #lengthKey: Uint8Array;
  /** The nonce buffer, rewritten for every call (all calls are synchronous). */
  readonly #nonce = new Uint8Array(8);
  readonly #nonceView = new DataView(this.#nonce.buffer);
  /** K_2 ‖ K_1 for the whole-packet WebAssembly path. */
  readonly #keys: Uint8Array;
  /** Set when the provider's ChaCha20 and Poly1305 are both the WebAssembly ones. */
  readonly #wasm: WasmChaChaPoly | undefined;

  /**
   * @param provider the crypto backend (raw ChaCha20 and Poly1305).
   * @param key 64 bytes of key material from the key exchange.
   * @throws {RangeError} if `key` is not 64 bytes.
   */
  constructor(provider: CryptoProvider, key: Uint8Array) {
    if (key.length !== 64) throw new RangeError(`${CHACHA20_POLY1305_NAME} needs a 64-byte key, got ${key.length}`);
    this.#provider = provider;
    this.#mainKey = key.slice(0, 32);
    this.#lengthKey = key.slice(32, 64);
    this.#keys = key.slice();
    const wasm = loadedWasmChaChaPoly();
    this.#wasm = wasm && provider.chacha20 === wasm.chacha20 && provider.poly1305 === wasm.poly1305 ? wasm : undefined;
  }

  /**
   * `"wasm"` when packets go through the whole-packet WebAssembly path (the
   * provider's `chacha20` and `poly1305` are the WebAssembly ones), else
   * `"provider"` (composed from the provider's two primitives).
   */
  get implementation(): "wasm" | "provider" {
    return this.#wasm ? "wasm" : "provider";
  }

  #nonceFor(seq: number): Uint8Array {
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) {
      throw new RangeError(`sequence number must be a uint32, got ${seq}`);
    }
    this.#nonceView.setUint32(0, 0);
    this.#nonceView.setUint32(4, seq);
    return this.#nonce;
  }

  #tag(nonce: Uint8Array, authenticated: Uint8Array): Uint8Array {
    const polyKey = this.#provider.chacha20(this.#mainKey, nonce, 0, ZEROS32);
    return this.#provider.poly1305(polyKey, authenticated);
  }

  seal(seq: number, packet: Uint8Array): Uint8Array {
    if (packet.length < 4) throw new RangeError("packet too short");
    if (this.#wasm) return this.#wasm.opensshSeal(this.#keys, seq, packet);
    const nonce = this.#nonceFor(seq);
    const n = packet.length;
    const out = wireBuffer(n + TAG_LENGTH);
    out.set(this.#provider.chacha20(this.#lengthKey, nonce, 0, packet.subarray(0, 4)), 0);
    out.set(this.#provider.chacha20(this.#mainKey, nonce, 1, packet.subarray(4)), 4);
    out.set(this.#tag(nonce, out.subarray(0, n)), n);
    return out;
  }

  decryptLength(seq: number, header: Uint8Array): number {
    if (header.length < 4) throw new RangeError("need 4 header bytes");
    if (this.#wasm) return this.#wasm.opensshLength(this.#keys, seq, header);
    const plain = this.#provider.chacha20(this.#lengthKey, this.#nonceFor(seq), 0, header.subarray(0, 4));
    return ((plain[0] << 24) | (plain[1] << 16) | (plain[2] << 8) | plain[3]) >>> 0;
  }

  open(seq: number, wire: Uint8Array): Uint8Array {
    const end = wire.length - TAG_LENGTH;
    if (end < 4) throw new MacError("packet too short to carry a tag");
    if (this.#wasm) {
      const body = this.#wasm.opensshOpen(this.#keys, seq, wire);
      if (!body) throw new MacError();
      return body;
    }
    const nonce = this.#nonceFor(seq);
    if (!tagsEqual(this.#tag(nonce, wire.subarray(0, end)), wire.subarray(end))) throw new MacError();
    return this.#provider.chacha20(this.#mainKey, nonce, 1, wire.subarray(4, end));
  }
}
