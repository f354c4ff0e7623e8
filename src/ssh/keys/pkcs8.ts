/**
 * PKCS#8 private keys (RFC 5208 / RFC 5958), the DER inside PEM
 * `PRIVATE KEY` blocks (`ssh-keygen -m PKCS8`, `openssl genpkey`):
 *
 * ```
 * OneAsymmetricKey ::= SEQUENCE { version INTEGER (0 | 1),
 *   privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING,
 *   attributes [0] IMPLICIT … OPTIONAL, publicKey [1] IMPLICIT BIT STRING OPTIONAL }
 * ```
 *
 * Inside the OCTET STRING: a PKCS#1 `RSAPrivateKey` (rsaEncryption), a SEC 1
 * `ECPrivateKey` (id-ecPublicKey, the curve in the algorithm parameters), or
 * for Ed25519 (RFC 8410) an OCTET STRING holding the 32-byte seed. DSA,
 * RSASSA-PSS, Ed448 and X25519/X448 keys are refused with
 * `UnsupportedKeyTypeError`.
 *
 * @example
 * ```ts
 * const key = privateKeyFromPkcs8(parsePem(text).body, "");
 * ```
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { DerReader, TAG } from "./asn1.ts";
import { KeyFormatError, UnsupportedKeyTypeError } from "./errors.ts";
import { rsaPrivateKeyFromPkcs1 } from "./pkcs1.ts";
import type { PrivateKey } from "./private_key.ts";
import { type Ed25519PublicKey, makePublicKey, type PublicKeyOptions } from "./public_key.ts";
import { ecPrivateKeyFromSec1 } from "./sec1.ts";

/**
 * Key algorithm OIDs we read (RFC 8017, RFC 5480, RFC 8410).
 *
 * @example
 * ```ts
 * readAlgorithm(r).oid === KEY_ALGORITHM_OIDS.ed25519; // an Ed25519 key
 * ```
 */
export const KEY_ALGORITHM_OIDS = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
} as const;

/** Key algorithms we refuse, by OID, as the key type to name in the error. */
const UNSUPPORTED_ALGORITHMS: Readonly<Record<string, string>> = {
  "1.2.840.10040.4.1": "ssh-dss",
  "1.2.840.113549.1.1.10": "RSASSA-PSS",
  "1.3.101.113": "ssh-ed448",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
};

/**
 * Throw {@link UnsupportedKeyTypeError} for a key algorithm OID we do not
 * read (used by PKCS#8 and SubjectPublicKeyInfo).
 *
 * @example
 * ```ts
 * refuseKeyAlgorithm("1.3.101.113"); // throws: unsupported key type "ssh-ed448"
 * ```
 */
export function refuseKeyAlgorithm(oid: string): never {
  if (Object.hasOwn(UNSUPPORTED_ALGORITHMS, oid)) throw new UnsupportedKeyTypeError(UNSUPPORTED_ALGORITHMS[oid]);
  throw new UnsupportedKeyTypeError(`key algorithm ${oid}`);
}

/**
 * Read an AlgorithmIdentifier: its OID and, for id-ecPublicKey, the named
 * curve OID in its parameters.
 *
 * @example
 * ```ts
 * readAlgorithm(r); // { oid: "1.2.840.10045.2.1", curveOid: "1.2.840.10045.3.1.7" }
 * ```
 */
export function readAlgorithm(r: DerReader): { oid: string; curveOid?: string } {
  const alg = r.sequence();
  const oid = alg.oid();
  if (oid === KEY_ALGORITHM_OIDS.ecPublicKey) {
    if (alg.peekTag() !== TAG.OID) {
      throw new UnsupportedKeyTypeError("ecdsa", "explicit curve parameters are not supported, only named curves");
    }
    const curveOid = alg.oid();
    alg.end();
    return { oid, curveOid };
  }
  return { oid };
}

/**
 * Read a DER PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`.
 *
 * @example
 * ```ts
 * privateKeyFromPkcs8(der, "").type; // "ssh-ed25519"
 * ```
 */
export function privateKeyFromPkcs8(der: Uint8Array, comment: string, options: PublicKeyOptions = {}): PrivateKey {
  const outer = new DerReader(der, "PKCS#8 private key");
  const r = outer.sequence();
  outer.end();
  const version = r.smallInteger();
  if (version !== 0 && version !== 1) throw new KeyFormatError(`PKCS#8 private key has version ${version}`);
  const { oid, curveOid } = readAlgorithm(r);
  const inner = r.octetString();
  // The optional attributes [0] and public key [1] that may follow are not needed.
  if (oid === KEY_ALGORITHM_OIDS.rsaEncryption) return rsaPrivateKeyFromPkcs1(inner, comment, options);
  if (oid === KEY_ALGORITHM_OIDS.ecPublicKey) return ecPrivateKeyFromSec1(inner, comment, curveOid);
  if (oid === KEY_ALGORITHM_OIDS.ed25519) {
    const wrapped = new DerReader(inner, "Ed25519 private key");
    const seed = wrapped.octetString();
    wrapped.end();
    if (seed.length !== 32) throw new KeyFormatError(`Ed25519 private key must be 32 bytes, got ${seed.length}`);
    const publicKey = makePublicKey({ type: "ssh-ed25519", key: ed25519.getPublicKey(seed) }) as Ed25519PublicKey;
    return { type: "ssh-ed25519", publicKey, seed: seed.slice(), comment };
  }
  return refuseKeyAlgorithm(oid);
}
