/**
 * The critical options and extensions sections of an OpenSSH certificate
 * (PROTOCOL.certkeys "Critical options", "Extensions"): a sequence of
 * `string name ‖ string data`, names in lexical order and each at most once,
 * where `data` is empty for flags and holds one `string` for values.
 *
 * ```
 * 00 00 00 0d "force-command"  00 00 00 0c [00 00 00 08 "/bin/foo"]
 * 00 00 00 0a "permit-pty"     00 00 00 00
 * ```
 *
 * @example
 * ```ts
 * const opts = readCertOptions(section, "critical");
 * opts.get("force-command"); // "/bin/foo"
 * ```
 * @module
 */

import { SshReader, WireError } from "../wire.ts";
import { KeyFormatError } from "./errors.ts";
import { latin1 } from "./public_key.ts";

/** Critical options OpenSSH defines for user certificates, and whether each carries a string value. */
export const KNOWN_CRITICAL_OPTIONS: ReadonlyMap<string, "string" | "flag"> = new Map([
  ["force-command", "string"],
  ["source-address", "string"],
  ["verify-required", "flag"],
]);

/** Extensions OpenSSH defines for user certificates (all flags). */
export const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  "no-touch-required",
  "permit-X11-forwarding",
  "permit-agent-forwarding",
  "permit-port-forwarding",
  "permit-pty",
  "permit-user-rc",
]);

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Decode one options section into name → value. Values: `""` for an empty
 * data field (a flag); the inner string for data holding exactly one string;
 * for an unknown option whose data is anything else, the raw data as
 * Latin-1. Throws {@link KeyFormatError} for truncation, names out of lexical
 * (byte) order or repeated, names that are not UTF-8 or hold NUL, and known
 * options of the section whose data has the wrong shape (OpenSSH: "corrupt").
 *
 * @example
 * ```ts
 * readCertOptions(new Uint8Array(0), "extensions").size; // 0
 * ```
 */
export function readCertOptions(section: Uint8Array, which: "critical" | "extensions"): Map<string, string> {
  const out = new Map<string, string>();
  const r = new SshReader(section);
  let previous: Uint8Array | undefined;
  while (r.remaining > 0) {
    const nameStart = r.pos + 4;
    const name = readCString(r, `${which === "critical" ? "critical option" : "extension"} name`);
    const nameBytes = section.subarray(nameStart, r.pos);
    if (previous && compareBytes(previous, nameBytes) >= 0) {
      throw new KeyFormatError(
        `certificate ${which === "critical" ? "critical option" : "extension"} "${name}" is ${
          compareBytes(previous, nameBytes) === 0 ? "repeated" : "out of lexical order"
        }`,
      );
    }
    previous = nameBytes;
    out.set(name, decodeValue(name, r.string(), which));
  }
  return out;
}

function decodeValue(name: string, data: Uint8Array, which: "critical" | "extensions"): string {
  const shape = which === "critical"
    ? KNOWN_CRITICAL_OPTIONS.get(name)
    : KNOWN_EXTENSIONS.has(name)
    ? "flag"
    : undefined;
  if (data.length === 0) {
    if (shape === "string") throw new KeyFormatError(`certificate option "${name}" is corrupt (no value)`);
    return "";
  }
  if (shape === "flag") throw new KeyFormatError(`certificate option "${name}" is corrupt (extra data)`);
  if (shape === "string") {
    const r = new SshReader(data);
    const value = readCString(r, `option "${name}"`);
    if (r.remaining !== 0) throw new KeyFormatError(`certificate option "${name}" is corrupt (extra data)`);
    return value;
  }
  try {
    const r = new SshReader(data);
    const inner = r.string();
    if (r.remaining === 0) return utf8Decoder.decode(inner);
  } catch (err) {
    if (!(err instanceof WireError || err instanceof TypeError)) throw err;
  }
  return latin1(data);
}

/**
 * Read a string field that must be UTF-8 without NUL bytes (OpenSSH reads
 * these as C strings). Throws {@link KeyFormatError}; the reader's
 * `WireError` on truncation.
 *
 * @example
 * ```ts
 * readCString(new SshReader(new SshWriter().string("alice").bytes()), "principal"); // "alice"
 * ```
 */
export function readCString(r: SshReader, what: string): string {
  const b = r.string();
  if (b.includes(0)) throw new KeyFormatError(`certificate ${what} contains a NUL byte`);
  try {
    return utf8Decoder.decode(b);
  } catch {
    throw new KeyFormatError(`certificate ${what} is not valid UTF-8`);
  }
}

/**
 * Compare byte strings as unsigned big-endian numbers of their bytes, shorter first on a tie (`strcmp` order).
 *
 * @example
 * ```ts
 * compareBytes(new Uint8Array([1]), new Uint8Array([1, 0])); // -1
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
