/**
 * The yescrypt key derivation function (Alexander Peslyak, 2013–2018), as
 * specified by its reference implementation (`yescrypt-ref.c`) and used by
 * libxcrypt for `$y$` password hashes; classic scrypt (RFC 7914) is its
 * `flags = 0` special case.
 *
 * Shape (for `flags` = {@link YESCRYPT_DEFAULTS}, the only RW flavor there is):
 * 1. If N/p ≥ 256 and N/p·r ≥ 2¹⁷, the password is first replaced by a
 *    32-byte yescrypt of itself at N/64 ("pre-hashing").
 * 2. P′ = HMAC-SHA256(key "yescrypt", password) (or "yescrypt-prehash");
 *    B = PBKDF2-SHA256(P′, salt, 1, 128·r·p); P″ = B[0‥32).
 * 3. SMix: like scrypt's ROMix, but the block mix is pwxform (6 rounds of
 *    64-bit multiply-add-xor lookups in three 4 KiB S-boxes that are
 *    rewritten as it runs, then Salsa20/2), the first loop also reads
 *    earlier blocks ("RW"), the second loop writes back, and its length is
 *    about N/3 for t = 0. Each of the p lanes first fills its S-boxes with
 *    Salsa20/8 SMix; lane 0 then sets P″ = HMAC-SHA256(last 64 bytes of its
 *    block, P″).
 * 4. DK = PBKDF2-SHA256(P″, B, 1, 32); then as SCRAM's StoredKey:
 *    SHA256(HMAC-SHA256(DK, "Client Key")).
 *
 * Words inside SMix keep the reference's "SIMD-shuffled" order (word i of a
 * 64-byte block sits at position 5i mod 16): pwxform reads the words in that
 * order, so it is part of the definition, not an optimisation.
 *
 * Runs in the calling thread but yields to the event loop every few
 * milliseconds (Debian's default `$y$j9T$`, N = 4096, r = 32, uses 16 MiB).
 *
 * @example
 * ```ts
 * const dk = await yescryptKdf(new TextEncoder().encode("p"), new TextEncoder().encode("s"),
 *   { flags: YESCRYPT_DEFAULTS, N: 16, r: 8, p: 1, t: 0 }, 32);
 * ```
 * @module
 */

import { hmac } from "@noble/hashes/hmac.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { nextTick } from "@noble/hashes/utils.js";
import { MalformedHashError } from "./errors.ts";

/**
 * Write-once/read-many mode: classic scrypt plus `t` and the SCRAM-style end.
 *
 * @example
 * ```ts
 * await yescryptKdf(pw, salt, { flags: YESCRYPT_WORM, N: 16, r: 8, p: 1, t: 0 });
 * ```
 */
export const YESCRYPT_WORM = 1;
/**
 * Read-write mode (pwxform); set in every `$y$j…` hash.
 *
 * @example
 * ```ts
 * (YESCRYPT_DEFAULTS & YESCRYPT_RW) !== 0; // true
 * ```
 */
export const YESCRYPT_RW = 2;
/**
 * RW with pwxform rounds 6, gather 4, simple 2, 12 KiB S-boxes: the flavor
 * of `$y$j…` (flavor character `j`).
 *
 * @example
 * ```ts
 * await yescryptKdf(pw, salt, { flags: YESCRYPT_DEFAULTS, N: 4096, r: 32, p: 1, t: 0 });
 * ```
 */
export const YESCRYPT_DEFAULTS = 0xb6;

/** Internal flag: the pre-hashing pass. */
const PREHASH = 0x10000000;
const MODE_MASK = 0x3;
const RW_FLAVOR_MASK = 0x3fc;
/** ROUNDS_6 | GATHER_4 | SIMPLE_2 | SBOX_12K: the one pwxform the reference defines. */
const RW_FLAVOR_DEFAULT = 0xb4;

