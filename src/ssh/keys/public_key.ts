/**
 * Public key blobs (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4, RFC 8332 §3):
 * parse a blob into a typed {@link PublicKey}, and build blobs from parts.
 *
 * ```
 * ssh-ed25519:           string "ssh-ed25519"          ‖ string key(32)
 * ecdsa-sha2-nistpXXX:   string "ecdsa-sha2-nistpXXX"  ‖ string "nistpXXX" ‖ string Q (04‖X‖Y)
 * ssh-rsa:               string "ssh-rsa"              ‖ mpint e ‖ mpint n
 * ```
 *
 * @example
 * ```ts
 * const key = parsePublicKey(blob);
 * if (key.type === "ssh-rsa") console.log(key.bits);
 * ```
 * @module
 */

import { SshReader, SshWriter, WireError } from "../wire.ts";
import type { NistCurve } from "../crypto/provider.ts";
import { KeyFormatError, KeySizeError, UnsupportedKeyTypeError } from "./errors.ts";
import { curveByKeyType, type EcdsaKeyType, isValidPublicPoint } from "./ec_curves.ts";
import { isSkKeyType, readSkKeyFields, type SkPublicKey } from "./sk.ts";

export type { EcdsaKeyType } from "./ec_curves.ts";

/** Key types we parse. */
export type KeyType = "ssh-ed25519" | EcdsaKeyType | "ssh-rsa";

/**
 * All supported key types, in the order we prefer them.
 *
 * @example
 * ```ts
 * KEY_TYPES.includes("ssh-ed25519"); // true
 * ```
 */
export const KEY_TYPES: readonly KeyType[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
];

/** An Ed25519 public key (RFC 8709). */
export interface Ed25519PublicKey {
  readonly type: "ssh-ed25519";
  /** The 32-byte encoded point A. */
  readonly key: Uint8Array;
  /** The full wire blob. */
  readonly blob: Uint8Array;
}

/** An ECDSA public key (RFC 5656). */
export interface EcdsaPublicKey {
  readonly type: EcdsaKeyType;
  /** The provider's curve name. */
  readonly curve: NistCurve;
  /** The uncompressed point `04 ‖ X ‖ Y`. */
  readonly q: Uint8Array;
  readonly blob: Uint8Array;
}

/** An RSA public key (RFC 4253 §6.6). */
export interface RsaPublicKey {
  readonly type: "ssh-rsa";
  /** Modulus, big-endian unsigned, no leading zeros. */
  readonly n: Uint8Array;
  /** Public exponent, big-endian unsigned, no leading zeros. */
  readonly e: Uint8Array;
  /** Modulus size in bits. */
  readonly bits: number;
  readonly blob: Uint8Array;
}

/** Any supported public key (FIDO security keys included, for user authentication). */
export type PublicKey = Ed25519PublicKey | EcdsaPublicKey | RsaPublicKey | SkPublicKey;

/** Options for {@link parsePublicKey}. */
export interface PublicKeyOptions {
  /** Smallest RSA modulus accepted, in bits. Default 1024 (OpenSSH's minimum). */
  minRsaBits?: number;
}

/** Default smallest RSA modulus, in bits (OpenSSH's `SSH_RSA_MINIMUM_MODULUS_SIZE`). */
export const DEFAULT_MIN_RSA_BITS = 1024;
/** Largest RSA modulus accepted, in bits (OpenSSH's `SSHBUF_MAX_BIGNUM` × 8). */
export const MAX_RSA_BITS = 16384;

/**
 * Parse a public key blob. Throws {@link UnsupportedKeyTypeError} for key
 * types we do not handle, {@link KeyFormatError} for malformed blobs (never a
 * `RangeError`), and {@link KeySizeError} for RSA keys outside the limits.
 *
 * @example
 * ```ts
 * const key = parsePublicKey(blob);
 * key.type; // "ssh-ed25519"
 * ```
 */
export function parsePublicKey(blob: Uint8Array, options: PublicKeyOptions = {}): PublicKey {
  const r = new SshReader(blob);
  try {
    const key = readKeyFields(r, blob, options);
    if (r.remaining !== 0) throw new KeyFormatError(`${r.remaining} unexpected trailing bytes after ${key.type} key`);
    return key;
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`malformed public key: ${err.message}`);
    throw err;
  }
}

