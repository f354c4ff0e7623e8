/**
 * The WebAssembly ChaCha20 / Poly1305 / chacha20-poly1305@openssh.com module
 * (`src/ssh/crypto/wasm/`): RFC 8439 known answers (§2.4.2, §2.5.2, A.2, A.3
 * — all eleven, which include the carry and reduction edge cases — and A.4),
 * differential tests against @noble/ciphers for every length 0..4096 at odd
 * offsets, counters that carry into the high word, whole packets against the
 * construction composed from noble, memory growth, and the provider options
 * that select each backend.
 *
 * Runs under Deno (`deno test`), and the same checks run under Bun: this file
 * is also a Bun script (`bun tests/unit/wasm_crypto_test.ts`), which the Deno
 * test at the end spawns.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import process from "node:process";
import { chacha20, chacha20orig } from "@noble/ciphers/chacha.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";
import { hasWasmChaChaPoly, loadWasmChaChaPoly } from "../../src/ssh/crypto/wasm/wasm_crypto.ts";
import { createCryptoProvider, CryptoProviderError, hasNativeChaCha20 } from "../../src/runtime/crypto.ts";
import { ChaCha20Poly1305Cipher } from "../../src/ssh/crypto/chacha20_poly1305.ts";
import { MacError } from "../../src/ssh/transport/cipher.ts";
import { RFC8439_CHACHA20, RFC8439_POLY1305, unhex, utf8 } from "../fixtures/crypto_vectors.ts";
import { assertBytes, type Check } from "../fixtures/provider_checks.ts";

/** RFC 8439 A.2 #2 and A.3 #2/#3: the IETF contribution text (375 bytes). */
const IETF_TEXT = "Any submission to the IETF intended by the Contributor for publication as all or part of an " +
  "IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an " +
  '"IETF Contribution". Such statements include oral statements in IETF sessions, as well as written and ' +
  "electronic communications made at any time or place, which are addressed to";

/** RFC 8439 A.2 #3 and A.3 #4: Jabberwocky (127 bytes). */
const JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" +
  "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";

/**
 * RFC 8439 A.2 (ChaCha20 encryption). The IETF nonces start with four zero
 * bytes, so the 8-byte (original-variant) nonce is their last 8 bytes.
 */
const A2_CHACHA20 = [
  {
    name: "A.2 #1",
    key: "00".repeat(32),
    nonce8: "0000000000000000",
    counter: 0,
    plaintext: new Uint8Array(64),
    ciphertext: `76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7
      da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586`,
  },
  {
    name: "A.2 #2",
    key: "00".repeat(31) + "01",
    nonce8: "0000000000000002",
    counter: 1,
    plaintext: utf8(IETF_TEXT),
    ciphertext: `a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec2a97948bd3722915c8f3d337f7d37005
      0e9e96d647b7c39f56e031ca5eb6250d4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e527950
      42bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85ad00f8449ed8f72d0d662ab052691ca66
      424bc86d2df80ea41f43abf937d3259dc4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b
      0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6ccc3aaf9f3979c92b3720fc88dc95ed84
      a1be059c6499b9fda236e7e818b04b0bc39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f
      5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e698ced759c3ff9b6477338f3da4f9cd85
      14ea9982ccafb341b2384dd902f3d1ab7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221`,
  },
  {
    name: "A.2 #3",
    key: "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
    nonce8: "0000000000000002",
    counter: 42,
    plaintext: utf8(JABBERWOCKY),
    ciphertext: `62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871
      fd84c54f9d65b283196c7fe4f60553ebf39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f77
      04c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1`,
  },
];

