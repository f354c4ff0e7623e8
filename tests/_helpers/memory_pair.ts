/**
 * An in-memory duplex pair of {@link ByteStream}s for engine tests, with a
 * bounded buffer per direction so back-pressure is real.
 *
 * @module
 */
import type { ByteStream } from "../../src/runtime/types.ts";

class Pipe {
  chunks: Uint8Array[] = [];
  bytes = 0;
  ended = false;
  readWaiter: (() => void) | undefined;
  writeWaiters: Array<() => void> = [];
  constructor(readonly limit: number) {}
  wake(): void {
    const r = this.readWaiter;
    this.readWaiter = undefined;
    r?.();
  }
}

class End implements ByteStream {
  constructor(private inp: Pipe, private out: Pipe) {}
  async read(): Promise<Uint8Array | null> {
    while (this.inp.chunks.length === 0) {
      if (this.inp.ended) return null;
      await new Promise<void>((r) => (this.inp.readWaiter = r));
    }
    const c = this.inp.chunks.shift()!;
    this.inp.bytes -= c.length;
    for (const w of this.inp.writeWaiters.splice(0)) w();
    return c;
  }
  async write(data: Uint8Array): Promise<void> {
    while (this.out.bytes >= this.out.limit && !this.out.ended) {
      await new Promise<void>((r) => this.out.writeWaiters.push(r));
    }
    if (this.out.ended) throw new Error("stream closed");
    this.out.chunks.push(data.slice());
    this.out.bytes += data.length;
    this.out.wake();
  }
  closeWrite(): Promise<void> {
    this.out.ended = true;
    this.out.wake();
    return Promise.resolve();
  }
  close(): void {
    this.out.ended = true;
    this.inp.ended = true;
    this.out.wake();
    this.inp.wake();
    for (const w of this.inp.writeWaiters.splice(0)) w();
    for (const w of this.out.writeWaiters.splice(0)) w();
  }
}

/**
 * Two connected ends.
 *
 * @example
 * ```ts
 * const [a, b] = memoryPair();
 * await a.write(new Uint8Array([1])); (await b.read())![0]; // 1
 * ```
 */
export function memoryPair(limit = 1024 * 1024): [ByteStream, ByteStream] {
  const ab = new Pipe(limit);
  const ba = new Pipe(limit);
  return [new End(ba, ab), new End(ab, ba)];
}
