/**
 * SEC 1 elliptic-curve private keys (RFC 5915), the DER inside PEM
 * `EC PRIVATE KEY` blocks and inside PKCS#8:
 *
 * ```
 * ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
 *   parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
 * ```
 *
 * Only named curves P-256, P-384 and P-521 (the SSH ones). When the public
 * point is absent it is computed from the private scalar.
 *
 * @example
 * ```ts
 * const key = ecPrivateKeyFromSec1(parsePem(text).body, "");
 * key.type; // "ecdsa-sha2-nistp256"
 * ```
 * @module
 */

import { p256, p384, p521 } from "@noble/curves/nist.js";
import { DerReader, TAG } from "./asn1.ts";
import { KeyFormatError, UnsupportedKeyTypeError } from "./errors.ts";
import { curveByKeyType, type EcdsaKeyType } from "./ec_curves.ts";
import type { EcdsaPrivateKey } from "./private_key.ts";
import { type EcdsaPublicKey, makePublicKey } from "./public_key.ts";

/** Named-curve OIDs (RFC 5480 §2.1.1.1) and the SSH key type of each. */
const CURVE_OIDS: Readonly<Record<string, EcdsaKeyType>> = {
  "1.2.840.10045.3.1.7": "ecdsa-sha2-nistp256",
  "1.3.132.0.34": "ecdsa-sha2-nistp384",
  "1.3.132.0.35": "ecdsa-sha2-nistp521",
};

/** Other well-known curve OIDs, to name them in the error. */
const OTHER_CURVES: Readonly<Record<string, string>> = {
  "1.3.132.0.10": "secp256k1",
  "1.2.840.10045.3.1.1": "P-192",
  "1.3.132.0.33": "P-224",
  "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
  "1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
  "1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
};

const NOBLE = { "ecdsa-sha2-nistp256": p256, "ecdsa-sha2-nistp384": p384, "ecdsa-sha2-nistp521": p521 } as const;

/**
 * The SSH key type for a named-curve OID; throws
 * {@link UnsupportedKeyTypeError} for other curves.
 *
 * @example
 * ```ts
 * ecKeyTypeFromOid("1.3.132.0.34"); // "ecdsa-sha2-nistp384"
 * ```
 */
export function ecKeyTypeFromOid(oid: string): EcdsaKeyType {
  if (Object.hasOwn(CURVE_OIDS, oid)) return CURVE_OIDS[oid];
  const name = Object.hasOwn(OTHER_CURVES, oid) ? OTHER_CURVES[oid] : `curve ${oid}`;
  throw new UnsupportedKeyTypeError(`ecdsa ${name}`, "SSH supports only the NIST curves P-256, P-384 and P-521");
}

/**
 * Read a DER `ECPrivateKey`. `curveOid` is the curve named outside it (by
 * PKCS#8's AlgorithmIdentifier); otherwise the `[0]` parameters must name it.
 *
 * @example
 * ```ts
 * ecPrivateKeyFromSec1(der, "comment").publicKey.q.length; // 65 for P-256
 * ```
 */
export function ecPrivateKeyFromSec1(der: Uint8Array, comment: string, curveOid?: string): EcdsaPrivateKey {
  const outer = new DerReader(der, "SEC 1 EC private key");
  const r = outer.sequence();
  outer.end();
  const version = r.smallInteger();
  if (version !== 1) throw new KeyFormatError(`EC private key has version ${version}`);
  const scalar = r.octetString();
  const params = r.optionalContext(0);
  if (params && params.peekTag() !== TAG.OID) {
    throw new UnsupportedKeyTypeError("ecdsa", "explicit curve parameters are not supported, only named curves");
  }
  const inner = params?.oid();
  const pub = r.optionalContext(1)?.bitString();
  if (curveOid && inner && curveOid !== inner) throw new KeyFormatError("EC private key names two different curves");
  const oid = curveOid ?? inner;
  if (!oid) throw new KeyFormatError("EC private key does not name its curve");
  const type = ecKeyTypeFromOid(oid);
  const curve = curveByKeyType(type)!;
  let i = 0;
  while (i < scalar.length && scalar[i] === 0) i++;
  if (i === scalar.length || scalar.length - i > curve.fieldBytes) {
    throw new KeyFormatError(`${type} private scalar is out of range`);
  }
  const d = new Uint8Array(curve.fieldBytes);
  d.set(scalar.subarray(i), curve.fieldBytes - (scalar.length - i));
  let q: Uint8Array;
  try {
    q = pub ?? NOBLE[type].getPublicKey(d, false);
  } catch {
    throw new KeyFormatError(`${type} private scalar is out of range`);
  }
  const publicKey = makePublicKey({ type, q }) as EcdsaPublicKey;
  return { type, publicKey, d, comment };
}
