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
#include "chacha20.h"

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