/** Words in one lane's S (three S-boxes of 2⁸ entries × 2 lanes × 8 bytes = 12 KiB). */
const S_WORDS = 3072;
/** Words in one S-box. */
const SBOX_WORDS = 1024;
/** Bytes-offset mask of an S-box entry pair (Smask = (2⁸ − 1) · 16). */
const SMASK = 0xff0;
/** S2 write index wraps at 2⁸ · 2 entries. */
const W_MASK = 511;

/** Default ceiling on memory (V, B, S): 1 GiB, like noble's argon2. */
const DEFAULT_MAX_MEMORY = 1 << 30;
/** Milliseconds of work between yields to the event loop. */
const TICK_MS = 10;

/**
 * yescrypt's cost parameters (no ROM: NROM = 0; no hash upgrades: g = 0).
 *
 * @example
 * ```ts
 * const debianDefault: YescryptParams = { flags: YESCRYPT_DEFAULTS, N: 4096, r: 32, p: 1, t: 0 };
 * ```
 */
export interface YescryptParams {
  /** 0 (classic scrypt), {@link YESCRYPT_WORM} or {@link YESCRYPT_DEFAULTS}. */
  flags: number;
  /** Block count, a power of two > 1. */
  N: number;
  /** Block size in 128-byte units. */
  r: number;
  /** Parallelism (lanes, computed one after the other here). */
  p: number;
  /** Extra time factor, 0 normally. */
  t: number;
}

/** One lane's pwxform state: its S array, the word offsets of S0/S1/S2 in it, and S2's write index. */
interface Pwxform {
  S: Uint32Array;
  s0: number;
  s1: number;
  s2: number;
  w: number;
}

/** Yields to the event loop once more than {@link TICK_MS} of work has run since the last yield. */
class Ticker {
  private last = Date.now();
  /** Whether it is time to yield (cheap; call it every iteration). */
  due(): boolean {
    const now = Date.now();
    return now - this.last >= TICK_MS || now < this.last;
  }
  async pause(): Promise<void> {
    await nextTick();
    this.last = Date.now();
  }
}

/**
 * yescrypt (or scrypt, for `flags` 0) of `password` and `salt`, `dkLen`
 * bytes. Throws {@link MalformedHashError} for parameters the reference
 * rejects, or that need more than `maxMemory` bytes (default 1 GiB).
 *
 * @example
 * ```ts
 * // RFC 7914 test vector 2:
 * await yescryptKdf(enc("password"), enc("NaCl"), { flags: 0, N: 1024, r: 8, p: 16, t: 0 }, 64);
 * ```
 */
export async function yescryptKdf(
  password: Uint8Array,
  salt: Uint8Array,
  params: YescryptParams,
  dkLen = 32,
  maxMemory = DEFAULT_MAX_MEMORY,
): Promise<Uint8Array> {
  const { flags, N, r, p } = params;
  checkParams(params, dkLen, maxMemory);
  const ticker = new Ticker();
  if (flags & YESCRYPT_RW && N / p >= 0x100 && (N / p) * r >= 0x20000) {
    password = await kdfBody(password, salt, flags | PREHASH, N / 64, r, p, 0, 32, ticker);
  }
  return await kdfBody(password, salt, flags, N, r, p, params.t, dkLen, ticker);
}

