/**
 * zlib compression for SSH (`src/ssh/transport/compression.ts`, `deflate.ts`,
 * `inflate.ts`, the Huffman helpers and Adler-32), checked against node:zlib
 * (the zlib C library) as the independent implementation:
 *
 * - ours → zlib: the concatenated per-packet outputs, and every prefix that
 *   ends on a packet boundary, inflate to exactly the payloads so far;
 * - zlib → ours: zlib's streaming deflate, sync- or partial-flushed after each
 *   chunk (OpenSSH uses Z_PARTIAL_FLUSH, which can leave up to 7 bits of a
 *   block for the next packet), at several levels and strategies, decompressed
 *   packet by packet; whole zlib streams cut at arbitrary bytes;
 * - bounds: zip bombs, garbage and bit flips end in CompressionError only.
 */
import * as zlib from "node:zlib";
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  COMPRESSION_NONE,
  COMPRESSION_ZLIB,
  COMPRESSION_ZLIB_OPENSSH,
  CompressionError,
  COMPRESSIONS,
  Compressor,
  Decompressor,
  DEFAULT_COMPRESSION,
  findCompression,
} from "../../src/ssh/transport/compression.ts";
import { Inflater } from "../../src/ssh/transport/inflate.ts";
import { Deflater } from "../../src/ssh/transport/deflate.ts";
import { adler32 } from "../../src/ssh/transport/adler32.ts";
import { buildDecodeTable, decodeCanonical } from "../../src/ssh/transport/huffman_decoder.ts";
import { codeLengths, reversedCodes } from "../../src/ssh/transport/huffman_encoder.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";

const te = new TextEncoder();
const MAX = 256 * 1024 + 64;

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

/** Text-like data: words from a small vocabulary (compressible, with matches at many distances). */
function words(length: number, seed: number): Uint8Array {
  const vocab = [
    "the ",
    "packet ",
    "channel ",
    "window ",
    "data ",
    "ssh ",
    "\n",
    "ls -l ",
    "total 42\n",
    "drwxr-xr-x ",
  ];
  const r = noise(length, seed);
  let s = "";
  for (let i = 0; s.length < length; i++) s += vocab[r[i % r.length] % vocab.length];
  return te.encode(s.slice(0, length));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function zlibInflate(stream: Uint8Array): Uint8Array {
  return new Uint8Array(zlib.inflateSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
}

/** zlib's streaming deflate, flushed with `flush` after each chunk: one output piece per chunk. */
function zlibPieces(chunks: readonly Uint8Array[], options: zlib.ZlibOptions, flush: number): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const d = zlib.createDeflate(options);
    const pieces: Uint8Array[] = [];
    let current: Uint8Array[] = [];
    d.on("data", (b: Buffer) => current.push(new Uint8Array(b)));
    d.on("error", reject);
    let i = 0;
    const next = () => {
      if (i > 0) {
        pieces.push(concat(current));
        current = [];
      }
      if (i === chunks.length) {
        d.close();
        resolve(pieces);
        return;
      }
      d.write(Buffer.from(chunks[i++]));
      d.flush(flush, next);
    };
    next();
  });
}

/** A session-like mix: small interactive payloads, repeated commands, bulk text and noise, 32 KiB and larger. */
function sessionPayloads(): Uint8Array[] {
  return [
    te.encode("SSH_MSG_CHANNEL_OPEN session"),
    Uint8Array.of(94, 0, 0, 0, 0, 0, 0, 0, 1, 108),
    words(1, 1),
    words(100, 2),
    words(100, 2), // an exact repeat: must come out tiny
    new Uint8Array(0),
    words(5000, 3),
    noise(3000, 4),
    words(32768, 5),
    new Uint8Array(32768), // zeros
    words(70000, 6),
    noise(40000, 7),
    words(300, 8),
    concat([words(1000, 9), noise(1000, 10), words(1000, 9)]),
    new Uint8Array(MAX - 64).fill(0x61),
    Uint8Array.of(0x5e),
  ];
}

