/**
 * Unix-domain stream sockets for Deno: `Deno.listen`/`Deno.connect` with
 * `transport: "unix"`, as {@link UnixListener} and {@link ByteStream}
 * (`DenoStream`: not reading is back-pressure on the peer).
 *
 * @module
 */
import type { ByteStream, UnixListener } from "./types.ts";
import { DenoStream } from "./deno_stream.ts";
import { acceptDeno } from "./deno_tcp.ts";
import { bindUnixSocket, type UnixSocketFile } from "./unix_socket_file.ts";
import { toConnectError } from "./connect_common.ts";

/**
 * Listen on a unix-domain stream socket at `path`. Throws {@link ListenError}
 * (`EADDRINUSE` when the path exists; it is never unlinked here).
 *
 * @example
 * ```ts
 * const listener = listenUnixDeno("/tmp/app.sock");
 * for await (const stream of listener.accept()) handle(stream);
 * listener.close(); // also removes /tmp/app.sock
 * ```
 */
export function listenUnixDeno(path: string): UnixListener {
  const file = bindUnixSocket(
    path,
    (at) => Deno.listen({ transport: "unix", path: at }),
    (listener) => listener.close(),
  );
  return new DenoUnixListener(path, file);
}

class DenoUnixListener implements UnixListener {
  readonly path: string;
  #file: UnixSocketFile<Deno.UnixListener>;
  #closed = false;

  constructor(path: string, file: UnixSocketFile<Deno.UnixListener>) {
    this.path = path;
    this.#file = file;
  }

  accept(): AsyncIterable<ByteStream> {
    return acceptDeno(this.#file.listener, () => this.#closed, (conn) => new DenoStream(conn));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#file.listener.close();
    } catch {
      // already closed
    }
    this.#file.remove();
  }
}

/**
 * Connect to the unix-domain stream socket at `path`. Throws
 * {@link ConnectError} (`ENOENT`, `ECONNREFUSED`, `EACCES`, `OTHER`).
 *
 * @example
 * ```ts
 * const stream = await connectUnixDeno("/run/docker.sock");
 * ```
 */
export async function connectUnixDeno(path: string): Promise<ByteStream> {
  try {
    return new DenoStream(await Deno.connect({ transport: "unix", path }));
  } catch (error) {
    throw toConnectError(error, path);
  }
}
