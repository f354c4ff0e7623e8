/*
 * Shared declarations for the WebAssembly ChaCha20 / Poly1305 module
 * (chacha20.c, poly1305.c, chacha20_poly1305.c). Built freestanding
 * (no libc) by scripts/build_wasm.sh; wasm32 is little-endian, so
 * little-endian words are plain unaligned loads and stores.
 */
#ifndef TSSHD_WASM_CRYPTO_H
#define TSSHD_WASM_CRYPTO_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

static inline u32 load32_le(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline void store32_le(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }

/* data[0..n) ^= ks[0..n), 16 bytes at a time where possible. */
static inline void xor_bytes(u8 *data, const u8 *ks, u32 n) {
  u32 i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(data + i, wasm_v128_xor(wasm_v128_load(data + i), wasm_v128_load(ks + i)));
  for (; i < n; i++) data[i] ^= ks[i];
}

/* The 256 keystream bytes of blocks `counter` .. `counter` + 3 (original variant, as chacha20_xor). */
void chacha20_keystream256(const u8 key[32], const u8 nonce[8], u64 counter, u8 ks[256]);

/*
 * XOR `len` bytes at `data` (in place) with the ChaCha20 keystream of the
 * original (DJB) variant: 256-bit key, 64-bit nonce, 64-bit block counter
 * starting at `counter`.
 */
void chacha20_xor(const u8 key[32], const u8 nonce[8], u64 counter, u8 *data, u32 len);

/* Poly1305 (RFC 8439 §2.5) of `len` bytes at `msg` under the one-time `key`; writes 16 bytes to `tag`. */
void poly1305_mac(u8 tag[16], const u8 key[32], const u8 *msg, u32 len);

#endif
