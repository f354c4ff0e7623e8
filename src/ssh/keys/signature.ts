/**
 * Signature blobs and their verification (RFC 4253 §6.6, RFC 5656 §3.1.2,
 * RFC 8709 §6, RFC 8332 §3).
 *
 * A signature blob is `string algorithm ‖ string signature`, where the inner
 * signature is 64 bytes for Ed25519, `mpint r ‖ mpint s` for ECDSA, and the
 * PKCS#1 v1.5 signature (modulus-sized) for RSA.
 *
 * @example
 * ```ts
 * const ok = verifySignature(provider, key, exchangeHash, sigBlob, ["ssh-ed25519", "rsa-sha2-256"]);
 * ```
 * @module
 */

import { SshReader, SshWriter, WireError } from "../wire.ts";
import type { CryptoProvider, HashName } from "../crypto/provider.ts";
import { KeyFormatError } from "./errors.ts";
import { curveByKeyType } from "./ec_curves.ts";
import { DEFAULT_MIN_RSA_BITS, latin1, type PublicKey } from "./public_key.ts";
import { isSkKeyType, type SkPublicKey, verifySkSignature } from "./sk.ts";

/** Signature algorithm names we can verify. */
export type SignatureAlgorithm =
  | "ssh-ed25519"
  | "ecdsa-sha2-nistp256"
  | "ecdsa-sha2-nistp384"
  | "ecdsa-sha2-nistp521"
  | "rsa-sha2-512"
  | "rsa-sha2-256"
  | "ssh-rsa";

/**
 * The hash each RSA signature algorithm uses (RFC 8332 §3; `ssh-rsa` is SHA-1).
 *
 * @example
 * ```ts
 * RSA_SIGNATURE_HASHES["rsa-sha2-512"]; // "sha512"
 * ```
 */
export const RSA_SIGNATURE_HASHES: Readonly<Record<string, HashName>> = {
  "rsa-sha2-512": "sha512",
  "rsa-sha2-256": "sha256",
  "ssh-rsa": "sha1",
};

/** A decoded signature blob. */
export interface SignatureBlob {
  /** The algorithm name the signer claims. */
  algorithm: string;
  /** The algorithm-specific signature bytes (a view into the blob). */
  signature: Uint8Array;
}

/** What a FIDO authenticator reported with its signature. */
export interface SecurityKeySignature {
  /** Authenticator flags (0x01 user present, 0x04 user verified). */
  flags: number;
  counter: number;
}

/** The outcome of {@link checkSignature}: why it failed, for logs; FIDO details for security keys. */
export type SignatureCheck =
  | { ok: true; algorithm: string; securityKey?: SecurityKeySignature }
  | { ok: false; reason: string };

/** Options for {@link checkSignature}. */
export interface VerifyOptions {
  /** Smallest RSA modulus accepted, in bits. Default 1024. */
  minRsaBits?: number;
}

/**
 * Encode `string algorithm ‖ string signature`.
 *
 * @example
 * ```ts
 * const blob = encodeSignatureBlob("ssh-ed25519", sig64);
 * ```
 */
export function encodeSignatureBlob(algorithm: string, signature: Uint8Array): Uint8Array {
  return new SshWriter(signature.length + algorithm.length + 8).string(algorithm).string(signature).bytes();
}

/**
 * Decode a signature blob; throws {@link KeyFormatError} if it is malformed
 * or has trailing bytes.
 *
 * @example
 * ```ts
 * parseSignatureBlob(blob).algorithm; // "rsa-sha2-512"
 * ```
 */
export function parseSignatureBlob(blob: Uint8Array): SignatureBlob {
  try {
    const r = new SshReader(blob);
    const algorithm = latin1(r.string());
    const signature = r.string();
    r.end();
    return { algorithm, signature };
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`malformed signature blob: ${err.message}`);
    throw err;
  }
}

/**
 * Encode an ECDSA signature body `mpint r ‖ mpint s` from unsigned big-endian values.
 *
 * @example
 * ```ts
 * const body = encodeEcdsaSignature(r, s);
 * ```
 */
export function encodeEcdsaSignature(r: Uint8Array, s: Uint8Array): Uint8Array {
  return new SshWriter(r.length + s.length + 10).mpint(r).mpint(s).bytes();
}

/**
 * Decode an ECDSA signature body into `r` and `s`, left-padded to
 * `fieldBytes`. Throws {@link KeyFormatError} on negative, zero, oversized
 * values or trailing bytes.
 *
 * @example
 * ```ts
 * const { r, s } = decodeEcdsaSignature(body, 32);
 * ```
 */
export function decodeEcdsaSignature(body: Uint8Array, fieldBytes: number): { r: Uint8Array; s: Uint8Array } {
  try {
    const rd = new SshReader(body);
    const r = rd.mpintUnsigned();
    const s = rd.mpintUnsigned();
    rd.end();
    return { r: fixedWidth(r, fieldBytes, "r"), s: fixedWidth(s, fieldBytes, "s") };
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`malformed ECDSA signature: ${err.message}`);
    throw err;
  }
}

