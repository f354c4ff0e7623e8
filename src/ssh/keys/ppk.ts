/**
 * PuTTY private key files, `.ppk` versions 2 and 3 (PuTTY manual appendix C):
 *
 * ```
 * PuTTY-User-Key-File-3: ssh-ed25519
 * Encryption: none | aes256-cbc
 * Comment: …
 * Public-Lines: N            then N lines of base64: the SSH public key blob
 * Key-Derivation: Argon2id   (v3 and encrypted only, with Argon2-Memory, -Passes,
 * …                           -Parallelism and -Salt)
 * Private-Lines: M           then M lines of base64: the private fields
 * Private-MAC: hex
 * ```
 *
 * The public part is always readable. The private part is read unencrypted
 * or decrypted with the passphrase: v2 derives the AES-256-CBC key as
 * SHA-1(0000 ‖ pass) ‖ SHA-1(0001 ‖ pass) (IV zero) and the MAC key as
 * SHA-1("putty-private-key-file-mac-key" ‖ pass), MAC HMAC-SHA-1; v3 runs
 * Argon2 to 80 bytes = AES key ‖ IV ‖ HMAC-SHA-256 key (an unencrypted v3
 * file has an empty MAC key). The MAC covers string(type) ‖ string(encryption)
 * ‖ string(comment) ‖ string(public blob) ‖ string(private blob).
 *
 * Private fields: RSA `mpint d, p, q, iqmp`; ECDSA `mpint d`; Ed25519
 * `string k` (the 32-byte seed, as a little-endian integer).
 *
 * @example
 * ```ts
 * const { key, comment } = parsePpkPublicKey(text);
 * const priv = parsePpkPrivateKey(text, { passphrase: "secret" });
 * ```
 * @module
 */