function checkParams(params: YescryptParams, dkLen: number, maxMemory: number): void {
  const { flags, N, r, p, t } = params;
  const ints = [flags, N, r, p, t, dkLen].every((v) => Number.isSafeInteger(v) && v >= 0);
  if (!ints) throw new MalformedHashError("yescrypt parameters must be non-negative integers");
  switch (flags & MODE_MASK) {
    case 0:
      if (flags !== 0 || t !== 0) throw new MalformedHashError("classic scrypt takes no flags and t = 0");
      break;
    case YESCRYPT_WORM:
      if (flags !== YESCRYPT_WORM) throw new MalformedHashError("unsupported yescrypt WORM flags");
      break;
    case YESCRYPT_RW:
      if ((flags & ~(MODE_MASK | RW_FLAVOR_MASK)) !== 0 || (flags & RW_FLAVOR_MASK) !== RW_FLAVOR_DEFAULT) {
        throw new MalformedHashError("unsupported yescrypt flavor");
      }
      break;
    default:
      throw new MalformedHashError("unsupported yescrypt mode");
  }
  if (N < 2 || N > 2 ** 30 || (N & (N - 1)) !== 0) throw new MalformedHashError("yescrypt N must be a power of 2");
  if (r < 1 || p < 1 || r * p >= 2 ** 30) throw new MalformedHashError("yescrypt r and p must be ≥ 1, r·p < 2³⁰");
  if (flags & YESCRYPT_RW && Math.floor(N / p) <= 1) throw new MalformedHashError("yescrypt N/p must be > 1");
  if (dkLen < 1) throw new MalformedHashError("yescrypt output length must be ≥ 1");
  const memory = 128 * r * N + 128 * r * p + 256 * r + (flags & YESCRYPT_RW ? 4 * S_WORDS * p : 0);
  if (memory > maxMemory) throw new MalformedHashError(`yescrypt parameters need ${memory} bytes of memory`);
}

async function kdfBody(
  password: Uint8Array,
  salt: Uint8Array,
  flags: number,
  N: number,
  r: number,
  p: number,
  t: number,
  dkLen: number,
  ticker: Ticker,
): Promise<Uint8Array> {
  const s = 32 * r;
  let pw = password;
  if (flags) pw = hmac(sha256, ascii(flags & PREHASH ? "yescrypt-prehash" : "yescrypt"), password);
  const B = wordsLE(pbkdf2(sha256, pw, salt, { c: 1, dkLen: 128 * r * p }));
  // From here on the "password" is a 32-byte buffer that starts as B's first bytes (and SMix may rehash).
  if (flags) pw = bytesLE(B, 0, 8);
  const V = new Uint32Array(s * N);
  const XY = new Uint32Array(2 * s);
  if (flags & YESCRYPT_RW) {
    const lanes: Pwxform[] = [];
    for (let i = 0; i < p; i++) lanes.push({ S: new Uint32Array(S_WORDS), s0: 0, s1: 0, s2: 0, w: 0 });
    await smix(B, 0, r, N, p, t, flags, V, XY, lanes, pw, ticker);
  } else {
    for (let i = 0; i < p; i++) await smix(B, i * s, r, N, 1, t, flags, V, XY, [], pw, ticker);
  }
  const out = pbkdf2(sha256, pw, bytesLE(B, 0, B.length), { c: 1, dkLen: Math.max(dkLen, flags ? 32 : 0) });
  if (flags && !(flags & PREHASH)) {
    const storedKey = sha256(hmac(sha256, out.subarray(0, 32), ascii("Client Key")));
    out.set(storedKey.subarray(0, Math.min(dkLen, 32)));
  }
  return out.subarray(0, dkLen);
}

/**
 * SMix over `p` lanes of B starting at word `bOff` (RW: all lanes at once;
 * otherwise called per lane with p = 1). May rewrite `passwd` in place.
 */
