/**
 * The one-line public key format of `.pub` files and authorized_keys:
 * `TYPE BASE64-BLOB [COMMENT]`.
 *
 * @example
 * ```ts
 * const line = formatPublicKeyLine(key.publicKey, "alice@laptop");
 * // "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… alice@laptop"
 * parsePublicKeyLine(line).comment; // "alice@laptop"
 * ```
 * @module
 */

import { decodeBase64, encodeBase64 } from "./base64.ts";
import { KeyFormatError } from "./errors.ts";
import { parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

/**
 * Format a public key line (no trailing newline; no trailing space when the
 * comment is empty).
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("id.pub", formatPublicKeyLine(key, "me") + "\n");
 * ```
 */
export function formatPublicKeyLine(key: PublicKey, comment = ""): string {
  const base = `${key.type} ${encodeBase64(key.blob)}`;
  return comment === "" ? base : `${base} ${comment}`;
}

/**
 * Parse `TYPE BASE64 [COMMENT]` (surrounding whitespace ignored). The type
 * word must name the type inside the blob. Throws {@link KeyFormatError},
 * `UnsupportedKeyTypeError` or `KeySizeError`.
 *
 * @example
 * ```ts
 * const { key, comment } = parsePublicKeyLine(await Deno.readTextFile("id_ed25519.pub"));
 * ```
 */
export function parsePublicKeyLine(
  line: string,
  options: PublicKeyOptions = {},
): { key: PublicKey; comment: string } {
  const m = /^[ \t]*(\S+)[ \t]+(\S+)(?:[ \t]+(.*?))?[ \t\r\n]*$/.exec(line);
  if (!m) throw new KeyFormatError("a public key line needs a key type and a base64 key");
  const key = parsePublicKey(decodeBase64(m[2]), options);
  if (key.type !== m[1]) throw new KeyFormatError(`key type "${m[1]}" does not match the key inside (${key.type})`);
  return { key, comment: m[3] ?? "" };
}
