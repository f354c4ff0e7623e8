/**
 * known_hosts files (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") as sshd reads
 * them for hostbased authentication — OpenSSH `load_hostkeys` and
 * `check_key_in_hostkeys`:
 *
 * - A line is `[@marker] hostnames keytype base64-key [comment]`; blank
 *   lines and `#` comments are skipped. The markers are `@cert-authority`
 *   and `@revoked`; an unknown marker, or two, makes the line unusable.
 * - `hostnames` is a pattern-list (`*`, `?`, `!negated`, matched
 *   case-insensitively; `[host]:port` is just a literal pattern) or one
 *   hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, host))` as
 *   `ssh-keygen -H` writes it.
 * - Only lines whose host names match are read further; one whose key cannot
 *   be parsed is skipped (reported in {@link KnownHostKeys.skipped}).
 * - A plain key is known ({@link HostKeyStatus} `ok`) when an unmarked line
 *   holds the same key; it is `changed` when unmarked lines hold only other
 *   keys, `new` when there are none, and `revoked` — whatever else matched —
 *   when a `@revoked` line holds it. `@cert-authority` lines vouch only for
 *   certificates, which hostbased in tsshd does not take, so they never let a
 *   key in.
 *
 * @module
 */
import type { CryptoProvider } from "../ssh/crypto/provider.ts";
import { decodeBase64, encodeBase64 } from "../ssh/keys/base64.ts";
import { KeyError, KeyFormatError } from "../ssh/keys/errors.ts";
import { parsePublicKey, type PublicKey } from "../ssh/keys/public_key.ts";
import { timingSafeEqual } from "../ssh/wire.ts";
import { matchHostName } from "./host_patterns.ts";

/**
 * The marker a line starts with (`none` when it has none).
 *
 * @example
 * ```ts
 * const m: HostKeyMarker = "revoked"; // "@revoked host ssh-ed25519 AAAA…"
 * ```
 */
export type HostKeyMarker = "none" | "cert-authority" | "revoked";

/** A line of a known_hosts file whose host names matched the host looked up. */
export interface KnownHostKey {
  marker: HostKeyMarker;
  key: PublicKey;
  /** The file name given to {@link knownHostKeys} (for logs). */
  fileName: string;
  /** 1-based line number. */
  lineNumber: number;
}

/** What {@link knownHostKeys} found for one host. */
export interface KnownHostKeys {
  entries: KnownHostKey[];
  /** `FILE:LINE: why` for each line that matched the host (or could not be matched) but was unusable. */
  skipped: string[];
}

/**
 * The verdict on a key (OpenSSH `HostStatus`).
 *
 * @example
 * ```ts
 * const s: HostKeyStatus = checkKnownHostKey([], blob).status; // "new"
 * ```
 */
export type HostKeyStatus = "ok" | "changed" | "new" | "revoked";

/** `|1|` starts a hashed host name. */
const HASH_MAGIC = "|1|";
/** HMAC-SHA1 salts and digests are 20 bytes. */
const SHA1_BYTES = 20;
/** OpenSSH's marker buffer: a marker of 32 characters or more is an error. */
const MAX_MARKER = 32;

/**
 * Hash a host name as `ssh-keygen -H` does: `|1|` base64(salt) `|`
 * base64(HMAC-SHA1(key = salt, host)). `salt` must be 20 bytes.
 *
 * @example
 * ```ts
 * hashHostName(crypto, "127.0.0.1", crypto.getRandomValues(new Uint8Array(20))); // "|1|…=|…="
 * ```
 */
export function hashHostName(crypto: CryptoProvider, host: string, salt: Uint8Array): string {
  if (salt.length !== SHA1_BYTES) throw new RangeError(`hashed host salt must be ${SHA1_BYTES} bytes`);
  const mac = crypto.hmac("sha1", salt, new TextEncoder().encode(host));
  return `${HASH_MAGIC}${encodeBase64(salt)}|${encodeBase64(mac)}`;
}

/**
 * OpenSSH `match_maybe_hashed`: whether `host` matches a known_hosts host
 * field — `1` yes, `0` no (a negated pattern counts as no), `-1` the field
 * is a malformed hashed name.
 *
 * @example
 * ```ts
 * matchKnownHostName(crypto, "10.0.0.7", "10.0.0.*,!10.0.0.9"); // 1
 * matchKnownHostName(crypto, "10.0.0.7", "|1|salt-is-not-base64|x"); // -1
 * ```
 */