/** RFC 8439 A.3 (Poly1305), all eleven; #5–#11 exercise the limb carries and the final reduction mod 2^130 − 5. */
const A3_POLY1305 = [
  { name: "A.3 #1", key: "00".repeat(32), message: new Uint8Array(64), tag: "00".repeat(16) },
  {
    name: "A.3 #2",
    key: "00".repeat(16) + "36e5f6b5c5e06070f0efca96227a863e",
    message: utf8(IETF_TEXT),
    tag: "36e5f6b5c5e06070f0efca96227a863e",
  },
  {
    name: "A.3 #3",
    key: "36e5f6b5c5e06070f0efca96227a863e" + "00".repeat(16),
    message: utf8(IETF_TEXT),
    tag: "f3477e7cd95417af89a6b8794c310cf0",
  },
  {
    name: "A.3 #4",
    key: "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
    message: utf8(JABBERWOCKY),
    tag: "4541669a7eaaee61e708dc7cbcc5eb62",
  },
  { name: "A.3 #5", key: "02" + "00".repeat(31), message: unhex("ff".repeat(16)), tag: "03" + "00".repeat(15) },
  {
    name: "A.3 #6",
    key: "02" + "00".repeat(15) + "ff".repeat(16),
    message: unhex("02" + "00".repeat(15)),
    tag: "03" + "00".repeat(15),
  },
  {
    name: "A.3 #7",
    key: "01" + "00".repeat(31),
    message: unhex("ff".repeat(16) + "f0" + "ff".repeat(15) + "11" + "00".repeat(15)),
    tag: "05" + "00".repeat(15),
  },
  {
    name: "A.3 #8",
    key: "01" + "00".repeat(31),
    message: unhex("ff".repeat(16) + "fb" + "fe".repeat(15) + "01".repeat(16)),
    tag: "00".repeat(16),
  },
  { name: "A.3 #9", key: "02" + "00".repeat(31), message: unhex("fd" + "ff".repeat(15)), tag: "fa" + "ff".repeat(15) },
  {
    name: "A.3 #10",
    key: "0100000000000000040000000000000000000000000000000000000000000000",
    message: unhex(`e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000
      0000000000000000000000000000000001000000000000000000000000000000`),
    tag: "14000000000000005500000000000000",
  },
  {
    name: "A.3 #11",
    key: "0100000000000000040000000000000000000000000000000000000000000000",
    message: unhex(`e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000
      00000000000000000000000000000000`),
    tag: "13000000000000000000000000000000",
  },
];

/** RFC 8439 A.4 (Poly1305 key generation: the first 32 bytes of ChaCha20 block 0). */
const A4_POLY_KEYGEN = [
  {
    key: "00".repeat(32),
    nonce8: "0000000000000000",
    polyKey: "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7",
  },
  {
    key: "00".repeat(31) + "01",
    nonce8: "0000000000000002",
    polyKey: "ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739",
  },
  {
    key: "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0",
    nonce8: "0000000000000002",
    polyKey: "965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae",
  },
];

/**
 * One ChaCha20 block (RFC 8439 §2.3, original variant: 64-bit counter in words
 * 12–13, 64-bit nonce in 14–15), straight from the spec, as an independent
 * reference where noble refuses (it stops before block 2^32 − 1).
 */
function referenceBlock(key: Uint8Array, nonce8: Uint8Array, counterLo: number, counterHi: number): Uint8Array {
  const le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  const s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];
  for (let i = 0; i < 8; i++) s.push(le(key, 4 * i));
  s.push(counterLo >>> 0, counterHi >>> 0, le(nonce8, 0), le(nonce8, 4));
  const x = s.slice();
  const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a] + x[b]) >>> 0, x[d] = rotl(x[d] ^ x[a], 16);
    x[c] = (x[c] + x[d]) >>> 0, x[b] = rotl(x[b] ^ x[c], 12);
    x[a] = (x[a] + x[b]) >>> 0, x[d] = rotl(x[d] ^ x[a], 8);
    x[c] = (x[c] + x[d]) >>> 0, x[b] = rotl(x[b] ^ x[c], 7);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12), qr(1, 5, 9, 13), qr(2, 6, 10, 14), qr(3, 7, 11, 15);
    qr(0, 5, 10, 15), qr(1, 6, 11, 12), qr(2, 7, 8, 13), qr(3, 4, 9, 14);
  }
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) view.setUint32(4 * i, (x[i] + s[i]) >>> 0, true);
  return out;
}

