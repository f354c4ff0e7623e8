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
#include "poly1305.h"

void poly_init(poly_state *st, const u8 key[32]) {
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
static void absorb(poly_state *st, const u8 *m, u32 nblocks, u32 hibit) {
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

void poly_blocks(poly_state *st, const u8 *m, u32 nblocks) { absorb(st, m, nblocks, 1u << 24); }

/* tag = (h mod p + s) mod 2^128, s = key[16..32]. */
static void tag_out(poly_state *st, const u8 key[32], u8 tag[16]) {
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

void poly_finish(poly_state *st, const u8 key[32], const u8 *m, u32 len, u8 tag[16]) {
  u32 full = len / 16;
  absorb(st, m, full, 1u << 24);
  u32 rest = len % 16;
  if (rest) {
    /* Last partial block: the bytes, then a 1 byte, then zeros; no 2^128 bit (§2.5.1). */
    u8 last[16];
    for (u32 i = 0; i < 16; i++) last[i] = 0;
    for (u32 i = 0; i < rest; i++) last[i] = m[16 * full + i];
    last[rest] = 1;
    absorb(st, last, 1, 0);
  }
  tag_out(st, key, tag);
}

void poly1305_mac(u8 tag[16], const u8 key[32], const u8 *msg, u32 len) {
  poly_state st;
  poly_init(&st, key);
  poly_finish(&st, key, msg, len, tag);
}
