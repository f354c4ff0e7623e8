/**
 * File paths as bytes: SFTP names are not guaranteed UTF-8, so the default
 * backend splits and joins them without decoding, and turns them into a
 * `node:fs` path only at the last moment ({@link toFsPath}).
 *
 * Bun's `node:fs` passes `Buffer` paths to the kernel byte for byte. Deno's
 * decodes them as UTF-8 and replaces invalid bytes with U+FFFD (measured with
 * Deno 2.9.6), which would silently create or touch a different file; there a
 * non-UTF-8 name goes to the runtime's `ByteFs` (a {@link BytePath}) when one
 * is given, and is refused with FAILURE otherwise.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import { SFTP_STATUS, SftpError } from "../sftp/backend.ts";
import type { ByteFs } from "../runtime/byte_fs.ts";
import { BytePath } from "./sftp_host_fs.ts";

const SLASH = 0x2f;
const DOT = 0x2e;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Whether this runtime's `node:fs` keeps non-UTF-8 bytes of `Buffer` paths
 * (Bun: yes; Deno: no, it substitutes U+FFFD).
 *
 * @example
 * ```ts
 * const backend = diskBackend({ home, rawNames: runtimeKeepsRawNames() });
 * ```
 */
export function runtimeKeepsRawNames(): boolean {
  return typeof process.versions.deno !== "string";
}

/**
 * The UTF-8 bytes of a string path.
 *
 * @example
 * ```ts
 * pathBytes("/home/me"); // Uint8Array [47, 104, ...]
 * ```
 */
export function pathBytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/**
 * Whether `path` starts with "/".
 *
 * @example
 * ```ts
 * isAbsolute(pathBytes("/etc")); // true
 * ```
 */
export function isAbsolute(path: Uint8Array): boolean {
  return path.length > 0 && path[0] === SLASH;
}

/**
 * The non-empty components of `path` ("." and ".." included, as written).
 *
 * @example
 * ```ts
 * splitPath(pathBytes("/a//b/../c/")); // ["a", "b", "..", "c"] as bytes
 * ```
 */
export function splitPath(path: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path[i] === SLASH) {
      if (i > start) out.push(path.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/**
 * Whether the component is "." (`dots` = 1) or ".." (`dots` = 2).
 *
 * @example
 * ```ts
 * isDots(pathBytes(".."), 2); // true
 * ```
 */
export function isDots(component: Uint8Array, dots: 1 | 2): boolean {
  return component.length === dots && component[0] === DOT && (dots === 1 || component[1] === DOT);
}

/**
 * `prefix` + "/" + each component; "/" when both are empty.
 *
 * @example
 * ```ts
 * joinPath(pathBytes("/srv"), [pathBytes("a"), pathBytes("b")]); // "/srv/a/b"
 * joinPath(new Uint8Array(0), []); // "/"
 * ```
 */
export function joinPath(prefix: Uint8Array, components: readonly Uint8Array[]): Uint8Array {
  if (components.length === 0) return prefix.length === 0 ? Uint8Array.of(SLASH) : prefix;
  let length = prefix.length;
  for (const c of components) length += 1 + c.length;
  const out = new Uint8Array(length);
  out.set(prefix, 0);
  let at = prefix.length;
  for (const c of components) {
    out[at++] = SLASH;
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A host path as the backend's file calls (`sftp_host_fs.ts`) should receive
 * it: a `Buffer` when the runtime's `node:fs` keeps raw bytes, otherwise a
 * string — or, for a name that is not valid UTF-8, a {@link BytePath} through
 * `byteFs` (refused without one). NUL bytes are refused everywhere (the kernel
 * would cut the name short).
 *
 * @example
 * ```ts
 * await stat(toFsPath(pathBytes("/tmp"), true));
 * await stat(toFsPath(Uint8Array.of(0x2f, 0xff), false, runtime.byteFs)); // a BytePath
 * ```
 */
export function toFsPath(path: Uint8Array, rawNames: boolean, byteFs?: ByteFs): string | Buffer | BytePath {
  if (path.includes(0)) throw new SftpError(SFTP_STATUS.BAD_MESSAGE, "File name contains a NUL byte");
  if (rawNames) return Buffer.from(path.buffer, path.byteOffset, path.byteLength);
  try {
    return strictUtf8.decode(path);
  } catch {
    if (byteFs) return new BytePath(path, byteFs);
    throw new SftpError(SFTP_STATUS.FAILURE, "File names that are not UTF-8 are not supported on this runtime");
  }
}
