/**
 * Packet cipher throughput: MB/s (1 MB = 1e6 bytes of payload) of `seal`,
 * `open` and a full `seal` + `decryptLength` + `open` round for 32 KiB
 * payloads, for each registered cipher with this runtime's crypto provider
 * (plus the noble ChaCha20 fallback where the native one is the default); the
 * non-AEAD ciphers (AES-CTR) once with every MAC.
 *
 * Run: `deno run -A scripts/bench/cipher_bench.ts` or `bun scripts/bench/cipher_bench.ts`.
 * Options: `--seconds N` (timing per cell, default 1), `--size BYTES` (payload, default 32768).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { createCryptoProvider, hasNativeChaCha20 } from "../../src/runtime/crypto.ts";
import { CIPHERS } from "../../src/ssh/crypto/ciphers.ts";
import { MACS } from "../../src/ssh/crypto/macs.ts";
import type { CryptoProvider } from "../../src/ssh/crypto/provider.ts";
import type { PacketCipher } from "../../src/ssh/transport/cipher.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { seconds: { type: "string", default: "1" }, size: { type: "string", default: "32768" } },
});
const SECONDS = Number(values.seconds);
const PAYLOAD = Number(values.size);

/** A binary packet with `payload` bytes, padded for `cipher`. */
function packetFor(cipher: PacketCipher, payload: number): Uint8Array {
  const counted = (cipher.lengthExcludedFromPadding ? 0 : 4) + 1 + payload;
  let pad = cipher.blockSize - (counted % cipher.blockSize);
  if (pad < 4) pad += cipher.blockSize;
  const packet = new Uint8Array(5 + payload + pad);
  crypto.getRandomValues(packet.subarray(0, Math.min(packet.length, 65536)));
  new DataView(packet.buffer).setUint32(0, 1 + payload + pad);
  packet[4] = pad;
  return packet;
}

/** Runs `step` repeatedly: 0.5 s warm-up, then at least `SECONDS`; returns payload MB/s. */
function measure(step: (i: number) => void): number {
  let i = 0;
  const warm = performance.now() + 500;
  while (performance.now() < warm) step(i++);
  const start = performance.now();
  let n = 0;
  let now = start;
  while (now - start < SECONDS * 1000) {
    for (let k = 0; k < 16; k++) step(i++);
    n += 16;
    now = performance.now();
  }
  return (n * PAYLOAD) / ((now - start) / 1000) / 1e6;
}

function benchCipher(label: string, provider: CryptoProvider, name: string, macName?: string): string {
  const alg = CIPHERS.get(name);
  if (!alg) throw new Error(`unknown cipher ${name}`);
  const macAlg = macName === undefined ? undefined : MACS.get(macName);
  const key = crypto.getRandomValues(new Uint8Array(alg.keyLength));
  const iv = crypto.getRandomValues(new Uint8Array(alg.ivLength));
  const mac = macAlg && { algorithm: macAlg, key: crypto.getRandomValues(new Uint8Array(macAlg.keyLength)) };
  const make = () => alg.create(provider, key, iv, "encrypt", mac);
  const packet = packetFor(make(), PAYLOAD);

  const sealer = make();
  const seal = measure((i) => sealer.seal(i >>> 0, packet));

  // open needs packets sealed in the same order (GCM's IV advances per packet).
  const pre = make();
  const wires = Array.from({ length: 64 }, (_, i) => pre.seal(i, packet));
  let opener = make();
  const open = measure((i) => {
    const k = i % 64;
    if (k === 0) opener = make();
    opener.open(k, wires[k]);
  });

  const tx = make();
  const rx = make();
  const both = measure((i) => {
    const seq = i >>> 0;
    const wire = tx.seal(seq, packet);
    rx.decryptLength(seq, wire);
    rx.open(seq, wire);
  });
  const f = (v: number) => v.toFixed(0).padStart(8);
  return `${(name + (macName ? ` + ${macName}` : "") + label).padEnd(46)}${f(seal)}${f(open)}${f(both)}`;
}

const runtime = navigator.userAgent;
const provider = createCryptoProvider();
console.log(`${runtime}, provider ${provider.name}, payload ${PAYLOAD} B, ${SECONDS} s per cell`);
console.log(`${"cipher".padEnd(46)}${"seal".padStart(8)}${"open".padStart(8)}${"s+o".padStart(8)}   (MB/s)`);
for (const [name, alg] of CIPHERS) {
  if (alg.aead) console.log(benchCipher("", provider, name));
  else for (const mac of MACS.keys()) console.log(benchCipher("", provider, name, mac));
}
if (hasNativeChaCha20()) {
  const noble = createCryptoProvider({ chacha20: "noble" });
  console.log(benchCipher(" [noble chacha20]", noble, "chacha20-poly1305@openssh.com"));
}
