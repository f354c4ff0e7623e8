/**
 * The SSH public key file format of RFC 4716 (`ssh-keygen -e -f key.pub`):
 *
 * ```
 * ---- BEGIN SSH2 PUBLIC KEY ----
 * Comment: "256-bit ED25519, converted by alice@host from OpenSSH"
 * x-Tag: a value that goes on \
 * over two lines
 * AAAAC3NzaC1lZDI1NTE5AAAAIFl/jlb/hwE3JTim2x9hXsyQfFf9+1HtRpFw5LL03WL6
 * ---- END SSH2 PUBLIC KEY ----
 * ```
 *
 * Headers are `Tag: value`; a line ending in `\` continues on the next one
 * (§3.3). The `Comment` value may be in double quotes, which are removed.
 * The body is the base64 public key blob.
 *
 * @example
 * ```ts
 * const { key, comment } = parseRfc4716PublicKey(text);
 * ```
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { KeyFormatError } from "./errors.ts";
import { parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

/**
 * The BEGIN line of an RFC 4716 public key.
 *
 * @example
 * ```ts
 * text.includes(RFC4716_BEGIN); // true for `ssh-keygen -e` output
 * ```
 */
export const RFC4716_BEGIN = "---- BEGIN SSH2 PUBLIC KEY ----";
const END = "---- END SSH2 PUBLIC KEY ----";

/** A parsed RFC 4716 file. */
export interface Rfc4716PublicKey {
  key: PublicKey;
  /** The `Comment` header without its quotes, or "". */
  comment: string;
  /** All headers by tag, continuation lines joined. */
  headers: Map<string, string>;
}

/**
 * Parse the first RFC 4716 public key block in `text`. Throws
 * {@link KeyFormatError} if it is missing or truncated, plus whatever
 * `parsePublicKey` throws for the blob.
 *
 * @example
 * ```ts
 * parseRfc4716PublicKey(await Deno.readTextFile("key.ssh2")).key.type; // "ssh-ed25519"
 * ```
 */
export function parseRfc4716PublicKey(text: string, options: PublicKeyOptions = {}): Rfc4716PublicKey {
  const start = text.indexOf(RFC4716_BEGIN);
  if (start < 0) throw new KeyFormatError(`no "${RFC4716_BEGIN}" line`);
  const end = text.indexOf(END, start);
  if (end < 0) throw new KeyFormatError(`public key file is truncated: no "${END}" line`);
  const lines = text.slice(start + RFC4716_BEGIN.length, end).split(/\r?\n/).map((l) => l.trim()).filter((l) => l);
  const headers = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const h = /^([\x21-\x39\x3b-\x7e]{1,64}):\s?(.*)$/.exec(lines[i]);
    if (!h) break;
    let value = h[2];
    while (value.endsWith("\\") && i + 1 < lines.length) value = value.slice(0, -1) + lines[++i];
    headers.set(h[1], value);
  }
  const body = lines.slice(i).join("");
  if (body === "") throw new KeyFormatError("RFC 4716 public key has no key data");
  const key = parsePublicKey(decodeBase64(body), options);
  let comment = [...headers].find(([tag]) => tag.toLowerCase() === "comment")?.[1] ?? "";
  if (comment.length >= 2 && comment.startsWith('"') && comment.endsWith('"')) comment = comment.slice(1, -1);
  return { key, comment, headers };
}
