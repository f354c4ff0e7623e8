/**
 * PKCS#1 RSA keys (RFC 8017 appendix A.1), the DER inside PEM
 * `RSA PRIVATE KEY` / `RSA PUBLIC KEY` blocks and inside PKCS#8:
 *
 * ```
 * RSAPrivateKey ::= SEQUENCE { version INTEGER (0), modulus n, publicExponent e,
 *   privateExponent d, prime1 p, prime2 q, exponent1 dP, exponent2 dQ, coefficient qInv }
 * RSAPublicKey  ::= SEQUENCE { modulus n, publicExponent e }
 * ```
 *
 * qInv = q⁻¹ mod p is OpenSSH's `iqmp`. Multi-prime keys (version 1) are
 * refused: SSH has no place for the other primes.
 *
 * @example
 * ```ts
 * const key = rsaPrivateKeyFromPkcs1(parsePem(text).body, "");
 * key.publicKey.bits; // 3072
 * ```
 * @module
 */

import { DerReader } from "./asn1.ts";
import { KeyFormatError, UnsupportedKeyTypeError } from "./errors.ts";
import type { RsaPrivateKey } from "./private_key.ts";
import { makePublicKey, type PublicKeyOptions, type RsaPublicKey } from "./public_key.ts";

/**
 * Read a DER `RSAPrivateKey`.
 *
 * @example
 * ```ts
 * rsaPrivateKeyFromPkcs1(der, "my comment").type; // "ssh-rsa"
 * ```
 */
export function rsaPrivateKeyFromPkcs1(
  der: Uint8Array,
  comment: string,
  options: PublicKeyOptions = {},
): RsaPrivateKey {
  const outer = new DerReader(der, "PKCS#1 RSA private key");
  const r = outer.sequence();
  outer.end();
  const version = r.smallInteger();
  if (version === 1) throw new UnsupportedKeyTypeError("ssh-rsa", "multi-prime RSA keys are not supported");
  if (version !== 0) throw new KeyFormatError(`PKCS#1 RSA private key has version ${version}`);
  const n = r.integer();
  const e = r.integer();
  const d = r.integer();
  const p = r.integer();
  const q = r.integer();
  r.integer(); // dP, recomputed by the crypto backend from d and p
  r.integer(); // dQ
  const iqmp = r.integer();
  r.end();
  if (d.length === 0 || p.length === 0 || q.length === 0 || iqmp.length === 0) {
    throw new KeyFormatError("PKCS#1 RSA private key has a zero component");
  }
  const publicKey = makePublicKey({ type: "ssh-rsa", n, e }, options) as RsaPublicKey;
  const components = { n: publicKey.n, e: publicKey.e, d: d.slice(), p: p.slice(), q: q.slice(), iqmp: iqmp.slice() };
  return { type: "ssh-rsa", publicKey, components, comment };
}

/**
 * Read a DER `RSAPublicKey`.
 *
 * @example
 * ```ts
 * rsaPublicKeyFromPkcs1(parsePem(pubText).body).bits; // 2048
 * ```
 */
export function rsaPublicKeyFromPkcs1(der: Uint8Array, options: PublicKeyOptions = {}): RsaPublicKey {
  const outer = new DerReader(der, "PKCS#1 RSA public key");
  const r = outer.sequence();
  outer.end();
  const n = r.integer();
  const e = r.integer();
  r.end();
  return makePublicKey({ type: "ssh-rsa", n, e }, options) as RsaPublicKey;
}
