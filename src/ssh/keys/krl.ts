/**
 * Key and certificate revocation, as sshd's `RevokedKeys` does it: load an
 * OpenSSH KRL (PROTOCOL.krl) or a text list of public keys, then ask whether
 * a key — and, for a certificate, its serial, key ID and CA — is revoked.
 *
 * A file that cannot be read must deny every key: {@link loadRevokedKeys}
 * throws {@link RevocationListError} for it, and the caller fails closed.
 *
 * @example
 * ```ts
 * let revoked: RevocationList | "unreadable";
 * try { revoked = loadRevokedKeys(await Deno.readFile(path)); } catch { revoked = "unreadable"; }
 * const deny = revoked === "unreadable" || isRevoked(crypto, revoked, key, certificate);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import type { Certificate } from "./certificate.ts";
import { isKrl, parseKrl } from "./krl_parse.ts";
import { parseRevokedKeysText } from "./krl_text.ts";
import { canonicalKeyBlob, type RevocationList, RevocationListError, toHex } from "./krl_types.ts";
import type { PublicKey, PublicKeyOptions } from "./public_key.ts";

export { isKrl, KRL_MAGIC, parseKrl } from "./krl_parse.ts";
export { parseRevokedKeysText } from "./krl_text.ts";
export { type SerialBitmap, SerialRanges } from "./krl_serials.ts";
export { type RevocationList, RevocationListError, type RevokedCertificates } from "./krl_types.ts";

/**
 * Load a revocation file: a KRL if it starts with `SSHKRL\n\0`, otherwise a
 * UTF-8 text list of public keys. Throws {@link RevocationListError} if it is
 * malformed (treat every key as revoked then).
 *
 * @example
 * ```ts
 * const list = loadRevokedKeys(await Deno.readFile("/etc/ssh/revoked_keys"));
 * list.format; // "krl" or "keys"
 * ```
 */
export function loadRevokedKeys(data: Uint8Array | string, options: PublicKeyOptions = {}): RevocationList {
  if (typeof data === "string") {
    if (data.startsWith("SSHKRL\n\0")) throw new RevocationListError("a KRL is binary: pass its bytes, not text");
    return parseRevokedKeysText(data, options);
  }
  if (isKrl(data)) return parseKrl(data);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new RevocationListError("neither a KRL nor a UTF-8 list of public keys");
  }
  return parseRevokedKeysText(text, options);
}

/**
 * True if `key` is revoked by `list`: by explicit key, SHA-1 or SHA-256
 * fingerprint of its plain blob; and when `certificate` is given (its
 * certified key is checked too), by serial number (never serial 0) or key ID
 * under the certificate's CA or any CA, or because the CA key itself is
 * revoked — the checks of OpenSSH's `ssh_krl_check_key`.
 *
 * @example
 * ```ts
 * const { key, certificate } = parseUserKey(blob);
 * if (isRevoked(crypto, list, key, certificate)) return reject("key revoked");
 * ```
 */
export function isRevoked(
  crypto: CryptoProvider,
  list: RevocationList,
  key: PublicKey,
  certificate?: Certificate,
): boolean {
  if (keyRevoked(crypto, list, key)) return true;
  if (!certificate) return false;
  if (certificate.key !== key && keyRevoked(crypto, list, certificate.key)) return true;
  return certificateRevoked(list, certificate) || keyRevoked(crypto, list, certificate.signatureKey);
}

function keyRevoked(crypto: CryptoProvider, list: RevocationList, key: PublicKey): boolean {
  const blob = canonicalKeyBlob(key);
  if (list.keys.has(toHex(blob))) return true;
  if (list.sha1.size > 0 && list.sha1.has(toHex(crypto.hash("sha1", blob)))) return true;
  return list.sha256.size > 0 && list.sha256.has(toHex(crypto.hash("sha256", blob)));
}

function certificateRevoked(list: RevocationList, cert: Certificate): boolean {
  if (list.certificates.length === 0) return false;
  const ca = toHex(canonicalKeyBlob(cert.signatureKey));
  for (const section of list.certificates) {
    if (section.caKey !== undefined && toHex(section.caKey) !== ca) continue;
    if (section.keyIds.has(cert.keyId)) return true;
    if (cert.serial !== 0n && section.serials.has(cert.serial)) return true;
  }
  return false;
}
