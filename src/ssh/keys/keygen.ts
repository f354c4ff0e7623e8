/**
 * Key generation. Ed25519 only: it is the default host key type and the only
 * one tsshd creates by itself.
 *
 * @example
 * ```ts
 * const key = generateEd25519(provider, "tsshd@myhost");
 * const file = encodeOpenSshPrivateKey(key);
 * const pub = formatPublicKeyLine(key.publicKey, key.comment);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import { KeyFormatError } from "./errors.ts";
import type { Ed25519PrivateKey } from "./private_key.ts";
import { type Ed25519PublicKey, makePublicKey } from "./public_key.ts";

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
