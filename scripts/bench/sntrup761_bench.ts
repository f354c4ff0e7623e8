/**
 * sntrup761 throughput on this runtime: ops/s of Encap (what the server does
 * per sntrup761x25519 key exchange), Decap and KeyGen, and of the server's
 * whole sntrup761x25519-sha512 exchange (Encap + X25519 + SHA-512 hashes,
 * host-key signature stubbed) next to curve25519-sha256 for scale. Also
 * prints the cold first Encap (before the JIT has warmed up).
 *
 * Run: `deno run -A scripts/bench/sntrup761_bench.ts` or `bun scripts/bench/sntrup761_bench.ts`.
 * Options: `--seconds N` (timing per row, default 2).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { sntrup761Decap, sntrup761Encap, sntrup761KeyGen } from "../../src/ssh/crypto/sntrup761/kem.ts";
import { sntrup761x25519Kex } from "../../src/ssh/crypto/kex/sntrup761x25519.ts";
import { curve25519Kex } from "../../src/ssh/crypto/kex/curve25519.ts";
import type { KexIo, KexMethod } from "../../src/ssh/crypto/kex/method.ts";
import { SshWriter } from "../../src/ssh/wire.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { seconds: { type: "string", default: "2" } } });
const SECONDS = Number(values.seconds);

const provider = createCryptoProvider();
const sha512 = (d: Uint8Array): Uint8Array => provider.hash("sha512", d);

/** Runs `step` for 0.5 s of warm-up, then at least `seconds`; returns ops/s. */
function measure(step: () => void, seconds = SECONDS): number {
  const warm = performance.now() + 500;
  while (performance.now() < warm) step();
  const start = performance.now();
  let n = 0;
  let now = start;
  while (now - start < seconds * 1000) {
    step();
    n++;
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const { publicKey, secretKey } = sntrup761KeyGen(sha512);

const coldStart = performance.now();
sntrup761Encap(publicKey, sha512);
const coldMs = performance.now() - coldStart;

const rows: [string, number][] = [];
rows.push(["sntrup761 encap", measure(() => void sntrup761Encap(publicKey, sha512))]);
const { ciphertext } = sntrup761Encap(publicKey, sha512);
rows.push(["sntrup761 decap", measure(() => void sntrup761Decap(ciphertext, secretKey, sha512))]);
rows.push(["sntrup761 keygen", measure(() => void sntrup761KeyGen(sha512))]);

/** Ops/s of a method's whole `serve` with a canned client message and a stub host-key signature. */
async function kexOps(kex: KexMethod, clientValue: Uint8Array): Promise<number> {
  const init = new SshWriter().byte(30).string(clientValue).bytes();
  const io: KexIo = {
    crypto: provider,
    read: () => Promise.resolve(init),
    send: () => {},
    hostKeyBlob: new Uint8Array(51),
    sign: () => new Uint8Array(83),
    hashPrefix: new Uint8Array(600),
  };
  const warm = performance.now() + 500;
  while (performance.now() < warm) await kex.serve(io);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < SECONDS * 1000) {
    await kex.serve(io);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}
const hybridClient = new Uint8Array(1190);
hybridClient.set(publicKey, 0);
hybridClient.set(provider.x25519Generate().publicKey, 1158);
rows.push([
  "kex sntrup761x25519-sha512 serve",
  await kexOps(sntrup761x25519Kex("sntrup761x25519-sha512"), hybridClient),
]);
rows.push([
  "kex curve25519-sha256 serve",
  await kexOps(curve25519Kex("curve25519-sha256"), provider.x25519Generate().publicKey),
]);

console.log(`runtime: ${runtime}, crypto provider: ${provider.name}`);
console.log(`cold first encap: ${coldMs.toFixed(1)} ms`);
for (const [label, ops] of rows) {
  console.log(`${label.padEnd(36)} ${ops.toFixed(0).padStart(7)} ops/s  ${(1000 / ops).toFixed(3).padStart(8)} ms/op`);
}
