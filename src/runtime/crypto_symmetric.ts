/**
 * Symmetric primitives for the node:crypto provider: ChaCha20 and Poly1305
 * (WebAssembly, native or noble, chosen once), AES-GCM, AES-CTR and HMAC.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey } from "node:crypto";
import { chacha20orig } from "@noble/ciphers/chacha.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";
import { hasWasmChaChaPoly, loadWasmChaChaPoly } from "../ssh/crypto/wasm/wasm_crypto.ts";
import type { AesCtr, AesGcm, HashName, KeyedHmac } from "../ssh/crypto/provider.ts";
import { checkLength, CryptoProviderError, view } from "./crypto_bytes.ts";

/**
 * Which ChaCha20 implementation {@link createCryptoProvider} should use.
 *
 * @example
 * ```ts
 * const backend: ChaCha20Backend = "noble";
 * createCryptoProvider({ chacha20: backend }).name; // "node:crypto+noble-chacha20+wasm-poly1305"
 * ```
 */
export type ChaCha20Backend = "auto" | "native" | "wasm" | "noble";

/**
 * Which Poly1305 implementation {@link createCryptoProvider} should use: our
 * WebAssembly module (`src/ssh/crypto/wasm/`) or noble's JavaScript.
 *
 * @example
 * ```ts
 * const backend: Poly1305Backend = "noble";
 * createCryptoProvider({ poly1305: backend }).name; // e.g. "node:crypto+wasm-chacha20+noble-poly1305"
 * ```
 */
export type Poly1305Backend = "auto" | "wasm" | "noble";

export type ChaCha20Fn = (key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array) => Uint8Array;
export type Poly1305Fn = (key: Uint8Array, message: Uint8Array) => Uint8Array;

/** IV for `node:crypto`'s `chacha20`: LE64(block counter) ‖ 8-byte nonce. */
export function chachaIv(nonce: Uint8Array, counter: number): Uint8Array {
  const iv = new Uint8Array(16);
  const dv = new DataView(iv.buffer);
  dv.setUint32(0, counter >>> 0, true);
  dv.setUint32(4, Math.floor(counter / 0x1_0000_0000), true);
  iv.set(nonce, 8);
  return iv;
}

export function checkChaChaArgs(key: Uint8Array, nonce: Uint8Array, counter: number): void {
  checkLength("ChaCha20 key", key, 32);
  checkLength("ChaCha20 nonce", nonce, 8);
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffff_ffff) {
    throw new CryptoProviderError(`ChaCha20 block counter must be a uint32, got ${counter}`);
  }
}

export const nativeChaCha20: ChaCha20Fn = (key, nonce, counter, data) => {
  checkChaChaArgs(key, nonce, counter);
  return view(createCipheriv("chacha20", key, chachaIv(nonce, counter)).update(data));
};

export const nobleChaCha20: ChaCha20Fn = (key, nonce, counter, data) => {
  checkChaChaArgs(key, nonce, counter);
  return chacha20orig(key, nonce, data, undefined, counter);
};

/**
 * Whether `node:crypto` has a raw `chacha20` that agrees with noble's
 * `chacha20orig` for a non-zero nonce and counter (so the IV layout is right).
 */
export function nativeChaChaWorks(): boolean {
  try {
    const key = new Uint8Array(32).map((_, i) => i);
    const nonce = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2);
    const data = new Uint8Array(80).map((_, i) => i * 3);
    const a = nativeChaCha20(key, nonce, 1, data);
    const b = nobleChaCha20(key, nonce, 1, data);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  } catch {
    return false;
  }
}

let nativeChaChaProbe: boolean | undefined;

/**
 * Whether this runtime's `node:crypto` has a usable raw ChaCha20 (probed once):
 * true in Deno and Node, false in Bun 1.4.
 *
 * @example
 * ```ts
 * console.log(hasNativeChaCha20() ? "native chacha20" : "noble chacha20");
 * ```
 */
export function hasNativeChaCha20(): boolean {
  nativeChaChaProbe ??= nativeChaChaWorks();
  return nativeChaChaProbe;
}

export const noblePoly1305: Poly1305Fn = (key, message) => {
  checkLength("Poly1305 key", key, 32);
  return poly1305(message, key);
};

