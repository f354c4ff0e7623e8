/*
 * ChaCha20 internals shared by chacha20.c and chacha20_poly1305.c: the state
 * layout, the four-blocks-at-once SIMD step and its variant that also runs
 * Poly1305 (see chacha20.c for the layout and the SIMD scheme).
 */
#ifndef TSSHD_CHACHA20_H
#define TSSHD_CHACHA20_H

#include "poly1305.h"

/* "expand 32-byte k" as four little-endian words. */
#define SIGMA0 0x61707865u
#define SIGMA1 0x3320646eu
#define SIGMA2 0x79622d32u
#define SIGMA3 0x6b206574u

static inline u32 rotl32(u32 v, int n) { return (v << n) | (v >> (32 - n)); }

#define QR(a, b, c, d)                                                                                                 \
  a += b, d = rotl32(d ^ a, 16), c += d, b = rotl32(b ^ c, 12), a += b, d = rotl32(d ^ a, 8), c += d,                  \
  b = rotl32(b ^ c, 7)

/* Initial state for `counter`, words 0-15. */
static inline void init_state(u32 s[16], const u8 key[32], const u8 nonce[8], u64 counter) {
  s[0] = SIGMA0;
  s[1] = SIGMA1;
  s[2] = SIGMA2;
  s[3] = SIGMA3;
  for (int i = 0; i < 8; i++) s[4 + i] = load32_le(key + 4 * i);
  s[12] = (u32)counter;
  s[13] = (u32)(counter >> 32);
  s[14] = load32_le(nonce);
  s[15] = load32_le(nonce + 4);
}

static inline v128_t vrotl(v128_t v, int n) { return wasm_v128_or(wasm_i32x4_shl(v, n), wasm_u32x4_shr(v, 32 - n)); }

/* Rotations by 16 and 8 bits are byte shuffles within each 32-bit lane. */
static inline v128_t vrotl16(v128_t v) { return wasm_i8x16_shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13); }
static inline v128_t vrotl8(v128_t v) { return wasm_i8x16_shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14); }

#define VQR(a, b, c, d)                                                                                                \
  a = wasm_i32x4_add(a, b), d = vrotl16(wasm_v128_xor(d, a)), c = wasm_i32x4_add(c, d),                                \
  b = vrotl(wasm_v128_xor(b, c), 12), a = wasm_i32x4_add(a, b), d = vrotl8(wasm_v128_xor(d, a)),                       \
  c = wasm_i32x4_add(c, d), b = vrotl(wasm_v128_xor(b, c), 7)

/*
 * XOR 256 bytes at `data` with blocks s[12..13], +1, +2, +3 (four at once).
 * With `st`, also absorb the 256 bytes at `mac` (16 Poly1305 blocks, which
 * must not overlap `data` unless they are read before it is written, as
 * here: all of `mac` is read during the rounds, `data` is written after):
 * one Poly1305 block pair per double round, so that the scalar multiplies
 * run while the vector units work on ChaCha20 ("stitching").
 */
static inline void xor_blocks4_mac(const u32 s[16], u8 *data, poly_state *st, const u8 *mac) {
  u32 r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, h[5] = {0, 0, 0, 0, 0};
  if (st) {
    r0 = st->r[0], r1 = st->r[1], r2 = st->r[2], r3 = st->r[3], r4 = st->r[4];
    q0 = st->r2[0], q1 = st->r2[1], q2 = st->r2[2], q3 = st->r2[3], q4 = st->r2[4];
    for (int i = 0; i < 5; i++) h[i] = st->h[i];
  }
  v128_t x[16], in[16];
  for (int i = 0; i < 16; i++) in[i] = wasm_i32x4_splat(s[i]);
  /* Lane j counts block counter + j, carrying into the high word. */
  v128_t lo = wasm_i32x4_add(in[12], wasm_i32x4_make(0, 1, 2, 3));
  in[13] = wasm_i32x4_sub(in[13], wasm_u32x4_lt(lo, in[12]));
  in[12] = lo;
  for (int i = 0; i < 16; i++) x[i] = in[i];
  for (int i = 0; i < 10; i++) {
    VQR(x[0], x[4], x[8], x[12]);
    VQR(x[1], x[5], x[9], x[13]);
    if (st && i < 8) POLY_PAIR(h, mac + 32 * i);
    VQR(x[2], x[6], x[10], x[14]);
    VQR(x[3], x[7], x[11], x[15]);
    VQR(x[0], x[5], x[10], x[15]);
    VQR(x[1], x[6], x[11], x[12]);
    VQR(x[2], x[7], x[8], x[13]);
    VQR(x[3], x[4], x[9], x[14]);
  }
  for (int g = 0; g < 4; g++) {
    /* Words 4g..4g+3 of blocks 0-3: transpose the 4×4 word matrix. */
    v128_t a = wasm_i32x4_add(x[4 * g], in[4 * g]);
    v128_t b = wasm_i32x4_add(x[4 * g + 1], in[4 * g + 1]);
    v128_t c = wasm_i32x4_add(x[4 * g + 2], in[4 * g + 2]);
    v128_t d = wasm_i32x4_add(x[4 * g + 3], in[4 * g + 3]);
    v128_t ab01 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
    v128_t ab23 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
    v128_t cd01 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
    v128_t cd23 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    v128_t k[4] = {
        wasm_i64x2_shuffle(ab01, cd01, 0, 2),
        wasm_i64x2_shuffle(ab01, cd01, 1, 3),
        wasm_i64x2_shuffle(ab23, cd23, 0, 2),
        wasm_i64x2_shuffle(ab23, cd23, 1, 3),
    };
    for (int blk = 0; blk < 4; blk++) {
      u8 *p = data + 64 * blk + 16 * g;
      wasm_v128_store(p, wasm_v128_xor(wasm_v128_load(p), k[blk]));
    }
  }
  if (st)
    for (int i = 0; i < 5; i++) st->h[i] = h[i];
}

/* XOR 256 bytes at `data` with blocks s[12..13], +1, +2, +3. */
static inline void xor_blocks4(const u32 s[16], u8 *data) { xor_blocks4_mac(s, data, 0, 0); }

#endif