Deno.test("adler32: known values and zlib's trailer", () => {
  assertEquals(adler32(1, te.encode("Wikipedia")), 0x11e60398);
  assertEquals(adler32(1, new Uint8Array(0)), 1);
  for (const data of [new Uint8Array(100000).fill(0xff), noise(77777, 3)]) {
    const z = zlib.deflateSync(data);
    const trailer = new DataView(z.buffer, z.byteOffset + z.length - 4, 4).getUint32(0);
    assertEquals(adler32(1, data), trailer);
    assertEquals(adler32(adler32(1, data.subarray(0, 12345)), data.subarray(12345)), trailer, "continued");
  }
});

Deno.test("huffman: RFC 1951 §3.2.2 example code (ABCDEFGH with lengths 3,3,3,3,3,2,4,4)", () => {
  const lengths = Uint8Array.of(3, 3, 3, 3, 3, 2, 4, 4);
  const expected = ["010", "011", "100", "101", "110", "00", "1110", "1111"];
  const codes = reversedCodes(lengths, 8);
  for (let s = 0; s < 8; s++) {
    // reversed codes are sent LSB first: bit i of the reversed code is the i-th bit of the code
    const sent = Array.from({ length: lengths[s] }, (_, i) => (codes[s] >> i) & 1).join("");
    assertEquals(sent, expected[s], `symbol ${s}`);
    for (const root of [2, 3, 9]) {
      const t = buildDecodeTable(lengths, 8, root)!;
      const fast = t.fast[codes[s] & ((1 << root) - 1)];
      const e = fast !== 0 ? fast : decodeCanonical(t, codes[s], 15);
      assertEquals([e >> 4, e & 15], [s, lengths[s]], `decode ${s} with root ${root}`);
    }
  }
  assertEquals(buildDecodeTable(Uint8Array.of(1, 1, 1), 3, 9), null, "over-subscribed");
  assertEquals(decodeCanonical(buildDecodeTable(Uint8Array.of(1, 0, 0), 3, 9)!, 1, 15), -2, "unused code");
});

Deno.test("huffman: code lengths are optimal-ish, complete, and limited", () => {
  assertEquals([...codeLengths(Uint32Array.of(10, 1, 1, 0), 4, 15)], [1, 2, 2, 0]);
  assertEquals([...codeLengths(Uint32Array.of(0, 0, 5), 3, 15)], [1, 0, 1], "one symbol gets a partner");
  assertEquals([...codeLengths(Uint32Array.of(3, 100000, 1, 70000), 4, 15)], [3, 1, 3, 2], "weights above 16 bits");
  assertEquals([...codeLengths(Uint32Array.of(300, 2, 256, 1, 40), 5, 15)], [1, 4, 2, 4, 3], "radix on both bytes");
  // Fibonacci frequencies make a 20-deep tree unless limited
  const fib = [1, 1];
  while (fib.length < 22) fib.push(fib[fib.length - 1] + fib[fib.length - 2]);
  for (const limit of [15, 7]) {
    const l = codeLengths(Uint32Array.from(fib), fib.length, limit);
    assert(Math.max(...l) <= limit, `limit ${limit}: ${l}`);
    const kraft = [...l].reduce((k, len) => k + 2 ** -len, 0);
    assertEquals(kraft, 1, "complete code");
  }
});

