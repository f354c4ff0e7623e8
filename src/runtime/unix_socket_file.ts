/**
 * The file of a listening unix-domain socket: created without ever replacing
 * an existing path, and removed on close only while it is still ours.
 *
 * Deno 2.9 and Bun 1.4 both unlink the bound path when their listener closes,
 * whatever is there by then (measured: a regular file put at the path after
 * binding was deleted). So the socket is bound at a private temporary name in
 * the same directory and published with `link(2)`, which fails with `EEXIST`
 * if the path exists (atomically, unlike a check before `bind`); the
 * temporary name is unlinked at once. The runtime's own unlink on close then
 * misses, and {@link UnixSocketFile.remove} unlinks the path only if it is
 * still the socket inode we created. Where the temporary name would not fit
 * in `sun_path` or the file system refuses hard links, the socket is bound at
 * the path directly (and the runtime's unconditional unlink applies).
 *
 * Uses only `node:fs`/`node:path`, which Deno and Bun both implement.
 *
 * @module
 */
import { linkSync, lstatSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ListenError } from "./types.ts";
import { errorCode, toListenError } from "./node_common.ts";

/** `sun_path` holds 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * A bound listener and its socket file.
 *
 * @example
 * ```ts
 * const file: UnixSocketFile<Deno.UnixListener> = bindUnixSocket("/tmp/a.sock", bind, close);
 * close(file.listener);
 * file.remove();
 * ```
 */
export interface UnixSocketFile<L> {
  /** The runtime's listener. */
  readonly listener: L;
  /** Unlink the path if it still is the socket created here (best effort; never throws). */
  remove(): void;
}

/**
 * Bind a unix-domain listener with `bind(at)` and make it reachable at
 * `path`. Throws {@link ListenError} (`EADDRINUSE` when `path` exists, which
 * is never unlinked here). `close(listener)` is used to undo a bind on failure.
 *
 * @example
 * ```ts
 * const file = bindUnixSocket("/tmp/app.sock", (at) => Deno.listen({ transport: "unix", path: at }), (l) => l.close());
 * ```
 */
export function bindUnixSocket<L>(
  path: string,
  bind: (at: string) => L,
  close: (listener: L) => void,
): UnixSocketFile<L> {
  const temporary = temporaryName(path);
  let listener: L | undefined;
  if (new TextEncoder().encode(temporary).length <= MAX_SOCKET_PATH_BYTES) {
    listener = bindAt(temporary, path, bind);
    try {
      linkSync(temporary, path);
    } catch (error) {
      close(listener);
      listener = undefined;
      removeQuietly(temporary);
      if (errorCode(error) === "EEXIST") {
        throw new ListenError(`cannot listen on unix socket ${path}: the path exists (remove it first)`, "EADDRINUSE");
      }
    }
    removeQuietly(temporary);
  }
  listener ??= bindAt(path, path, bind);
  const identity = lstatSync(path);
  return {
    listener,
    remove(): void {
      try {
        const now = lstatSync(path);
        if (now.isSocket() && now.dev === identity.dev && now.ino === identity.ino) unlinkSync(path);
      } catch {
        // already gone, or the directory became unreadable: nothing of ours to remove
      }
    },
  };
}

/** A hidden, random name next to `path`. */
function temporaryName(path: string): string {
  const random = [...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return join(dirname(path), `.${basename(path).slice(0, 8)}.${random}`);
}

function bindAt<L>(at: string, path: string, bind: (at: string) => L): L {
  try {
    return bind(at);
  } catch (error) {
    throw toListenError(error, path);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
