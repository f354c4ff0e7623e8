/**
 * Bridge a {@link ByteStream} to a Node.js Duplex, so test clients written for
 * Node (the npm `ssh2` Client) can talk to the engine over a memory pair.
 *
 * @module
 */
import { Duplex } from "node:stream";
import { Buffer } from "node:buffer";
import type { ByteStream } from "../../src/runtime/types.ts";

/** Wrap `s` as a Duplex. */
export function toNodeDuplex(s: ByteStream): Duplex {
  let reading = false;
  const d: Duplex = new Duplex({
    read() {
      if (reading) return;
      reading = true;
      s.read().then((c) => {
        reading = false;
        d.push(c ? Buffer.from(c) : null);
      }, (e) => d.destroy(e));
    },
    write(chunk: Buffer, _enc: string, cb: (e?: Error | null) => void) {
      s.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)).then(() => cb(), cb);
    },
    final(cb: (e?: Error | null) => void) {
      s.closeWrite().then(() => cb(), cb);
    },
    destroy(err: Error | null, cb: (e: Error | null) => void) {
      s.close();
      cb(err);
    },
  });
  return d;
}