Deno.test("deflate → zlib: each packet's output completes the payload (every packet-boundary prefix inflates)", () => {
  const payloads = sessionPayloads();
  const c = new Compressor();
  const pieces = payloads.map((p) => c.compress(p));
  for (const piece of pieces) assertEquals([...piece.subarray(piece.length - 4)], [0, 0, 0xff, 0xff], "sync flush");
  assertEquals([pieces[0][0], pieces[0][1]], [0x78, 0x9c], "zlib header once");
  assert(pieces[4].length < 12, `a repeated payload refers back: ${pieces[4].length} bytes`);
  // BTYPE (bits 1–2 of a piece's first byte): fixed Huffman for a short payload, dynamic for bulk text
  assertEquals((pieces[3][0] >> 1) & 3, 1, "words(100)");
  assertEquals((pieces[6][0] >> 1) & 3, 2, "words(5000)");
  assertEquals((pieces[7][0] >> 1) & 3, 0, "noise is stored");
  for (let k = 1; k <= pieces.length; k++) {
    assertEquals(zlibInflate(concat(pieces.slice(0, k))), concat(payloads.slice(0, k)), `prefix of ${k} packets`);
  }
});

Deno.test("deflate: compresses about as well as zlib level 1 on text, and never grows noise by more than 0.1%", () => {
  const text = words(200000, 11);
  const ours = concat(
    Array.from({ length: 20 }, (_, i) => text.subarray(i * 10000, (i + 1) * 10000))
      .map(((c) => (p: Uint8Array) => c.compress(p))(new Compressor())),
  );
  const theirs = zlib.deflateSync(text, { level: 1 });
  assert(ours.length < theirs.length * 1.25, `ours ${ours.length} vs zlib -1 ${theirs.length}`);
  const rnd = noise(100000, 12);
  const z = new Compressor().compress(rnd);
  assert(z.length <= rnd.length * 1.001 + 16, `noise grew to ${z.length}`);
  assertEquals(zlibInflate(z), rnd);
});

Deno.test("deflate: tuning options, many small packets across window slides and position renumbering", () => {
  const tunings = [{ maxChain: 1, niceLength: 3 }, { maxChain: 1024, niceLength: 258 }, { rebaseAfter: 40000 }];
  for (const options of tunings) {
    const d = new Deflater(options);
    const payloads = Array.from(
      { length: 400 },
      (_, i) => (i % 7 === 0 ? noise(900, i) : words(50 + (i * 37) % 700, i)),
    );
    const pieces = payloads.map((p) => d.compress(p));
    assertEquals(zlibInflate(concat(pieces)), concat(payloads));
    const dec = new Decompressor();
    pieces.forEach((p, i) => assertEquals(dec.decompress(p, MAX), payloads[i], `packet ${i}`));
  }
});

for (
  const [label, flush] of [["Z_SYNC_FLUSH", zlib.constants.Z_SYNC_FLUSH], ["Z_PARTIAL_FLUSH (OpenSSH)", 1]] as const
) {
  Deno.test(`zlib → inflate: streaming deflate with ${label} per packet, levels and strategies`, async () => {
    const payloads = sessionPayloads();
    const settings: zlib.ZlibOptions[] = [
      { level: 6 },
      { level: 1 },
      { level: 9, memLevel: 9 },
      { level: 0 },
      { level: 6, strategy: zlib.constants.Z_HUFFMAN_ONLY },
      { level: 6, strategy: zlib.constants.Z_FIXED },
      { level: 6, strategy: zlib.constants.Z_RLE },
      { level: 6, windowBits: 9 },
    ];
    for (const options of settings) {
      const pieces = await zlibPieces(payloads, options, flush);
      const d = new Decompressor();
      pieces.forEach((piece, i) => {
        assertEquals(d.decompress(piece, MAX), payloads[i], `${JSON.stringify(options)} packet ${i}`);
      });
    }
  });
}