function readKeyFields(r: SshReader, blob: Uint8Array, options: PublicKeyOptions): PublicKey {
  const type = latin1(r.string());
  if (type === "ssh-ed25519") {
    const key = r.string();
    if (key.length !== 32) throw new KeyFormatError(`ssh-ed25519 key must be 32 bytes, got ${key.length}`);
    return { type, key: key.slice(), blob: blob.slice() };
  }
  const curve = curveByKeyType(type);
  if (curve) {
    const name = latin1(r.string());
    if (name !== curve.sshName) throw new KeyFormatError(`${type} key names curve "${name}"`);
    const q = r.string();
    if (!isValidPublicPoint(curve, q)) throw new KeyFormatError(`${type} key is not a valid point on ${name}`);
    return { type: curve.keyType, curve: curve.curve, q: q.slice(), blob: blob.slice() };
  }
  if (type === "ssh-rsa") {
    const e = r.mpintUnsigned();
    const n = r.mpintUnsigned();
    return makeRsaKey(n, e, blob, options);
  }
  if (isSkKeyType(type)) return readSkKeyFields(type, r, blob);
  throw new UnsupportedKeyTypeError(type);
}

function makeRsaKey(n: Uint8Array, e: Uint8Array, blob: Uint8Array, options: PublicKeyOptions): RsaPublicKey {
  const bits = bitLength(n);
  const min = options.minRsaBits ?? DEFAULT_MIN_RSA_BITS;
  if (bits < min) throw new KeySizeError(bits, `RSA key of ${bits} bits is below the minimum of ${min} bits`);
  if (bits > MAX_RSA_BITS) {
    throw new KeySizeError(bits, `RSA key of ${bits} bits is above the maximum of ${MAX_RSA_BITS} bits`);
  }
  if ((n[n.length - 1] & 1) === 0) throw new KeyFormatError("RSA modulus is even");
  if (e.length === 0 || (e[e.length - 1] & 1) === 0 || (e.length === 1 && e[0] < 3) || e.length > 8) {
    throw new KeyFormatError("RSA public exponent is invalid");
  }
  return { type: "ssh-rsa", n: n.slice(), e: e.slice(), bits, blob: blob.slice() };
}

/**
 * Build a public key from its parts (for keys generated or read from a
 * private key). Validates like {@link parsePublicKey}.
 *
 * @example
 * ```ts
 * const pub = makePublicKey({ type: "ssh-ed25519", key: publicBytes });
 * pub.blob; // string "ssh-ed25519" ‖ string key
 * ```
 */
export function makePublicKey(
  parts:
    | { type: "ssh-ed25519"; key: Uint8Array }
    | { type: EcdsaKeyType; q: Uint8Array }
    | { type: "ssh-rsa"; n: Uint8Array; e: Uint8Array },
  options: PublicKeyOptions = {},
): PublicKey {
  const w = new SshWriter().string(parts.type);
  if (parts.type === "ssh-ed25519") w.string(parts.key);
  else if (parts.type === "ssh-rsa") w.mpint(parts.e).mpint(parts.n);
  else w.string(curveByKeyType(parts.type)?.sshName ?? "").string(parts.q);
  return parsePublicKey(w.bytes(), options);
}

/**
 * The key size in bits as `ssh-keygen -l` prints it (256 for Ed25519).
 *
 * @example
 * ```ts
 * keyBits(parsePublicKey(blob)); // 3072 for a 3072-bit RSA key
 * ```
 */
export function keyBits(key: PublicKey): number {
  if (key.type === "ssh-ed25519" || isSkKeyType(key.type)) return 256;
  if (key.type === "ssh-rsa") return key.bits;
  return curveByKeyType(key.type)?.bits ?? 0;
}

/**
 * True if `type` is a key type this module parses.
 *
 * @example
 * ```ts
 * isKeyType("ssh-ed25519"); // true
 * isKeyType("ssh-dss"); // false
 * ```
 */
export function isKeyType(type: string): type is KeyType {
  return (KEY_TYPES as readonly string[]).includes(type);
}

/**
 * Bits in a big-endian unsigned integer.
 *
 * @example
 * ```ts
 * bitLength(new Uint8Array([0, 0x01, 0x00])); // 9
 * ```
 */
export function bitLength(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]));
}

/**
 * Decode bytes as Latin-1 (key type names are ASCII; this never throws).
 *
 * @example
 * ```ts
 * latin1(new Uint8Array([0x73, 0x73, 0x68])); // "ssh"
 * ```
 */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
