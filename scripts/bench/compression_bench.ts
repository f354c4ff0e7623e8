/**
 * zlib@openssh.com codec throughput: MB/s (1 MB = 1e6 bytes of uncompressed
 * payload) of `Compressor.compress` and `Decompressor.decompress` on one
 * long-lived stream, for session-like text, zeros and random bytes, in bulk
 * (32 KiB payloads) and interactive (200-byte) packets, with the compression
 * ratio. node:zlib one-shot `deflateSync`/`inflateSync` (level 6) of the same
 * payloads is printed alongside for scale (native C, not a streaming equivalent).
 *
 * Run: `deno run -A scripts/bench/compression_bench.ts` or `bun scripts/bench/compression_bench.ts`.
 * Options: `--seconds N` (timing per cell, default 1).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import * as zlib from "node:zlib";
import { Compressor, Decompressor } from "../../src/ssh/transport/compression.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { seconds: { type: "string", default: "1" } } });
const SECONDS = Number(values.seconds);

function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** Session-like text: `ls -l`-style lines with varying numbers and names. */
function text(length: number): Uint8Array {
  const names = ["transport.ts", "packet_reader.ts", "cipher.ts", "README.md", "deno.json", "node_modules"];
  let s = "";
  for (let i = 0; s.length < length; i++) {
    s += `-rw-r--r-- 1 user staff ${(i * 7919) % 100000} Jan ${1 + (i % 28)} 12:${10 + (i % 50)} ${
      names[i % names.length]
    }\n`;
  }
  return new TextEncoder().encode(s.slice(0, length));
}

/** Runs `step` repeatedly (0.3 s warm-up, then at least `SECONDS`); returns calls per second. */
function rate(step: (i: number) => void): number {
  let i = 0;
  const warm = performance.now() + 300;
  while (performance.now() < warm) step(i++);
  const start = performance.now();
  let n = 0;
  let now = start;
  while (now - start < SECONDS * 1000) {
    for (let k = 0; k < 8; k++) step(i++);
    n += 8;
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

function bench(label: string, source: Uint8Array, size: number): string {
  const count = Math.max(1, Math.floor(source.length / size));
  const payloads = Array.from({ length: count }, (_, i) => source.subarray(i * size, (i + 1) * size));
  const c = new Compressor();
  const compressRate = rate((i) => c.compress(payloads[i % count]));
  // decompress a recorded stream, restarting it when it runs out
  const recorder = new Compressor();
  const pieces = payloads.map((p) => recorder.compress(p));
  const compressed = pieces.reduce((n, p) => n + p.length, 0);
  let d = new Decompressor();
  const decompressRate = rate((i) => {
    if (i % count === 0) d = new Decompressor();
    d.decompress(pieces[i % count], 256 * 1024);
  });
  const nodeDeflate = rate((i) => zlib.deflateSync(payloads[i % count]));
  const nodeZ = payloads.map((p) => zlib.deflateSync(p));
  const nodeInflate = rate((i) => zlib.inflateSync(nodeZ[i % count]));
  const mb = (r: number) => ((r * size) / 1e6).toFixed(0).padStart(9);
  const ratio = ((compressed / (count * size)) * 100).toFixed(1).padStart(7) + "%";
  return `${label.padEnd(26)}${mb(compressRate)}${mb(decompressRate)}${ratio}${mb(nodeDeflate)}${mb(nodeInflate)}`;
}

console.log(`${navigator.userAgent}, ${SECONDS} s per cell; MB/s of uncompressed payload`);
console.log(
  `${"data, payload size".padEnd(26)}${"deflate".padStart(9)}${"inflate".padStart(9)}${"size".padStart(8)}` +
    `${"zlib-d".padStart(9)}${"zlib-i".padStart(9)}`,
);
const TEXT = text(4 * 1024 * 1024);
const ZEROS = new Uint8Array(4 * 1024 * 1024);
const NOISE = noise(4 * 1024 * 1024);
for (const size of [32768, 200]) {
  console.log(bench(`text, ${size} B`, TEXT, size));
  console.log(bench(`zeros, ${size} B`, ZEROS, size));
  console.log(bench(`random, ${size} B`, NOISE, size));
}
