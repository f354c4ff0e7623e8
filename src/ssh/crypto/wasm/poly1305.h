/*
 * Poly1305 internals shared by poly1305.c and the stitched ChaCha20 + Poly1305
 * loop (chacha20.h, chacha20_poly1305.c). See poly1305.c for the arithmetic.
 */
#ifndef TSSHD_POLY1305_H
#define TSSHD_POLY1305_H

#include "wasm_crypto.h"

#define MASK26 0x3ffffffu

typedef struct {
  u32 r[5];  /* r, clamped, in 26-bit limbs */
  u32 r2[5]; /* r^2 mod p, fully carried */
  u32 h[5];  /* the accumulator */
} poly_state;

/* The 26-bit limbs of a 16-byte little-endian block, plus `hibit` (2^128 as bit 24 of limb 4). */
#define LIMBS(m, hibit, l0, l1, l2, l3, l4)                                                                            \
  l0 = load32_le((m) + 0) & MASK26, l1 = (load32_le((m) + 3) >> 2) & MASK26,                                           \
  l2 = (load32_le((m) + 6) >> 4) & MASK26, l3 = (load32_le((m) + 9) >> 6) & MASK26,                                    \
  l4 = (load32_le((m) + 12) >> 8) | (hibit)

/*
 * The five column sums of a·b (limbs, b < 2^26 each) before reduction, added
 * to d0..d4: column k gets a_i·b_j for i + j = k and 5·a_i·b_j for i + j = k + 5.
 */
#define MULADD(d, a0, a1, a2, a3, a4, b0, b1, b2, b3, b4)                                                              \
  do {                                                                                                                 \
    u64 b5_1 = (u64)(b1) * 5, b5_2 = (u64)(b2) * 5, b5_3 = (u64)(b3) * 5, b5_4 = (u64)(b4) * 5;                      \
    d[0] += (u64)(a0) * (b0) + (u64)(a1) * b5_4 + (u64)(a2) * b5_3 + (u64)(a3) * b5_2 + (u64)(a4) * b5_1;             \
    d[1] += (u64)(a0) * (b1) + (u64)(a1) * (b0) + (u64)(a2) * b5_4 + (u64)(a3) * b5_3 + (u64)(a4) * b5_2;            \
    d[2] += (u64)(a0) * (b2) + (u64)(a1) * (b1) + (u64)(a2) * (b0) + (u64)(a3) * b5_4 + (u64)(a4) * b5_3;           \
    d[3] += (u64)(a0) * (b3) + (u64)(a1) * (b2) + (u64)(a2) * (b1) + (u64)(a3) * (b0) + (u64)(a4) * b5_4;          \
    d[4] += (u64)(a0) * (b4) + (u64)(a1) * (b3) + (u64)(a2) * (b2) + (u64)(a3) * (b1) + (u64)(a4) * (b0);         \
  } while (0)

/* Carry the column sums d0..d4 into limbs h0..h4 (h1 may end a little above 2^26). */
static inline void carry(const u64 d_in[5], u32 h[5]) {
  u64 d1 = d_in[1], d2 = d_in[2], d3 = d_in[3], d4 = d_in[4];
  u32 c, h0;
  c = (u32)(d_in[0] >> 26), h0 = (u32)d_in[0] & MASK26;
  d1 += c, c = (u32)(d1 >> 26), h[1] = (u32)d1 & MASK26;
  d2 += c, c = (u32)(d2 >> 26), h[2] = (u32)d2 & MASK26;
  d3 += c, c = (u32)(d3 >> 26), h[3] = (u32)d3 & MASK26;
  d4 += c, c = (u32)(d4 >> 26), h[4] = (u32)d4 & MASK26;
  h0 += c * 5, c = h0 >> 26, h[0] = h0 & MASK26;
  h[1] += c;
}

/*
 * Absorb the two full 16-byte blocks at `mp` into h (limbs, local array) with
 * one reduction: h = (h + m1)·r^2 + m2·r. Needs locals r0..r4 (r) and q0..q4 (r^2).
 */
#define POLY_PAIR(h, mp)                                                                                               \
  do {                                                                                                                 \
    u32 a0_, a1_, a2_, a3_, a4_, b0_, b1_, b2_, b3_, b4_;                                                              \
    LIMBS(mp, 1u << 24, a0_, a1_, a2_, a3_, a4_);                                                                      \
    LIMBS((mp) + 16, 1u << 24, b0_, b1_, b2_, b3_, b4_);                                                               \
    u64 d_[5] = {0, 0, 0, 0, 0};                                                                                       \
    MULADD(d_, h[0] + a0_, h[1] + a1_, h[2] + a2_, h[3] + a3_, h[4] + a4_, q0, q1, q2, q3, q4);                        \
    MULADD(d_, b0_, b1_, b2_, b3_, b4_, r0, r1, r2, r3, r4);                                                           \
    carry(d_, h);                                                                                                      \
  } while (0)

/* Start a MAC with the one-time `key` (r from its first 16 bytes). */
void poly_init(poly_state *st, const u8 key[32]);

/* Absorb `nblocks` full 16-byte blocks (hibit 2^128 set). */
void poly_blocks(poly_state *st, const u8 *m, u32 nblocks);

/* Absorb the final `len` bytes (any length; a partial last block is padded per §2.5.1) and write the tag. */
void poly_finish(poly_state *st, const u8 key[32], const u8 *m, u32 len, u8 tag[16]);

#endif
