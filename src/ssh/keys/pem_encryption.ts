/**
 * OpenSSL's legacy PEM encryption ("traditional" format, RFC 1421 headers),
 * as `ssh-keygen -m PEM -N pass` writes it:
 *
 * ```
 * Proc-Type: 4,ENCRYPTED
 * DEK-Info: AES-128-CBC,<32 hex digits of IV>
 * ```
 *
 * The key is OpenSSL's `EVP_BytesToKey` with MD5 and one iteration:
 * D₁ = MD5(pass ‖ salt), Dᵢ = MD5(Dᵢ₋₁ ‖ pass ‖ salt), key = D₁ ‖ D₂ ‖ … cut
 * to length, where salt = the first 8 bytes of the IV. The body is CBC with
 * PKCS#7 padding.
 *
 * Supported: AES-128-CBC, AES-192-CBC, AES-256-CBC. Refused with
 * `UnsupportedKeyFormatError`: DES-CBC, DES-EDE3-CBC and everything else.
 *
 * @example
 * ```ts
 * const block = parsePem(text);
 * const der = isPemEncrypted(block) ? decryptPem(block, "secret") : block.body;
 * ```
 * @module
 */

import { cbc } from "@noble/ciphers/aes.js";
import { md5 } from "@noble/hashes/legacy.js";
import { DerReader } from "./asn1.ts";
import { KeyFormatError, UnsupportedKeyFormatError, WrongPassphraseError } from "./errors.ts";
import { type Passphrase, passphraseBytes } from "./passphrase.ts";
import type { PemBlock } from "./pem.ts";

const KEY_BYTES: Readonly<Record<string, number>> = { "AES-128-CBC": 16, "AES-192-CBC": 24, "AES-256-CBC": 32 };

/**
 * True if the block has `Proc-Type: 4,ENCRYPTED`.
 *
 * @example
 * ```ts
 * isPemEncrypted(parsePem(text)); // true for `ssh-keygen -m PEM -N pass` output
 * ```
 */
export function isPemEncrypted(block: PemBlock): boolean {
  return /^4,\s*ENCRYPTED$/i.test(block.headers.get("Proc-Type") ?? "");
}

/**
 * The cipher named by `DEK-Info` (e.g. `AES-128-CBC`), or "unknown".
 *
 * @example
 * ```ts
 * pemCipher(block); // "AES-128-CBC"
 * ```
 */
export function pemCipher(block: PemBlock): string {
  return (block.headers.get("DEK-Info") ?? "unknown").split(",")[0].trim().toUpperCase();
}

/** OpenSSL's EVP_BytesToKey(MD5, count 1). */
function bytesToKey(pass: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let prev = new Uint8Array(0);
  for (let filled = 0; filled < length;) {
    const input = new Uint8Array(prev.length + pass.length + salt.length);
    input.set(prev);
    input.set(pass, prev.length);
    input.set(salt, prev.length + pass.length);
    prev = md5(input);
    out.set(prev.subarray(0, Math.min(prev.length, length - filled)), filled);
    filled += prev.length;
  }
  return out;
}

/**
 * Decrypt an encrypted PEM block's body (the DER inside). Throws
 * `WrongPassphraseError` if the padding or the DER does not come out right.
 *
 * @example
 * ```ts
 * const der = decryptPem(parsePem(text), "secret");
 * ```
 */
export function decryptPem(block: PemBlock, passphrase: Passphrase): Uint8Array {
  const info = block.headers.get("DEK-Info");
  if (!info) throw new KeyFormatError("encrypted PEM key has no DEK-Info header");
  const [name, ivHex = ""] = info.split(",").map((s) => s.trim());
  const cipher = name.toUpperCase();
  if (!Object.hasOwn(KEY_BYTES, cipher)) {
    throw new UnsupportedKeyFormatError(
      `PEM encrypted with ${cipher}`,
      "re-encrypt it with `ssh-keygen -p -f FILE` (OpenSSH format, aes256-ctr)",
    );
  }
  if (!/^[0-9A-Fa-f]{32}$/.test(ivHex)) throw new KeyFormatError("DEK-Info IV must be 32 hex digits");
  const iv = new Uint8Array(16);
  for (let i = 0; i < 16; i++) iv[i] = parseInt(ivHex.slice(2 * i, 2 * i + 2), 16);
  if (block.body.length === 0 || block.body.length % 16 !== 0) {
    throw new KeyFormatError(`encrypted PEM body length ${block.body.length} is not a multiple of 16`);
  }
  const key = bytesToKey(passphraseBytes(passphrase), iv.subarray(0, 8), KEY_BYTES[cipher]);
  let plain: Uint8Array;
  try {
    plain = cbc(key, iv).decrypt(block.body);
  } catch {
    throw new WrongPassphraseError(); // bad PKCS#7 padding
  }
  try {
    const check = new DerReader(plain);
    check.sequence();
    check.end();
  } catch {
    throw new WrongPassphraseError();
  }
  return plain;
}
