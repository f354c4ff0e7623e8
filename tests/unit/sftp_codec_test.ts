/**
 * Known-answer tests for the SFTP v3 codec: every reply packet and the ATTRS
 * structure, with the expected bytes written out by hand from
 * draft-ietf-secsh-filexfer-02 (§3 packet layout, §5 attributes, §7 replies)
 * and OpenSSH's PROTOCOL §4 (statvfs reply).
 */
import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  decodeOpenFlags,
  encodeAttrsReply,
  encodeData,
  encodeExtendedReply,
  encodeHandle,
  encodeName,
  encodeStatus,
  encodeVersion,
  readAttrs,
  writeAttrs,
  writeStatVfs,
} from "../../src/sftp/codec.ts";
import { SshReader, SshWriter, WireError } from "../../src/ssh/wire.ts";

const hex = (s: string) => new Uint8Array((s.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
const enc = new TextEncoder();

Deno.test("sftp codec: STATUS", () => {
  assertEquals(
    encodeStatus(1, 0, "Success"),
    hex("00000018 65 00000001 00000000 00000007 53756363657373 00000000"),
  );
  // Default message for a code: OpenSSH's text.
  assertEquals(encodeStatus(9, 8), encodeStatus(9, 8, "Operation unsupported"));
});

Deno.test("sftp codec: HANDLE, DATA", () => {
  assertEquals(encodeHandle(2, new Uint8Array([0xaa, 0xbb])), hex("0000000b 66 00000002 00000002 aabb"));
  assertEquals(encodeData(3, enc.encode("a")), hex("0000000a 67 00000003 00000001 61"));
  assertEquals(encodeData(0xfffffffe, new Uint8Array(0)), hex("00000009 67 fffffffe 00000000"));
});

Deno.test("sftp codec: ATTRS reply with every field, and with none", () => {
  assertEquals(
    encodeAttrsReply(4, { size: 5n, uid: 1000, gid: 100, permissions: 0o100644, atime: 1, mtime: 2 }),
    hex("00000025 69 00000004 0000000f 0000000000000005 000003e8 00000064 000081a4 00000001 00000002"),
  );
  assertEquals(encodeAttrsReply(4, {}), hex("00000009 69 00000004 00000000"));
  // nlink is for longnames only: never on the wire.
  assertEquals(encodeAttrsReply(4, { nlink: 3 }), hex("00000009 69 00000004 00000000"));
  const w = new SshWriter();
  writeAttrs(w, { size: 0x100000000n, mtime: 7 });
  assertEquals(w.bytes(), hex("00000009 0000000100000000 00000000 00000007"));
});

Deno.test("sftp codec: NAME, VERSION, EXTENDED_REPLY", () => {
  assertEquals(
    encodeName(5, [{ filename: enc.encode("a"), longname: enc.encode("b"), attrs: {} }]),
    hex("00000017 68 00000005 00000001 00000001 61 00000001 62 00000000"),
  );
  assertEquals(encodeName(5, []), hex("00000009 68 00000005 00000000"));
  assertEquals(encodeVersion(3, [["a@b", "1"]]), hex("00000011 02 00000003 00000003 614062 00000001 31"));
  assertEquals(encodeVersion(3, []), hex("00000005 02 00000003"));
  assertEquals(encodeExtendedReply(6, (w) => w.uint64(1n)), hex("0000000d c9 00000006 0000000000000001"));
});

Deno.test("sftp codec: statvfs reply body is eleven uint64 in PROTOCOL order", () => {
  const w = new SshWriter();
  writeStatVfs(w, {
    bsize: 1n,
    frsize: 2n,
    blocks: 3n,
    bfree: 4n,
    bavail: 5n,
    files: 6n,
    ffree: 7n,
    favail: 8n,
    fsid: 9n,
    flag: 10n,
    namemax: 11n,
  });
  const expected = new Uint8Array(88);
  for (let i = 0; i < 11; i++) expected[i * 8 + 7] = i + 1;
  assertEquals(w.bytes(), expected);
});

Deno.test("sftp codec: readAttrs parses every field and skips extended pairs", () => {
  const r = new SshReader(
    hex(
      "8000000f 0000000000000010 00000001 00000002 000041ed 00000003 00000004 00000002" +
        "00000001 78 00000002 797a  00000000 00000000 ff",
    ),
  );
  assertEquals(readAttrs(r), { size: 16n, uid: 1, gid: 2, permissions: 0o40755, atime: 3, mtime: 4 });
  assertEquals(r.remaining, 1);
  assertEquals(readAttrs(new SshReader(hex("00000000"))), {});
  assertThrows(() => readAttrs(new SshReader(hex("00000001 0000"))), WireError);
  assertThrows(() => readAttrs(new SshReader(hex("80000000 00000001 00000005 78"))), WireError);
});

Deno.test("sftp codec: open flags", () => {
  assertEquals(decodeOpenFlags(0x3f), {
    read: true,
    write: true,
    append: true,
    create: true,
    truncate: true,
    exclusive: true,
  });
  assertEquals(decodeOpenFlags(0x1a), {
    read: false,
    write: true,
    append: false,
    create: true,
    truncate: true,
    exclusive: false,
  });
});
