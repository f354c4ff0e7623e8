/**
 * sntrup761 KEM (`src/ssh/crypto/sntrup761/kem.ts`): the NTRU Prime round-3
 * submission's known-answer tests reproduced from NIST's CTR_DRBG, then
 * spec properties: sizes, Decap(Encap) agreement, implicit rejection and
 * length errors.
 */
import { assert, assertEquals, assertNotEquals, assertThrows } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import {
  sntrup761Decap,
  sntrup761Encap,
  sntrup761KeyGen,
  Sntrup761KeyGenError,
  Sntrup761LengthError,
} from "../../src/ssh/crypto/sntrup761/kem.ts";
import {
  CIPHERTEXT_BYTES,
  P,
  PUBLIC_KEY_BYTES,
  SECRET_KEY_BYTES,
  SHARED_SECRET_BYTES,
} from "../../src/ssh/crypto/sntrup761/params.ts";
import { round3, rqMultiplySmall } from "../../src/ssh/crypto/sntrup761/poly.ts";
import { roundedEncode, rqDecode, smallEncode } from "../../src/ssh/crypto/sntrup761/encode.ts";
import { shortRandom, systemRandom } from "../../src/ssh/crypto/sntrup761/sample.ts";
import { NistDrbg } from "./_nist_drbg.ts";

