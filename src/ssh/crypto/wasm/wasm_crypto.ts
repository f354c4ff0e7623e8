/**
 * ChaCha20, Poly1305 and whole-packet chacha20-poly1305@openssh.com in
 * WebAssembly (our own C in this folder, built by `scripts/build_wasm.sh` and
 * embedded in `chacha20_poly1305_wasm.ts`). The module is compiled and
 * instantiated synchronously, once per process, on first use.
 *
 * Data crosses into the module's linear memory by one copy in and one copy
 * out per call; a packet is sealed or opened by a single call (length,
 * Poly1305 key, payload stream and tag all inside the module).
 *
 * Memory layout, from the module's `heap_base()`: 64 bytes of keys, an 8-byte
 * nonce at +64, a 16-byte tag at +80, a 32-byte Poly1305 key at +96, and the
 * data area from +256 on, grown as needed.
 *
 * @module
 */
import { CHACHA20_POLY1305_WASM_BASE64 } from "./chacha20_poly1305_wasm.ts";

/**
 * The WebAssembly module could not be loaded (no WebAssembly, or no SIMD support).
 *
 * @example
 * ```ts
 * try {
 *   loadWasmChaChaPoly();
 * } catch (e) {
 *   if (e instanceof WasmCryptoUnavailableError) console.log("falling back to JS");
 * }
 * ```
 */
export class WasmCryptoUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmCryptoUnavailableError";
  }
}

/**
 * ChaCha20 and Poly1305 backed by WebAssembly. All methods are synchronous and
 * return fresh arrays (never views of the module's memory).
 *
 * @example
 * ```ts
 * const wasm = loadWasmChaChaPoly();
 * const keys = new Uint8Array(64); // K_2 ‖ K_1
 * const packet = new Uint8Array(20);
 * packet.set([0, 0, 0, 16, 14, 21]);
 * const wire = wasm.opensshSeal(keys, 0, packet); // 36 bytes
 * wasm.opensshLength(keys, 0, wire); // 16
 * wasm.opensshOpen(keys, 0, wire); // padding_length ‖ payload ‖ padding (16 bytes), or null on a bad tag
 * ```
 */
export interface WasmChaChaPoly {
  /**
   * Raw ChaCha20 (64-bit nonce, 64-bit counter): `data` XOR the keystream from
   * block `counter` (a uint32; later blocks carry into the high word).
   */
  readonly chacha20: (key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array) => Uint8Array;
  /** Poly1305 tag (16 bytes) of `message` under the 32-byte one-time `key`. */
  readonly poly1305: (key: Uint8Array, message: Uint8Array) => Uint8Array;
  /**
   * chacha20-poly1305@openssh.com seal of one plaintext packet (≥ 4 bytes)
   * with `keys` = K_2 ‖ K_1 (64 bytes): encrypted packet ‖ 16-byte tag.
   */
  opensshSeal(keys: Uint8Array, seq: number, packet: Uint8Array): Uint8Array;
  /** The packet length from the first 4 wire bytes of packet `seq`. */
  opensshLength(keys: Uint8Array, seq: number, header: Uint8Array): number;
  /**
   * Check the tag of one wire packet (≥ 20 bytes) and decrypt it: returns
   * `padding_length ‖ payload ‖ padding`, or `null` if the tag does not match
   * (no plaintext leaves the module then: a large packet is decrypted in the
   * module's memory while it is authenticated, but returned only if its tag matches).
   */
  opensshOpen(keys: Uint8Array, seq: number, wire: Uint8Array): Uint8Array | null;
}

interface Exports {
  memory: WebAssembly.Memory;
  heap_base(): number;
  chacha20(key: number, nonce: number, counter: number, data: number, len: number): void;
  poly1305(tag: number, key: number, msg: number, len: number): void;
  openssh_seal(keys: number, seq: number, buf: number, len: number): void;
  openssh_length(keys: number, seq: number, hdr: number): number;
  openssh_open(keys: number, seq: number, buf: number, len: number): number;
}

