/**
 * OpenSSH private key files, format `openssh-key-v1` (PROTOCOL.key in
 * OpenSSH): read and write them, unencrypted or passphrase-protected.
 *
 * ```
 * -----BEGIN OPENSSH PRIVATE KEY-----
 * base64( "openssh-key-v1\0" ‖ string cipher ‖ string kdf ‖ string kdfoptions
 *         ‖ uint32 N(=1) ‖ string publickey ‖ string private-section [‖ AEAD tag] )
 * -----END OPENSSH PRIVATE KEY-----
 * private-section = uint32 checkint ‖ uint32 checkint ‖ private key fields ‖ string comment
 *                   ‖ 1, 2, 3 … (to a multiple of the cipher's block size, 8 for "none")
 * kdfoptions (kdf "bcrypt") = string salt ‖ uint32 rounds
 * ```
 *
 * An encrypted section is decrypted with key ‖ IV = bcrypt_pbkdf(passphrase,
 * salt, keylen + ivlen, rounds) under one of the ciphers of
 * `openssh_key_ciphers.ts`; differing check-ints (or a failed tag) then mean
 * a wrong passphrase.
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
import { bcryptPbkdf } from "./bcrypt_pbkdf.ts";
import {
  EncryptedKeyError,
  KeyFormatError,
  NotAPrivateKeyError,
  UnsupportedKeyFormatError,
  WrongPassphraseError,
} from "./errors.ts";
import { type KeyFileCipher, keyFileCipher } from "./openssh_key_ciphers.ts";
import { type Passphrase, passphraseBytes, type PrivateKeyFileOptions } from "./passphrase.ts";
import { type PrivateKey, readPrivateKeyFields, writePrivateKeyFields } from "./private_key.ts";
import { latin1, parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC = "openssh-key-v1\0";
/** Cipher block size for cipher "none" (OpenSSH pads unencrypted keys to 8). */
const BLOCK_SIZE = 8;
/** Line width of the base64 body, as ssh-keygen writes it. */
const LINE_WIDTH = 70;
/** Most bcrypt rounds we run (ssh-keygen's default is 16; 10 000 takes minutes in JS). */
const MAX_BCRYPT_ROUNDS = 10_000;

/** A decoded key file: the key plus the file's check-int and protection. */
export interface OpenSshKeyFile {
  key: PrivateKey;
  /** The random check-int stored twice in the private section. */
  checkInt: number;
  /** The cipher of the private section (`none` when unencrypted). */
  cipherName: string;
  /** bcrypt rounds, for encrypted files. */
  rounds?: number;
  /** bcrypt salt, for encrypted files. */
  salt?: Uint8Array;
}

/**
 * Parse an OpenSSH private key file into a {@link PrivateKey}, decrypting it
 * with `options.passphrase` if it is encrypted.
 *
 * Throws (all `KeyError`s): {@link EncryptedKeyError} if a passphrase is
 * needed but not given, {@link WrongPassphraseError} if it is wrong,
 * {@link NotAPrivateKeyError} for a public key,
 * {@link UnsupportedKeyFormatError} for other formats (PEM, PKCS#8, PuTTY:
 * `parsePrivateKeyFile` reads those) and unsupported ciphers (`3des-cbc`),
 * `UnsupportedKeyTypeError` for key types we do not handle, `KeySizeError`
 * for too-small RSA keys, and {@link KeyFormatError} for anything truncated,
 * corrupt or inconsistent.
 *
 * @example
 * ```ts
 * const key = parseOpenSshPrivateKey(text, { passphrase: "secret" });
 * key.type; // "ssh-ed25519"
 * key.comment; // "host@example"
 * ```
 */
export function parseOpenSshPrivateKey(text: string, options: PrivateKeyFileOptions = {}): PrivateKey {
  return decodeOpenSshPrivateKey(text, options).key;
}

/**
 * Like {@link parseOpenSshPrivateKey}, also returning the check-int, cipher,
 * salt and rounds (so a file can be re-encoded byte for byte).
 *
 * @example
 * ```ts
 * const { key, checkInt, cipherName, salt, rounds } = decodeOpenSshPrivateKey(text, { passphrase });
 * encodeOpenSshPrivateKey(key, { checkInt, passphrase, cipher: cipherName, salt, rounds }) === text; // ssh-keygen output
 * ```
 */
