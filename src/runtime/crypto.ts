/**
 * The crypto provider for Deno and Bun, built on `node:crypto` (native code in
 * both runtimes) with `@noble/ciphers` where a runtime lacks a primitive:
 *
 * - hashes, HMAC, X25519, Ed25519, ECDSA, ECDH (peer points checked on the curve
 *   with noble first), RSA, AES-GCM: `node:crypto`;
 * - raw ChaCha20 (the original 64-bit-nonce variant) and Poly1305: our
 *   WebAssembly module (`src/ssh/crypto/wasm/`, SIMD ChaCha20) in both, which
 *   also runs whole chacha20-poly1305@openssh.com packets in one call; else
 *   `node:crypto`'s `chacha20` where it exists and matches (Deno, Node) or
 *   noble's `chacha20orig` (Bun), and noble's Poly1305 (neither runtime exposes
 *   one). The `chacha20` / `poly1305` options pick a backend explicitly.
 *
 * Every method returns plain `Uint8Array`s, never Node `Buffer`s (noble is ~8×
 * slower on `Buffer`s in Bun, and the engine must not see `Buffer`).
 *
 * @module
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import type {
  CryptoProvider,
  HashName,
  NistCurve,
  RsaPrivateComponents,
  X25519KeyPair,
} from "../ssh/crypto/provider.ts";
import { b64url, checkLength, CryptoProviderError, fromB64url, leftPad, stripZeros, view } from "./crypto_bytes.ts";
import {
  CURVE_BYTES,
  ecdh,
  ecdhGenerate,
  ecPublicJwk,
  ED25519_PKCS8,
  ED25519_SPKI,
  rawPrivateKey,
  rawPublicKey,
  rsaPrivateKey,
  X25519_PKCS8,
  X25519_SPKI,
} from "./crypto_keys.ts";
import {
  aesCtr,
  aesGcm,
  type ChaCha20Backend,
  keyedHmac,
  pickChaCha20,
  pickPoly1305,
  type Poly1305Backend,
} from "./crypto_symmetric.ts";

export { CryptoProviderError } from "./crypto_bytes.ts";
export { type ChaCha20Backend, hasNativeChaCha20, type Poly1305Backend } from "./crypto_symmetric.ts";

/**
 * Options for {@link createCryptoProvider}; the defaults pick the fastest backend.
 *
 * @example
 * ```ts
 * const options: CryptoProviderOptions = { chacha20: "auto" };
 * createCryptoProvider(options);
 * ```
 */
export interface CryptoProviderOptions {
  /**
   * `"auto"` (default): our WebAssembly ChaCha20 if this runtime can run it,
   * else native `node:crypto` ChaCha20 if this runtime has it and it passes a
   * self-check, else noble. `"native"` and `"wasm"` throw if unavailable.
   */
  chacha20?: ChaCha20Backend;
  /** `"auto"` (default): WebAssembly if this runtime can run it, else noble. `"wasm"` throws if unavailable. */
  poly1305?: Poly1305Backend;
}

/**
 * Create the crypto provider for this runtime (Deno or Bun), choosing the
 * fastest backend for each primitive once.
 *
 * @example
 * ```ts
 * import { createCryptoProvider } from "./crypto.ts";
 * const crypto = createCryptoProvider();
 * const digest = crypto.hash("sha256", new TextEncoder().encode("abc"));
 * console.log(crypto.name, digest.length); // "node:crypto+wasm-chacha20+wasm-poly1305" 32
 * ```
 */
