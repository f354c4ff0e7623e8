/**
 * The ciphers that protect the private section of an `openssh-key-v1` file
 * (OpenSSH's `cipher.c` table, used once with sequence number 0 and no
 * additional data). Key and IV come from the KDF as one string: the first
 * `keyLength` bytes are the key, the next `ivLength` the IV.
 *
 * | name                            | key | IV | block | tag |
 * | ------------------------------- | --- | -- | ----- | --- |
 * | aes128-ctr, aes192-ctr, aes256-ctr | 16/24/32 | 16 | 16 | 0 |
 * | aes128-cbc, aes192-cbc, aes256-cbc | 16/24/32 | 16 | 16 | 0 |
 * | aes128-gcm@openssh.com, aes256-gcm@openssh.com | 16/32 | 12 | 16 | 16 |
 * | chacha20-poly1305@openssh.com   | 64  | 0  | 8     | 16  |
 *
 * Not supported: `3des-cbc` (no DES here; `ssh-keygen -p` re-encrypts such a
 * file with aes256-ctr).
 *
 * @example
 * ```ts
 * const c = keyFileCipher("aes256-ctr")!;
 * const sealed = c.encrypt(keyIv.subarray(0, c.keyLength), keyIv.subarray(c.keyLength), section);
 * c.decrypt(key, iv, sealed); // section again (null if an AEAD tag fails)
 * ```
 * @module
 */

import { cbc, ctr, gcm } from "@noble/ciphers/aes.js";
import { chacha20orig } from "@noble/ciphers/chacha.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";

/** One key-file cipher. */
export interface KeyFileCipher {
  readonly name: string;
  readonly keyLength: number;
  readonly ivLength: number;
  /** The private section is padded to a multiple of this. */
  readonly blockSize: number;
  /** Bytes of authentication tag after the encrypted section (AEAD ciphers). */
  readonly tagLength: number;
  /** Encrypt; returns ciphertext ‖ tag. */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Decrypt ciphertext ‖ tag; `null` if the tag does not verify. */
  decrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

function aesCtr(bits: number): KeyFileCipher {
  return {
    name: `aes${bits}-ctr`,
    keyLength: bits / 8,
    ivLength: 16,
    blockSize: 16,
    tagLength: 0,
    encrypt: (key, iv, data) => ctr(key, iv).encrypt(data),
    decrypt: (key, iv, data) => ctr(key, iv).decrypt(data),
  };
}

function aesCbc(bits: number, name = `aes${bits}-cbc`): KeyFileCipher {
  return {
    name,
    keyLength: bits / 8,
    ivLength: 16,
    blockSize: 16,
    tagLength: 0,
    encrypt: (key, iv, data) => cbc(key, iv, { disablePadding: true }).encrypt(data),
    decrypt: (key, iv, data) => cbc(key, iv, { disablePadding: true }).decrypt(data),
  };
}

function aesGcm(bits: number): KeyFileCipher {
  return {
    name: `aes${bits}-gcm@openssh.com`,
    keyLength: bits / 8,
    ivLength: 12,
    blockSize: 16,
    tagLength: 16,
    encrypt: (key, iv, data) => gcm(key, iv).encrypt(data),
    decrypt: (key, iv, data) => {
      try {
        return gcm(key, iv).decrypt(data);
      } catch {
        return null;
      }
    },
  };
}

/** The nonce for sequence number 0 (BE64). */
const ZERO_NONCE = new Uint8Array(8);

/**
 * chacha20-poly1305@openssh.com with sequence number 0 and no length field:
 * the Poly1305 key is ChaCha20 block 0 under the first 32 key bytes, the data
 * is encrypted from block 1, and the tag covers the ciphertext.
 */
const CHACHA20_POLY1305: KeyFileCipher = {
  name: "chacha20-poly1305@openssh.com",
  keyLength: 64,
  ivLength: 0,
  blockSize: 8,
  tagLength: 16,
  encrypt(key, _iv, data) {
    const main = key.subarray(0, 32);
    const polyKey = chacha20orig(main, ZERO_NONCE, new Uint8Array(32));
    const ct = chacha20orig(main, ZERO_NONCE, data, undefined, 1);
    const out = new Uint8Array(ct.length + 16);
    out.set(ct);
    out.set(poly1305(ct, polyKey), ct.length);
    return out;
  },
  decrypt(key, _iv, sealed) {
    if (sealed.length < 16) return null;
    const main = key.subarray(0, 32);
    const ct = sealed.subarray(0, sealed.length - 16);
    const polyKey = chacha20orig(main, ZERO_NONCE, new Uint8Array(32));
    const tag = poly1305(ct, polyKey);
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= tag[i] ^ sealed[ct.length + i];
    if (diff !== 0) return null;
    return chacha20orig(main, ZERO_NONCE, ct, undefined, 1);
  },
};

const CIPHERS: readonly KeyFileCipher[] = [
  aesCtr(128),
  aesCtr(192),
  aesCtr(256),
  aesCbc(128),
  aesCbc(192),
  aesCbc(256),
  aesCbc(256, "rijndael-cbc@lysator.liu.se"),
  aesGcm(128),
  aesGcm(256),
  CHACHA20_POLY1305,
];

/**
 * Names of the key-file ciphers we read and write.
 *
 * @example
 * ```ts
 * KEY_FILE_CIPHERS.includes("aes256-ctr"); // true
 * ```
 */
export const KEY_FILE_CIPHERS: readonly string[] = CIPHERS.map((c) => c.name);

/**
 * The cipher called `name`, or `undefined` if we do not support it.
 *
 * @example
 * ```ts
 * keyFileCipher("aes256-gcm@openssh.com")?.tagLength; // 16
 * keyFileCipher("3des-cbc"); // undefined
 * ```
 */
export function keyFileCipher(name: string): KeyFileCipher | undefined {
  return CIPHERS.find((c) => c.name === name);
}