const PAGE = 65536;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(): WasmChaChaPoly {
  if (typeof WebAssembly !== "object") throw new WasmCryptoUnavailableError("this runtime has no WebAssembly");
  const bytes = decodeBase64(CHACHA20_POLY1305_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) {
    throw new WasmCryptoUnavailableError(
      "this runtime's WebAssembly lacks SIMD (the ChaCha20/Poly1305 module is invalid)",
    );
  }
  const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Exports;

  const base = (x.heap_base() + 15) & ~15;
  const KEYS = base;
  const NONCE = base + 64;
  const TAG = base + 80;
  const POLY_KEY = base + 96;
  const DATA = base + 256;
  let mem = new Uint8Array(x.memory.buffer);

  /** Make room for `n` data bytes (plus a 16-byte tag) and return the current memory view. */
  const room = (n: number): Uint8Array => {
    const need = DATA + n + 16;
    if (need > mem.length) {
      x.memory.grow(Math.ceil((need - mem.length) / PAGE));
      mem = new Uint8Array(x.memory.buffer);
    }
    return mem;
  };

  const checkKeys = (keys: Uint8Array): void => {
    if (keys.length !== 64) {
      throw new RangeError(`chacha20-poly1305@openssh.com needs 64 bytes of keys, got ${keys.length}`);
    }
  };
  const checkSeq = (seq: number): void => {
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff_ffff) {
      throw new RangeError(`sequence number must be a uint32, got ${seq}`);
    }
  };

  return {
    chacha20(key, nonce, counter, data) {
      if (key.length !== 32) throw new RangeError(`ChaCha20 key must be 32 bytes, got ${key.length}`);
      if (nonce.length !== 8) throw new RangeError(`ChaCha20 nonce must be 8 bytes, got ${nonce.length}`);
      if (!Number.isInteger(counter) || counter < 0 || counter > 0xffff_ffff) {
        throw new RangeError(`ChaCha20 block counter must be a uint32, got ${counter}`);
      }
      const m = room(data.length);
      m.set(key, KEYS);
      m.set(nonce, NONCE);
      m.set(data, DATA);
      x.chacha20(KEYS, NONCE, counter, DATA, data.length);
      return m.slice(DATA, DATA + data.length);
    },

    poly1305(key, message) {
      if (key.length !== 32) throw new RangeError(`Poly1305 key must be 32 bytes, got ${key.length}`);
      const m = room(message.length);
      m.set(key, POLY_KEY);
      m.set(message, DATA);
      x.poly1305(TAG, POLY_KEY, DATA, message.length);
      return m.slice(TAG, TAG + 16);
    },

    opensshSeal(keys, seq, packet) {
      checkKeys(keys);
      checkSeq(seq);
      if (packet.length < 4) throw new RangeError("packet too short");
      const n = packet.length;
      const m = room(n);
      m.set(keys, KEYS);
      m.set(packet, DATA);
      x.openssh_seal(KEYS, seq, DATA, n);
      return m.slice(DATA, DATA + n + 16);
    },

    opensshLength(keys, seq, header) {
      checkKeys(keys);
      checkSeq(seq);
      if (header.length < 4) throw new RangeError("need 4 header bytes");
      mem.set(keys, KEYS);
      mem.set(header.subarray(0, 4), DATA);
      return x.openssh_length(KEYS, seq, DATA) >>> 0;
    },

    opensshOpen(keys, seq, wire) {
      checkKeys(keys);
      checkSeq(seq);
      const n = wire.length;
      if (n < 20) return null;
      const m = room(n);
      m.set(keys, KEYS);
      m.set(wire, DATA);
      if (x.openssh_open(KEYS, seq, DATA, n) === 0) return null;
      return m.slice(DATA + 4, DATA + n - 16);
    },
  };
}

let loaded: WasmChaChaPoly | undefined;

/**
 * The process-wide WebAssembly ChaCha20/Poly1305, compiled on first call.
 *
 * @throws {WasmCryptoUnavailableError} if this runtime cannot run the module.
 * @example
 * ```ts
 * const tag = loadWasmChaChaPoly().poly1305(new Uint8Array(32).fill(1), new TextEncoder().encode("hi"));
 * console.log(tag.length); // 16
 * ```
 */
export function loadWasmChaChaPoly(): WasmChaChaPoly {
  loaded ??= instantiate();
  return loaded;
}

/**
 * The WebAssembly ChaCha20/Poly1305 if {@link loadWasmChaChaPoly} has loaded
 * it already, else `undefined` (never loads it).
 *
 * @example
 * ```ts
 * const wasm = loadedWasmChaChaPoly();
 * if (wasm) console.log("module already compiled");
 * ```
 */
export function loadedWasmChaChaPoly(): WasmChaChaPoly | undefined {
  return loaded;
}

/**
 * Whether {@link loadWasmChaChaPoly} works in this runtime (it loads the module to find out).
 *
 * @example
 * ```ts
 * console.log(hasWasmChaChaPoly() ? "wasm" : "noble");
 * ```
 */
export function hasWasmChaChaPoly(): boolean {
  try {
    loadWasmChaChaPoly();
    return true;
  } catch (e) {
    if (e instanceof WasmCryptoUnavailableError) return false;
    throw e;
  }
}
