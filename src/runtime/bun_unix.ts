/**
 * Unix-domain stream sockets for Bun: `Bun.listen`/`Bun.connect` with
 * `unix: path`, as {@link UnixListener} and {@link ByteStream} (`BunStream`
 * of `bun_stream.ts`: paused while more than 1 MiB is queued unread, half-open
 * allowed).
 *
 * @module
 */
import type { ByteStream, UnixListener } from "./types.ts";
import { bunGlobal, type BunUnixListener } from "./bun_api.ts";
import { BunStream, bunStreamHandler } from "./bun_stream.ts";
import { AcceptQueue } from "./bun_accept_queue.ts";
import { bindUnixSocket, type UnixSocketFile } from "./unix_socket_file.ts";
import { toConnectError } from "./connect_common.ts";

/**
 * Listen on a unix-domain stream socket at `path`. Throws {@link ListenError}
 * (`EADDRINUSE` when the path exists; it is never unlinked here).
 *
 * @example
 * ```ts
 * const listener = listenUnixBun("/tmp/app.sock");
 * for await (const stream of listener.accept()) handle(stream);
 * listener.close(); // also removes /tmp/app.sock
 * ```
 */
export function listenUnixBun(path: string): UnixListener {
  const queue = new AcceptQueue<BunStream>();
  const socket = bunStreamHandler((s) => new BunStream(s), (stream) => queue.enqueue(stream));
  const file = bindUnixSocket(
    path,
    (at) => bunGlobal().listen({ unix: at, allowHalfOpen: true, socket }),
    (listener) => listener.stop(true),
  );
  return new BunUnixListenerImpl(path, file, queue);
}

class BunUnixListenerImpl implements UnixListener {
  readonly path: string;
  #file: UnixSocketFile<BunUnixListener>;
  #queue: AcceptQueue<BunStream>;
  #closed = false;

  constructor(path: string, file: UnixSocketFile<BunUnixListener>, queue: AcceptQueue<BunStream>) {
    this.path = path;
    this.#file = file;
    this.#queue = queue;
  }

  accept(): AsyncIterable<ByteStream> {
    return this.#queue.accept();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.listener.stop(false);
    this.#queue.close();
    this.#file.remove();
  }
}

/**
 * Connect to the unix-domain stream socket at `path`. Throws
 * {@link ConnectError} (`ENOENT`, `ECONNREFUSED`, `EACCES`, `OTHER`).
 *
 * @example
 * ```ts
 * const stream = await connectUnixBun("/run/docker.sock");
 * ```
 */
export async function connectUnixBun(path: string): Promise<ByteStream> {
  let opened: BunStream | undefined;
  const socket = bunStreamHandler((s) => new BunStream(s), (stream) => opened = stream);
  try {
    await bunGlobal().connect({ unix: path, allowHalfOpen: true, socket });
  } catch (error) {
    throw toConnectError(error, path);
  }
  if (!opened) throw toConnectError(new Error("Bun.connect resolved before the socket opened"), path);
  return opened;
}
