/**
 * The in-memory form of a revocation file (an OpenSSH KRL or a list of
 * public keys, as sshd's `RevokedKeys` takes), and the error a malformed one
 * raises.
 *
 * @example
 * ```ts
 * const list: RevocationList = loadRevokedKeys(bytes);
 * list.certificates.length; // certificate sections, one per CA (and one for "any CA")
 * ```
 * @module
 */

import { SshWriter } from "../wire.ts";
import { KeyError } from "./errors.ts";
import type { SerialRanges } from "./krl_serials.ts";
import type { PublicKey } from "./public_key.ts";

/**
 * A revocation file that cannot be read in full. sshd treats this as "every
 * key is revoked"; callers must fail closed the same way.
 *
 * @example
 * ```ts
 * try { list = loadRevokedKeys(bytes); } catch (e) { if (e instanceof RevocationListError) denyAll = true; }
 * ```
 */
export class RevocationListError extends KeyError {
  constructor(message: string) {
    super(`revocation list: ${message}`);
    this.name = "RevocationListError";
  }
}

/** Certificates revoked for one CA (or for every CA). */
export interface RevokedCertificates {
  /** The CA key blob (canonical when parseable); undefined = certificates from any CA. */
  readonly caKey: Uint8Array | undefined;
  /** Revoked serial numbers (serial 0 is never revoked by number). */
  readonly serials: SerialRanges;
  /** Revoked key IDs. */
  readonly keyIds: ReadonlySet<string>;
}

/** A parsed revocation file. */
export interface RevocationList {
  /** `krl` for a binary KRL, `keys` for a text list of public keys. */
  readonly format: "krl" | "keys";
  /** KRL version number (0 for a key list). */
  readonly version: bigint;
  /** KRL generation time, seconds since the epoch (0 for a key list). */
  readonly generatedDate: bigint;
  /** KRL comment ("" for a key list). */
  readonly comment: string;
  /** Revoked plain key blobs, lowercase hex. */
  readonly keys: ReadonlySet<string>;
  /** SHA-1 of revoked plain key blobs, lowercase hex. */
  readonly sha1: ReadonlySet<string>;
  /** SHA-256 of revoked plain key blobs, lowercase hex. */
  readonly sha256: ReadonlySet<string>;
  /** Certificate revocations, one entry per CA key (at most one with `caKey` undefined). */
  readonly certificates: readonly RevokedCertificates[];
}

/**
 * Lowercase hex of bytes (the set keys of {@link RevocationList}).
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 255])); // "00ff"
 * ```
 */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += (x < 16 ? "0" : "") + x.toString(16);
  return s;
}

/**
 * The key's blob as OpenSSH serialises it (RSA without redundant mpint
 * zeros), so that a key offered with a padded encoding still matches.
 *
 * @example
 * ```ts
 * toHex(canonicalKeyBlob(key)) === toHex(key.blob); // true for any key ssh-keygen wrote
 * ```
 */
export function canonicalKeyBlob(key: PublicKey): Uint8Array {
  if (key.type !== "ssh-rsa") return key.blob;
  return new SshWriter(key.n.length + key.e.length + 32).string("ssh-rsa").mpint(key.e).mpint(key.n).bytes();
}
