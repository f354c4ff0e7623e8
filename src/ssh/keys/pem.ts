/**
 * PEM armor (RFC 7468, with the RFC 1421 headers OpenSSL still writes for
 * its legacy encryption):
 *
 * ```
 * -----BEGIN RSA PRIVATE KEY-----
 * Proc-Type: 4,ENCRYPTED
 * DEK-Info: AES-128-CBC,62DC547159FCB5EA59EB1CBF9F910D4C
 *
 * base64 …
 * -----END RSA PRIVATE KEY-----
 * ```
 *
 * @example
 * ```ts
 * const block = parsePem(text);
 * block.label; // "RSA PRIVATE KEY"
 * block.headers.get("DEK-Info"); // "AES-128-CBC,62DC…" or undefined
 * ```
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { KeyFormatError } from "./errors.ts";

/** One PEM block. */
export interface PemBlock {
  /** The label between `BEGIN ` and the dashes, e.g. `PRIVATE KEY`. */
  readonly label: string;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`), in file order. */
  readonly headers: ReadonlyMap<string, string>;
  /** The decoded body. */
  readonly body: Uint8Array;
}

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * The label of the first PEM block in `text`, or `undefined` if there is none.
 *
 * @example
 * ```ts
 * pemLabel("-----BEGIN EC PRIVATE KEY-----\n…"); // "EC PRIVATE KEY"
 * ```
 */
export function pemLabel(text: string): string | undefined {
  return BEGIN_RE.exec(text)?.[1];
}

/**
 * Parse the first PEM block in `text`. Throws {@link KeyFormatError} if
 * there is none, if its END line is missing (a truncated file), or if the
 * body is not base64.
 *
 * @example
 * ```ts
 * const { label, body } = parsePem(await Deno.readTextFile("key.pem"));
 * ```
 */
export function parsePem(text: string): PemBlock {
  const m = BEGIN_RE.exec(text);
  if (!m) throw new KeyFormatError('no PEM "-----BEGIN …-----" line');
  const label = m[1];
  const endLine = `-----END ${label}-----`;
  const start = m.index + m[0].length;
  const end = text.indexOf(endLine, start);
  if (end < 0) throw new KeyFormatError(`key file is truncated: no "${endLine}" line`);
  const lines = text.slice(start, end).split(/\r?\n/);
  const headers = new Map<string, string>();
  let i = 0;
  while (i < lines.length && lines[i].trim() === "") i++;
  if (i < lines.length && /^[A-Za-z0-9-]+:/.test(lines[i])) {
    let last = "";
    for (; i < lines.length && lines[i].trim() !== ""; i++) {
      const line = lines[i];
      const h = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line);
      if (h) {
        last = h[1];
        headers.set(last, h[2]);
      } else if (/^\s/.test(line) && last) {
        headers.set(last, headers.get(last) + line.trim());
      } else {
        throw new KeyFormatError(`PEM "${label}": bad header line`);
      }
    }
  }
  const b64 = lines.slice(i).join("").replace(/[ \t\r]+/g, "");
  if (b64 === "") throw new KeyFormatError(`PEM "${label}" is empty between its BEGIN and END lines`);
  return { label, headers, body: decodeBase64(b64) };
}