import { cbc } from "@noble/ciphers/aes.js";
import { argon2d, argon2i, argon2id } from "@noble/hashes/argon2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SshReader, SshWriter, WireError } from "../wire.ts";
import { decodeBase64 } from "./base64.ts";
import { curveByKeyType } from "./ec_curves.ts";
import {
  EncryptedKeyError,
  KeyFormatError,
  UnsupportedKeyFormatError,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
} from "./errors.ts";
import { passphraseBytes, type PrivateKeyFileOptions } from "./passphrase.ts";
import type { PrivateKey } from "./private_key.ts";
import { type EcdsaPublicKey, parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

/**
 * The first-line prefix of every PuTTY key file.
 *
 * @example
 * ```ts
 * text.startsWith(PPK_PREFIX); // true for a .ppk file
 * ```
 */
export const PPK_PREFIX = "PuTTY-User-Key-File-";

const ARGON2 = { Argon2d: argon2d, Argon2i: argon2i, Argon2id: argon2id } as const;
/** Limits on a file's Argon2 cost (PuTTY's defaults are 8192 KiB and a handful of passes). */
const MAX_ARGON2_KIB = 256 * 1024;
const MAX_ARGON2_PASSES = 1000;

/** The fields of a .ppk file. */
interface PpkFile {
  version: 2 | 3;
  keyType: string;
  encryption: string;
  comment: string;
  publicBlob: Uint8Array;
  privateBlob: Uint8Array;
  mac: Uint8Array;
  fields: Map<string, string>;
}

function hexBytes(hex: string, what: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new KeyFormatError(`PuTTY key file: ${what} is not hex`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function readPpk(text: string): PpkFile {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const fields = new Map<string, string>();
  const blobs = new Map<string, Uint8Array>();
  let first = "";
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const m = /^([A-Za-z0-9-]+): ?(.*)$/.exec(lines[i]);
    if (!m) throw new KeyFormatError(`PuTTY key file: bad line ${i + 1}`);
    const [, name, value] = m;
    if (first === "") first = name;
    fields.set(name, value.trimEnd());
    if (name === "Public-Lines" || name === "Private-Lines") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new KeyFormatError(`PuTTY key file: bad ${name}`);
      if (i + n >= lines.length) throw new KeyFormatError("PuTTY key file is truncated");
      blobs.set(name, decodeBase64(lines.slice(i + 1, i + 1 + n).map((l) => l.trim()).join("")));
      i += n;
    }
  }
  const version = /^PuTTY-User-Key-File-(\d+)$/.exec(first)?.[1];
  if (version !== "2" && version !== "3") {
    throw new UnsupportedKeyFormatError(
      `PuTTY key file version ${version ?? "?"}`,
      "convert it with PuTTYgen (File > Save private key, or `puttygen FILE -O private-openssh-new -o NEWFILE`)",
    );
  }
  const publicBlob = blobs.get("Public-Lines");
  const privateBlob = blobs.get("Private-Lines");
  const macHex = fields.get("Private-MAC");
  if (!publicBlob || !privateBlob || macHex === undefined) throw new KeyFormatError("PuTTY key file is truncated");
  return {
    version: version === "2" ? 2 : 3,
    keyType: fields.get(first) ?? "",
    encryption: fields.get("Encryption") ?? "",
    comment: fields.get("Comment") ?? "",
    publicBlob,
    privateBlob,
    mac: hexBytes(macHex, "Private-MAC"),
    fields,
  };
}

/**
 * True if `text` starts like a PuTTY key file.
 *
 * @example
 * ```ts
 * isPpk("PuTTY-User-Key-File-3: ssh-ed25519\n…"); // true
 * ```
 */
export function isPpk(text: string): boolean {
  return text.replace(/^\uFEFF/, "").trimStart().startsWith(PPK_PREFIX);
}

function publicOf(f: PpkFile, options: PublicKeyOptions): PublicKey {
  const key = parsePublicKey(f.publicBlob, options);
  if (key.type !== f.keyType) throw new KeyFormatError(`PuTTY key file says ${f.keyType} but holds ${key.type}`);
  return key;
}

/**
 * The public key and comment of a .ppk file (v2 or v3, encrypted or not).
 *
 * @example
 * ```ts
 * const { key, comment, encrypted } = parsePpkPublicKey(text);
 * ```
 */
export function parsePpkPublicKey(
  text: string,
  options: PublicKeyOptions = {},
): { key: PublicKey; comment: string; encrypted: boolean } {
  const f = readPpk(text);
  return { key: publicOf(f, options), comment: f.comment, encrypted: f.encryption !== "none" };
}

/** Cipher key, IV and MAC key for a file and passphrase. */
function deriveKeys(f: PpkFile, pass: Uint8Array): { key?: Uint8Array; iv?: Uint8Array; macKey: Uint8Array } {
  const encrypted = f.encryption !== "none";
  if (f.version === 2) {
    const macKey = sha1(concatBytes(new TextEncoder().encode("putty-private-key-file-mac-key"), pass));
    if (!encrypted) return { macKey };
    const key = concatBytes(
      sha1(concatBytes(new Uint8Array([0, 0, 0, 0]), pass)),
      sha1(concatBytes(new Uint8Array([0, 0, 0, 1]), pass)),
    );
    return { key: key.subarray(0, 32), iv: new Uint8Array(16), macKey };
  }
  if (!encrypted) return { macKey: new Uint8Array(0) };
  const kdfName = f.fields.get("Key-Derivation") ?? "";
  if (!Object.hasOwn(ARGON2, kdfName)) throw new UnsupportedKeyFormatError(`PuTTY key derivation "${kdfName}"`);
  const m = Number(f.fields.get("Argon2-Memory"));
  const t = Number(f.fields.get("Argon2-Passes"));
  const p = Number(f.fields.get("Argon2-Parallelism"));
  const salt = hexBytes(f.fields.get("Argon2-Salt") ?? "", "Argon2-Salt");
  for (
    const [name, v, max] of [["Memory", m, MAX_ARGON2_KIB], ["Passes", t, MAX_ARGON2_PASSES], ["Parallelism", p, 64]]
  ) {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > (max as number)) {
      throw new KeyFormatError(`PuTTY key file: Argon2-${name} out of range`);
    }
  }
  const out = ARGON2[kdfName as keyof typeof ARGON2](pass, salt, { t, m, p, dkLen: 80 });
  return { key: out.subarray(0, 32), iv: out.subarray(32, 48), macKey: out.subarray(48, 80) };
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The private key in a .ppk file, decrypting it with `options.passphrase`
 * when it is encrypted. Throws `EncryptedKeyError` without a passphrase,
 * `WrongPassphraseError` if the MAC does not verify, and
 * `UnsupportedKeyTypeError` for DSA, Ed448 and other types.
 *
 * @example
 * ```ts
 * parsePpkPrivateKey(text).comment; // the file's Comment
 * ```
 */
export function parsePpkPrivateKey(text: string, options: PrivateKeyFileOptions = {}): PrivateKey {
  const f = readPpk(text);
  const publicKey = publicOf(f, options);
  const encrypted = f.encryption !== "none";
  if (encrypted && f.encryption !== "aes256-cbc") {
    throw new UnsupportedKeyFormatError(`PuTTY key file encryption "${f.encryption}"`);
  }
  if (encrypted && options.passphrase === undefined) {
    throw new EncryptedKeyError(f.encryption, f.fields.get("Key-Derivation") ?? "sha1");
  }
  const pass = encrypted && options.passphrase !== undefined ? passphraseBytes(options.passphrase) : new Uint8Array(0);
  const { key, iv, macKey } = deriveKeys(f, pass);
  let priv = f.privateBlob;
  if (key && iv) {
    if (priv.length % 16 !== 0) throw new KeyFormatError("PuTTY key file: private blob is not a multiple of 16 bytes");
    priv = cbc(key, iv, { disablePadding: true }).decrypt(priv);
  }
  const macData = new SshWriter().string(f.keyType).string(f.encryption).string(f.comment).string(f.publicBlob)
    .string(priv).bytes();
  const mac = f.version === 2 ? hmac(sha1, macKey, macData) : hmac(sha256, macKey, macData);
  let diff = mac.length ^ f.mac.length;
  for (let i = 0; i < Math.min(mac.length, f.mac.length); i++) diff |= mac[i] ^ f.mac[i];
  if (diff !== 0) {
    if (encrypted) throw new WrongPassphraseError();
    throw new KeyFormatError("PuTTY key file: Private-MAC does not verify (the file is corrupt)");
  }
  try {
    return privateFields(publicKey, new SshReader(priv), f.comment);
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`PuTTY key file: private part is truncated: ${err.message}`);
    throw err;
  }
}