const provider = createCryptoProvider();
const sha512 = (d: Uint8Array): Uint8Array => provider.hash("sha512", d);
const sha256Hex = (d: Uint8Array | string): string =>
  hex(provider.hash("sha256", typeof d === "string" ? new TextEncoder().encode(d) : d));

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Records of the round-3 submission's `kat_kem.rsp` for sntrup761 (seeds from
 * `randombytes_init(0, 1, …, 47)`, 48 bytes each). pk, sk and ct are given as
 * SHA-256 digests of the raw bytes; ss in full. Copied from the KAT stimulus
 * files of github.com/AdrianMarotzke/SNTRUP_on_FPGA
 * (tb/tb_stimulus/KAT_761/{pk_tb,sk_tb,ct_tb,hash_tb}, lines 1, 2 and 50 —
 * "data gathered from the KAT from the NIST submission of Streamlined NTRU
 * Prime"), digests computed from those lines.
 */
const KATS = [
  {
    count: 0,
    seed: "061550234d158c5ec95595fe04ef7a25767f2e24cc2bc479d09d86dc9abcfde7056a8c266f9ef97ed08541dbd2e1ffa1",
    pk: "d1736cf321592955c718fa191ef5b1137dd7593ff3b18d5ed733ac96e7d65ce9",
    sk: "8f8f45cef184cc93e387edc54720102e7f95247ec052ad8440d65c932d4f973d",
    ct: "beec3df6e2d1d64eb7fa4c95605ff32aff38ab0e23ff79ff61bbc9832c31e885",
    ss: "344ca5e25f6da5ea95e4a695b1c5446eca9859334532e4a9537669f012c743a2",
  },
  {
    count: 1,
    seed: "d81c4d8d734fcbfbeade3d3f8a039faa2a2c9957e835ad55b22e75bf57bb556ac81adde6aeeb4a5a875c3bfcadfa958f",
    pk: "0957045d6d7f8863107eaec76158bb99c9e2db4b623ca4cb8a32dc14a0abddc8",
    sk: "243b86261ba6aca015d41da37f87efd5b94ac391ebba936c579f39cc295f7f0a",
    ct: "033ae13a0c75c54cc47a14cbfcab8f88ab9e2995528e00a71514e5ef6e3d3bd0",
    ss: "16c15126f734e51268ba916ce3b39a72e171ae79b8c2b6a68b34ab0dc5621b7e",
  },
  {
    count: 49,
    seed: "1853e72329353b3f89ae6a1b1ef700da8ed3c10d19f9e61ee9252e28ebb0e15802ee43083a12a0b7527088832605e3ab",
    pk: "ed1c7b66c62c7ccd768775d0340fe74aaebd0082fd32ebd24d48283adf111dc5",
    sk: "da0a1014be3040e41361be3a19ed7b9702cd2b838d76384a053d8b7d83adae71",
    ct: "7db404207f70489ce11f2e25982ddb1095bdaebf2db327ce6b78ba79965a14e5",
    ss: "42b864f7f325f7a07624918a635b18dc2ca2006c9ff2ded975fc9b729e6d6c35",
  },
];

/**
 * PQClean's `nistkat-sha256` for sntrup761: SHA-256 of its KAT program's
 * output, the count = 0 record as `count = 0\nseed = …\npk = …\nsk = …\nct =
 * …\nss = …\n` (upper-case hex). From github.com/jschanck/pqclean-package-ntruprime,
 * meta/crypto_kem_sntrup761_META.yml.
 */
const PQCLEAN_KAT_SHA256 = "2eba10673b9077530ba9c063d22f2534e415a6da42985c333c6baee133cc0ff1";

/** The KAT seeds: 48-byte outputs of the DRBG seeded with 0, 1, …, 47. */
function katSeeds(n: number): Uint8Array[] {
  const master = new NistDrbg(Uint8Array.from({ length: 48 }, (_, i) => i));
  return Array.from({ length: n }, () => master.randomBytes(48));
}

/** KeyGen then Encap from one DRBG seeded with `seed`, as PQCgenKAT_kem does. */
function katRecord(seed: Uint8Array) {
  const drbg = new NistDrbg(seed);
  const { publicKey, secretKey } = sntrup761KeyGen(sha512, drbg.kemRandom());
  const { ciphertext, sharedSecret } = sntrup761Encap(publicKey, sha512, drbg.kemRandom());
  return { publicKey, secretKey, ciphertext, sharedSecret };
}

const seeds = katSeeds(50);

for (const kat of KATS) {
  Deno.test(`sntrup761 KAT count = ${kat.count}: seed → pk, sk, ct, ss; Decap(ct, sk) = ss`, () => {
    assertEquals(hex(seeds[kat.count]), kat.seed);
    const rec = katRecord(seeds[kat.count]);
    assertEquals(sha256Hex(rec.publicKey), kat.pk, "pk");
    assertEquals(sha256Hex(rec.secretKey), kat.sk, "sk");
    assertEquals(sha256Hex(rec.ciphertext), kat.ct, "ct");
    assertEquals(hex(rec.sharedSecret), kat.ss, "ss");
    assertEquals(hex(sntrup761Decap(rec.ciphertext, rec.secretKey, sha512)), kat.ss, "decap");
  });
}

Deno.test("sntrup761 KAT count = 0 matches PQClean's nistkat-sha256", () => {
  const rec = katRecord(seeds[0]);
  const up = (b: Uint8Array) => hex(b).toUpperCase();
  const text = `count = 0\nseed = ${up(seeds[0])}\npk = ${up(rec.publicKey)}\nsk = ${up(rec.secretKey)}\n` +
    `ct = ${up(rec.ciphertext)}\nss = ${up(rec.sharedSecret)}\n`;
  assertEquals(sha256Hex(text), PQCLEAN_KAT_SHA256);
});

Deno.test("sntrup761 sizes", () => {
  assertEquals([PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, CIPHERTEXT_BYTES, SHARED_SECRET_BYTES], [1158, 1763, 1039, 32]);
  const { publicKey, secretKey } = sntrup761KeyGen(sha512);
  const { ciphertext, sharedSecret } = sntrup761Encap(publicKey, sha512);
  assertEquals(
    [publicKey.length, secretKey.length, ciphertext.length, sharedSecret.length],
    [1158, 1763, 1039, 32],
  );
  // The secret key carries the public key and Hash4(pk) = SHA-512(4 ‖ pk)[0..32).
  assertEquals(secretKey.subarray(382, 382 + 1158), publicKey);
  assertEquals(secretKey.subarray(1731), sha512(concat(Uint8Array.of(4), publicKey)).subarray(0, 32));
});

Deno.test("sntrup761 Decap(Encap) gives the same key over 200 trials (4 key pairs)", () => {
  const seen = new Set<string>();
  for (let k = 0; k < 4; k++) {
    const { publicKey, secretKey } = sntrup761KeyGen(sha512);
    for (let t = 0; t < 50; t++) {
      const { ciphertext, sharedSecret } = sntrup761Encap(publicKey, sha512);
      assertEquals(sntrup761Decap(ciphertext, secretKey, sha512), sharedSecret);
      seen.add(hex(sharedSecret));
    }
  }
  assertEquals(seen.size, 200, "every encapsulation gives a fresh key");
});

/** Implicit rejection's key: Hash0(Hash3(ρ) ‖ ct), ρ = sk[1540..1731). */
function rejectionKey(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const rho = secretKey.subarray(1540, 1731);
  const inner = sha512(concat(Uint8Array.of(3), rho)).subarray(0, 32);
  return sha512(concat(Uint8Array.of(0), inner, ciphertext)).subarray(0, 32);
}

Deno.test("sntrup761 implicit rejection: a tampered ciphertext gives Hash0(Hash3(rho) ‖ ct'), not the key", () => {
  const { publicKey, secretKey } = sntrup761KeyGen(sha512, new NistDrbg(seeds[3]).kemRandom());
  const { ciphertext, sharedSecret } = sntrup761Encap(publicKey, sha512);
  // First byte, the middle, the last byte of the rounded part, the confirmation hash, the very end.
  for (const pos of [0, 500, 1006, 1007, 1020, 1038]) {
    const forged = ciphertext.slice();
    forged[pos] ^= 0x01;
    const key = sntrup761Decap(forged, secretKey, sha512);
    assertNotEquals(hex(key), hex(sharedSecret), `byte ${pos}`);
    assertEquals(hex(key), hex(rejectionKey(forged, secretKey)), `byte ${pos}`);
    assertEquals(sntrup761Decap(forged, secretKey, sha512), key, "deterministic");
  }
  // The untampered ciphertext is not rejected.
  assertNotEquals(hex(sharedSecret), hex(rejectionKey(ciphertext, secretKey)));
});

Deno.test("sntrup761 Decap of an all-zero ciphertext (decrypts to weight 0, falls back) is a rejection key", () => {
  const { secretKey } = sntrup761KeyGen(sha512, new NistDrbg(seeds[4]).kemRandom());
  for (const fill of [0x00, 0xff]) {
    const ct = new Uint8Array(CIPHERTEXT_BYTES).fill(fill);
    assertEquals(hex(sntrup761Decap(ct, secretKey, sha512)), hex(rejectionKey(ct, secretKey)));
  }
});

/** A ciphertext an attacker can build for any small r: Hide(r) computed from the public key. */
function hideAnyRq(publicKey: Uint8Array, r: Int8Array): { ciphertext: Uint8Array; acceptedKey: Uint8Array } {
  const rHash = sha512(concat(Uint8Array.of(3), smallEncode(r))).subarray(0, 32);
  const cache = sha512(concat(Uint8Array.of(4), publicKey)).subarray(0, 32);
  const rounded = roundedEncode(round3(rqMultiplySmall(rqDecode(publicKey), r)));
  const ciphertext = concat(rounded, sha512(concat(Uint8Array.of(2), rHash, cache)).subarray(0, 32));
  return { ciphertext, acceptedKey: sha512(concat(Uint8Array.of(1), rHash, ciphertext)).subarray(0, 32) };
}

Deno.test("sntrup761 Decap rejects a well-formed Hide(r) whose r does not have weight w", () => {
  const { publicKey, secretKey } = sntrup761KeyGen(sha512, new NistDrbg(seeds[6]).kemRandom());
  // Sanity: for a short r the construction is exactly Encap's, and Decap accepts it.
  const short = shortRandom(systemRandom);
  const honest = hideAnyRq(publicKey, short);
  assertEquals(hex(sntrup761Decap(honest.ciphertext, secretKey, sha512)), hex(honest.acceptedKey));
  // Weight 1 and weight w − 1 decrypt correctly but must fall back to the fixed vector, so Hide no longer matches.
  const light = new Int8Array(P);
  light[5] = 1;
  const almost = short.slice();
  almost[almost.findIndex((c) => c !== 0)] = 0;
  for (const r of [light, almost]) {
    const { ciphertext, acceptedKey } = hideAnyRq(publicKey, r);
    const key = sntrup761Decap(ciphertext, secretKey, sha512);
    assertNotEquals(hex(key), hex(acceptedKey));
    assertEquals(hex(key), hex(rejectionKey(ciphertext, secretKey)));
  }
});

Deno.test("sntrup761 wrong lengths throw Sntrup761LengthError", () => {
  const { publicKey, secretKey } = sntrup761KeyGen(sha512, new NistDrbg(seeds[5]).kemRandom());
  const { ciphertext } = sntrup761Encap(publicKey, sha512);
  assertThrows(() => sntrup761Encap(publicKey.subarray(1), sha512), Sntrup761LengthError, "public key");
  assertThrows(() => sntrup761Encap(concat(publicKey, Uint8Array.of(0)), sha512), Sntrup761LengthError);
  assertThrows(() => sntrup761Decap(ciphertext.subarray(1), secretKey, sha512), Sntrup761LengthError, "ciphertext");
  assertThrows(() => sntrup761Decap(ciphertext, secretKey.subarray(1), sha512), Sntrup761LengthError, "secret key");
  assert(sntrup761Decap(ciphertext, secretKey, sha512).length === 32);
});

Deno.test("sntrup761 KeyGen gives up (typed error) when the random source only yields non-invertible g", () => {
  // ((0x55555556 & 0x3fffffff)·3) >> 30 = 1, so every coefficient is 1 − 1 = 0: g = 0 is never invertible.
  const zeroG = { bytes: (n: number) => new Uint8Array(n), words: (n: number) => new Uint32Array(n).fill(0x55555556) };
  assertThrows(() => sntrup761KeyGen(sha512, zeroG), Sntrup761KeyGenError, "random source");
});
