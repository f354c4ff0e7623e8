/*
 * Poly1305 (RFC 8439 §2.5): the accumulator h and the clamped key r are
 * numbers below 2^130, kept as five 26-bit limbs in 32-bit words so that every
 * limb product fits a 64-bit (i64) multiply with room for the sums.
 *
 * Per 16-byte block: h = (h + block + 2^128) · r mod p, p = 2^130 − 5. With
 * h = Σ h_i 2^(26i) and r likewise, the product's limb k collects h_i·r_j for
 * i + j ≡ k (mod 5); the terms with i + j ≥ 5 wrap around 2^130 ≡ 5 (mod p),
 * hence the precomputed s_j = 5·r_j. Clamping keeps r_j < 2^26 (r_1..r_4 even
 * smaller), so each 64-bit column sum stays far below 2^64.
 */
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

static void poly_init(poly_state *st, const u8 key[32]) {
  /* r = key[0..16] little-endian, clamped (§2.5.1), split into 26-bit limbs. */
  u32 *r = st->r;
  r[0] = load32_le(key + 0) & 0x3ffffff;
  r[1] = (load32_le(key + 3) >> 2) & 0x3ffff03;
  r[2] = (load32_le(key + 6) >> 4) & 0x3ffc0ff;
  r[3] = (load32_le(key + 9) >> 6) & 0x3f03fff;
  r[4] = (load32_le(key + 12) >> 8) & 0x00fffff;
  u64 d[5] = {0, 0, 0, 0, 0};
  MULADD(d, r[0], r[1], r[2], r[3], r[4], r[0], r[1], r[2], r[3], r[4]);
  carry(d, st->r2);
  /* One more carry step so that every limb of r^2 is below 2^26 (MULADD's b operand). */
  u32 c = st->r2[1] >> 26;
  st->r2[1] &= MASK26, st->r2[2] += c;
  for (int i = 0; i < 5; i++) st->h[i] = 0;
}

/*
 * Absorb `nblocks` 16-byte blocks; `hibit` is 2^128 as limb-4 bit 24 (0 for
 * the padded final block). Pairs of blocks m1, m2 take one reduction:
 * h' = (h + m1)·r^2 + m2·r, which equals two steps of h' = (h + m)·r.
 */
static void poly_blocks(poly_state *st, const u8 *m, u32 nblocks, u32 hibit) {
  const u32 r0 = st->r[0], r1 = st->r[1], r2 = st->r[2], r3 = st->r[3], r4 = st->r[4];
  const u32 q0 = st->r2[0], q1 = st->r2[1], q2 = st->r2[2], q3 = st->r2[3], q4 = st->r2[4];
  u32 h[5] = {st->h[0], st->h[1], st->h[2], st->h[3], st->h[4]};
  u32 a0, a1, a2, a3, a4, b0, b1, b2, b3, b4;
  for (; nblocks >= 2; nblocks -= 2, m += 32) {
    LIMBS(m, hibit, a0, a1, a2, a3, a4);
    LIMBS(m + 16, hibit, b0, b1, b2, b3, b4);
    u64 d[5] = {0, 0, 0, 0, 0};
    MULADD(d, h[0] + a0, h[1] + a1, h[2] + a2, h[3] + a3, h[4] + a4, q0, q1, q2, q3, q4);
    MULADD(d, b0, b1, b2, b3, b4, r0, r1, r2, r3, r4);
    carry(d, h);
  }
  if (nblocks) {
    LIMBS(m, hibit, a0, a1, a2, a3, a4);
    u64 d[5] = {0, 0, 0, 0, 0};
    MULADD(d, h[0] + a0, h[1] + a1, h[2] + a2, h[3] + a3, h[4] + a4, r0, r1, r2, r3, r4);
    carry(d, h);
  }
  for (int i = 0; i < 5; i++) st->h[i] = h[i];
}

/* tag = (h mod p + s) mod 2^128, s = key[16..32]. */
static void poly_finish(poly_state *st, const u8 key[32], u8 tag[16]) {
  u32 h0 = st->h[0], h1 = st->h[1], h2 = st->h[2], h3 = st->h[3], h4 = st->h[4];
  u32 c;
  /* Full carry: every limb below 2^26, h < 2^130 + small. */
  c = h1 >> 26, h1 &= MASK26;
  h2 += c, c = h2 >> 26, h2 &= MASK26;
  h3 += c, c = h3 >> 26, h3 &= MASK26;
  h4 += c, c = h4 >> 26, h4 &= MASK26;
  h0 += c * 5, c = h0 >> 26, h0 &= MASK26;
  h1 += c;

  /* g = h + 5 − 2^130; if g ≥ 0 (no borrow) then h ≥ p and h mod p = g. Constant time. */
  u32 g0 = h0 + 5, g1, g2, g3, g4;
  c = g0 >> 26, g0 &= MASK26;
  g1 = h1 + c, c = g1 >> 26, g1 &= MASK26;
  g2 = h2 + c, c = g2 >> 26, g2 &= MASK26;
  g3 = h3 + c, c = g3 >> 26, g3 &= MASK26;
  g4 = h4 + c - (1u << 26);
  u32 use_g = (g4 >> 31) - 1; /* all ones when g4 did not go negative */
  h0 = (h0 & ~use_g) | (g0 & use_g);
  h1 = (h1 & ~use_g) | (g1 & use_g);
  h2 = (h2 & ~use_g) | (g2 & use_g);
  h3 = (h3 & ~use_g) | (g3 & use_g);
  h4 = (h4 & ~use_g) | (g4 & use_g);

  /*
   * (h mod 2^128) + s with 64-bit sums: exact even if h1 reached 2^26 in the
   * last carry step (the limbs overlap there, so OR-ing them would be wrong).
   */
  u64 t = (u64)h0 + ((u64)h1 << 26) + load32_le(key + 16);
  store32_le(tag + 0, (u32)t);
  t = (t >> 32) + ((u64)h2 << 20) + load32_le(key + 20);
  store32_le(tag + 4, (u32)t);
  t = (t >> 32) + ((u64)h3 << 14) + load32_le(key + 24);
  store32_le(tag + 8, (u32)t);
  t = (t >> 32) + ((u64)h4 << 8) + load32_le(key + 28);
  store32_le(tag + 12, (u32)t);
}

void poly1305_mac(u8 tag[16], const u8 key[32], const u8 *msg, u32 len) {
  poly_state st;
  poly_init(&st, key);
  u32 full = len / 16;
  poly_blocks(&st, msg, full, 1u << 24);
  u32 rest = len % 16;
  if (rest) {
    /* Last partial block: the bytes, then a 1 byte, then zeros; no 2^128 bit (§2.5.1). */
    u8 last[16];
    for (u32 i = 0; i < 16; i++) last[i] = 0;
    for (u32 i = 0; i < rest; i++) last[i] = msg[16 * full + i];
    last[rest] = 1;
    poly_blocks(&st, last, 1, 0);
  }
  poly_finish(&st, key, tag);
}