/**
 * The ChaCha20 for `backend`, and its label ("native" | "wasm" | "noble"). The
 * WebAssembly functions are passed on as they are: the chacha20-poly1305 cipher
 * recognises them and then runs a whole packet in one call into the module.
 */
export function pickChaCha20(backend: ChaCha20Backend): [ChaCha20Fn, string] {
  if (backend === "native" && !hasNativeChaCha20()) {
    throw new CryptoProviderError("this runtime's node:crypto has no usable raw chacha20");
  }
  if (backend === "wasm" && !hasWasmChaChaPoly()) {
    throw new CryptoProviderError("this runtime cannot run the WebAssembly ChaCha20 (no WebAssembly SIMD?)");
  }
  if (backend === "wasm" || (backend === "auto" && hasWasmChaChaPoly())) return [loadWasmChaChaPoly().chacha20, "wasm"];
  if (backend === "native" || (backend === "auto" && hasNativeChaCha20())) return [nativeChaCha20, "native"];
  return [nobleChaCha20, "noble"];
}

/** The Poly1305 for `backend`, and its label ("wasm" | "noble"). */
export function pickPoly1305(backend: Poly1305Backend): [Poly1305Fn, string] {
  if (backend === "wasm" && !hasWasmChaChaPoly()) {
    throw new CryptoProviderError("this runtime cannot run the WebAssembly Poly1305 (no WebAssembly SIMD?)");
  }
  if (backend === "noble" || !hasWasmChaChaPoly()) return [noblePoly1305, "noble"];
  return [loadWasmChaChaPoly().poly1305, "wasm"];
}

export function aesGcm(key: Uint8Array): AesGcm {
  if (key.length !== 16 && key.length !== 32) {
    throw new CryptoProviderError(`AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
  }
  const alg = key.length === 16 ? "aes-128-gcm" : "aes-256-gcm";
  const secret = createSecretKey(key);
  return {
    seal(iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
      checkLength("AES-GCM IV", iv, 12);
      const c = createCipheriv(alg, secret, iv, { authTagLength: 16 });
      c.setAAD(aad);
      const ct = c.update(plaintext);
      const rest = c.final();
      const out = new Uint8Array(ct.length + rest.length + 16);
      out.set(ct, 0);
      out.set(rest, ct.length);
      out.set(c.getAuthTag(), ct.length + rest.length);
      return out;
    },
    open(iv: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
      checkLength("AES-GCM IV", iv, 12);
      const n = ciphertextAndTag.length - 16;
      if (n < 0) return null;
      const d = createDecipheriv(alg, secret, iv, { authTagLength: 16 });
      d.setAuthTag(ciphertextAndTag.subarray(n));
      d.setAAD(aad);
      const pt = d.update(ciphertextAndTag.subarray(0, n));
      try {
        const rest = d.final();
        if (rest.length === 0) return view(pt);
        const out = new Uint8Array(pt.length + rest.length);
        out.set(pt, 0);
        out.set(rest, pt.length);
        return out;
      } catch {
        return null;
      }
    },
  };
}

/** A long-lived `node:crypto` AES-CTR cipher: OpenSSL keeps the counter (and any partial block) across updates. */
export function aesCtr(key: Uint8Array, iv: Uint8Array): AesCtr {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoProviderError(`AES-CTR key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  checkLength("AES-CTR IV", iv, 16);
  const stream = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return { update: (data: Uint8Array): Uint8Array => view(stream.update(data)) };
}

/**
 * HMAC with a fixed key. A fresh `createHmac` per packet measured fastest in both
 * runtimes (Bun ~1 M ops/s for small packets; in Deno every call costs ~10–20 µs
 * whatever the form): a keyed `KeyObject` and copying pre-keyed inner/outer
 * `Hash` states (`hash.copy()`) were no faster, and noble's JS HMAC wins only below ~1 KiB in Deno.
 */
export function keyedHmac(alg: HashName, key: Uint8Array): KeyedHmac {
  const k = key.slice();
  return {
    compute: (head: Uint8Array, body: Uint8Array): Uint8Array =>
      view(createHmac(alg, k).update(head).update(body).digest()),
  };
}