export function createCryptoProvider(options: CryptoProviderOptions = {}): CryptoProvider {
  const [chacha20, chachaLabel] = pickChaCha20(options.chacha20 ?? "auto");
  const [poly1305Fn, polyLabel] = pickPoly1305(options.poly1305 ?? "auto");

  return {
    name: `node:crypto${chachaLabel === "native" ? "" : `+${chachaLabel}-chacha20`}+${polyLabel}-poly1305`,

    hash(alg: HashName, data: Uint8Array): Uint8Array {
      return view(createHash(alg).update(data).digest());
    },

    createHash(alg: HashName): { update(data: Uint8Array): void; digest(): Uint8Array } {
      const h = createHash(alg);
      return {
        update(data: Uint8Array): void {
          h.update(data);
        },
        digest(): Uint8Array {
          return view(h.digest());
        },
      };
    },

    hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
      return view(createHmac(alg, key).update(data).digest());
    },

    x25519Generate(): X25519KeyPair {
      const { privateKey } = generateKeyPairSync("x25519");
      const jwk = privateKey.export({ format: "jwk" });
      if (typeof jwk.d !== "string" || typeof jwk.x !== "string") {
        throw new CryptoProviderError("X25519 key export did not yield raw keys");
      }
      return { privateKey: fromB64url(jwk.d), publicKey: fromB64url(jwk.x) };
    },

    x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
      checkLength("X25519 private key", privateKey, 32);
      checkLength("X25519 public key", publicKey, 32);
      let shared: Uint8Array;
      try {
        shared = view(diffieHellman({
          privateKey: rawPrivateKey(X25519_PKCS8, privateKey),
          publicKey: rawPublicKey(X25519_SPKI, publicKey),
        }));
      } catch (e) {
        // OpenSSL and BoringSSL refuse an all-zero result (a low-order public key) by failing the derivation.
        throw new CryptoProviderError(`X25519 failed (all-zero shared secret from a low-order public key?): ${e}`);
      }
      let acc = 0;
      for (const b of shared) acc |= b;
      if (acc === 0) throw new CryptoProviderError("X25519 shared secret is all-zero (low-order public key)");
      return shared;
    },

    ecdhGenerate,
    ecdh,

    ed25519PublicKey(seed: Uint8Array): Uint8Array {
      checkLength("Ed25519 seed", seed, 32);
      const pub = createPublicKey(rawPrivateKey(ED25519_PKCS8, seed)).export({ format: "jwk" });
      if (typeof pub.x !== "string") throw new CryptoProviderError("Ed25519 public key export failed");
      return fromB64url(pub.x);
    },

    ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
      checkLength("Ed25519 seed", seed, 32);
      return view(nodeSign(null, message, rawPrivateKey(ED25519_PKCS8, seed)));
    },

    ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        return nodeVerify(null, message, rawPublicKey(ED25519_SPKI, publicKey), signature);
      } catch {
        return false;
      }
    },

    ecdsaVerify(
      curve: NistCurve,
      hash: HashName,
      q: Uint8Array,
      message: Uint8Array,
      r: Uint8Array,
      s: Uint8Array,
    ): boolean {
      const size = CURVE_BYTES[curve];
      const rp = leftPad(r, size);
      const sp = leftPad(s, size);
      if (!rp || !sp) return false;
      const sig = new Uint8Array(2 * size);
      sig.set(rp, 0);
      sig.set(sp, size);
      try {
        const key = createPublicKey({ key: ecPublicJwk(curve, q), format: "jwk" });
        return nodeVerify(hash, message, { key, dsaEncoding: "ieee-p1363" }, sig);
      } catch {
        return false;
      }
    },

    ecdsaSign(
      curve: NistCurve,
      hash: HashName,
      d: Uint8Array,
      q: Uint8Array,
      message: Uint8Array,
    ): { r: Uint8Array; s: Uint8Array } {
      const size = CURVE_BYTES[curve];
      const dp = leftPad(d, size);
      if (!dp) throw new CryptoProviderError(`${curve} private scalar is longer than ${size} bytes`);
      const key = createPrivateKey({ key: { ...ecPublicJwk(curve, q), d: b64url(dp) }, format: "jwk" });
      const sig = view(nodeSign(hash, message, { key, dsaEncoding: "ieee-p1363" }));
      return { r: stripZeros(sig.subarray(0, size)), s: stripZeros(sig.subarray(size)) };
    },

    rsaVerify(hash: HashName, n: Uint8Array, e: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      const modulus = stripZeros(n);
      // Like OpenSSH, accept a signature shorter than the modulus (its leading zeros were dropped).
      const sig = leftPad(signature, modulus.length);
      if (!sig || modulus.length === 0) return false;
      try {
        const key = createPublicKey({
          key: { kty: "RSA", n: b64url(modulus), e: b64url(stripZeros(e)) },
          format: "jwk",
        });
        return nodeVerify(hash, message, key, sig);
      } catch {
        return false;
      }
    },

    rsaSign(hash: HashName, key: RsaPrivateComponents, message: Uint8Array): Uint8Array {
      return view(nodeSign(hash, message, rsaPrivateKey(key)));
    },

    ecdsaGenerate(curve: NistCurve): { d: Uint8Array; q: Uint8Array } {
      const jwk = generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ format: "jwk" });
      if (typeof jwk.d !== "string" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
        throw new CryptoProviderError(`${curve} key export did not yield its components`);
      }
      const size = CURVE_BYTES[curve];
      const [d, x, y] = [jwk.d, jwk.x, jwk.y].map((v) => leftPad(fromB64url(v), size));
      if (!d || !x || !y) throw new CryptoProviderError(`${curve} key export has oversized components`);
      const q = new Uint8Array(1 + 2 * size);
      q[0] = 4;
      q.set(x, 1);
      q.set(y, 1 + size);
      return { d, q };
    },

    rsaGenerate(bits: number): RsaPrivateComponents {
      const jwk = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 }).privateKey
        .export({ format: "jwk" });
      const parts = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.qi];
      if (!parts.every((v) => typeof v === "string")) throw new CryptoProviderError("RSA key export failed");
      const [n, e, d, p, q, iqmp] = (parts as string[]).map((v) => stripZeros(fromB64url(v)));
      return { n, e, d, p, q, iqmp };
    },

    chacha20,
    poly1305: poly1305Fn,

    aesGcm,
    aesCtr,
    keyedHmac,
  };
}
