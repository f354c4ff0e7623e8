/**
 * The binary OpenSSH key revocation list (PROTOCOL.krl), as `ssh-keygen -k`
 * writes it:
 *
 * ```
 * uint64 KRL_MAGIC "SSHKRL\n\0"  uint32 format version (1)  uint64 krl_version
 * uint64 generated_date  uint64 flags  string reserved  string comment
 * then sections: byte type ‖ string data
 *   1 certificates: string ca_key (empty = any CA) ‖ string reserved ‖ subsections
 *       0x20 serial list (uint64…)  0x21 serial range (uint64 lo, uint64 hi)
 *       0x22 serial bitmap (uint64 offset, mpint bitmap)  0x23 key IDs (string…)
 *       0x39 extension
 *   2 explicit keys (string blob…)  3 SHA-1 (string hash…)  5 SHA-256 (string hash…)
 *   4 signature (string key, then one more string: the signature; parsed over, not checked)
 *   255 extension (string name ‖ boolean critical ‖ string contents)
 * ```
 *
 * Anything malformed, an unknown section, or a critical extension throws
 * {@link RevocationListError}, like OpenSSH's `ssh_krl_from_blob`.
 *
 * @example
 * ```ts
 * const krl = parseKrl(await Deno.readFile("/etc/ssh/revoked.krl"));
 * krl.version; // the -z number given to ssh-keygen -k
 * ```
 * @module
 */

import { SshReader, WireError } from "../wire.ts";
import { KeyError, KeySizeError, UnsupportedKeyTypeError } from "./errors.ts";
import { type SerialBitmap, SerialRanges } from "./krl_serials.ts";
import {
  canonicalKeyBlob,
  type RevocationList,
  RevocationListError,
  type RevokedCertificates,
  toHex,
} from "./krl_types.ts";
import { parsePublicKey } from "./public_key.ts";

/**
 * The 8-byte magic every KRL starts with: `SSHKRL\n\0`.
 *
 * @example
 * ```ts
 * isKrl(KRL_MAGIC); // true
 * ```
 */
export const KRL_MAGIC: Uint8Array = new Uint8Array([0x53, 0x53, 0x48, 0x4b, 0x52, 0x4c, 0x0a, 0x00]);

const SECTION = { CERTIFICATES: 1, EXPLICIT_KEY: 2, SHA1: 3, SIGNATURE: 4, SHA256: 5, EXTENSION: 255 } as const;
const CERT_SECTION = { SERIAL_LIST: 0x20, SERIAL_RANGE: 0x21, SERIAL_BITMAP: 0x22, KEY_ID: 0x23, EXTENSION: 0x39 };
const MAX_U64 = 0xffffffffffffffffn;

/**
 * True if `data` starts with {@link KRL_MAGIC}.
 *
 * @example
 * ```ts
 * isKrl(new TextEncoder().encode("ssh-ed25519 AAAA…")); // false
 * ```
 */
export function isKrl(data: Uint8Array): boolean {
  return data.length >= KRL_MAGIC.length && KRL_MAGIC.every((b, i) => data[i] === b);
}

/**
 * Parse a binary KRL. Throws {@link RevocationListError} for anything that is
 * not a complete, well-formed KRL.
 *
 * @example
 * ```ts
 * const krl = parseKrl(bytes);
 * krl.certificates[0].serials.has(42n);
 * ```
 */
export function parseKrl(data: Uint8Array): RevocationList {
  if (!isKrl(data)) throw new RevocationListError("not a KRL (bad magic)");
  try {
    return readKrl(data);
  } catch (err) {
    if (err instanceof WireError) throw new RevocationListError(`malformed KRL: ${err.message}`);
    if (err instanceof KeyError && !(err instanceof RevocationListError)) {
      throw new RevocationListError(`malformed KRL: ${err.message}`);
    }
    throw err;
  }
}

interface CertBuilder {
  caKey: Uint8Array | undefined;
  ranges: [bigint, bigint][];
  bitmaps: SerialBitmap[];
  keyIds: Set<string>;
}

