/*
 * ChaCha20, original (DJB) variant as used by chacha20-poly1305@openssh.com:
 * 64-bit block counter in state words 12-13, 64-bit nonce in words 14-15.
 * The block function is RFC 8439 §2.3 (quarter round §2.1, state layout §2.3
 * apart from the counter/nonce split).
 *
 * Full 256-byte chunks run four blocks at once with WebAssembly SIMD: vector i
 * holds state word i of four consecutive blocks (one block per lane), so each
 * quarter round is the scalar one on vectors; the result is transposed back to
 * four 64-byte blocks before it is XORed into the data. Shorter tails use the
 * scalar block function.
 */
#include "wasm_crypto.h"

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
static void init_state(u32 s[16], const u8 key[32], const u8 nonce[8], u64 counter) {
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

/* One 64-byte keystream block for state `s` (scalar). */
static void block1(const u32 s[16], u8 out[64]) {
  u32 x[16];
  for (int i = 0; i < 16; i++) x[i] = s[i];
  for (int i = 0; i < 10; i++) {
    QR(x[0], x[4], x[8], x[12]);
    QR(x[1], x[5], x[9], x[13]);
    QR(x[2], x[6], x[10], x[14]);
    QR(x[3], x[7], x[11], x[15]);
    QR(x[0], x[5], x[10], x[15]);
    QR(x[1], x[6], x[11], x[12]);
    QR(x[2], x[7], x[8], x[13]);
    QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; i++) store32_le(out + 4 * i, x[i] + s[i]);
}

static inline v128_t vrotl(v128_t v, int n) { return wasm_v128_or(wasm_i32x4_shl(v, n), wasm_u32x4_shr(v, 32 - n)); }

/* Rotations by 16 and 8 bits are byte shuffles within each 32-bit lane. */
static inline v128_t vrotl16(v128_t v) { return wasm_i8x16_shuffle(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13); }
static inline v128_t vrotl8(v128_t v) { return wasm_i8x16_shuffle(v, v, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14); }

#define VQR(a, b, c, d)                                                                                                \
  a = wasm_i32x4_add(a, b), d = vrotl16(wasm_v128_xor(d, a)), c = wasm_i32x4_add(c, d),                                \
  b = vrotl(wasm_v128_xor(b, c), 12), a = wasm_i32x4_add(a, b), d = vrotl8(wasm_v128_xor(d, a)),                       \
  c = wasm_i32x4_add(c, d), b = vrotl(wasm_v128_xor(b, c), 7)

/* XOR 256 bytes at `data` with blocks s[12..13], +1, +2, +3 (four at once). */
static void xor_blocks4(const u32 s[16], u8 *data) {
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
}

void chacha20_keystream256(const u8 key[32], const u8 nonce[8], u64 counter, u8 ks[256]) {
  u32 s[16];
  init_state(s, key, nonce, counter);
  for (int i = 0; i < 256; i += 16) wasm_v128_store(ks + i, wasm_i64x2_const(0, 0));
  xor_blocks4(s, ks);
}

void chacha20_xor(const u8 key[32], const u8 nonce[8], u64 counter, u8 *data, u32 len) {
  u32 s[16];
  init_state(s, key, nonce, counter);
  while (len >= 256) {
    xor_blocks4(s, data);
    counter += 4;
    s[12] = (u32)counter;
    s[13] = (u32)(counter >> 32);
    data += 256;
    len -= 256;
  }
  if (len > 64) {
    /* 65..255 bytes left: four blocks at once beat up to four scalar ones. */
    u8 ks[256];
    for (int i = 0; i < 256; i += 16) wasm_v128_store(ks + i, wasm_i64x2_const(0, 0));
    xor_blocks4(s, ks);
    xor_bytes(data, ks, len);
  } else if (len > 0) {
    u8 ks[64];
    block1(s, ks);
    xor_bytes(data, ks, len);
  }
}
