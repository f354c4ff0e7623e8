/**
 * OpenSSH private key files, format `openssh-key-v1` (PROTOCOL.key in
 * OpenSSH): read unencrypted files, write unencrypted files.
 *
 * ```
 * -----BEGIN OPENSSH PRIVATE KEY-----
 * base64( "openssh-key-v1\0" ‖ string cipher ‖ string kdf ‖ string kdfoptions
 *         ‖ uint32 N(=1) ‖ string publickey ‖ string private-section )
 * -----END OPENSSH PRIVATE KEY-----
 * private-section = uint32 checkint ‖ uint32 checkint ‖ private key fields ‖ string comment ‖ 1, 2, 3 … (to a multiple of 8)
 * ```
 *
 * @example
 * ```ts
 * const key = parseOpenSshPrivateKey(await Deno.readTextFile("keys/host_ed25519"));
 * const text = encodeOpenSshPrivateKey(key); // `ssh-keygen -y -f` reads it back
 * ```
 * @module
 */

import { SshReader, SshWriter, WireError } from "../wire.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { EncryptedKeyError, KeyFormatError, NotAPrivateKeyError, UnsupportedKeyFormatError } from "./errors.ts";
import { type PrivateKey, readPrivateKeyFields, writePrivateKeyFields } from "./private_key.ts";
import { latin1, type PublicKeyOptions } from "./public_key.ts";

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC = "openssh-key-v1\0";
/** Cipher block size for cipher "none" (OpenSSH pads unencrypted keys to 8). */
const BLOCK_SIZE = 8;
/** Line width of the base64 body, as ssh-keygen writes it. */
const LINE_WIDTH = 70;

/** A decoded key file: the key plus the file's check-int. */
export interface OpenSshKeyFile {
  key: PrivateKey;
  /** The random check-int stored twice in the private section. */
  checkInt: number;
}

/**
 * Parse an unencrypted OpenSSH private key file into a {@link PrivateKey}.
 *
 * Throws (all {@link KeyError}s): {@link EncryptedKeyError} if a passphrase
 * is needed, {@link NotAPrivateKeyError} for a public key,
 * {@link UnsupportedKeyFormatError} for PEM/PKCS#8/PuTTY files,
 * `UnsupportedKeyTypeError` for key types we do not handle, `KeySizeError`
 * for too-small RSA keys, and {@link KeyFormatError} for anything truncated,
 * corrupt or inconsistent.
 *
 * @example
 * ```ts
 * const key = parseOpenSshPrivateKey(text);
 * key.type; // "ssh-ed25519"
 * key.comment; // "host@example"
 * ```
 */
export function parseOpenSshPrivateKey(text: string, options: PublicKeyOptions = {}): PrivateKey {
  return decodeOpenSshPrivateKey(text, options).key;
}

/**
 * Like {@link parseOpenSshPrivateKey}, also returning the check-int (so a
 * file can be re-encoded byte for byte).
 *
 * @example
 * ```ts
 * const { key, checkInt } = decodeOpenSshPrivateKey(text);
 * encodeOpenSshPrivateKey(key, { checkInt }) === text; // true for ssh-keygen output
 * ```
 */
export function decodeOpenSshPrivateKey(text: string, options: PublicKeyOptions = {}): OpenSshKeyFile {
  const bytes = decodeBase64(unarmor(text));
  try {
    return decodeBinary(bytes, options);
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`private key file is truncated or corrupt: ${err.message}`);
    throw err;
  }
}

function unarmor(text: string): string {
  const start = text.indexOf(BEGIN);
  if (start < 0) throw classifyNonOpenSsh(text);
  const end = text.indexOf(END, start + BEGIN.length);
  if (end < 0) throw new KeyFormatError(`private key file is truncated: no "${END}" line`);
  const body = text.slice(start + BEGIN.length, end).replace(/[ \t\r\n]+/g, "");
  if (body === "") throw new KeyFormatError("private key file is empty between its BEGIN and END lines");
  return body;
}