Deno.test("inflate: whole zlib streams cut at arbitrary bytes; the checksum and the end are enforced", () => {
  const data = concat([words(50000, 21), noise(20000, 22), new Uint8Array(30000), words(70000, 23)]);
  for (const level of [0, 1, 6, 9]) {
    const z = new Uint8Array(zlib.deflateSync(data, { level }));
    const cuts = noise(64, level).map((b) => b % 200);
    const inf = new Inflater();
    const out: Uint8Array[] = [];
    let pos = 0;
    for (let i = 0; pos < z.length; i++) {
      const step = i < 200 ? 1 + (cuts[i % cuts.length] % 7) : 1 + cuts[i % cuts.length] * 50;
      out.push(inf.inflate(z.subarray(pos, pos + step), MAX));
      pos += step;
    }
    assertEquals(concat(out), data, `level ${level}`);
    assert(inf.ended, "the final block and Adler-32 were read");
    assertThrows(() => inf.inflate(Uint8Array.of(0), MAX), Error, "after the end");
    const bad = z.slice();
    bad[bad.length - 1] ^= 1;
    assertThrows(() => new Inflater().inflate(bad, 1 << 20), Error, "Adler-32");
  }
});

Deno.test("decompress: a zip bomb stops at maxOutput with CompressionError (reason 6), and stays failed", () => {
  const bomb = new Uint8Array(
    zlib.deflateSync(new Uint8Array(50 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  );
  assert(bomb.length < 64 * 1024);
  const d = new Decompressor();
  const e = assertThrows(() => d.decompress(bomb, MAX), CompressionError, "exceeds");
  assert(e instanceof DisconnectError && e.reason === DISCONNECT.COMPRESSION_ERROR);
  assertThrows(() => d.decompress(new Compressor().compress(te.encode("x")), MAX), CompressionError);
  // the limit is exact
  const exact = new Compressor().compress(new Uint8Array(1000));
  assertEquals(new Decompressor().decompress(exact, 1000).length, 1000);
  assertThrows(() => new Decompressor().decompress(exact, 999), CompressionError, "exceeds 999");
});

Deno.test("decompress: garbage and bit-flipped streams end only in CompressionError, output bounded", () => {
  let failures = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const garbage = noise(1 + (seed * 97) % 3000, seed);
    if (seed % 2) garbage.set([0x78, 0x9c]); // past the header check, into the block decoder
    const d = new Decompressor();
    try {
      const out = d.decompress(garbage, 4096);
      assert(out.length <= 4096);
    } catch (e) {
      if (!(e instanceof CompressionError)) throw new Error(`seed ${seed}: ${e}`);
      failures++;
    }
  }
  assert(failures > 300, `most garbage is rejected (${failures}/400)`);
  const payloads = sessionPayloads().slice(0, 10);
  const c = new Compressor();
  const pieces = payloads.map((p) => c.compress(p));
  const stream = concat(pieces);
  for (let i = 0; i < 300; i++) {
    const flipped = stream.slice();
    const at = (i * 7919) % flipped.length;
    flipped[at] ^= 1 << (i % 8);
    const d = new Decompressor();
    try {
      for (let pos = 0; pos < flipped.length; pos += 4000) {
        assert(d.decompress(flipped.subarray(pos, pos + 4000), 70000).length <= 70000);
      }
    } catch (e) {
      if (!(e instanceof CompressionError)) throw new Error(`flip at ${at}: ${e}`);
    }
  }
});

Deno.test("compression: names, defaults and the error type", () => {
  assertEquals(DEFAULT_COMPRESSION, ["none", "zlib@openssh.com"]);
  assertEquals([...COMPRESSIONS.keys()], ["none", "zlib@openssh.com", "zlib"]);
  assertEquals(findCompression("zlib@openssh.com"), COMPRESSION_ZLIB_OPENSSH);
  assertEquals([COMPRESSION_ZLIB_OPENSSH.compresses, COMPRESSION_ZLIB_OPENSSH.delayed], [true, true]);
  assertEquals([COMPRESSION_ZLIB.compresses, COMPRESSION_ZLIB.delayed], [true, false]);
  assertEquals(COMPRESSION_NONE.compresses, false);
  assertEquals(findCompression("zstd@openssh.com"), undefined);
  const e = new CompressionError("x");
  assert(e instanceof DisconnectError);
  assertEquals([e.reason, e.name], [6, "CompressionError"]);
});
