/**
 * Standard base64 (RFC 4648 §4) for key files: a strict decoder that never
 * silently skips bad characters, and an encoder with optional padding (SSH
 * fingerprints are unpadded).
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2])); // "AQI="
 * encodeBase64(new Uint8Array([1, 2]), { pad: false }); // "AQI"
 * decodeBase64("AQI="); // Uint8Array [1, 2]
 * ```
 * @module
 */

import { KeyFormatError } from "./errors.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Encode bytes as standard base64.
 *
 * @example
 * ```ts
 * encodeBase64(new TextEncoder().encode("hi")); // "aGk="
 * ```
 */
export function encodeBase64(data: Uint8Array, options: { pad?: boolean } = {}): string {
  const pad = options.pad ?? true;
  let out = "";
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    const v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
  }
  const left = data.length - i;
  if (left === 1) {
    const v = data[i] << 16;
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + (pad ? "==" : "");
  } else if (left === 2) {
    const v = (data[i] << 16) | (data[i + 1] << 8);
    out += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + (pad ? "=" : "");
  }
  return out;
}

/**
 * Decode standard base64 (padding optional). Throws {@link KeyFormatError} on
 * any character outside the alphabet (including whitespace), misplaced `=`,
 * or an impossible length.
 *
 * @example
 * ```ts
 * decodeBase64("aGk="); // Uint8Array [104, 105]
 * decodeBase64("a$k="); // throws KeyFormatError
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  if (end % 4 === 0 && end > 0) {
    if (text[end - 1] === "=") end--;
    if (text[end - 1] === "=") end--;
  }
  if (end % 4 === 1) throw new KeyFormatError("invalid base64: impossible length");
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUES[c] : -1;
    if (v < 0) throw new KeyFormatError(`invalid base64: unexpected character at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
