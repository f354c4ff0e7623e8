/**
 * Byte helpers and the error type shared by the node:crypto provider files.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * A key or input the provider cannot use (wrong size, invalid point, all-zero X25519 result).
 *
 * @example
 * ```ts
 * try {
 *   createCryptoProvider().x25519(new Uint8Array(32).fill(1), new Uint8Array(32)); // low-order point
 * } catch (e) {
 *   console.log(e instanceof CryptoProviderError); // true
 * }
 * ```
 */
export class CryptoProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CryptoProviderError";
  }
}

/** A plain `Uint8Array` view of a Node `Buffer` (no copy). */
export function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

export function fromB64url(s: string): Uint8Array {
  return view(Buffer.from(s, "base64url"));
}

export function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Big-endian unsigned `bytes` left-padded to `width`, or `null` if it does not fit. */
export function leftPad(bytes: Uint8Array, width: number): Uint8Array | null {
  const v = stripZeros(bytes);
  if (v.length > width) return null;
  const out = new Uint8Array(width);
  out.set(v, width - v.length);
  return out;
}

export function checkLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new CryptoProviderError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

// PKCS#8 / SPKI DER prefixes for raw 32-byte X25519 (OID 1.3.101.110) and Ed25519 (1.3.101.112) keys.
