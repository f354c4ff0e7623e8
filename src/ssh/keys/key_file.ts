/**
 * Key files in every format users have, detected from their contents:
 *
 * | format | how it starts | private | public |
 * | --- | --- | --- | --- |
 * | `openssh` | `-----BEGIN OPENSSH PRIVATE KEY-----` | yes (any cipher of `openssh_key_ciphers.ts`) | from the clear header |
 * | `pkcs1` | `-----BEGIN RSA PRIVATE KEY-----` (± `DEK-Info` AES-CBC) | yes | derived |
 * | `sec1` | `-----BEGIN EC PRIVATE KEY-----` (± `DEK-Info` AES-CBC) | yes | derived |
 * | `pkcs8` | `-----BEGIN PRIVATE KEY-----` | yes (RSA, ECDSA, Ed25519) | derived |
 * | `pkcs8-encrypted` | `-----BEGIN ENCRYPTED PRIVATE KEY-----` | yes (PBES2, PBKDF2, AES-CBC) | after decryption |
 * | `ppk` | `PuTTY-User-Key-File-2:` / `-3:` | yes | from the clear header |
 * | `openssh-public` | `ssh-ed25519 AAAA… comment` (a `.pub` line) | no | yes |
 * | `rfc4716` | `---- BEGIN SSH2 PUBLIC KEY ----` | no | yes |
 * | `spki` | `-----BEGIN PUBLIC KEY-----` | no | yes |
 * | `pkcs1-public` | `-----BEGIN RSA PUBLIC KEY-----` | no | yes |
 *
 * PEM files carry no comment; their keys get the empty comment.
 *
 * @example
 * ```ts
 * const key = parsePrivateKeyFile(await Deno.readTextFile(path), { passphrase });
 * const { key: pub, comment } = parsePublicKeyFile(await Deno.readTextFile(path + ".pub"));
 * ```
 * @module
 */

import { parseAuthorizedKeys } from "./authorized_keys.ts";
import {
  EncryptedKeyError,
  KeyFormatError,
  NotAPrivateKeyError,
  UnsupportedKeyFormatError,
  UnsupportedKeyTypeError,
} from "./errors.ts";
import { parseOpenSshPrivateKey, readOpenSshPublicKey } from "./openssh_key.ts";
import type { PrivateKeyFileOptions } from "./passphrase.ts";
import { parsePem, type PemBlock, pemLabel } from "./pem.ts";
import { decryptPem, isPemEncrypted, pemCipher } from "./pem_encryption.ts";
import { rsaPrivateKeyFromPkcs1, rsaPublicKeyFromPkcs1 } from "./pkcs1.ts";
import { privateKeyFromPkcs8 } from "./pkcs8.ts";
import { decryptPkcs8 } from "./pkcs8_encrypted.ts";
import { isPpk, parsePpkPrivateKey, parsePpkPublicKey } from "./ppk.ts";
import type { PrivateKey } from "./private_key.ts";
import type { PublicKey } from "./public_key.ts";
import { parsePublicKeyLine } from "./public_key_line.ts";
import { parseRfc4716PublicKey, RFC4716_BEGIN } from "./rfc4716.ts";
import { ecPrivateKeyFromSec1 } from "./sec1.ts";
import { publicKeyFromSpki } from "./spki.ts";

/** Key file formats we recognise. */
export type KeyFileFormat =
  | "openssh"
  | "pkcs1"
  | "sec1"
  | "pkcs8"
  | "pkcs8-encrypted"
  | "ppk"
  | "openssh-public"
  | "rfc4716"
  | "spki"
  | "pkcs1-public";

const PEM_FORMATS: Readonly<Record<string, KeyFileFormat>> = {
  "OPENSSH PRIVATE KEY": "openssh",
  "RSA PRIVATE KEY": "pkcs1",
  "EC PRIVATE KEY": "sec1",
  "PRIVATE KEY": "pkcs8",
  "ENCRYPTED PRIVATE KEY": "pkcs8-encrypted",
  "PUBLIC KEY": "spki",
  "RSA PUBLIC KEY": "pkcs1-public",
};

/** A public key line: `[options] type base64 …`, the type naming a key or certificate. */
const PUBLIC_LINE_RE = /^(?:\S+[ \t]+)?(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]*[ \t]+AAAA/m;

/**
 * Which format `text` is in. Throws {@link UnsupportedKeyFormatError} or
 * `UnsupportedKeyTypeError` for formats recognised but not read (SSH.com
 * private keys, PEM `DSA PRIVATE KEY`, other PEM labels), and
 * {@link KeyFormatError} when nothing is recognised.
 *
 * @example
 * ```ts
 * detectKeyFileFormat("-----BEGIN EC PRIVATE KEY-----\n…"); // "sec1"
 * ```
 */