function fixedWidth(v: Uint8Array, width: number, name: string): Uint8Array {
  if (v.length === 0) throw new KeyFormatError(`ECDSA signature ${name} is zero`);
  if (v.length > width) throw new KeyFormatError(`ECDSA signature ${name} is too large`);
  const out = new Uint8Array(width);
  out.set(v, width - v.length);
  return out;
}

/**
 * The signature algorithms a key type can verify, strongest first.
 *
 * @example
 * ```ts
 * signatureAlgorithmsForKey(rsaKey); // ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]
 * ```
 */
export function signatureAlgorithmsForKey(key: PublicKey): string[] {
  if (key.type === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return [key.type];
}

/**
 * Verify `signatureBlob` over `signedData` with `key`, and say why not.
 * The claimed algorithm must be in `allowedAlgorithms` and compatible with the
 * key type. Never throws for malformed input; a provider exception counts as
 * a failed verification.
 *
 * @example
 * ```ts
 * const c = checkSignature(provider, key, data, sig, ["ssh-ed25519"]);
 * if (!c.ok) log.debug(`signature rejected: ${c.reason}`);
 * ```
 */
export function checkSignature(
  provider: CryptoProvider,
  key: PublicKey,
  signedData: Uint8Array,
  signatureBlob: Uint8Array,
  allowedAlgorithms: readonly string[],
  options: VerifyOptions = {},
): SignatureCheck {
  if (isSkKeyType(key.type)) {
    if (!allowedAlgorithms.includes(key.type)) {
      return { ok: false, reason: `signature algorithm "${key.type}" is not allowed` };
    }
    const sk = verifySkSignature(provider, key as SkPublicKey, signedData, signatureBlob);
    return sk.ok ? { ok: true, algorithm: key.type, securityKey: { flags: sk.flags, counter: sk.counter } } : sk;
  }
  let sig: SignatureBlob;
  try {
    sig = parseSignatureBlob(signatureBlob);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const alg = sig.algorithm;
  if (!allowedAlgorithms.includes(alg)) return { ok: false, reason: `signature algorithm "${alg}" is not allowed` };
  if (!(signatureAlgorithmsForKey(key) as string[]).includes(alg)) {
    return { ok: false, reason: `signature algorithm "${alg}" does not match a ${key.type} key` };
  }
  try {
    const ok = verifyRaw(provider, key, alg, signedData, sig.signature, options);
    return ok ? { ok: true, algorithm: alg } : { ok: false, reason: "signature does not verify" };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : "signature check failed" };
  }
}

/**
 * Verify a signature blob; `true` only if {@link checkSignature} says ok.
 *
 * @example
 * ```ts
 * if (!verifySignature(provider, hostKey, H, sigBlob, ["rsa-sha2-512", "rsa-sha2-256"])) throw new Error("bad host signature");
 * ```
 */
export function verifySignature(
  provider: CryptoProvider,
  key: PublicKey,
  signedData: Uint8Array,
  signatureBlob: Uint8Array,
  allowedAlgorithms: readonly string[],
  options: VerifyOptions = {},
): boolean {
  return checkSignature(provider, key, signedData, signatureBlob, allowedAlgorithms, options).ok;
}

function verifyRaw(
  provider: CryptoProvider,
  key: PublicKey,
  alg: string,
  data: Uint8Array,
  sig: Uint8Array,
  options: VerifyOptions,
): boolean {
  if (key.type === "ssh-ed25519") {
    if (sig.length !== 64) throw new KeyFormatError(`Ed25519 signature must be 64 bytes, got ${sig.length}`);
    return provider.ed25519Verify(key.key, data, sig);
  }
  if (key.type === "ssh-rsa") {
    const min = options.minRsaBits ?? DEFAULT_MIN_RSA_BITS;
    if (key.bits < min) throw new KeyFormatError(`RSA key of ${key.bits} bits is below the minimum of ${min}`);
    const modLen = Math.ceil(key.bits / 8);
    if (sig.length > modLen || sig.length === 0) {
      throw new KeyFormatError("RSA signature length does not match the key");
    }
    let full = sig;
    if (sig.length < modLen) {
      full = new Uint8Array(modLen);
      full.set(sig, modLen - sig.length);
    }
    return provider.rsaVerify(RSA_SIGNATURE_HASHES[alg], key.n, key.e, data, full);
  }
  const curve = curveByKeyType(key.type);
  if (!curve || !("q" in key)) return false;
  const { r, s } = decodeEcdsaSignature(sig, curve.fieldBytes);
  return provider.ecdsaVerify(curve.curve, curve.hash, key.q, data, r, s);
}
