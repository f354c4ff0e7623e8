/** Packet reassembly: split and packed chunks, views vs copies, length limits. */
import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { PacketLengthError, PacketReader } from "../../src/sftp/packet_reader.ts";

function source(chunks: Uint8Array[]): () => Promise<Uint8Array | null> {
  return () => Promise.resolve(chunks.shift() ?? null);
}

const pkt = (...payload: number[]) => new Uint8Array([0, 0, 0, payload.length, ...payload]);

Deno.test("sftp packet reader: packed, split and byte-at-a-time", async () => {
  const all = new Uint8Array([...pkt(1, 2, 3), ...pkt(4), ...pkt(5, 6)]);
  for (const size of [1, 2, 3, 5, 7, all.length]) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += size) chunks.push(all.slice(i, i + size));
    chunks.splice(1, 0, new Uint8Array(0));
    const r = new PacketReader(source(chunks), 100);
    assertEquals(await r.next(), new Uint8Array([1, 2, 3]), `size ${size}`);
    assertEquals(await r.next(), new Uint8Array([4]));
    assertEquals(await r.next(), new Uint8Array([5, 6]));
    assertEquals(await r.next(), null);
  }
});

Deno.test("sftp packet reader: a packet inside one chunk is a view, not a copy", async () => {
  const chunk = new Uint8Array([...pkt(9, 9), ...pkt(8)]);
  const r = new PacketReader(source([chunk]), 100);
  const p = await r.next();
  assertEquals(p!.buffer, chunk.buffer);
});

Deno.test("sftp packet reader: lengths beyond the limit, zero, and truncation", async () => {
  await assertRejects(() => new PacketReader(source([new Uint8Array([0, 0, 0, 101])]), 100).next(), PacketLengthError);
  await assertRejects(
    () => new PacketReader(source([new Uint8Array([0xff, 0xff, 0xff, 0xff, 1])]), 100).next(),
    PacketLengthError,
  );
  await assertRejects(() => new PacketReader(source([new Uint8Array([0, 0, 0, 0])]), 100).next(), PacketLengthError);
  assertEquals(
    await new PacketReader(source([pkt(...new Array(100).fill(1))]), 100).next().then((p) => p!.length),
    100,
  );
  await assertRejects(() => new PacketReader(source([new Uint8Array([0, 0, 0, 5, 1])]), 100).next(), RangeError);
  await assertRejects(() => new PacketReader(source([new Uint8Array([0, 0])]), 100).next(), RangeError);
});