export function detectKeyFileFormat(text: string): KeyFileFormat {
  if (isPpk(text)) return "ppk";
  if (text.includes(RFC4716_BEGIN)) return "rfc4716";
  if (text.includes("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----")) {
    throw new UnsupportedKeyFormatError(
      "SSH.com (SECSH)",
      "convert it with `ssh-keygen -i -f FILE` (unencrypted keys) or the tool that made it",
    );
  }
  const label = pemLabel(text);
  if (label !== undefined) {
    if (Object.hasOwn(PEM_FORMATS, label)) return PEM_FORMATS[label];
    if (label === "DSA PRIVATE KEY") throw new UnsupportedKeyTypeError("ssh-dss");
    throw new UnsupportedKeyFormatError(`PEM "${label}"`);
  }
  if (PUBLIC_LINE_RE.test(text)) return "openssh-public";
  const start = text.trimStart().slice(0, 40).replace(/[^\x20-\x7e]/g, "?");
  throw new KeyFormatError(
    text.trim() === "" ? "the key file is empty" : `not a key file in any known format (it starts "${start}")`,
  );
}

function pemDer(block: PemBlock, options: PrivateKeyFileOptions): Uint8Array {
  if (!isPemEncrypted(block)) return block.body;
  if (options.passphrase === undefined) throw new EncryptedKeyError(pemCipher(block), "OpenSSL PEM MD5");
  return decryptPem(block, options.passphrase);
}

/**
 * Parse a private key file in any supported format (see the module table),
 * decrypting it with `options.passphrase` if needed.
 *
 * Throws (all `KeyError`s): `EncryptedKeyError` (a passphrase is needed),
 * `WrongPassphraseError`, {@link NotAPrivateKeyError} (a public key file),
 * `UnsupportedKeyTypeError` (ssh-dss, Ed448, secp256k1…),
 * {@link UnsupportedKeyFormatError} (unreadable container or encryption),
 * `KeySizeError`, and {@link KeyFormatError} for truncated, corrupt or
 * unrecognised files.
 *
 * @example
 * ```ts
 * const key = parsePrivateKeyFile(text, { passphrase: "secret" });
 * key.type; // "ecdsa-sha2-nistp256"
 * ```
 */
export function parsePrivateKeyFile(text: string, options: PrivateKeyFileOptions = {}): PrivateKey {
  const format = detectKeyFileFormat(text);
  switch (format) {
    case "openssh":
      return parseOpenSshPrivateKey(text, options);
    case "ppk":
      return parsePpkPrivateKey(text, options);
    case "pkcs1":
      return rsaPrivateKeyFromPkcs1(pemDer(parsePem(text), options), "", options);
    case "sec1":
      return ecPrivateKeyFromSec1(pemDer(parsePem(text), options), "");
    case "pkcs8":
      return privateKeyFromPkcs8(parsePem(text).body, "", options);
    case "pkcs8-encrypted": {
      const body = parsePem(text).body;
      if (options.passphrase === undefined) throw new EncryptedKeyError("PKCS#8 PBES2", "PBKDF2");
      return privateKeyFromPkcs8(decryptPkcs8(body, options.passphrase), "", options);
    }
    default:
      throw new NotAPrivateKeyError();
  }
}

/** A public key with its comment. */
export interface PublicKeyFile {
  key: PublicKey;
  /** The comment ("" when the format has none or it is encrypted away). */
  comment: string;
}

/**
 * The first key line of a `.pub` or authorized_keys-style text: a line that
 * starts with a key type is parsed as such (its errors are thrown); a line
 * with an options prefix as an authorized_keys line.
 */
function firstPublicKeyLine(text: string, options: PrivateKeyFileOptions): PublicKeyFile {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (/^(ssh-|ecdsa-|sk-)/.test(line)) return parsePublicKeyLine(line, options);
    const entry = parseAuthorizedKeys(line, "", options).entries[0];
    if (entry) return { key: entry.key, comment: entry.comment };
  }
  throw new KeyFormatError("no public key line found");
}

/**
 * The public key of a key file in any supported format: a public key file,
 * or a private key file (whose public half is read from the clear header of
 * OpenSSH and PuTTY files, or derived after decryption from PEM files — pass
 * `options.passphrase` for encrypted PEM/PKCS#8). For a `.pub` or
 * authorized_keys-style file this is the first key line.
 *
 * @example
 * ```ts
 * const { key, comment } = parsePublicKeyFile("ssh-ed25519 AAAAC3Nz… alice@laptop\n");
 * comment; // "alice@laptop"
 * ```
 */
export function parsePublicKeyFile(text: string, options: PrivateKeyFileOptions = {}): PublicKeyFile {
  const format = detectKeyFileFormat(text);
  switch (format) {
    case "openssh-public":
      return firstPublicKeyLine(text, options);
    case "rfc4716": {
      const { key, comment } = parseRfc4716PublicKey(text, options);
      return { key, comment };
    }
    case "spki":
      return { key: publicKeyFromSpki(parsePem(text).body, options), comment: "" };
    case "pkcs1-public":
      return { key: rsaPublicKeyFromPkcs1(parsePem(text).body, options), comment: "" };
    case "ppk": {
      const { key, comment } = parsePpkPublicKey(text, options);
      return { key, comment };
    }
    case "openssh": {
      const header = readOpenSshPublicKey(text, options);
      if (header.encrypted && options.passphrase === undefined) return { key: header.key, comment: "" };
      const key = parseOpenSshPrivateKey(text, options);
      return { key: key.publicKey, comment: key.comment };
    }
    default: {
      const key = parsePrivateKeyFile(text, options);
      return { key: key.publicKey, comment: key.comment };
    }
  }
}