/** {@link assertBytes}, with a fast comparison first (hex of large arrays is slow). */
function assertSame(actual: Uint8Array, expected: Uint8Array, message?: string): void {
  if (actual.length === expected.length && actual.every((v, i) => v === expected[i])) return;
  assertBytes(actual, expected, message);
}

/** A deterministic byte pattern (an LCG). */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** `bytes` copied to an odd byte offset inside a larger buffer (a view, not a fresh array). */
function atOffset(bytes: Uint8Array, offset: number): Uint8Array {
  const backing = new Uint8Array(bytes.length + offset + 7).fill(0xa5);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

function be64(seq: number): Uint8Array {
  const n = new Uint8Array(8);
  new DataView(n.buffer).setUint32(4, seq);
  return n;
}

/** chacha20-poly1305@openssh.com composed from noble primitives (PROTOCOL.chacha20poly1305). */
function nobleSeal(keys: Uint8Array, seq: number, packet: Uint8Array): Uint8Array {
  const nonce = be64(seq);
  const out = new Uint8Array(packet.length + 16);
  out.set(chacha20orig(keys.slice(32), nonce, packet.slice(0, 4)), 0);
  out.set(chacha20orig(keys.slice(0, 32), nonce, packet.slice(4), undefined, 1), 4);
  const polyKey = chacha20orig(keys.slice(0, 32), nonce, new Uint8Array(32));
  out.set(poly1305(out.subarray(0, packet.length), polyKey), packet.length);
  return out;
}

/** A plaintext packet with `payload` bytes, padded so packet_length is a multiple of 8. */
function packetOf(payload: number, seed: number): Uint8Array {
  let pad = 8 - ((1 + payload) % 8);
  if (pad < 4) pad += 8;
  const packet = pattern(5 + payload + pad, seed);
  new DataView(packet.buffer).setUint32(0, 1 + payload + pad);
  packet[4] = pad;
  return packet;
}

/** Every check, for Deno.test here and for the Bun run below. */
const CHECKS: readonly Check<void>[] = [
  {
    name: "the module loads (WebAssembly SIMD available)",
    run() {
      ok(hasWasmChaChaPoly());
    },
  },
  {
    name: "ChaCha20: RFC 8439 §2.4.2 and A.2 #1–#3",
    run() {
      const w = loadWasmChaChaPoly();
      const v = RFC8439_CHACHA20;
      assertBytes(w.chacha20(unhex(v.key), unhex(v.nonce8), v.counter, utf8(v.plaintext)), v.ciphertext, "§2.4.2");
      for (const a of A2_CHACHA20) {
        const ct = w.chacha20(unhex(a.key), unhex(a.nonce8), a.counter, a.plaintext);
        assertBytes(ct, a.ciphertext, a.name);
        assertBytes(w.chacha20(unhex(a.key), unhex(a.nonce8), a.counter, ct), a.plaintext, `${a.name} decrypt`);
      }
    },
  },
  {
    name: "Poly1305: RFC 8439 §2.5.2 and A.3 #1–#11",
    run() {
      const w = loadWasmChaChaPoly();
      const v = RFC8439_POLY1305;
      assertBytes(w.poly1305(unhex(v.key), utf8(v.message)), v.tag, "§2.5.2");
      for (const a of A3_POLY1305) assertBytes(w.poly1305(unhex(a.key), a.message), a.tag, a.name);
    },
  },
  {
    name: "Poly1305 key generation: RFC 8439 A.4 #1–#3 (ChaCha20 block 0)",
    run() {
      const w = loadWasmChaChaPoly();
      for (const a of A4_POLY_KEYGEN) {
        assertBytes(w.chacha20(unhex(a.key), unhex(a.nonce8), 0, new Uint8Array(32)), a.polyKey);
      }
    },
  },
  {
    name: "ChaCha20 and Poly1305 equal noble for every length 0..4096 at odd offsets",
    run() {
      const w = loadWasmChaChaPoly();
      for (let len = 0; len <= 4096; len++) {
        const key = pattern(32, len);
        const nonce = pattern(8, len + 1);
        const data = atOffset(pattern(len, len + 2), 1 + (len % 7) * 2);
        const counter = (len * 2654435761) % 0xffff_0000;
        const expected = chacha20orig(key, nonce, data, undefined, counter);
        assertSame(w.chacha20(key, nonce, counter, data), expected, `chacha20 length ${len}`);
        assertSame(w.poly1305(key, data), poly1305(data, key), `poly1305 length ${len}`);
      }
    },
  },
  {
    name: "Poly1305 equals noble for keys with every clamp-relevant bit set and all-ones messages",
    run() {
      const w = loadWasmChaChaPoly();
      for (const [len, fill] of [[16, 0xff], [17, 0xff], [32, 0xff], [1000, 0xff], [4096, 0xfe], [33, 0]]) {
        const message = new Uint8Array(len).fill(fill);
        for (const keyFill of [0xff, 0xfe, 0x80, 0x01]) {
          const key = new Uint8Array(32).fill(keyFill);
          assertBytes(w.poly1305(key, message), poly1305(message, key), `len ${len} fill ${fill} key ${keyFill}`);
        }
      }
    },
  },
  {
    name: "ChaCha20: the 64-bit block counter carries from word 12 into word 13",
    run() {
      const w = loadWasmChaChaPoly();
      const key = pattern(32, 1);
      const nonce8 = pattern(8, 2);
      for (const [start, blocks] of [[0xffff_ffff, 2], [0xffff_fffe, 16], [0xffff_fffd, 11], [0xffff_ff00, 300]]) {
        const out = w.chacha20(key, nonce8, start, new Uint8Array(blocks * 64));
        for (let i = 0; i < blocks; i++) {
          const n = start + i;
          const expected = referenceBlock(key, nonce8, n >>> 0, Math.floor(n / 0x1_0000_0000));
          assertBytes(out.subarray(64 * i, 64 * i + 64), expected, `block ${n.toString(16)}`);
        }
      }
      // Independently of referenceBlock: block 2^32 + j is IETF ChaCha20 block j with nonce LE32(1) ‖ nonce8.
      const ietfNonce = new Uint8Array(12);
      ietfNonce[0] = 1;
      ietfNonce.set(nonce8, 4);
      const data = pattern(1000, 3);
      const out = w.chacha20(key, nonce8, 0xffff_fffe, data);
      assertBytes(out.subarray(128), chacha20(key, ietfNonce, data.subarray(128), undefined, 0));
    },
  },
  {
    name: "openssh seal/length/open equal the construction composed from noble, many sizes",
    run() {
      const w = loadWasmChaChaPoly();
      const keys = pattern(64, 3);
      for (const [seq, payload] of [[0, 0], [1, 1], [2, 11], [3, 58], [4, 59], [5, 250], [6, 251], [7, 4096]]) {
        for (const s of [seq, 0x7fff_ffff + seq, 0xffff_ffff - seq]) {
          const packet = atOffset(packetOf(payload, s), 3);
          const wire = w.opensshSeal(keys, s, packet);
          assertBytes(wire, nobleSeal(keys, s, packet), `seal seq ${s} payload ${payload}`);
          strictEqual(w.opensshLength(keys, s, atOffset(wire.subarray(0, 4), 5)), packet.length - 4);
          const body = w.opensshOpen(keys, s, atOffset(wire, 1));
          ok(body, `open seq ${s}`);
          assertBytes(body, packet.subarray(4), `open seq ${s} payload ${payload}`);
        }
      }
      // Every size up to 1100 bytes crosses the small/stitched split (464 bytes) and several 256-byte chunks.
      for (let payload = 0; payload < 1100; payload++) {
        const packet = packetOf(payload, payload);
        const wire = nobleSeal(keys, payload, packet);
        assertSame(w.opensshSeal(keys, payload, packet), wire, `seal payload ${payload}`);
        assertSame(
          w.opensshOpen(keys, payload, wire) ?? new Uint8Array(0),
          packet.subarray(4),
          `open payload ${payload}`,
        );
      }
    },
  },
  {
    name: "openssh open rejects a flipped bit anywhere, a wrong seq or key, and short input",
    run() {
      const w = loadWasmChaChaPoly();
      const keys = pattern(64, 4);
      for (const payload of [100, 3000]) {
        const big = w.opensshSeal(keys, 77, packetOf(payload, 1));
        for (let i = 0; i < big.length; i += 13) {
          const bad = big.slice();
          bad[i] ^= 0x10;
          strictEqual(w.opensshOpen(keys, 77, bad), null, `payload ${payload} byte ${i}`);
        }
      }
      const wire = w.opensshSeal(keys, 77, packetOf(100, 1));
      strictEqual(w.opensshOpen(keys, 78, wire), null, "seq + 1");
      const otherKeys = keys.slice();
      otherKeys[0] ^= 1;
      strictEqual(w.opensshOpen(otherKeys, 77, wire), null, "other K_2");
      strictEqual(w.opensshOpen(keys, 77, wire.subarray(0, 19)), null, "shorter than length + tag");
      ok(w.opensshOpen(keys, 77, wire), "the untouched packet still opens");
    },
  },
  {
    name: "inputs larger than the module's memory grow it (1 MiB), and small calls still work after",
    run() {
      const w = loadWasmChaChaPoly();
      const key = pattern(32, 9);
      const nonce = pattern(8, 9);
      const big = pattern(1 << 20, 5);
      assertSame(w.chacha20(key, nonce, 1, big), chacha20orig(key, nonce, big, undefined, 1));
      assertSame(w.poly1305(key, big), poly1305(big, key));
      const keys = pattern(64, 6);
      const packet = packetOf((1 << 20) + 3, 2);
      const wire = w.opensshSeal(keys, 1, packet);
      assertSame(w.opensshOpen(keys, 1, wire) ?? new Uint8Array(0), packet.subarray(4));
      assertSame(w.poly1305(key, utf8("abc")), poly1305(utf8("abc"), key));
    },
  },
  {
    name: "results are fresh arrays, not views of the module's memory",
    run() {
      const w = loadWasmChaChaPoly();
      const key = pattern(32, 1);
      const first = w.poly1305(key, utf8("first"));
      const copy = first.slice();
      w.poly1305(key, utf8("second"));
      assertBytes(first, copy);
      strictEqual(first.byteOffset, 0);
      strictEqual(first.buffer.byteLength, 16);
    },
  },
  {
    name: "bad key, nonce, counter and sequence number arguments throw",
    run() {
      const w = loadWasmChaChaPoly();
      throws(() => w.chacha20(new Uint8Array(16), new Uint8Array(8), 0, new Uint8Array(1)), RangeError);
      throws(() => w.chacha20(new Uint8Array(32), new Uint8Array(12), 0, new Uint8Array(1)), RangeError);
      throws(() => w.chacha20(new Uint8Array(32), new Uint8Array(8), -1, new Uint8Array(1)), RangeError);
      throws(() => w.chacha20(new Uint8Array(32), new Uint8Array(8), 2 ** 32, new Uint8Array(1)), RangeError);
      throws(() => w.poly1305(new Uint8Array(31), new Uint8Array(1)), RangeError);
      throws(() => w.opensshSeal(new Uint8Array(32), 0, new Uint8Array(8)), RangeError);
      throws(() => w.opensshSeal(new Uint8Array(64), 2 ** 32, new Uint8Array(8)), RangeError);
      throws(() => w.opensshSeal(new Uint8Array(64), 0, new Uint8Array(3)), RangeError);
      throws(() => w.opensshLength(new Uint8Array(64), 0.5, new Uint8Array(4)), RangeError);
    },
  },
  {
    name: "provider options select each ChaCha20/Poly1305 backend, and all agree on whole packets",
    run() {
      const combos = [
        { chacha20: "wasm", poly1305: "wasm" },
        { chacha20: "noble", poly1305: "wasm" },
        { chacha20: "wasm", poly1305: "noble" },
        { chacha20: "noble", poly1305: "noble" },
      ] as const;
      const providers = combos.map((o) => createCryptoProvider(o));
      deepStrictEqual(providers.map((p) => p.name), [
        "node:crypto+wasm-chacha20+wasm-poly1305",
        "node:crypto+noble-chacha20+wasm-poly1305",
        "node:crypto+wasm-chacha20+noble-poly1305",
        "node:crypto+noble-chacha20+noble-poly1305",
      ]);
      if (hasNativeChaCha20()) {
        providers.push(createCryptoProvider({ chacha20: "native" }));
        strictEqual(providers.at(-1)?.name, "node:crypto+wasm-poly1305");
      } else {
        throws(() => createCryptoProvider({ chacha20: "native" }), CryptoProviderError);
      }
      const wasm = loadWasmChaChaPoly();
      strictEqual(providers[0].chacha20, wasm.chacha20);
      strictEqual(providers[0].poly1305, wasm.poly1305);
      strictEqual(providers[3].poly1305 === wasm.poly1305, false);
      const keys = pattern(64, 8);
      const ciphers = providers.map((p) => new ChaCha20Poly1305Cipher(p, keys));
      deepStrictEqual(ciphers.map((c) => c.implementation), ciphers.map((_, i) => i === 0 ? "wasm" : "provider"));
      for (const payload of [0, 31, 32768]) {
        const packet = packetOf(payload, payload);
        const expected = nobleSeal(keys, 5, packet);
        for (const [i, c] of ciphers.entries()) {
          assertBytes(c.seal(5, packet), expected, `${providers[i].name} payload ${payload}`);
          for (const [j, d] of ciphers.entries()) {
            strictEqual(d.decryptLength(5, expected), packet.length - 4);
            assertBytes(d.open(5, expected), packet.subarray(4), `${providers[j].name} opens`);
          }
        }
      }
      throws(() => ciphers[0].open(5, nobleSeal(keys, 6, packetOf(10, 1))), MacError);
    },
  },
  {
    name: "the default provider uses the whole-packet WebAssembly path",
    run() {
      const provider = createCryptoProvider();
      strictEqual(provider.name, "node:crypto+wasm-chacha20+wasm-poly1305");
      strictEqual(new ChaCha20Poly1305Cipher(provider, new Uint8Array(64)).implementation, "wasm");
      // A provider whose chacha20 is wrapped must go through the wrapper (composed path).
      const wrapped = {
        ...provider,
        chacha20: (...a: Parameters<typeof provider.chacha20>) => provider.chacha20(...a),
      };
      strictEqual(new ChaCha20Poly1305Cipher(wrapped, new Uint8Array(64)).implementation, "provider");
    },
  },
];

/** Under Bun: run every check, print TAP-like lines and a summary; exit non-zero on failure. */
async function runUnderBun(): Promise<void> {
  let passed = 0;
  for (const check of CHECKS) {
    try {
      await check.run();
      passed++;
      console.log(`ok - ${check.name}`);
    } catch (e) {
      console.log(`not ok - ${check.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
  console.log(`summary: ${passed}/${CHECKS.length}`);
  process.exitCode = passed === CHECKS.length ? 0 : 1;
}

if (typeof Deno === "undefined") {
  await runUnderBun();
} else {
  for (const check of CHECKS) Deno.test(`wasm crypto: ${check.name}`, () => check.run());

  Deno.test("wasm crypto: the same checks pass under Bun (JavaScriptCore's WebAssembly)", async () => {
    const root = new URL("../../", import.meta.url);
    const out = await new Deno.Command(new URL("node_modules/.bin/bun", root), {
      args: ["tests/unit/wasm_crypto_test.ts"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    const failures = stdout.split("\n").filter((l) => l.startsWith("not ok"));
    strictEqual(failures.length, 0, `failed under Bun:\n${failures.join("\n")}\n${stderr}`);
    strictEqual(out.code, 0, `bun exited ${out.code}\n${stdout}\n${stderr}`);
    ok(stdout.includes(`summary: ${CHECKS.length}/${CHECKS.length}`), stdout);
  });
}
