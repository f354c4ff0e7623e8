/**
 * Protocol version exchange (RFC 4253 §4.2).
 *
 * The client may send lines before its identification string; they are
 * skipped, within bounds. The identification line is at most 255 bytes
 * including CR LF; a bare LF terminator is tolerated as OpenSSH does.
 *
 * @module
 */
import { DISCONNECT } from "../messages.ts";
import { DisconnectError } from "../errors.ts";

/** Limits for the pre-banner phase. */
export const VERSION_LIMITS = {
  /** Max length of one line including CR LF (RFC 4253 §4.2). */
  maxLineLength: 255,
  /** Max number of lines before the identification string. */
  maxPreBannerLines: 1024,
  /** Max bytes before the identification string. */
  maxPreBannerBytes: 64 * 1024,
};

/** The result of a completed version exchange. */
export interface VersionResult {
  /** The peer's identification string without CR LF, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2`. */
  version: string;
  /** Bytes after the identification line (the start of the first packet). */
  rest: Uint8Array;
}

/**
 * Incrementally parses the peer's identification line.
 *
 * @example
 * ```ts
 * const p = new VersionParser();
 * const r = p.feed(new TextEncoder().encode("SSH-2.0-x\r\n"));
 * r?.version; // "SSH-2.0-x"
 * ```
 */
export class VersionParser {
  private buf = new Uint8Array(0);
  private lines = 0;
  private consumed = 0;

  /** Feed bytes; returns the result once the identification line is complete, else `null`. */
  feed(chunk: Uint8Array): VersionResult | null {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    this.buf = merged;
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) {
        if (this.buf.length > VERSION_LIMITS.maxLineLength) {
          throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "identification line too long");
        }
        return null;
      }
      const end = nl > 0 && this.buf[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = this.buf.subarray(0, end);
      const rest = this.buf.subarray(nl + 1);
      if (nl + 1 > VERSION_LIMITS.maxLineLength) {
        throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "identification line too long");
      }
      if (isSshLine(line)) {
        const version = new TextDecoder().decode(line);
        if (!version.startsWith("SSH-2.0-") && !version.startsWith("SSH-1.99-")) {
          throw new DisconnectError(
            DISCONNECT.PROTOCOL_VERSION_NOT_SUPPORTED,
            `unsupported protocol version: ${printable(version)}`,
          );
        }
        if (line.includes(0)) throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "NUL in identification line");
        return { version, rest: rest.slice() };
      }
      this.lines++;
      this.consumed += nl + 1;
      if (this.lines > VERSION_LIMITS.maxPreBannerLines || this.consumed > VERSION_LIMITS.maxPreBannerBytes) {
        throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "too many lines before identification string");
      }
      this.buf = rest.slice();
    }
  }
}

function isSshLine(line: Uint8Array): boolean {
  return line.length >= 4 && line[0] === 0x53 && line[1] === 0x53 && line[2] === 0x48 && line[3] === 0x2d;
}

/** Make a peer-supplied string safe for a log line. */
export function printable(s: string, max = 200): string {
  // deno-lint-ignore no-control-regex
  const clean = s.replace(/[\x00-\x1f\x7f]/g, "?");
  return clean.length > max ? clean.slice(0, max) + "…" : clean;
}