/** The error for a file without an OpenSSH private key block. */
function classifyNonOpenSsh(text: string): Error {
  const t = text.trimStart();
  if (/^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]* +AAAA/.test(t) || t.startsWith("---- BEGIN SSH2 PUBLIC KEY ----")) {
    return new NotAPrivateKeyError();
  }
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(t);
  if (pem) {
    if (pem[1].includes("PUBLIC KEY")) return new NotAPrivateKeyError();
    return new UnsupportedKeyFormatError(`PEM "${pem[1]}"`);
  }
  if (t.startsWith("PuTTY-User-Key-File")) return new UnsupportedKeyFormatError("PuTTY");
  return new KeyFormatError(`not an OpenSSH private key: no "${BEGIN}" line`);
}

function decodeBinary(bytes: Uint8Array, options: PublicKeyOptions): OpenSshKeyFile {
  if (bytes.length < MAGIC.length || latin1(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new KeyFormatError("not an openssh-key-v1 file: bad magic");
  }
  const r = new SshReader(bytes, MAGIC.length);
  const cipher = latin1(r.string());
  const kdf = latin1(r.string());
  const kdfOptions = r.string();
  if (cipher !== "none") throw new EncryptedKeyError(cipher, kdf);
  if (kdf !== "none" || kdfOptions.length !== 0) throw new KeyFormatError(`unencrypted key with kdf "${kdf}"`);
  const count = r.uint32();
  if (count !== 1) throw new KeyFormatError(`key file holds ${count} keys; exactly 1 is supported`);
  const publicBlob = r.string();
  const section = r.string();
  r.end();
  const { key, checkInt } = decodePrivateSection(section, options);
  if (!sameBytes(publicBlob, key.publicKey.blob)) {
    throw new KeyFormatError("the public key in the file header does not match the private key");
  }
  return { key, checkInt };
}

function decodePrivateSection(section: Uint8Array, options: PublicKeyOptions): OpenSshKeyFile {
  if (section.length % BLOCK_SIZE !== 0) {
    throw new KeyFormatError(`private section length ${section.length} is not a multiple of ${BLOCK_SIZE}`);
  }
  const r = new SshReader(section);
  const check1 = r.uint32();
  const check2 = r.uint32();
  if (check1 !== check2) throw new KeyFormatError("check-ints differ: the private section is corrupt");
  const fields = readPrivateKeyFields(r, "", options);
  const comment = new TextDecoder().decode(r.string());
  const padding = r.rest();
  for (let i = 0; i < padding.length; i++) {
    if (padding[i] !== ((i + 1) & 0xff)) throw new KeyFormatError("private section padding is not 1, 2, 3, …");
  }
  return { key: { ...fields, comment }, checkInt: check1 };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Write an unencrypted `openssh-key-v1` file, as `ssh-keygen -N ''` does
 * (70-column base64, trailing newline). The check-int is random unless given.
 *
 * @example
 * ```ts
 * const key = generateEd25519(provider, "tsshd host key");
 * await Deno.writeTextFile("host_ed25519", encodeOpenSshPrivateKey(key), { mode: 0o600 });
 * ```
 */
export function encodeOpenSshPrivateKey(key: PrivateKey, options: { checkInt?: number } = {}): string {
  const checkInt = options.checkInt ?? crypto.getRandomValues(new Uint32Array(1))[0];
  const section = new SshWriter().uint32(checkInt).uint32(checkInt);
  writePrivateKeyFields(section, key);
  section.string(key.comment);
  for (let pad = 1; section.length % BLOCK_SIZE !== 0; pad++) section.byte(pad);
  const file = new SshWriter()
    .raw(new TextEncoder().encode(MAGIC))
    .string("none")
    .string("none")
    .string("")
    .uint32(1)
    .string(key.publicKey.blob)
    .string(section.bytes())
    .bytes();
  const b64 = encodeBase64(file);
  const lines = [BEGIN];
  for (let i = 0; i < b64.length; i += LINE_WIDTH) lines.push(b64.slice(i, i + LINE_WIDTH));
  lines.push(END, "");
  return lines.join("\n");
}
