import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { VersionParser } from "../../src/ssh/transport/version.ts";
import { PacketReader } from "../../src/ssh/transport/packet_reader.ts";
import { PacketWriter } from "../../src/ssh/transport/packet_writer.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";
import { findCipher } from "../../src/ssh/crypto/ciphers.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";

const enc = new TextEncoder();

Deno.test("version: pre-banner lines are skipped; CRLF and bare LF both end the line", () => {
  const p = new VersionParser();
  assertEquals(p.feed(enc.encode("hello there\r\nanother line\n")), null);
  const r = p.feed(enc.encode("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x00\x00\x0c"));
  assertEquals(r?.version, "SSH-2.0-OpenSSH_9.2p1 Debian-2");
  assertEquals([...r!.rest], [0, 0, 0, 12]);
  assertEquals(new VersionParser().feed(enc.encode("SSH-2.0-x\n"))?.version, "SSH-2.0-x");
});

Deno.test("version: SSH-1.5, over-long lines and endless pre-banner are refused", () => {
  const e = assertThrows(
    () => new VersionParser().feed(enc.encode("SSH-1.5-old\r\n")),
    DisconnectError,
  ) as DisconnectError;
  assertEquals(e.reason, DISCONNECT.PROTOCOL_VERSION_NOT_SUPPORTED);
  assertThrows(() => new VersionParser().feed(enc.encode("x".repeat(300))), DisconnectError, "too long");
  const p = new VersionParser();
  assertThrows(
    () => {
      for (let i = 0; i < 2000; i++) p.feed(enc.encode("junk\r\n"));
    },
    DisconnectError,
    "too many lines",
  );
  assertEquals(new VersionParser().feed(enc.encode("SSH-1.99-compat\r\n"))?.version, "SSH-1.99-compat");
});

Deno.test("packets: none cipher round trip, byte-at-a-time delivery, sequence numbers", () => {
  const w = new PacketWriter();
  const r = new PacketReader();
  const payloads = [new Uint8Array([2, 0, 0, 0, 0]), new Uint8Array(1000).fill(9), new Uint8Array([21])];
  const wire = payloads.map((p) => w.seal(p));
  for (const x of wire) assertEquals(x.length % 8, 0);
  for (const x of wire) for (const b of x) r.push(new Uint8Array([b]));
  for (const p of payloads) assertEquals([...r.next()!], [...p]);
  assertEquals(r.next(), null);
  assertEquals(r.seq, 3);
  assertEquals(w.seq, 3);
});

for (const name of ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]) {
  Deno.test(`packets: ${name} round trip with alignment, and a flipped bit is a MAC error`, () => {
    const provider = createCryptoProvider();
    const spec = findCipher(name)!;
    const key = crypto.getRandomValues(new Uint8Array(spec.keyLength));
    const iv = crypto.getRandomValues(new Uint8Array(spec.ivLength));
    const w = new PacketWriter();
    const r = new PacketReader();
    w.setCipher(spec.create(provider, key, iv, "encrypt"));
    r.setCipher(spec.create(provider, key, iv, "decrypt"));
    for (const n of [1, 2, 15, 16, 17, 100, 32768]) {
      const p = crypto.getRandomValues(new Uint8Array(n));
      const x = w.seal(p);
      assertEquals((x.length - 16 - 4) % spec.blockSize, 0, `${n}: packet_length must be block-aligned`);
      r.push(x);
      assertEquals([...r.next()!], [...p]);
    }
    const bad = w.seal(new Uint8Array([94, 1, 2, 3]));
    bad[bad.length - 20] ^= 1;
    r.push(bad);
    const e = assertThrows(() => r.next(), DisconnectError) as DisconnectError;
    assertEquals(e.reason, DISCONNECT.MAC_ERROR);
  });
}

Deno.test("packets: lengths that are too big, too small or misaligned are refused", () => {
  for (const len of [0, 4, 0x40001, 13]) {
    const r = new PacketReader();
    r.push(new Uint8Array([len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, 4]));
    assertThrows(() => r.next(), DisconnectError, "Bad packet length");
  }
  const ok = new PacketReader();
  ok.push(new Uint8Array([0, 0, 0, 12, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  assert(ok.next());
});

Deno.test("packets: sealWith places payload[alignTo] on a 16-byte boundary and still round-trips", () => {
  const provider = createCryptoProvider();
  for (const name of ["none", "aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"]) {
    const w = new PacketWriter();
    const r = new PacketReader();
    if (name !== "none") {
      const spec = findCipher(name)!;
      const key = crypto.getRandomValues(new Uint8Array(spec.keyLength));
      const iv = crypto.getRandomValues(new Uint8Array(spec.ivLength));
      w.setCipher(spec.create(provider, key, iv, "encrypt"));
      r.setCipher(spec.create(provider, key, iv, "decrypt"));
    }
    for (const alignTo of [0, 9, 13, 15]) {
      const payload = crypto.getRandomValues(new Uint8Array(1000));
      let seen = -1;
      const wire = w.sealWith(payload.length, (dst) => {
        seen = (dst.byteOffset + alignTo) & 15;
        dst.set(payload);
      }, alignTo);
      assertEquals(seen, 0, `${name} alignTo ${alignTo}`);
      r.push(wire);
      assertEquals([...r.next()!], [...payload]);
    }
  }
});
