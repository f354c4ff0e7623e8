/**
 * Key generation: Ed25519 (the default, and the host key tsshd makes by
 * itself), ECDSA on P-256/384/521 and RSA of 2048–16384 bits, the last two
 * through the crypto provider's native generators.
 *
 * @example
 * ```ts
 * const key = generateKey(provider, { type: "ecdsa", bits: 384, comment: "tsshd@myhost" });
 * const file = encodeOpenSshPrivateKey(key);
 * const pub = formatPublicKeyLine(key.publicKey, key.comment);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import { EC_CURVES } from "./ec_curves.ts";
import { KeyFormatError, KeySizeError, UnsupportedKeyTypeError } from "./errors.ts";
import type { EcdsaPrivateKey, Ed25519PrivateKey, PrivateKey, RsaPrivateKey } from "./private_key.ts";
import { type EcdsaPublicKey, type Ed25519PublicKey, makePublicKey, type RsaPublicKey } from "./public_key.ts";

/** Key types by their `ssh-keygen -t` names. */
export type KeygenType = "ed25519" | "ecdsa" | "rsa";

/** What to generate. */
export interface KeygenOptions {
  type: KeygenType;
  /** ECDSA: 256 (default), 384 or 521. RSA: 2048..16384, default 3072. Ignored for Ed25519 (must be absent or 256). */
  bits?: number;
  comment?: string;
}

/**
 * Default RSA modulus size (ssh-keygen's since OpenSSH 8.8).
 *
 * @example
 * ```ts
 * generateKey(provider, { type: "rsa" }).publicKey.bits === DEFAULT_RSA_BITS; // true
 * ```
 */
export const DEFAULT_RSA_BITS = 3072;
/**
 * Smallest RSA size we generate (OpenSSH still reads 1024-bit keys; we do not make them).
 *
 * @example
 * ```ts
 * generateRsa(provider, MIN_GENERATED_RSA_BITS);
 * ```
 */
export const MIN_GENERATED_RSA_BITS = 2048;
/**
 * Largest RSA size (OpenSSH's limit).
 *
 * @example
 * ```ts
 * bits <= MAX_GENERATED_RSA_BITS; // else generateRsa throws KeySizeError
 * ```
 */
export const MAX_GENERATED_RSA_BITS = 16384;

/**
 * Generate a key pair as `ssh-keygen -t TYPE -b BITS` would. Throws
 * {@link KeySizeError} for a size the type does not allow and
 * {@link UnsupportedKeyTypeError} for other types (`dsa`, `ed448`…).
 *
 * @example
 * ```ts
 * generateKey(provider, { type: "rsa" }).publicKey.bits; // 3072
 * generateKey(provider, { type: "ecdsa", bits: 521 }).type; // "ecdsa-sha2-nistp521"
 * ```
 */
export function generateKey(provider: CryptoProvider, options: KeygenOptions): PrivateKey {
  const comment = options.comment ?? "";
  const bits = options.bits;
  switch (options.type) {
    case "ed25519":
      if (bits !== undefined && bits !== 256) throw new KeySizeError(bits, "Ed25519 keys have a fixed size (256 bits)");
      return generateEd25519(provider, comment);
    case "ecdsa":
      return generateEcdsa(provider, bits ?? 256, comment);
    case "rsa":
      return generateRsa(provider, bits ?? DEFAULT_RSA_BITS, comment);
    default:
      throw new UnsupportedKeyTypeError(String(options.type), "generate ed25519, ecdsa or rsa");
  }
}

/**
 * Generate an ECDSA key on P-256, P-384 or P-521 (`bits` 256, 384 or 521).
 *
 * @example
 * ```ts
 * generateEcdsa(provider, 384, "me").publicKey.type; // "ecdsa-sha2-nistp384"
 * ```
 */
export function generateEcdsa(provider: CryptoProvider, bits: number, comment = ""): EcdsaPrivateKey {
  const curve = EC_CURVES.find((c) => c.bits === bits);
  if (!curve) throw new KeySizeError(bits, `ECDSA key size must be 256, 384 or 521 bits, not ${bits}`);
  const { d, q } = provider.ecdsaGenerate(curve.curve);
  const publicKey = makePublicKey({ type: curve.keyType, q }) as EcdsaPublicKey;
  return { type: curve.keyType, publicKey, d, comment };
}

/**
 * Generate an RSA key of `bits` bits (2048..16384) with
 * public exponent 65537.
 *
 * @example
 * ```ts
 * generateRsa(provider, 4096, "me").publicKey.bits; // 4096
 * ```
 */
export function generateRsa(provider: CryptoProvider, bits: number, comment = ""): RsaPrivateKey {
  if (!Number.isInteger(bits) || bits < MIN_GENERATED_RSA_BITS || bits > MAX_GENERATED_RSA_BITS) {
    throw new KeySizeError(
      bits,
      `RSA key size must be from ${MIN_GENERATED_RSA_BITS} to ${MAX_GENERATED_RSA_BITS} bits, not ${bits}`,
    );
  }
  const components = provider.rsaGenerate(bits);
  const publicKey = makePublicKey({ type: "ssh-rsa", n: components.n, e: components.e }) as RsaPublicKey;
  if (publicKey.bits !== bits) throw new KeyFormatError(`asked for a ${bits}-bit RSA key, got ${publicKey.bits} bits`);
  return { type: "ssh-rsa", publicKey, components, comment };
}

/**
 * Generate an Ed25519 key pair from 32 random bytes (`crypto.getRandomValues`).
 *
 * @example
 * ```ts
 * generateEd25519(provider, "host key").publicKey.type; // "ssh-ed25519"
 * ```
 */
export function generateEd25519(provider: CryptoProvider, comment = ""): Ed25519PrivateKey {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  return ed25519FromSeed(provider, seed, comment);
}

/**
 * Build an Ed25519 private key from a known 32-byte seed (RFC 8032 test
 * vectors, deterministic tests).
 *
 * @example
 * ```ts
 * const key = ed25519FromSeed(provider, seed, "test");
 * ```
 */
export function ed25519FromSeed(provider: CryptoProvider, seed: Uint8Array, comment = ""): Ed25519PrivateKey {
  if (seed.length !== 32) throw new KeyFormatError(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const publicKey = makePublicKey({ type: "ssh-ed25519", key: provider.ed25519PublicKey(seed) }) as Ed25519PublicKey;
  return { type: "ssh-ed25519", publicKey, seed: seed.slice(), comment };
}
