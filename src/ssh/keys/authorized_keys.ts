/**
 * authorized_keys files (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): one key per
 * line as `[options] keytype base64-key [comment]`; blank lines and lines
 * starting with `#` are ignored.
 *
 * A bad line never stops the file: it becomes a warning `FILE:LINE: …` and is
 * skipped, and the other lines still work. A line whose options cannot be
 * understood is skipped too, so options can only restrict a key.
 *
 * @example
 * ```ts
 * const { entries, warnings } = parseAuthorizedKeys(text, "/home/alice/.ssh/authorized_keys");
 * for (const w of warnings) log.warn(w);
 * const hit = findAuthorizedKey(entries, offeredBlob);
 * if (hit) console.log(`key found at ${hit.fileName}:${hit.lineNumber}`, hit.options);
 * ```
 * @module
 */

import { timingSafeEqual } from "../wire.ts";
import { decodeBase64 } from "./base64.ts";
import { KeyError } from "./errors.ts";
import { defaultKeyOptions, type KeyOptions, parseKeyOptions } from "./key_options.ts";
import { parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

export type { KeyOptions, PermitTarget } from "./key_options.ts";

/** One usable line of an authorized_keys file. */
export interface AuthorizedKey {
  key: PublicKey;
  /** Everything after the base64 field, trimmed. */
  comment: string;
  options: KeyOptions;
  /** The file name given to {@link parseAuthorizedKeys} (for logs). */
  fileName: string;
  /** 1-based line number. */
  lineNumber: number;
}

/** The result of {@link parseAuthorizedKeys}. */
export interface AuthorizedKeys {
  entries: AuthorizedKey[];
  /** One message per skipped line, each starting with `FILE:LINE: `. */
  warnings: string[];
}

/** A leading word that is a key type, not an options field (OpenSSH tries the key first). */
const KEY_TYPE_WORD = /^(ssh-[a-z0-9]|ecdsa-|sk-|rsa-|x509v3-)/i;

/**
 * Parse an authorized_keys file. Never throws for bad content.
 *
 * @example
 * ```ts
 * const { entries } = parseAuthorizedKeys('no-pty ssh-ed25519 AAAAC3Nz… me\n', "authorized_keys");
 * entries[0].options.pty; // false
 * ```
 */
export function parseAuthorizedKeys(text: string, fileName: string, options: PublicKeyOptions = {}): AuthorizedKeys {
  const entries: AuthorizedKey[] = [];
  const warnings: string[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, "").replace(/^[ \t]+/, "");
    if (line === "" || line.startsWith("#")) continue;
    try {
      entries.push({ ...parseLine(line, options), fileName, lineNumber: n + 1 });
    } catch (err) {
      if (!(err instanceof KeyError)) throw err;
      warnings.push(`${fileName}:${n + 1}: ${err.message}`);
    }
  }
  return { entries, warnings };
}

/** Thrown for a line that is not `[options] type base64 [comment]`. */
class LineError extends KeyError {
  constructor(message: string) {
    super(message);
    this.name = "AuthorizedKeysLineError";
  }
}

function parseLine(line: string, keyOpts: PublicKeyOptions): { key: PublicKey; comment: string; options: KeyOptions } {
  let rest = line;
  let options = defaultKeyOptions();
  if (!KEY_TYPE_WORD.test(rest)) {
    const end = endOfOptions(rest);
    options = parseKeyOptions(rest.slice(0, end));
    rest = rest.slice(end).replace(/^[ \t]+/, "");
  }
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(rest);
  if (!m) throw new LineError("expected a key type and a base64 key");
  const [, type, b64, comment] = m;
  const key = parsePublicKey(decodeBase64(b64), keyOpts);
  if (key.type !== type) throw new LineError(`key type "${type}" does not match the key inside (${key.type})`);
  return { key, comment: (comment ?? "").trim(), options };
}

/** Index of the first space or tab outside double quotes (`\"` never ends a quote). */
function endOfOptions(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && s[i + 1] === '"') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === " " || c === "\t")) return i;
  }
  if (quoted) throw new LineError("unterminated quote in options");
  return s.length;
}

/** Options for {@link findAuthorizedKey}. */
export interface FindOptions {
  /** The current time in milliseconds since the epoch, for `expiry-time`. Default `Date.now()`. */
  now?: number;
}

/**
 * The first entry whose key blob equals `blob` and that can authenticate by
 * itself: `cert-authority` lines (they only vouch for certificates) and
 * entries past their `expiry-time` are skipped. Every entry is compared in
 * constant time, whatever matches. The caller still enforces `from=` and the
 * other options.
 *
 * @example
 * ```ts
 * const entry = findAuthorizedKey(entries, publicKeyBlobFromClient);
 * if (!entry) return reject();
 * ```
 */
export function findAuthorizedKey(
  entries: readonly AuthorizedKey[],
  blob: Uint8Array,
  options: FindOptions = {},
): AuthorizedKey | undefined {
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  let found: AuthorizedKey | undefined;
  for (const entry of entries) {
    const same = timingSafeEqual(entry.key.blob, blob);
    if (found || !same || entry.options.certAuthority) continue;
    if (entry.options.expiryTime !== undefined && entry.options.expiryTime <= nowSeconds) continue;
    found = entry;
  }
  return found;
}
