/**
 * NIST's AES-256 CTR_DRBG as the post-quantum KAT generators use it (`rng.c`
 * of the NIST PQC submission package: SP 800-90A CTR_DRBG, no derivation
 * function, no prediction resistance, 48-byte seed): test-only, for
 * reproducing `kat_kem.rsp` records. AES-256-ECB comes from node:crypto.
 *
 * @module
 */
import { createCipheriv } from "node:crypto";
import type { RandomSource } from "../../src/ssh/crypto/sntrup761/sample.ts";

function aes256Block(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-256-ecb", key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(cipher.update(block));
}

/**
 * A seeded DRBG whose `randomBytes(n)` behaves like `randombytes(x, n)` after
 * `randombytes_init(seed, NULL, 256)`: each call produces whole AES blocks of
 * the incremented counter V, keeps the first n bytes, then updates (Key, V).
 *
 * @example
 * ```ts
 * const master = new NistDrbg(Uint8Array.from({ length: 48 }, (_, i) => i));
 * const seed0 = master.randomBytes(48); // the "seed" of KAT record count = 0
 * ```
 */
export class NistDrbg {
  private key = new Uint8Array(32);
  private v = new Uint8Array(16);

  constructor(seed: Uint8Array) {
    if (seed.length !== 48) throw new Error("the DRBG seed is 48 bytes");
    this.update(seed);
  }

  private increment(): void {
    for (let j = 15; j >= 0; j--) {
      if (this.v[j] === 0xff) this.v[j] = 0;
      else {
        this.v[j]++;
        break;
      }
    }
  }

  private update(provided: Uint8Array | null): void {
    const temp = new Uint8Array(48);
    for (let i = 0; i < 3; i++) {
      this.increment();
      temp.set(aes256Block(this.key, this.v), 16 * i);
    }
    if (provided) { for (let i = 0; i < 48; i++) temp[i] ^= provided[i]; }
    this.key = temp.slice(0, 32);
    this.v = temp.slice(32, 48);
  }

  /** `randombytes(x, n)`. Bound so it can be passed as a function. */
  randomBytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let at = 0; at < n; at += 16) {
      this.increment();
      const block = aes256Block(this.key, this.v);
      out.set(block.subarray(0, Math.min(16, n - at)), at);
    }
    this.update(null);
    return out;
  };

  /**
   * The sntrup761 randomness of the reference implementation on top of this
   * DRBG: `bytes(n)` is one `randombytes(x, n)`; `words(n)` is n × `urandom32`,
   * each a separate 4-byte `randombytes` call read little-endian.
   */
  kemRandom(): RandomSource {
    return {
      bytes: this.randomBytes,
      words: (n: number): Uint32Array => {
        const out = new Uint32Array(n);
        for (let i = 0; i < n; i++) {
          const c = this.randomBytes(4);
          out[i] = (c[0] | (c[1] << 8) | (c[2] << 16) | (c[3] << 24)) >>> 0;
        }
        return out;
      },
    };
  }
}
