/**
 * X.509 SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), the DER inside PEM
 * `PUBLIC KEY` blocks (`ssh-keygen -e -m PKCS8 -f key.pub`, `openssl pkey -pubout`):
 *
 * ```
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 * ```
 *
 * The bit string holds a PKCS#1 `RSAPublicKey`, an uncompressed EC point, or
 * the 32-byte Ed25519 key.
 *
 * @example
 * ```ts
 * const key = publicKeyFromSpki(parsePem(text).body);
 * key.type; // "ecdsa-sha2-nistp256"
 * ```
 * @module
 */

import { DerReader } from "./asn1.ts";
import { KEY_ALGORITHM_OIDS, readAlgorithm, refuseKeyAlgorithm } from "./pkcs8.ts";
import { rsaPublicKeyFromPkcs1 } from "./pkcs1.ts";
import { makePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";
import { ecKeyTypeFromOid } from "./sec1.ts";

/**
 * Read a DER SubjectPublicKeyInfo.
 *
 * @example
 * ```ts
 * publicKeyFromSpki(der).type; // "ssh-ed25519"
 * ```
 */
export function publicKeyFromSpki(der: Uint8Array, options: PublicKeyOptions = {}): PublicKey {
  const outer = new DerReader(der, "SubjectPublicKeyInfo");
  const r = outer.sequence();
  outer.end();
  const { oid, curveOid } = readAlgorithm(r);
  const bits = r.bitString();
  r.end();
  if (oid === KEY_ALGORITHM_OIDS.rsaEncryption) return rsaPublicKeyFromPkcs1(bits, options);
  if (oid === KEY_ALGORITHM_OIDS.ecPublicKey && curveOid) {
    return makePublicKey({ type: ecKeyTypeFromOid(curveOid), q: bits });
  }
  if (oid === KEY_ALGORITHM_OIDS.ed25519) return makePublicKey({ type: "ssh-ed25519", key: bits });
  return refuseKeyAlgorithm(oid);
}
