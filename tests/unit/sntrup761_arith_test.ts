/**
 * The building blocks of sntrup761 against straightforward reference
 * computations: reductions, multiplication in R/q and R/3, reciprocals, the
 * data-independent sort, short/small sampling and the encodings.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { P, Q, Q12, W } from "../../src/ssh/crypto/sntrup761/params.ts";
import {
  freeze3,
  freezeQ,
  multiplySmall,
  r3Multiply,
  round3,
  rqMultiplySmall,
  weight,
} from "../../src/ssh/crypto/sntrup761/poly.ts";
import { r3Reciprocal, rqReciprocal3 } from "../../src/ssh/crypto/sntrup761/reciprocal.ts";
import { sortUint32 } from "../../src/ssh/crypto/sntrup761/sort.ts";
import { shortFromList, shortRandom, smallRandom, systemRandom } from "../../src/ssh/crypto/sntrup761/sample.ts";
import {
  decode,
  encode,
  roundedDecode,
  roundedEncode,
  rqDecode,
  rqEncode,
  smallDecode,
  smallEncode,
} from "../../src/ssh/crypto/sntrup761/encode.ts";

/** A uniform integer in [lo, hi]. */
function randInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

function randomRq(): Int16Array {
  return Int16Array.from({ length: P }, () => randInt(-Q12, Q12));
}

function randomSmall(): Int8Array {
  return Int8Array.from({ length: P }, () => randInt(-1, 1));
}

/** a·b mod (x^p − x − 1, m) by the textbook method, on plain numbers. */
function referenceProduct(a: ArrayLike<number>, b: ArrayLike<number>, m: number): number[] {
  const full = new Array(2 * P - 1).fill(0);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) full[i + j] += a[i] * b[j];
  for (let k = 2 * P - 2; k >= P; k--) {
    full[k - P] += full[k];
    full[k - P + 1] += full[k];
  }
  const h = (m - 1) / 2;
  return full.slice(0, P).map((c) => ((((c + h) % m) + m) % m) - h);
}

const ONE = Array.from({ length: P }, (_, i) => (i === 0 ? 1 : 0));

Deno.test("freezeQ and freeze3 give the centered residue", () => {
  for (const x of [0, 1, -1, Q12, Q12 + 1, -Q12 - 1, Q, -Q, 5_000_000, -5_000_000, 2 ** 30, -(2 ** 30)]) {
    const q = freezeQ(x);
    assert(q >= -Q12 && q <= Q12 && Math.abs((x - q) % Q) === 0, `freezeQ(${x}) = ${q}`);
    const t = freeze3(x);
    assert(t >= -1 && t <= 1 && Math.abs((x - t) % 3) === 0, `freeze3(${x}) = ${t}`);
  }
  for (let i = 0; i < 10000; i++) {
    const x = randInt(-(2 ** 31) + 1, 2 ** 31 - 1);
    assertEquals(Math.abs((x - freezeQ(x)) % Q), 0);
    assert(Math.abs(freezeQ(x)) <= Q12);
  }
});

Deno.test("rqMultiplySmall and r3Multiply equal the textbook product (random and extreme inputs)", () => {
  const cases: [Int16Array, Int8Array][] = [
    [randomRq(), randomSmall()],
    [randomRq(), randomSmall()],
    [new Int16Array(P).fill(Q12), new Int8Array(P).fill(1)], // largest sums in both lanes
    [new Int16Array(P).fill(-Q12), new Int8Array(P).fill(1)],
    [Int16Array.from({ length: P }, (_, i) => (i % 2 ? Q12 : -Q12)), new Int8Array(P).fill(-1)],
  ];
  for (const [a, s] of cases) {
    assertEquals(Array.from(rqMultiplySmall(a, s)), referenceProduct(a, s, Q));
    assertEquals(Array.from(multiplySmall(a, s)).map(freezeQ), referenceProduct(a, s, Q));
  }
  const a = randomSmall();
  const b = randomSmall();
  assertEquals(Array.from(r3Multiply(a, b)), referenceProduct(a, b, 3));
  // x · x^(p−1) = x^p = x + 1.
  const x = new Int8Array(P);
  x[1] = 1;
  const top = new Int8Array(P);
  top[P - 1] = 1;
  assertEquals(Array.from(r3Multiply(x, top)).slice(0, 3), [1, 1, 0]);
});