async function smix(
  B: Uint32Array,
  bOff: number,
  r: number,
  N: number,
  p: number,
  t: number,
  flags: number,
  V: Uint32Array,
  XY: Uint32Array,
  lanes: Pwxform[],
  passwd: Uint8Array,
  ticker: Ticker,
): Promise<void> {
  const s = 32 * r;
  const rw = (flags & YESCRYPT_RW) !== 0;
  let nChunk = Math.floor(N / p);
  let nLoopAll = nChunk;
  if (rw) {
    if (t <= 1) {
      if (t) nLoopAll *= 2;
      nLoopAll = Math.floor((nLoopAll + 2) / 3);
    } else {
      nLoopAll *= t - 1;
    }
  } else if (t) {
    if (t === 1) nLoopAll += Math.floor((nLoopAll + 1) / 2);
    nLoopAll *= t;
  }
  let nLoopRw = rw ? Math.floor(nLoopAll / p) : 0;
  nChunk -= nChunk % 2;
  nLoopAll += nLoopAll % 2;
  nLoopRw += nLoopRw % 2;

  for (let i = 0, vChunk = 0; i < p; i++, vChunk += nChunk) {
    const np = i < p - 1 ? nChunk : N - vChunk;
    const bp = bOff + i * s;
    let lane: Pwxform | undefined;
    if (rw) {
      lane = lanes[i];
      // The lane's S-boxes: Salsa20/8 SMix1 of its first 128 bytes, 96 blocks long.
      await smix1(B, bp, 1, S_WORDS / 32, 0, lane.S, 0, XY, undefined, ticker);
      lane.s2 = 0;
      lane.s1 = SBOX_WORDS;
      lane.s0 = 2 * SBOX_WORDS;
      lane.w = 0;
      if (i === 0) passwd.set(hmac(sha256, bytesLE(B, bp + s - 16, 16), passwd));
    }
    await smix1(B, bp, r, np, flags, V, vChunk * s, XY, lane, ticker);
    await smix2(B, bp, r, p2floor(np), nLoopRw, flags, V, vChunk * s, XY, lane, ticker);
  }
  for (let i = 0; i < p; i++) {
    await smix2(B, bOff + i * s, r, N, nLoopAll - nLoopRw, flags & ~YESCRYPT_RW, V, 0, XY, lanes[i], ticker);
  }
}

/** First SMix loop: fill V[vOff‥] with N blocks (RW: each also mixed with an earlier one). */
async function smix1(
  B: Uint32Array,
  bOff: number,
  r: number,
  N: number,
  flags: number,
  V: Uint32Array,
  vOff: number,
  XY: Uint32Array,
  lane: Pwxform | undefined,
  ticker: Ticker,
): Promise<void> {
  const s = 32 * r;
  const X = XY.subarray(0, s);
  const Y = XY.subarray(s, 2 * s);
  const last = (2 * r - 1) * 16;
  shuffleIn(B, bOff, X, r);
  const rw = (flags & YESCRYPT_RW) !== 0;
  for (let i = 0; i < N; i++) {
    V.set(X, vOff + i * s);
    if (rw && i > 1) {
      const n = p2floor(i);
      const j = (X[last] & (n - 1)) + (i - n);
      xorInto(X, V, vOff + j * s, s);
    }
    if (lane) blockmixPwxform(X, r, lane);
    else blockmixSalsa8(X, Y, r);
    if (ticker.due()) await ticker.pause();
  }
  shuffleOut(X, B, bOff, r);
}

/** Second SMix loop: `nLoop` reads of pseudo-random V blocks (RW: each written back). */
async function smix2(
  B: Uint32Array,
  bOff: number,
  r: number,
  N: number,
  nLoop: number,
  flags: number,
  V: Uint32Array,
  vOff: number,
  XY: Uint32Array,
  lane: Pwxform | undefined,
  ticker: Ticker,
): Promise<void> {
  const s = 32 * r;
  const X = XY.subarray(0, s);
  const Y = XY.subarray(s, 2 * s);
  const last = (2 * r - 1) * 16;
  shuffleIn(B, bOff, X, r);
  const rw = (flags & YESCRYPT_RW) !== 0;
  for (let i = 0; i < nLoop; i++) {
    const at = vOff + (X[last] & (N - 1)) * s;
    xorInto(X, V, at, s);
    if (rw) V.set(X, at);
    if (lane) blockmixPwxform(X, r, lane);
    else blockmixSalsa8(X, Y, r);
    if (ticker.due()) await ticker.pause();
  }
  shuffleOut(X, B, bOff, r);
}