export function matchKnownHostName(crypto: CryptoProvider, host: string, names: string): 1 | 0 | -1 {
  if (!names.startsWith("|")) return matchHostName(host, names) === 1 ? 1 : 0;
  if (!names.startsWith(HASH_MAGIC)) return -1;
  const end = names.indexOf("|", HASH_MAGIC.length);
  if (end < 0) return -1;
  const b64 = names.slice(HASH_MAGIC.length, end);
  if (b64.length === 0 || b64.length > 1024) return -1;
  let salt: Uint8Array;
  try {
    salt = decodeBase64(b64);
  } catch {
    return -1;
  }
  if (salt.length !== SHA1_BYTES) return -1;
  // OpenSSH rebuilds the whole field from the salt and compares strings.
  return hashHostName(crypto, host, salt) === names ? 1 : 0;
}

/**
 * The marker at the start of `line` and where the rest begins (OpenSSH
 * `check_markers`); `undefined` for an invalid marker.
 */
function readMarker(line: string): { marker: HostKeyMarker; rest: string } | undefined {
  let marker: HostKeyMarker = "none";
  let cp = line;
  while (cp.startsWith("@")) {
    if (marker !== "none") return undefined; // only one marker
    // OpenSSH looks for the first space anywhere, then for a tab.
    let sp = cp.indexOf(" ");
    if (sp < 0) sp = cp.indexOf("\t");
    if (sp <= 1 || sp >= MAX_MARKER) return undefined;
    const word = cp.slice(0, sp);
    if (word === "@cert-authority") marker = "cert-authority";
    else if (word === "@revoked") marker = "revoked";
    else return undefined;
    cp = cp.slice(sp).replace(/^[ \t]+/, "");
  }
  return { marker, rest: cp };
}

/** `keytype base64 [comment]` → the key (OpenSSH `sshkey_read`); throws a KeyError. */
function readKey(text: string): PublicKey {
  const m = /^([^ \t]+)[ \t]+([^ \t]+)/.exec(text);
  if (!m) throw new KeyFormatError("expected a key type and a base64 key");
  const key = parsePublicKey(decodeBase64(m[2]));
  if (key.type !== m[1]) throw new KeyFormatError(`key type "${m[1]}" does not match the key inside (${key.type})`);
  return key;
}

/**
 * The lines of a known_hosts file that name `host` (OpenSSH
 * `load_hostkeys`, `host` matched as given: pass the name or address
 * exactly as it should appear, without a port). Never throws for bad
 * content.
 *
 * @example
 * ```ts
 * const { entries, skipped } = knownHostKeys(crypto, text, "/etc/ssh/ssh_known_hosts", "192.0.2.7");
 * for (const s of skipped) log.debug(s);
 * ```
 */
export function knownHostKeys(crypto: CryptoProvider, text: string, fileName: string, host: string): KnownHostKeys {
  const entries: KnownHostKey[] = [];
  const skipped: string[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const where = `${fileName}:${n + 1}`;
    const line = lines[n].replace(/\r$/, "").replace(/^[ \t]+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const marked = readMarker(line);
    if (!marked) continue; // OpenSSH: "invalid marker", line ignored
    const hostEnd = marked.rest.search(/[ \t]/);
    if (hostEnd < 0) continue; // truncated line
    const names = marked.rest.slice(0, hostEnd);
    const match = matchKnownHostName(crypto, host, names);
    if (match === -1) {
      skipped.push(`${where}: bad host hash "${names.slice(0, 32)}"`);
      continue;
    }
    if (match === 0) continue;
    const keyText = marked.rest.slice(hostEnd).replace(/^[ \t]+/, "");
    if (keyText === "" || keyText.startsWith("#")) {
      skipped.push(`${where}: truncated before key type`);
      continue;
    }
    try {
      entries.push({ marker: marked.marker, key: readKey(keyText), fileName, lineNumber: n + 1 });
    } catch (e) {
      if (!(e instanceof KeyError)) throw e;
      skipped.push(`${where}: ${e.message}`);
    }
  }
  return { entries, skipped };
}

/**
 * Whether the plain public key `blob` is known among `entries` (OpenSSH
 * `check_key_in_hostkeys` for a key that is not a certificate), with the
 * line that decided when there is one.
 *
 * @example
 * ```ts
 * const { status, entry } = checkKnownHostKey(knownHostKeys(crypto, text, file, "192.0.2.7").entries, blob);
 * if (status === "ok") log.debug(`key found at ${entry!.fileName}:${entry!.lineNumber}`);
 * ```
 */
export function checkKnownHostKey(
  entries: readonly KnownHostKey[],
  blob: Uint8Array,
): { status: HostKeyStatus; entry?: KnownHostKey } {
  let status: HostKeyStatus = "new";
  let entry: KnownHostKey | undefined;
  for (const e of entries) {
    if (e.marker !== "none") continue;
    entry = e;
    if (timingSafeEqual(e.key.blob, blob)) {
      status = "ok";
      break;
    }
    status = "changed";
  }
  const revoked = entries.find((e) => e.marker === "revoked" && timingSafeEqual(e.key.blob, blob));
  return revoked ? { status: "revoked", entry: revoked } : { status, entry };
}
