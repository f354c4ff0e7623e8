/**
 * Key fingerprints and labels as OpenSSH prints them: `SHA256:` + unpadded
 * base64 of SHA-256 over the public key blob (`ssh-keygen -l`, sshd's
 * "Accepted publickey … ED25519 SHA256:…" log line).
 *
 * @example
 * ```ts
 * fingerprintSha256(provider, key.blob); // "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
 * keyTypeLabel(key); // "ED25519"
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import { encodeBase64 } from "./base64.ts";
import { keyBits, type PublicKey } from "./public_key.ts";
import { SK_ECDSA, SK_ED25519 } from "./sk.ts";

/**
 * `SHA256:` + unpadded base64 of sha256(blob).
 *
 * @example
 * ```ts
 * fingerprintSha256(provider, blob).startsWith("SHA256:"); // true
 * ```
 */
export function fingerprintSha256(provider: CryptoProvider, blob: Uint8Array): string {
  return "SHA256:" + encodeBase64(provider.hash("sha256", blob), { pad: false });
}

/**
 * The key type label OpenSSH uses in logs and `ssh-keygen -l`: `ED25519`,
 * `ECDSA` or `RSA`.
 *
 * @example
 * ```ts
 * keyTypeLabel(parsePublicKey(blob)); // "ECDSA"
 * ```
 */
export function keyTypeLabel(key: PublicKey): "ED25519" | "ECDSA" | "RSA" | "ED25519-SK" | "ECDSA-SK" {
  if (key.type === "ssh-ed25519") return "ED25519";
  if (key.type === "ssh-rsa") return "RSA";
  if (key.type === SK_ED25519) return "ED25519-SK";
  if (key.type === SK_ECDSA) return "ECDSA-SK";
  return "ECDSA";
}

/**
 * The line `ssh-keygen -l -f FILE` prints: `BITS FINGERPRINT COMMENT (LABEL)`,
 * with `no comment` when the comment is empty.
 *
 * @example
 * ```ts
 * fingerprintLine(provider, key, "alice@laptop");
 * // "256 SHA256:… alice@laptop (ED25519)"
 * ```
 */
export function fingerprintLine(provider: CryptoProvider, key: PublicKey, comment: string): string {
  const c = comment === "" ? "no comment" : comment;
  return `${keyBits(key)} ${fingerprintSha256(provider, key.blob)} ${c} (${keyTypeLabel(key)})`;
}