export function decodeOpenSshPrivateKey(text: string, options: PrivateKeyFileOptions = {}): OpenSshKeyFile {
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

/** The fields of an `openssh-key-v1` file, before any decryption. */
interface RawKeyFile {
  cipher: string;
  kdf: string;
  kdfOptions: Uint8Array;
  publicBlob: Uint8Array;
  /** The private section, still encrypted if `cipher` is not "none". */
  section: Uint8Array;
  /** The AEAD tag after the section (empty for other ciphers). */
  tag: Uint8Array;
}

function readHeader(bytes: Uint8Array): { r: SshReader; cipher: string; kdf: string; kdfOptions: Uint8Array } {
  if (bytes.length < MAGIC.length || latin1(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new KeyFormatError("not an openssh-key-v1 file: bad magic");
  }
  const r = new SshReader(bytes, MAGIC.length);
  const cipher = latin1(r.string());
  const kdf = latin1(r.string());
  const kdfOptions = r.string();
  const count = r.uint32();
  if (count !== 1) throw new KeyFormatError(`key file holds ${count} keys; exactly 1 is supported`);
  return { r, cipher, kdf, kdfOptions };
}

function readRawKeyFile(bytes: Uint8Array): { raw: RawKeyFile; cipher: KeyFileCipher | undefined } {
  const { r, cipher, kdf, kdfOptions } = readHeader(bytes);
  const publicBlob = r.string();
  if (cipher === "none") {
    if (kdf !== "none" || kdfOptions.length !== 0) throw new KeyFormatError(`unencrypted key with kdf "${kdf}"`);
    const section = r.string();
    r.end();
    return { raw: { cipher, kdf, kdfOptions, publicBlob, section, tag: new Uint8Array(0) }, cipher: undefined };
  }
  const c = keyFileCipher(cipher);
  if (!c) {
    throw new UnsupportedKeyFormatError(
      `openssh-key-v1 encrypted with cipher "${cipher}"`,
      "re-encrypt it with `ssh-keygen -p -f FILE` (aes256-ctr)",
    );
  }
  if (kdf !== "bcrypt") {
    if (kdf === "none") throw new KeyFormatError(`key encrypted with ${cipher} names no kdf`);
    throw new UnsupportedKeyFormatError(`openssh-key-v1 with kdf "${kdf}"`);
  }
  const section = r.string();
  const tag = r.raw(c.tagLength);
  r.end();
  return { raw: { cipher, kdf, kdfOptions, publicBlob, section, tag }, cipher: c };
}

/** bcrypt kdf options: string salt ‖ uint32 rounds. */
function readBcryptOptions(kdfOptions: Uint8Array): { salt: Uint8Array; rounds: number } {
  const r = new SshReader(kdfOptions);
  const salt = r.string();
  const rounds = r.uint32();
  r.end();
  if (salt.length === 0) throw new KeyFormatError("bcrypt kdf options have an empty salt");
  if (rounds < 1 || rounds > MAX_BCRYPT_ROUNDS) {
    throw new KeyFormatError(`bcrypt rounds ${rounds} out of range 1..${MAX_BCRYPT_ROUNDS}`);
  }
  return { salt, rounds };
}

function decodeBinary(bytes: Uint8Array, options: PrivateKeyFileOptions): OpenSshKeyFile {
  const { raw, cipher } = readRawKeyFile(bytes);
  let plain = raw.section;
  let blockSize = BLOCK_SIZE;
  let kdf: { salt: Uint8Array; rounds: number } | undefined;
  if (cipher) {
    kdf = readBcryptOptions(raw.kdfOptions);
    if (raw.section.length % cipher.blockSize !== 0) {
      throw new KeyFormatError(
        `encrypted section length ${raw.section.length} is not a multiple of ${cipher.blockSize}`,
      );
    }
    if (options.passphrase === undefined) throw new EncryptedKeyError(raw.cipher, raw.kdf);
    const pass = passphraseBytes(options.passphrase);
    if (pass.length === 0) throw new WrongPassphraseError();
    const keyIv = bcryptPbkdf(pass, kdf.salt, cipher.keyLength + cipher.ivLength, kdf.rounds);
    const sealed = new Uint8Array(raw.section.length + raw.tag.length);
    sealed.set(raw.section);
    sealed.set(raw.tag, raw.section.length);
    const opened = cipher.decrypt(keyIv.subarray(0, cipher.keyLength), keyIv.subarray(cipher.keyLength), sealed);
    if (!opened) throw new WrongPassphraseError();
    plain = opened;
    blockSize = cipher.blockSize;
  }
  const { key, checkInt } = decodePrivateSection(plain, blockSize, cipher !== undefined, options);
  if (!sameBytes(raw.publicBlob, key.publicKey.blob)) {
    throw new KeyFormatError("the public key in the file header does not match the private key");
  }
  return { key, checkInt, cipherName: raw.cipher, ...(kdf ? { rounds: kdf.rounds, salt: kdf.salt.slice() } : {}) };
}

function decodePrivateSection(
  section: Uint8Array,
  blockSize: number,
  encrypted: boolean,
  options: PrivateKeyFileOptions,
): { key: PrivateKey; checkInt: number } {
  if (section.length % blockSize !== 0) {
    throw new KeyFormatError(`private section length ${section.length} is not a multiple of ${blockSize}`);
  }
  const r = new SshReader(section);
  const check1 = r.uint32();
  const check2 = r.uint32();
  if (check1 !== check2) {
    // After decryption, differing check-ints are how a wrong passphrase shows (PROTOCOL.key).
    if (encrypted) throw new WrongPassphraseError();
    throw new KeyFormatError("check-ints differ: the private section is corrupt");
  }
  const fields = readPrivateKeyFields(r, "", options);
  const comment = new TextDecoder().decode(r.string());
  const padding = r.rest();
  for (let i = 0; i < padding.length; i++) {
    if (padding[i] !== ((i + 1) & 0xff)) throw new KeyFormatError("private section padding is not 1, 2, 3, …");
  }
  return { key: { ...fields, comment }, checkInt: check1 };
}

/**
 * The public key in an `openssh-key-v1` file's clear header, without
 * decrypting anything (what `ssh-keygen -y` cannot do but `ssh-keygen -l`
 * does for an encrypted key). The comment lives in the private section, so it
 * is only known for unencrypted files.
 *
 * @example
 * ```ts
 * const { key, encrypted } = readOpenSshPublicKey(text);
 * fingerprintSha256(provider, key.blob);
 * ```
 */
export function readOpenSshPublicKey(
  text: string,
  options: PublicKeyOptions = {},
): { key: PublicKey; encrypted: boolean; cipherName: string } {
  const bytes = decodeBase64(unarmor(text));
  try {
    const { r, cipher } = readHeader(bytes);
    return { key: parsePublicKey(r.string(), options), encrypted: cipher !== "none", cipherName: cipher };
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`private key file is truncated or corrupt: ${err.message}`);
    throw err;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Options for {@link encodeOpenSshPrivateKey}. */
export interface OpenSshEncodeOptions {
  /** The check-int (random if not given). */
  checkInt?: number;
  /** Encrypt with this passphrase; none or an empty one writes an unencrypted file (`ssh-keygen -N ''`). */
  passphrase?: Passphrase;
  /** Cipher for an encrypted file (default `aes256-ctr`, as ssh-keygen). */
  cipher?: string;
  /** bcrypt rounds (default 16, as `ssh-keygen -a`). */
  rounds?: number;
  /** bcrypt salt (default 16 random bytes). */
  salt?: Uint8Array;
}

/** ssh-keygen's defaults for new encrypted keys. */
const DEFAULT_CIPHER = "aes256-ctr";
const DEFAULT_ROUNDS = 16;
const SALT_BYTES = 16;

/**
 * Write an `openssh-key-v1` file as `ssh-keygen` does (70-column base64,
 * trailing newline): unencrypted, or — with a non-empty passphrase —
 * encrypted with aes256-ctr and bcrypt_pbkdf (16 rounds, 16-byte salt)
 * unless other options are given. The check-int is random unless given.
 *
 * @example
 * ```ts
 * const key = generateEd25519(provider, "tsshd host key");
 * await Deno.writeTextFile("host_ed25519", encodeOpenSshPrivateKey(key), { mode: 0o600 });
 * const locked = encodeOpenSshPrivateKey(key, { passphrase: "secret" }); // ssh-keygen -y -P secret reads it
 * ```
 */
export function encodeOpenSshPrivateKey(key: PrivateKey, options: OpenSshEncodeOptions = {}): string {
  const pass = options.passphrase === undefined ? new Uint8Array(0) : passphraseBytes(options.passphrase);
  const cipher = pass.length === 0 ? undefined : keyFileCipher(options.cipher ?? DEFAULT_CIPHER);
  if (pass.length !== 0 && !cipher) throw new UnsupportedKeyFormatError(`openssh-key-v1 cipher "${options.cipher}"`);
  const checkInt = options.checkInt ?? crypto.getRandomValues(new Uint32Array(1))[0];
  const section = new SshWriter().uint32(checkInt).uint32(checkInt);
  writePrivateKeyFields(section, key);
  section.string(key.comment);
  const blockSize = cipher?.blockSize ?? BLOCK_SIZE;
  for (let pad = 1; section.length % blockSize !== 0; pad++) section.byte(pad);
  const file = new SshWriter().raw(new TextEncoder().encode(MAGIC));
  if (!cipher) {
    file.string("none").string("none").string("").uint32(1).string(key.publicKey.blob).string(section.bytes());
  } else {
    const rounds = options.rounds ?? DEFAULT_ROUNDS;
    const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const keyIv = bcryptPbkdf(pass, salt, cipher.keyLength + cipher.ivLength, rounds);
    const plain = section.bytes();
    const sealed = cipher.encrypt(keyIv.subarray(0, cipher.keyLength), keyIv.subarray(cipher.keyLength), plain);
    file.string(cipher.name).string("bcrypt").string(new SshWriter().string(salt).uint32(rounds).bytes());
    file.uint32(1).string(key.publicKey.blob).uint32(plain.length).raw(sealed);
  }
  const b64 = encodeBase64(file.bytes());
  const lines = [BEGIN];
  for (let i = 0; i < b64.length; i += LINE_WIDTH) lines.push(b64.slice(i, i + LINE_WIDTH));
  lines.push(END, "");
  return lines.join("\n");
}
