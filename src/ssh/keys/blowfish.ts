/**
 * Blowfish (Schneier 1993): a 16-round Feistel cipher on 64-bit blocks with
 * key-dependent S-boxes, plus the "expensive key schedule" steps of bcrypt
 * (Provos & Mazières 1999, `ExpandKey(state, salt, key)`) that
 * {@link bcryptPbkdf} builds on. Encryption only: nothing here decrypts.
 *
 * Words are big-endian; a key or salt is read as a cyclic byte stream, four
 * bytes per word, so a 7-byte key repeats from its start mid-word.
 *
 * @example
 * ```ts
 * const bf = new Blowfish(key);           // the standard key schedule
 * const ct = bf.encryptBlock(plaintext);  // 8 bytes in, 8 bytes out
 * ```
 * @module
 */

import { PI_HEX_DIGITS } from "./blowfish_pi.ts";

/** Words in the P-array. */
const P_WORDS = 18;
/** Words in the four S-boxes together. */
const S_WORDS = 1024;

/** The initial state (P-array then S-boxes) parsed once from the digits of π. */
const INITIAL_STATE: Int32Array = (() => {
  const words = new Int32Array(P_WORDS + S_WORDS);
  for (let i = 0; i < words.length; i++) words[i] = parseInt(PI_HEX_DIGITS.slice(8 * i, 8 * i + 8), 16) | 0;
  return words;
})();

/**
 * The first `count` words of the cyclic big-endian stream over `bytes`
 * (OpenBSD's `Blowfish_stream2word`, called `count` times from offset 0).
 *
 * @example
 * ```ts
 * streamWords(new Uint8Array([1, 2, 3]), 2); // Int32Array [0x01020301, 0x02030102]
 * ```
 */
export function streamWords(bytes: Uint8Array, count: number): Int32Array {
  if (bytes.length === 0) throw new RangeError("Blowfish key stream is empty");
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < count; i++) {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      w = (w << 8) | bytes[j];
      j = j + 1 === bytes.length ? 0 : j + 1;
    }
    out[i] = w;
  }
  return out;
}

/**
 * A Blowfish state (P-array and S-boxes). `new Blowfish()` is the initial
 * state from π; `new Blowfish(key)` runs the standard key schedule.
 *
 * @example
 * ```ts
 * const bf = new Blowfish(new Uint8Array(8));
 * bf.encryptBlock(new Uint8Array(8)); // 4e f9 97 45 61 98 dd 78 (Eric Young's vector 1)
 * ```
 */
export class Blowfish {
  /** P-array (18 words) followed by S0‥S3 (256 words each). */
  private readonly state: Int32Array = INITIAL_STATE.slice();
  /** Scratch for one block: [left, right]. */
  private readonly lr = new Int32Array(2);

  constructor(key?: Uint8Array) {
    if (key === undefined) return;
    if (key.length < 1 || key.length > 72) throw new RangeError(`Blowfish key must be 1..72 bytes, got ${key.length}`);
    this.expand0State(streamWords(key, P_WORDS));
  }

  /**
   * Encrypt one 8-byte block (ECB).
   *
   * @example
   * ```ts
   * new Blowfish(key).encryptBlock(block).length; // 8
   * ```
   */
  encryptBlock(block: Uint8Array): Uint8Array {
    if (block.length !== 8) throw new RangeError(`Blowfish block must be 8 bytes, got ${block.length}`);
    const dv = new DataView(block.buffer, block.byteOffset, 8);
    const lr = this.lr;
    lr[0] = dv.getInt32(0);
    lr[1] = dv.getInt32(4);
    encipher(this.state, lr);
    const out = new Uint8Array(8);
    const ov = new DataView(out.buffer);
    ov.setInt32(0, lr[0]);
    ov.setInt32(4, lr[1]);
    return out;
  }

  /**
   * Encrypt word pairs in place (ECB over 64-bit blocks held as two words
   * each), as bcrypt does to its magic string.
   *
   * @example
   * ```ts
   * const words = new Int32Array(8);
   * bf.encryptWords(words); // four blocks encrypted
   * ```
   */
  encryptWords(words: Int32Array): void {
    const lr = this.lr;
    for (let i = 0; i + 1 < words.length; i += 2) {
      lr[0] = words[i];
      lr[1] = words[i + 1];
      encipher(this.state, lr);
      words[i] = lr[0];
      words[i + 1] = lr[1];
    }
  }

  /**
   * bcrypt's salted key schedule (`Blowfish_expandstate`): XOR the key
   * stream into P, then refill P and the S-boxes by repeatedly encrypting a
   * block into which the salt stream is XORed first. `salt` and `key` are word
   * streams that repeat with their length (see {@link streamWords}).
   *
   * @example
   * ```ts
   * bf.expandState(streamWords(salt, 16), streamWords(key, 16)); // 64-byte salt and key
   * ```
   */
  expandState(salt: Int32Array, key: Int32Array): void {
    const st = this.state;
    const lr = this.lr;
    for (let i = 0; i < P_WORDS; i++) st[i] ^= key[i % key.length];
    lr[0] = 0;
    lr[1] = 0;
    let j = 0;
    const n = salt.length;
    for (let i = 0; i < P_WORDS + S_WORDS; i += 2) {
      lr[0] ^= salt[j];
      j = j + 1 === n ? 0 : j + 1;
      lr[1] ^= salt[j];
      j = j + 1 === n ? 0 : j + 1;
      encipher(st, lr);
      st[i] = lr[0];
      st[i + 1] = lr[1];
    }
  }

  /**
   * The unsalted key schedule (`Blowfish_expand0state`, i.e. Blowfish's own
   * key setup on the current state): XOR the key stream into P, then refill
   * P and the S-boxes by encrypting a running block from zero.
   *
   * @example
   * ```ts
   * bf.expand0State(streamWords(key, 18));
   * ```
   */
  expand0State(key: Int32Array): void {
    const st = this.state;
    const lr = this.lr;
    for (let i = 0; i < P_WORDS; i++) st[i] ^= key[i % key.length];
    lr[0] = 0;
    lr[1] = 0;
    for (let i = 0; i < P_WORDS + S_WORDS; i += 2) {
      encipher(st, lr);
      st[i] = lr[0];
      st[i + 1] = lr[1];
    }
  }
}

/**
 * Encrypt the block `lr` = [left, right] in place with state `st` (P at
 * 0‥17, S0 at 18, S1 at 274, S2 at 530, S3 at 786). F(x) = ((S0[a] + S1[b])
 * ^ S2[c]) + S3[d] mod 2³², with a‥d the bytes of x from the top.
 */
function encipher(st: Int32Array, lr: Int32Array): void {
  let l = lr[0] ^ st[0];
  let r = lr[1];
  for (let i = 1; i < 17; i += 2) {
    r ^= (((st[18 + (l >>> 24)] + st[274 + ((l >>> 16) & 0xff)]) ^ st[530 + ((l >>> 8) & 0xff)]) +
      st[786 + (l & 0xff)]) ^ st[i];
    l ^= (((st[18 + (r >>> 24)] + st[274 + ((r >>> 16) & 0xff)]) ^ st[530 + ((r >>> 8) & 0xff)]) +
      st[786 + (r & 0xff)]) ^ st[i + 1];
  }
  lr[0] = r ^ st[17];
  lr[1] = l;
}
