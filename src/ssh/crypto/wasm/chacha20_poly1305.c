/*
 * The module's exports: raw ChaCha20 and Poly1305 for the crypto provider, and
 * chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305) for one
 * whole packet per call, in place in this module's memory:
 *
 * - keys: 64 bytes K_2 ‖ K_1; K_1 encrypts the 4-byte length from block 0,
 *   K_2 encrypts the rest from block 1 and its block 0 keys Poly1305;
 * - nonce: the sequence number as a big-endian uint64;
 * - tag: Poly1305 over encrypted length ‖ encrypted rest, appended.
 *
 * All pointers are offsets into this module's memory; the caller (wasm_crypto.ts)
 * copies data in at heap_base() and out again.
 */
#include "chacha20.h"

extern u8 __heap_base;

/* Start of the memory this module leaves free for its caller (above the stack). */
EXPORT("heap_base") u32 heap_base(void) { return (u32)(unsigned long)&__heap_base; }

EXPORT("chacha20") void chacha20_export(const u8 *key, const u8 *nonce, u32 counter, u8 *data, u32 len) {
  chacha20_xor(key, nonce, counter, data, len);
}

EXPORT("poly1305") void poly1305_export(u8 *tag, const u8 *key, const u8 *msg, u32 len) {
  poly1305_mac(tag, key, msg, len);
}

/* The 8-byte nonce for packet `seq`: big-endian uint64. */
static void seq_nonce(u8 nonce[8], u32 seq) {
  nonce[0] = nonce[1] = nonce[2] = nonce[3] = 0;
  nonce[4] = (u8)(seq >> 24);
  nonce[5] = (u8)(seq >> 16);
  nonce[6] = (u8)(seq >> 8);
  nonce[7] = (u8)seq;
}

/*
 * K_2's keystream blocks 0-3 for packet `nonce`: block 0 is the Poly1305 key
 * (its first 32 bytes), blocks 1-3 encrypt the first 192 bytes of the rest.
 * One four-block step serves both, which matters for small packets.
 */
static void first_blocks(u8 ks[256], const u8 *keys, const u8 nonce[8]) { chacha20_keystream256(keys, nonce, 0, ks); }

/* Encrypt or decrypt `len` bytes of the rest in place, using ks (blocks 1-3) first. */
static void crypt_rest(const u8 *keys, const u8 nonce[8], const u8 ks[256], u8 *rest, u32 len) {
  u32 head = len < 192 ? len : 192;
  xor_bytes(rest, ks + 64, head);
  if (len > head) chacha20_xor(keys, nonce, 4, rest + head, len - head);
}

/* Constant-time comparison of two 16-byte tags: 1 if equal. */
static u32 tags_equal(const u8 *a, const u8 *b) {
  u32 diff = 0;
  for (int i = 0; i < 16; i++) diff |= a[i] ^ b[i];
  return diff == 0;
}

/*
 * Seal the plaintext packet of `len` (≥ 4) bytes at `buf` in place and append
 * the 16-byte tag at buf + len. From the second 256-byte chunk on, Poly1305
 * absorbs the previous (already encrypted) 256 bytes of buf while ChaCha20
 * encrypts the next chunk (stitched, see xor_blocks4_mac).
 */
EXPORT("openssh_seal") void openssh_seal(const u8 *keys, u32 seq, u8 *buf, u32 len) {
  u8 nonce[8], ks[256];
  seq_nonce(nonce, seq);
  chacha20_xor(keys + 32, nonce, 0, buf, 4);
  first_blocks(ks, keys, nonce);
  u32 rest = len - 4, head = rest < 192 ? rest : 192;
  xor_bytes(buf + 4, ks + 64, head);
  poly_state st;
  poly_init(&st, ks);
  u32 done = 4 + head; /* bytes of buf encrypted so far */
  u32 mac = 0;         /* bytes of buf absorbed so far (a multiple of 256) */
  u32 s[16];
  u64 counter = 4;
  init_state(s, keys, nonce, counter);
  while (len - done >= 256) {
    if (done >= mac + 256) {
      xor_blocks4_mac(s, buf + done, &st, buf + mac);
      mac += 256;
    } else {
      xor_blocks4(s, buf + done);
    }
    counter += 4;
    s[12] = (u32)counter;
    s[13] = (u32)(counter >> 32);
    done += 256;
  }
  if (len > done) chacha20_xor(keys, nonce, counter, buf + done, len - done);
  poly_finish(&st, ks, buf + mac, len - mac, buf + len);
}

/* The packet length from the 4 encrypted header bytes at `hdr` (left unchanged). */
EXPORT("openssh_length") u32 openssh_length(const u8 *keys, u32 seq, const u8 *hdr) {
  u8 nonce[8], plain[4];
  seq_nonce(nonce, seq);
  for (int i = 0; i < 4; i++) plain[i] = hdr[i];
  chacha20_xor(keys + 32, nonce, 0, plain, 4);
  return ((u32)plain[0] << 24) | ((u32)plain[1] << 16) | ((u32)plain[2] << 8) | plain[3];
}

/*
 * Authenticate and decrypt the wire packet of `len` (≥ 20) bytes at `buf`
 * (encrypted length ‖ encrypted rest ‖ tag) in place. Returns 1 if the tag
 * matched, else 0; then buf holds garbage (partly decrypted) that the caller
 * must not use. The tag comparison is constant-time.
 *
 * Small packets are MACed whole, then decrypted. Larger ones run Poly1305
 * ahead of ChaCha20: the first 208 bytes are absorbed, then each 256-byte
 * chunk is decrypted while the next 256 ciphertext bytes (starting 12 bytes
 * past the chunk) are absorbed in the same loop; whatever is left is absorbed
 * before it is decrypted. Every byte is MACed as ciphertext.
 */
EXPORT("openssh_open") u32 openssh_open(const u8 *keys, u32 seq, u8 *buf, u32 len) {
  u8 nonce[8], ks[256], tag[16];
  u32 end = len - 16;
  seq_nonce(nonce, seq);
  first_blocks(ks, keys, nonce);
  poly_state st;
  poly_init(&st, ks);
  if (end < 208 + 256) {
    poly_finish(&st, ks, buf, end, tag);
    if (!tags_equal(tag, buf + end)) return 0;
    crypt_rest(keys, nonce, ks, buf + 4, end - 4);
    return 1;
  }
  poly_blocks(&st, buf, 13);
  u32 mac = 208; /* bytes of buf absorbed so far */
  xor_bytes(buf + 4, ks + 64, 192);
  u32 done = 196; /* bytes of buf decrypted so far */
  u32 s[16];
  u64 counter = 4;
  init_state(s, keys, nonce, counter);
  while (end - done >= 256 && end - mac >= 256) {
    xor_blocks4_mac(s, buf + done, &st, buf + mac);
    mac += 256;
    done += 256;
    counter += 4;
    s[12] = (u32)counter;
    s[13] = (u32)(counter >> 32);
  }
  poly_finish(&st, ks, buf + mac, end - mac, tag);
  if (!tags_equal(tag, buf + end)) return 0;
  if (end > done) chacha20_xor(keys, nonce, counter, buf + done, end - done);
  return 1;
}
