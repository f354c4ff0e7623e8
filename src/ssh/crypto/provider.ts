/**
 * The crypto provider: the primitives the engine needs, implemented by the
 * fastest backend each runtime has (see `src/runtime/crypto.ts`). Everything
 * here is synchronous: symmetric crypto sits on the packet hot path.
 *
 * @module
 */

/** Hash algorithms the engine uses. */
export type HashName = "sha1" | "sha256" | "sha384" | "sha512";

/** NIST curves for ECDSA / ECDH. */
export type NistCurve = "P-256" | "P-384" | "P-521";

/** A one-direction AES-GCM instance with a fixed key. */
export interface AesGcm {
  /** Encrypt; returns ciphertext followed by the 16-byte tag. */
  seal(iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Decrypt and authenticate `ciphertext‖tag`; returns `null` if the tag does not verify. */
  open(iv: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;
}

/**
 * One direction of AES in CTR mode (NIST SP 800-38A §6.5) as a long-lived
 * keystream: the 128-bit big-endian counter starts at the IV and carries on
 * across calls (RFC 4344 §4), so consecutive `update`s equal one big `update`.
 */
export interface AesCtr {
  /** XOR `data` with the next `data.length` keystream bytes; returns a new array. */
  update(data: Uint8Array): Uint8Array;
}

/** HMAC with a fixed key (RFC 2104), reused for every packet of one direction. */
export interface KeyedHmac {
  /** HMAC(key, `head` ‖ `body`), without concatenating the two. */
  compute(head: Uint8Array, body: Uint8Array): Uint8Array;
}

/** A key pair for X25519 (raw 32-byte keys). */
export interface X25519KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * An ephemeral ECDH key pair on a NIST curve: the private scalar (field-size
 * bytes, big-endian) and the public key as an uncompressed SEC 1 point.
 */
export interface EcdhKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Synchronous crypto primitives. */
export interface CryptoProvider {
  /** Name for logs, e.g. `"node:crypto"`. */
  readonly name: string;
  hash(alg: HashName, data: Uint8Array): Uint8Array;
  /** Incremental hash for large or multi-part input. */
  createHash(alg: HashName): { update(data: Uint8Array): void; digest(): Uint8Array };
  hmac(alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array;

  x25519Generate(): X25519KeyPair;
  /** X25519 shared secret. Throws if the result is all-zero (RFC 7748 §6.1). */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  /** New ephemeral ECDH key pair on `curve` (for ecdh-sha2-nistp* key exchange). */
  ecdhGenerate(curve: NistCurve): EcdhKeyPair;
  /**
   * ECDH (SEC 1 §3.3.1): the x-coordinate of `privateKey`·`publicKey`, field-size
   * bytes. Throws unless `publicKey` is an uncompressed point on `curve`.
   */
  ecdh(curve: NistCurve, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  /** Public key (32 bytes) from an Ed25519 seed (32 bytes). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** ECDSA verify; `q` is the uncompressed point, `r`/`s` big-endian unsigned. */
  ecdsaVerify(
    curve: NistCurve,
    hash: HashName,
    q: Uint8Array,
    message: Uint8Array,
    r: Uint8Array,
    s: Uint8Array,
  ): boolean;
  /** ECDSA sign with private scalar `d`; returns `r`,`s` big-endian unsigned. */
  ecdsaSign(
    curve: NistCurve,
    hash: HashName,
    d: Uint8Array,
    q: Uint8Array,
    message: Uint8Array,
  ): { r: Uint8Array; s: Uint8Array };
  /** RSASSA-PKCS1-v1_5 verify; `n`, `e` big-endian unsigned. */
  rsaVerify(hash: HashName, n: Uint8Array, e: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** RSASSA-PKCS1-v1_5 sign with a private key given as its components (big-endian unsigned). */
  rsaSign(hash: HashName, key: RsaPrivateComponents, message: Uint8Array): Uint8Array;
  /** New ECDSA key pair: private scalar `d` (field-size bytes) and uncompressed point `q`. Key generation only. */
  ecdsaGenerate(curve: NistCurve): { d: Uint8Array; q: Uint8Array };
  /** New RSA key of `bits` bits with public exponent 65537. Key generation only (slow for large sizes). */
  rsaGenerate(bits: number): RsaPrivateComponents;

  /**
   * Raw ChaCha20 (original DJB variant, 64-bit nonce, 64-bit block counter) as
   * used by chacha20-poly1305@openssh.com: XOR `data` with the keystream that
   * starts at block `counter` for `nonce` (8 bytes).
   */
  chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array;
  /** Poly1305 one-time authenticator (16-byte tag). */
  poly1305(key: Uint8Array, message: Uint8Array): Uint8Array;
  /** AES-GCM with a 128- or 256-bit key and 12-byte IVs. */
  aesGcm(key: Uint8Array): AesGcm;
  /** An AES-CTR keystream with a 128-, 192- or 256-bit key and a 16-byte initial counter block. */
  aesCtr(key: Uint8Array, iv: Uint8Array): AesCtr;
  /** HMAC with `key` fixed, for per-packet MACs. */
  keyedHmac(alg: HashName, key: Uint8Array): KeyedHmac;
}

/** RSA private key components, all big-endian unsigned integers. */
export interface RsaPrivateComponents {
  n: Uint8Array;
  e: Uint8Array;
  d: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  /** q⁻¹ mod p */
  iqmp: Uint8Array;
}
