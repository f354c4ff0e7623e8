/**
 * Key objects for the node:crypto provider: raw X25519/Ed25519 keys via DER,
 * NIST curve keys via JWK (with noble for on-curve checks), RSA keys from
 * their components (cached).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import type { EcdhKeyPair, NistCurve, RsaPrivateComponents } from "../ssh/crypto/provider.ts";
import { b64url, CryptoProviderError, fromB64url, leftPad, stripZeros, view } from "./crypto_bytes.ts";

export const X25519_PKCS8 = Uint8Array.of(0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x6e, 4, 0x22, 4, 0x20);
export const X25519_SPKI = Uint8Array.of(0x30, 0x2a, 0x30, 5, 6, 3, 0x2b, 0x65, 0x6e, 3, 0x21, 0);
export const ED25519_PKCS8 = Uint8Array.of(0x30, 0x2e, 2, 1, 0, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 4, 0x22, 4, 0x20);
export const ED25519_SPKI = Uint8Array.of(0x30, 0x2a, 0x30, 5, 6, 3, 0x2b, 0x65, 0x70, 3, 0x21, 0);

export function der(prefix: Uint8Array, raw: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + raw.length);
  out.set(prefix, 0);
  out.set(raw, prefix.length);
  return out;
}

export function rawPrivateKey(prefix: Uint8Array, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: der(prefix, raw), format: "der", type: "pkcs8" });
}

export function rawPublicKey(prefix: Uint8Array, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: der(prefix, raw), format: "der", type: "spki" });
}

/** Field element size in bytes for each NIST curve. */
export const CURVE_BYTES: Record<NistCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

export function ecPublicJwk(curve: NistCurve, q: Uint8Array): { kty: "EC"; crv: NistCurve; x: string; y: string } {
  const size = CURVE_BYTES[curve];
  if (q.length !== 1 + 2 * size || q[0] !== 4) {
    throw new CryptoProviderError(`${curve} public key must be an uncompressed point of ${1 + 2 * size} bytes`);
  }
  return { kty: "EC", crv: curve, x: b64url(q.subarray(1, 1 + size)), y: b64url(q.subarray(1 + size)) };
}

/** noble's curves, used only to check that a peer's ECDH point lies on the curve. */
export const NOBLE_NIST = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;

/** DER of the OIDs id-ecPublicKey (RFC 5480 §2.1.1) and each named curve (RFC 5480 §2.1.1.1). */
export const EC_PUBLIC_KEY_OID = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
export const CURVE_OID: Record<NistCurve, number[]> = {
  "P-256": [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  "P-384": [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
  "P-521": [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
};

/** Key objects of the pairs `ecdhGenerate` made, so `ecdh` need not import them again. */
export const ecdhKeyCache = new WeakMap<Uint8Array, KeyObject>();

/** An EC private key from its scalar: PKCS#8 (RFC 5208) around an RFC 5915 ECPrivateKey without the public key. */
export function ecPrivateKey(curve: NistCurve, d: Uint8Array): KeyObject {
  const cached = ecdhKeyCache.get(d);
  if (cached) return cached;
  const size = CURVE_BYTES[curve];
  const scalar = leftPad(d, size);
  if (!scalar) throw new CryptoProviderError(`${curve} private scalar is longer than ${size} bytes`);
  const inner = [0x30, 5 + size, 0x02, 1, 1, 0x04, size, ...scalar];
  const oid = CURVE_OID[curve];
  const alg = [0x30, EC_PUBLIC_KEY_OID.length + oid.length, ...EC_PUBLIC_KEY_OID, ...oid];
  const body = [0x02, 1, 0, ...alg, 0x04, inner.length, ...inner];
  return createPrivateKey({ key: Buffer.from([0x30, body.length, ...body]), format: "der", type: "pkcs8" });
}

export function ecdhGenerate(curve: NistCurve): EcdhKeyPair {
  const { privateKey: key } = generateKeyPairSync("ec", { namedCurve: curve });
  const jwk = key.export({ format: "jwk" });
  const size = CURVE_BYTES[curve];
  const [d, x, y] = [jwk.d, jwk.x, jwk.y].map((v) => typeof v === "string" ? leftPad(fromB64url(v), size) : null);
  if (!d || !x || !y) throw new CryptoProviderError(`${curve} key export did not yield its components`);
  const publicKey = new Uint8Array(1 + 2 * size);
  publicKey[0] = 4;
  publicKey.set(x, 1);
  publicKey.set(y, 1 + size);
  ecdhKeyCache.set(d, key);
  return { privateKey: d, publicKey };
}

export function ecdh(curve: NistCurve, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const jwk = ecPublicJwk(curve, publicKey);
  try {
    NOBLE_NIST[curve].Point.fromBytes(publicKey); // throws unless 0 ≤ x, y < p and y² = x³ − 3x + b
  } catch {
    throw new CryptoProviderError(`${curve} public key is not a point on the curve`);
  }
  const shared = view(diffieHellman({
    privateKey: ecPrivateKey(curve, privateKey),
    publicKey: createPublicKey({ key: jwk, format: "jwk" }),
  }));
  const x = leftPad(shared, CURVE_BYTES[curve]);
  if (!x) throw new CryptoProviderError(`${curve} ECDH returned ${shared.length} bytes`);
  return x;
}

export function bigFrom(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function bytesFrom(v: bigint): Uint8Array {
  const hex = v.toString(16);
  return view(Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex"));
}

/** RSA private keys are imported once per components object (host keys sign on every handshake). */
export const rsaKeyCache = new WeakMap<RsaPrivateComponents, KeyObject>();

export function rsaPrivateKey(key: RsaPrivateComponents): KeyObject {
  const cached = rsaKeyCache.get(key);
  if (cached) return cached;
  const d = bigFrom(key.d);
  const p = bigFrom(key.p);
  const q = bigFrom(key.q);
  const obj = createPrivateKey({
    key: {
      kty: "RSA",
      n: b64url(stripZeros(key.n)),
      e: b64url(stripZeros(key.e)),
      d: b64url(stripZeros(key.d)),
      p: b64url(stripZeros(key.p)),
      q: b64url(stripZeros(key.q)),
      dp: b64url(bytesFrom(d % (p - 1n))),
      dq: b64url(bytesFrom(d % (q - 1n))),
      qi: b64url(stripZeros(key.iqmp)),
    },
    format: "jwk",
  });
  rsaKeyCache.set(key, obj);
  return obj;
}