/** Largest power of two ≤ x (x ≥ 1, < 2³¹). */
function p2floor(x: number): number {
  return 2 ** (31 - Math.clz32(x));
}

/** X ← B's 2r 64-byte blocks with each block's words in SIMD order (X[i] = B[5i mod 16]). */
function shuffleIn(B: Uint32Array, bOff: number, X: Uint32Array, r: number): void {
  for (let k = 0; k < 2 * r; k++) {
    const o = k * 16;
    for (let i = 0; i < 16; i++) X[o + i] = B[bOff + o + ((i * 5) & 15)];
  }
}

/** The inverse of {@link shuffleIn}. */
function shuffleOut(X: Uint32Array, B: Uint32Array, bOff: number, r: number): void {
  for (let k = 0; k < 2 * r; k++) {
    const o = k * 16;
    for (let i = 0; i < 16; i++) B[bOff + o + ((i * 5) & 15)] = X[o + i];
  }
}

function xorInto(X: Uint32Array, V: Uint32Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) X[i] ^= V[at + i];
}

/** scrypt's BlockMix with Salsa20/8 on shuffled blocks; Y is scratch of the same size. */
function blockmixSalsa8(B: Uint32Array, Y: Uint32Array, r: number): void {
  const last = (2 * r - 1) * 16;
  const X = B.slice(last, last + 16);
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) X[k] ^= B[i * 16 + k];
    salsa20(X, 0, 8);
    Y.set(X, i * 16);
  }
  for (let i = 0; i < r; i++) {
    B.set(Y.subarray(2 * i * 16, 2 * i * 16 + 16), i * 16);
    B.set(Y.subarray((2 * i + 1) * 16, (2 * i + 1) * 16 + 16), (i + r) * 16);
  }
}

/**
 * yescrypt's BlockMix_pwxform: chain pwxform over the 2r 64-byte sub-blocks
 * (each XORed with the previous result; the first with the old last one),
 * then Salsa20/2 on the last sub-block.
 */
function blockmixPwxform(B: Uint32Array, r: number, lane: Pwxform): void {
  const n = 2 * r;
  const last = (n - 1) * 16;
  for (let k = 0; k < 16; k++) B[k] ^= B[last + k];
  pwxform(B, 0, lane);
  for (let i = 1; i < n; i++) {
    const o = i * 16;
    for (let k = 0; k < 16; k++) B[o + k] ^= B[o - 16 + k];
    pwxform(B, o, lane);
  }
  salsa20(B, last, 2);
}

/**
 * pwxform on the 64-byte block at B[o‥o+16): six rounds over four 16-byte
 * lanes of two 64-bit words (lo, hi) each: x ← (hi·lo + S0[p0]) ⊕ S1[p1],
 * p0/p1 from bits 4‥11 of the lane's first word; rounds 1‥4 also append
 * every x to S2. Then the S-boxes rotate (S0, S1, S2) ← (S2, S0, S1).
 */
function pwxform(B: Uint32Array, o: number, lane: Pwxform): void {
  const S = lane.S;
  const s0 = lane.s0;
  const s1 = lane.s1;
  const s2 = lane.s2;
  let w = lane.w;
  for (let round = 0; round < 6; round++) {
    const store = round !== 0 && round !== 5;
    for (let j = o; j < o + 16; j += 4) {
      const p0 = s0 + ((B[j] & SMASK) >>> 2);
      const p1 = s1 + ((B[j + 1] & SMASK) >>> 2);
      for (let k = 0; k < 4; k += 2) {
        const lo = B[j + k];
        const hi = B[j + k + 1];
        // hi·lo + S0 entry as exact doubles: lo = a1·2¹⁶ + a0, so hi·lo = y·2¹⁶ + x with x, y < 2⁴⁸;
        // y = yh·2¹⁶ + yl, and x + yl·2¹⁶ + S0.lo < 2⁴⁹ carries into the high word.
        const x = (lo & 0xffff) * hi;
        const y = (lo >>> 16) * hi;
        const yh = Math.floor(y / 65536);
        const low = x + (y - yh * 65536) * 65536 + S[p0 + k];
        const carry = Math.floor(low / 4294967296);
        // ^ reduces mod 2³² (ToInt32); >>> 0 makes it unsigned again.
        const xl = (low ^ S[p1 + k]) >>> 0;
        const xh = ((yh + carry + S[p0 + k + 1]) ^ S[p1 + k + 1]) >>> 0;
        B[j + k] = xl;
        B[j + k + 1] = xh;
        if (store) {
          S[s2 + 2 * w] = xl;
          S[s2 + 2 * w + 1] = xh;
          w++;
        }
      }
    }
  }
  lane.s0 = s2;
  lane.s1 = s0;
  lane.s2 = s1;
  lane.w = w & W_MASK;
}