Deno.test("round3 rounds to the nearest multiple of 3 and stays in range", () => {
  const a = Int16Array.from({ length: P }, (_, i) => -Q12 + ((i * 7) % Q));
  const r = round3(a);
  for (let i = 0; i < P; i++) {
    assertEquals(Math.abs(r[i] % 3), 0);
    assert(Math.abs(r[i] - a[i]) <= 1 && Math.abs(r[i]) <= Q12, `${a[i]} → ${r[i]}`);
  }
  assertEquals(Array.from(round3(Int16Array.of(Q12, Q12 - 1, -Q12 + 1, 1, 2, -2))), [Q12, Q12, -Q12, 0, 3, -3]);
});

Deno.test("r3Reciprocal: g·(1/g) = 1 in R/3; zero has none", () => {
  for (let t = 0; t < 5; t++) {
    const g = randomSmall();
    const inv = r3Reciprocal(g);
    assert(inv, "random small g is almost always invertible mod 3");
    assertEquals(referenceProduct(g, inv, 3), ONE);
  }
  assertEquals(r3Reciprocal(new Int8Array(P)), undefined);
  const one = Int8Array.from(ONE);
  assertEquals(Array.from(r3Reciprocal(one)!), ONE);
});

Deno.test("rqReciprocal3: 3f·(1/(3f)) = 1 in R/q", () => {
  for (let t = 0; t < 3; t++) {
    const f = t === 0 ? shortRandom(systemRandom) : randomSmall();
    const inv = rqReciprocal3(f);
    const triple = Array.from(f, (c) => 3 * c);
    assertEquals(referenceProduct(inv, triple, Q), ONE);
  }
});

Deno.test("sortUint32 sorts like Array.prototype.sort for every length 0..64 and for p", () => {
  const specials = [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff];
  for (const n of [...Array.from({ length: 65 }, (_, i) => i), 100, 511, 512, 513, P]) {
    const values = Uint32Array.from(
      { length: n },
      (_, i) => i < specials.length && n > 20 ? specials[i] : Math.floor(Math.random() * 2 ** 32),
    );
    const expected = Array.from(values).sort((x, y) => x - y);
    sortUint32(values);
    assertEquals(Array.from(values), expected, `n = ${n}`);
  }
  const descending = Uint32Array.from({ length: P }, (_, i) => 0xffffffff - i * 5_000_000);
  sortUint32(descending);
  for (let i = 1; i < P; i++) assert(descending[i - 1] <= descending[i]);
});

Deno.test("shortFromList / shortRandom give weight-w small polynomials; smallRandom stays small", () => {
  for (let t = 0; t < 5; t++) {
    const r = shortRandom(systemRandom);
    assertEquals(weight(r), W);
    assert(r.every((c) => c >= -1 && c <= 1));
  }
  // Words that sort to the front: the first w (made even) land first, in sorted order.
  const words = Uint32Array.from({ length: P }, (_, i) => (i < W ? (i % 2 ? 2 : 0) : 0xfffffff1));
  const r = shortFromList(words);
  assertEquals(weight(r.subarray(0, W)), W);
  assertEquals(weight(r.subarray(W)), 0);
  assertEquals(Array.from(r.subarray(0, 3)), [-1, -1, -1]); // the zeros sort before the twos
  assertEquals(r[W - 1], 1);
  // Small_random: u & 0x3fffffff of 0 → −1, of 0x3fffffff → 1; the top two bits are ignored.
  const fixed = { bytes: (n: number) => new Uint8Array(n), words: (n: number) => new Uint32Array(n).fill(0xffffffff) };
  assert(smallRandom(fixed).every((c) => c === 1));
  fixed.words = (n: number) => new Uint32Array(n).fill(0xc0000000);
  assert(smallRandom(fixed).every((c) => c === -1));
  const counts = [0, 0, 0];
  for (const c of smallRandom(systemRandom)) counts[c + 1]++;
  assert(counts.every((n) => n > 180), `roughly uniform: ${counts}`);
});

