import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { concat, SshReader, SshWriter, timingSafeEqual, WireError } from "../../src/ssh/wire.ts";

Deno.test("wire: RFC 4251 §5 mpint examples encode exactly", () => {
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
  const mp = (v: number[]) => hex(new SshWriter().mpint(new Uint8Array(v)).bytes());
  assertEquals(mp([]), "00 00 00 00"); // 0
  assertEquals(mp([0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7]), "00 00 00 08 09 a3 78 f9 b2 e3 32 a7");
  assertEquals(mp([0x80]), "00 00 00 02 00 80");
  assertEquals(mp([0x00, 0x00, 0x7f]), "00 00 00 01 7f"); // leading zeros stripped
});

Deno.test("wire: round trip of every type", () => {
  const w = new SshWriter(1)
    .byte(7)
    .boolean(true)
    .uint32(0xdeadbeef)
    .uint64(0x0102030405060708n)
    .string("héllo")
    .nameList(["a", "b,c".replace(",", "")])
    .nameList([]);
  const r = new SshReader(w.bytes());
  assertEquals(r.byte(), 7);
  assertEquals(r.boolean(), true);
  assertEquals(r.uint32(), 0xdeadbeef);
  assertEquals(r.uint64(), 0x0102030405060708n);
  assertEquals(r.utf8(), "héllo");
  assertEquals(r.nameList(), ["a", "bc"]);
  assertEquals(r.nameList(), []);
  r.end();
});

Deno.test("wire: truncation, bad UTF-8, negative mpint and trailing bytes are WireErrors", () => {
  assertThrows(() => new SshReader(new Uint8Array([0, 0, 0, 5, 1])).string(), WireError, "truncated");
  assertThrows(() => new SshReader(new Uint8Array([0, 0, 0, 1, 0xff])).utf8(), WireError, "UTF-8");
  assertThrows(() => new SshReader(new Uint8Array([0, 0, 0, 1, 0x80])).mpintUnsigned(), WireError, "negative");
  assertThrows(() => new SshReader(new Uint8Array([1, 2])).end(), WireError, "trailing");
  assertThrows(() => new SshReader(new Uint8Array([0xff, 0xff, 0xff, 0xff])).string(), WireError);
});

Deno.test("wire: timingSafeEqual and concat", () => {
  assert(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert(!timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert(!timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 2])));
  assertEquals([...concat(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3]))], [1, 2, 3]);
});
