/**
 * The base-64 of Unix crypt(3) hashes (SHA-crypt, yescrypt, MD5-crypt): the
 * alphabet `./0-9A-Za-z` (not RFC 4648's), no padding, and bytes taken three
 * at a time as a little-endian 24-bit number whose 6-bit groups are written
 * least significant first. A final group of one or two bytes gives two or
 * three characters.
 *
 * bcrypt uses another alphabet and bit order; see `bcrypt.ts`.
 *
 * @example
 * ```ts
 * encodeCrypt64(new Uint8Array([0xff])); // "/1"
 * decodeCrypt64("/1");                   // Uint8Array [0xff]
 * ```
 * @module
 */

/**
 * The crypt(3) alphabet: value 0 is `.`, 63 is `z`.
 *
 * @example
 * ```ts
 * CRYPT64_ALPHABET[12]; // "A"
 * ```
 */
export const CRYPT64_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Character code → value, 64 for characters outside the alphabet. */
const VALUES: Uint8Array = (() => {
  const t = new Uint8Array(128).fill(64);
  for (let i = 0; i < 64; i++) t[CRYPT64_ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/**
 * The value (0‥63) of one crypt(3) base-64 character, or 64 if it is not one.
 *
 * @example
 * ```ts
 * crypt64Value("j"); // 47
 * ```
 */
export function crypt64Value(ch: string): number {
  const c = ch.charCodeAt(0);
  return c < 128 ? VALUES[c] : 64;
}

/**
 * Encode bytes as crypt(3) base-64 (yescrypt's `encode64`): `⌈8n/6⌉` characters.
 *
 * @example
 * ```ts
 * encodeCrypt64(new Uint8Array(32)).length; // 43
 * ```
 */
export function encodeCrypt64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = Math.min(3, bytes.length - i);
    let value = 0;
    for (let k = 0; k < n; k++) value |= bytes[i + k] << (8 * k);
    for (let bits = 0; bits < 8 * n; bits += 6) {
      out += CRYPT64_ALPHABET[value & 63];
      value >>>= 6;
    }
  }
  return out;
}

/**
 * Decode crypt(3) base-64, strictly: every character in the alphabet, no
 * length that leaves a partial byte (4k+1 characters), and the unused high
 * bits of a final short group zero (as yescrypt's `decode64` demands).
 * Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * decodeCrypt64("abcdefghijklmnop")?.length; // 12
 * decodeCrypt64("a");                        // undefined
 * ```
 */
export function decodeCrypt64(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = Math.min(4, text.length - i);
    let value = 0;
    for (let k = 0; k < n; k++) {
      const v = crypt64Value(text[i + k]);
      if (v > 63) return undefined;
      value |= v << (6 * k);
    }
    const bytes = Math.floor((6 * n) / 8);
    for (let k = 0; k < bytes; k++) {
      out[o++] = value & 0xff;
      value >>>= 8;
    }
    if (value !== 0) return undefined;
  }
  return out;
}
