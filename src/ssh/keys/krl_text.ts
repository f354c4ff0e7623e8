/**
 * A revoked-keys text file, the other form sshd's `RevokedKeys` takes: one
 * public key per line as `type base64 [comment]` (no options), blank lines
 * and `#` comments ignored. A certificate line revokes its certified key.
 *
 * As in OpenSSH, a line that cannot be read makes the whole file unusable
 * ({@link RevocationListError}), except keys we would never accept anyway: a
 * key type we do not support, or an RSA key outside the size limits.
 *
 * @example
 * ```ts
 * const list = parseRevokedKeysText("ssh-ed25519 AAAAC3Nz… old laptop\n");
 * list.keys.size; // 1
 * ```
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { KeyError, KeySizeError, UnsupportedKeyTypeError } from "./errors.ts";
import { parseUserKey, peekType } from "./certificate.ts";
import { canonicalKeyBlob, type RevocationList, RevocationListError, toHex } from "./krl_types.ts";
import type { PublicKeyOptions } from "./public_key.ts";

/**
 * Parse a text list of revoked public keys. Throws
 * {@link RevocationListError} naming the first bad line.
 *
 * @example
 * ```ts
 * parseRevokedKeysText("# nothing revoked yet\n").keys.size; // 0
 * ```
 */
export function parseRevokedKeysText(text: string, options: PublicKeyOptions = {}): RevocationList {
  const keys = new Set<string>();
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, "").replace(/^[ \t]+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+)[ \t]+(\S+)/.exec(line);
    if (!m) throw new RevocationListError(`line ${n + 1}: expected "type base64-key [comment]"`);
    const type = m[1];
    try {
      const blob = decodeBase64(m[2]);
      if (peekType(blob) !== type) {
        throw new RevocationListError(`line ${n + 1}: key type "${type}" does not match the key`);
      }
      const { key } = parseUserKey(blob, options);
      keys.add(toHex(canonicalKeyBlob(key)));
    } catch (err) {
      if (neverAccepted(err, type)) continue;
      if (err instanceof RevocationListError) throw err;
      if (err instanceof KeyError) throw new RevocationListError(`line ${n + 1}: ${err.message}`);
      throw err;
    }
  }
  return {
    format: "keys",
    version: 0n,
    generatedDate: 0n,
    comment: "",
    keys,
    sha1: new Set(),
    sha256: new Set(),
    certificates: [],
  };
}

/**
 * A plain key of a type we do not support, or a plain RSA key outside the limits: it could never log in. (A
 * certificate whose CA we cannot read fails: its certified key could.)
 */
function neverAccepted(err: unknown, lineType: string): boolean {
  if (err instanceof UnsupportedKeyTypeError) return err.keyType === lineType;
  return err instanceof KeySizeError && lineType === "ssh-rsa";
}