/**
 * Salsa20 core with `rounds` rounds on the shuffled 16-word block at
 * B[o‥o+16), in place (feed-forward added).
 */
function salsa20(B: Uint32Array, o: number, rounds: number): void {
  // Unshuffle: state word 5i mod 16 is B[o + i], i.e. state word k is B[o + 13k mod 16].
  let x0 = B[o], x5 = B[o + 1], x10 = B[o + 2], x15 = B[o + 3];
  let x4 = B[o + 4], x9 = B[o + 5], x14 = B[o + 6], x3 = B[o + 7];
  let x8 = B[o + 8], x13 = B[o + 9], x2 = B[o + 10], x7 = B[o + 11];
  let x12 = B[o + 12], x1 = B[o + 13], x6 = B[o + 14], x11 = B[o + 15];
  for (let i = 0; i < rounds; i += 2) {
    // columns
    x4 ^= rotl(x0 + x12, 7), x8 ^= rotl(x4 + x0, 9), x12 ^= rotl(x8 + x4, 13), x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7), x13 ^= rotl(x9 + x5, 9), x1 ^= rotl(x13 + x9, 13), x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7), x2 ^= rotl(x14 + x10, 9), x6 ^= rotl(x2 + x14, 13), x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7), x7 ^= rotl(x3 + x15, 9), x11 ^= rotl(x7 + x3, 13), x15 ^= rotl(x11 + x7, 18);
    // rows
    x1 ^= rotl(x0 + x3, 7), x2 ^= rotl(x1 + x0, 9), x3 ^= rotl(x2 + x1, 13), x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7), x7 ^= rotl(x6 + x5, 9), x4 ^= rotl(x7 + x6, 13), x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7), x8 ^= rotl(x11 + x10, 9), x9 ^= rotl(x8 + x11, 13), x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7), x13 ^= rotl(x12 + x15, 9), x14 ^= rotl(x13 + x12, 13), x15 ^= rotl(x14 + x13, 18);
  }
  B[o] += x0, B[o + 1] += x5, B[o + 2] += x10, B[o + 3] += x15;
  B[o + 4] += x4, B[o + 5] += x9, B[o + 6] += x14, B[o + 7] += x3;
  B[o + 8] += x8, B[o + 9] += x13, B[o + 10] += x2, B[o + 11] += x7;
  B[o + 12] += x12, B[o + 13] += x1, B[o + 14] += x6, B[o + 15] += x11;
}

function rotl(a: number, b: number): number {
  return (a << b) | (a >>> (32 - b));
}

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Little-endian words of `bytes` (length a multiple of 4). */
function wordsLE(bytes: Uint8Array): Uint32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getUint32(4 * i, true);
  return out;
}

/** `count` words of W from `start`, as little-endian bytes. */
function bytesLE(W: Uint32Array, start: number, count: number): Uint8Array {
  const out = new Uint8Array(4 * count);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < count; i++) dv.setUint32(4 * i, W[start + i], true);
  return out;
}