function privateFields(publicKey: PublicKey, r: SshReader, comment: string): PrivateKey {
  if (publicKey.type === "ssh-rsa") {
    const d = r.mpintUnsigned();
    const p = r.mpintUnsigned();
    const q = r.mpintUnsigned();
    const iqmp = r.mpintUnsigned();
    if (d.length === 0 || p.length === 0 || q.length === 0 || iqmp.length === 0) {
      throw new KeyFormatError("PuTTY RSA private key has a zero component");
    }
    const components = { n: publicKey.n, e: publicKey.e, d: d.slice(), p: p.slice(), q: q.slice(), iqmp: iqmp.slice() };
    return { type: "ssh-rsa", publicKey, components, comment };
  }
  if (publicKey.type === "ssh-ed25519") {
    const k = r.string();
    if (k.length === 0 || k.length > 32) throw new KeyFormatError("PuTTY Ed25519 private key has the wrong length");
    const seed = new Uint8Array(32);
    seed.set(k); // little-endian: missing bytes are high-order zeros
    return { type: "ssh-ed25519", publicKey, seed, comment };
  }
  const curve = curveByKeyType(publicKey.type);
  if (!curve) throw new UnsupportedKeyTypeError(publicKey.type);
  const raw = r.mpintUnsigned();
  if (raw.length === 0 || raw.length > curve.fieldBytes) {
    throw new KeyFormatError(`${publicKey.type} private scalar is out of range`);
  }
  const d = new Uint8Array(curve.fieldBytes);
  d.set(raw, curve.fieldBytes - raw.length);
  return { type: curve.keyType, publicKey: publicKey as EcdsaPublicKey, d, comment };
}