function readKrl(data: Uint8Array): RevocationList {
  const r = new SshReader(data, KRL_MAGIC.length);
  const format = r.uint32();
  if (format !== 1) throw new RevocationListError(`unsupported KRL format version ${format}`);
  const version = r.uint64();
  const generatedDate = r.uint64();
  r.uint64(); // flags: none defined
  r.string(); // reserved
  const comment = cString(r, "comment");
  const keys = new Set<string>();
  const sha1 = new Set<string>();
  const sha256 = new Set<string>();
  const certs = new Map<string, CertBuilder>();
  while (r.remaining > 0) {
    const type = r.byte();
    const section = new SshReader(r.string());
    if (type === SECTION.CERTIFICATES) readCertSection(section, certs);
    else if (type === SECTION.EXPLICIT_KEY) readBlobs(section, keys, 0);
    else if (type === SECTION.SHA1) readBlobs(section, sha1, 20);
    else if (type === SECTION.SHA256) readBlobs(section, sha256, 32);
    else if (type === SECTION.SIGNATURE) {
      section.rest(); // the signing key; the signature follows as its own string
      r.string();
    } else if (type === SECTION.EXTENSION) readExtension(section, "KRL");
    else throw new RevocationListError(`unsupported KRL section type ${type}`);
    if (section.remaining !== 0) throw new RevocationListError(`KRL section ${type} has unparsed data`);
  }
  const certificates: RevokedCertificates[] = [...certs.values()].map((c) => ({
    caKey: c.caKey,
    serials: new SerialRanges(c.ranges, c.bitmaps),
    keyIds: c.keyIds,
  }));
  return { format: "krl", version, generatedDate, comment, keys, sha1, sha256, certificates };
}

function readCertSection(r: SshReader, certs: Map<string, CertBuilder>): void {
  const caBlob = r.string();
  r.string(); // reserved
  const caKey = caBlob.length === 0 ? undefined : caKeyBlob(caBlob);
  const id = caKey ? toHex(caKey) : "*";
  let entry = certs.get(id);
  if (!entry) certs.set(id, entry = { caKey, ranges: [], bitmaps: [], keyIds: new Set() });
  while (r.remaining > 0) {
    const type = r.byte();
    const sub = new SshReader(r.string());
    if (type === CERT_SECTION.SERIAL_LIST) {
      while (sub.remaining > 0) entry.ranges.push(serialRange(sub.uint64(), undefined));
    } else if (type === CERT_SECTION.SERIAL_RANGE) {
      entry.ranges.push(serialRange(sub.uint64(), sub.uint64()));
    } else if (type === CERT_SECTION.SERIAL_BITMAP) {
      const offset = sub.uint64();
      readBitmap(offset, sub.string(), entry.bitmaps);
    } else if (type === CERT_SECTION.KEY_ID) {
      while (sub.remaining > 0) entry.keyIds.add(cString(sub, "key ID"));
    } else if (type === CERT_SECTION.EXTENSION) {
      readExtension(sub, "certificate");
    } else {
      throw new RevocationListError(`unsupported KRL certificate section type 0x${type.toString(16)}`);
    }
    if (sub.remaining !== 0) throw new RevocationListError("KRL certificate section has unparsed data");
  }
}

/** A CA key: canonical blob if we can parse it; kept as is if its type or size is one we never accept. */
function caKeyBlob(blob: Uint8Array): Uint8Array {
  try {
    return canonicalKeyBlob(parsePublicKey(blob));
  } catch (err) {
    if (err instanceof UnsupportedKeyTypeError || err instanceof KeySizeError) return blob.slice();
    throw err;
  }
}

function serialRange(lo: bigint, hi: bigint | undefined): [bigint, bigint] {
  const top = hi ?? lo;
  if (lo === 0n) throw new RevocationListError("KRL revokes certificate serial 0");
  if (lo > top) throw new RevocationListError(`KRL serial range ${lo}-${top} is inverted`);
  return [lo, top];
}

/** Check a bitmap (bit N revokes offset + N) like OpenSSH does and keep it as it is. */
function readBitmap(offset: bigint, mpint: Uint8Array, out: SerialBitmap[]): void {
  if (mpint.length > 0 && mpint[0] & 0x80) throw new RevocationListError("KRL serial bitmap is negative");
  let start = 0;
  while (start < mpint.length && mpint[start] === 0) start++;
  const bitmap = mpint.slice(start);
  if (bitmap.length === 0) return;
  const highest = (bitmap.length - 1) * 8 + 31 - Math.clz32(bitmap[0]);
  if (offset + BigInt(highest) > MAX_U64) throw new RevocationListError("KRL serial bitmap wraps");
  if (offset === 0n && bitmap[bitmap.length - 1] & 1) throw new RevocationListError("KRL revokes certificate serial 0");
  out.push({ offset, bitmap });
}

function readBlobs(r: SshReader, into: Set<string>, length: number): void {
  while (r.remaining > 0) {
    const blob = r.string();
    if (length !== 0 && blob.length !== length) {
      throw new RevocationListError(`KRL hash is ${blob.length} bytes, expected ${length}`);
    }
    into.add(toHex(blob));
  }
}

function readExtension(r: SshReader, where: string): void {
  const name = cString(r, "extension name");
  const critical = r.byte() !== 0;
  r.string();
  if (critical) throw new RevocationListError(`unsupported critical ${where} extension "${name}"`);
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

function cString(r: SshReader, what: string): string {
  const b = r.string();
  if (b.includes(0)) throw new RevocationListError(`KRL ${what} contains a NUL byte`);
  try {
    return utf8Decoder.decode(b);
  } catch {
    throw new RevocationListError(`KRL ${what} is not valid UTF-8`);
  }
}