Deno.test("encode/decode: the spec's small cases and random round trips", () => {
  assertEquals(Array.from(encode([1, 2], [3, 4])), [7]);
  assertEquals(Array.from(decode(Uint8Array.of(7), [3, 4])), [1, 2]);
  assertEquals(Array.from(encode([], [])), []);
  assertEquals(Array.from(encode([300], [1000])), [300 & 255, 1]); // one value: full little-endian bytes
  assertEquals(Array.from(encode([0], [1])), []); // M = 1 carries no information
  // 1000 + 4591·200 = 919200 < 4591²: two bytes leave while the bound is ≥ 2^14 (21077281 → 82334 → 322),
  // then the remaining 14 < 322 is written in full (two bytes: 322 → 2 → 1).
  assertEquals(Array.from(encode([1000, 200], [4591, 4591])), [919200 & 255, (919200 >> 8) & 255, 14, 0]);
  // Four values: the pairs (bound 10000 < 2^14) pass up whole as 201 and 403; their merge 201 + 10000·403 = 4030201
  // (bound 10^8) leaves bytes 249 and 126 (bounds 390625, then 1526); 61 < 1526 ends as two bytes.
  assertEquals(Array.from(encode([1, 2, 3, 4], [100, 100, 100, 100])), [249, 126, 61, 0]);
  assertEquals(Array.from(decode(Uint8Array.of(249, 126, 61, 0), [100, 100, 100, 100])), [1, 2, 3, 4]);
  for (let t = 0; t < 200; t++) {
    const n = randInt(1, 40);
    const moduli = Array.from({ length: n }, () => randInt(1, 16384));
    const values = moduli.map((m) => randInt(0, m - 1));
    assertEquals(Array.from(decode(encode(values, moduli), moduli)), values, `M = ${moduli}`);
  }
});

Deno.test("Rq, rounded and small encodings: sizes, round trips, range of arbitrary bytes", () => {
  assertEquals(rqEncode(new Int16Array(P)).length, 1158);
  assertEquals(roundedEncode(new Int16Array(P)).length, 1007);
  assertEquals(smallEncode(new Int8Array(P)).length, 191);
  for (let t = 0; t < 5; t++) {
    const h = randomRq();
    assertEquals(rqDecode(rqEncode(h)), h);
    const c = round3(randomRq());
    assertEquals(roundedDecode(roundedEncode(c)), c);
    const s = randomSmall();
    assertEquals(smallDecode(smallEncode(s)), s);
  }
  const extremes = Int16Array.from({ length: P }, (_, i) => (i % 2 ? Q12 : -Q12));
  assertEquals(rqDecode(rqEncode(extremes)), extremes);
  assertEquals(roundedDecode(roundedEncode(extremes)), extremes);
  // Any 1158 / 1007 bytes decode to valid elements.
  const junk = rqDecode(new Uint8Array(1158).fill(0xff));
  assert(junk.every((c) => c >= -Q12 && c <= Q12));
  const junkRounded = roundedDecode(new Uint8Array(1007).fill(0xff));
  assert(junkRounded.every((c) => c >= -Q12 && c <= Q12 && c % 3 === 0));
  // Small_encode packs coefficient + 1 two bits at a time, lowest first.
  const s = new Int8Array(P);
  s[0] = 1;
  s[1] = -1;
  s[3] = 1;
  s[P - 1] = 1;
  const bytes = smallEncode(s);
  assertEquals(bytes[0], 2 + 4 * 0 + 16 * 1 + 64 * 2);
  assertEquals(bytes[190], 2);
  assertThrows(() => rqDecode(new Uint8Array(1157)), RangeError);
  assertThrows(() => roundedDecode(new Uint8Array(1008)), RangeError);
});
