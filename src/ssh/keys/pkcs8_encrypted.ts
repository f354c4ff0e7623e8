/**
 * Encrypted PKCS#8 (RFC 5958 §3, PKCS#5 v2.1 = RFC 8018), PEM label
 * `ENCRYPTED PRIVATE KEY` (`ssh-keygen -m PKCS8 -N pass`, `openssl pkcs8 -topk8`):
 *
 * ```
 * EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
 * PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier (PBKDF2), encryptionScheme AlgorithmIdentifier }
 * PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
 *                              keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 * ```
 *
 * Supported: PBES2 with PBKDF2 (PRF HMAC-SHA1, -SHA224, -SHA256, -SHA384 or
 * -SHA512) and AES-128/192/256-CBC (PKCS#7 padding). Refused with
 * `UnsupportedKeyFormatError`: PBES1 and PKCS#12 PBE schemes (DES, RC2, RC4,
 * 3DES), the scrypt KDF, and any other cipher (DES-EDE3-CBC, AES-GCM…).
 *
 * @example
 * ```ts
 * const der = decryptPkcs8(parsePem(text).body, "secret"); // a PrivateKeyInfo
 * const key = privateKeyFromPkcs8(der, "");
 * ```
 * @module
 */

import { cbc } from "@noble/ciphers/aes.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha224, sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { DerReader, TAG } from "./asn1.ts";
import { KeyFormatError, UnsupportedKeyFormatError, WrongPassphraseError } from "./errors.ts";
import { type Passphrase, passphraseBytes } from "./passphrase.ts";

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const HMAC_SHA1 = "1.2.840.113549.2.7";

const PRFS = {
  [HMAC_SHA1]: sha1,
  "1.2.840.113549.2.8": sha224,
  "1.2.840.113549.2.9": sha256,
  "1.2.840.113549.2.10": sha384,
  "1.2.840.113549.2.11": sha512,
} as const;

/** AES-CBC OIDs (NIST CSOR) → key length in bytes. */
const AES_CBC: Readonly<Record<string, number>> = {
  "2.16.840.1.101.3.4.1.2": 16,
  "2.16.840.1.101.3.4.1.22": 24,
  "2.16.840.1.101.3.4.1.42": 32,
};

/** Schemes we refuse, named for the error. */
const REFUSED: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.5.1": "PBES1 pbeWithMD2AndDES-CBC",
  "1.2.840.113549.1.5.3": "PBES1 pbeWithMD5AndDES-CBC",
  "1.2.840.113549.1.5.4": "PBES1 pbeWithMD2AndRC2-CBC",
  "1.2.840.113549.1.5.6": "PBES1 pbeWithMD5AndRC2-CBC",
  "1.2.840.113549.1.5.10": "PBES1 pbeWithSHA1AndDES-CBC",
  "1.2.840.113549.1.5.11": "PBES1 pbeWithSHA1AndRC2-CBC",
  "1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4",
  "1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4",
  "1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
  "1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC",
  "1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC",
  "1.2.840.113549.1.12.1.6": "PKCS#12 pbeWithSHAAnd40BitRC2-CBC",
  "1.3.6.1.4.1.11591.4.11": "scrypt",
  "1.2.840.113549.3.7": "DES-EDE3-CBC",
  "1.3.14.3.2.7": "DES-CBC",
  "1.2.840.113549.3.2": "RC2-CBC",
  "2.16.840.1.101.3.4.1.6": "AES-128-GCM",
  "2.16.840.1.101.3.4.1.46": "AES-256-GCM",
};

/** Most PBKDF2 iterations we run (OpenSSL writes 2048; 10 million take minutes in JS). */
const MAX_ITERATIONS = 10_000_000;

function refuse(oid: string): never {
  const name = Object.hasOwn(REFUSED, oid) ? REFUSED[oid] : `scheme ${oid}`;
  throw new UnsupportedKeyFormatError(
    `encrypted PKCS#8 with ${name}`,
    "re-encrypt it with `ssh-keygen -p -f FILE` (OpenSSH format, aes256-ctr) " +
      "or `openssl pkcs8 -topk8 -v2 aes-256-cbc` (PBES2)",
  );
}

/** The parameters of a PBES2 AlgorithmIdentifier we can run. */
interface Pbes2 {
  salt: Uint8Array;
  iterations: number;
  prf: (typeof PRFS)[keyof typeof PRFS];
  keyLength: number;
  iv: Uint8Array;
}

function readPbes2(params: DerReader): Pbes2 {
  const kdf = params.sequence();
  const kdfOid = kdf.oid();
  if (kdfOid !== PBKDF2) refuse(kdfOid);
  const p = kdf.sequence();
  kdf.end();
  if (p.peekTag() !== TAG.OCTET_STRING) throw new UnsupportedKeyFormatError("PBKDF2 with a non-literal salt");
  const salt = p.octetString();
  const iterations = p.smallInteger();
  const keyLengthField = p.peekTag() === TAG.INTEGER ? p.smallInteger() : undefined;
  let prfOid = HMAC_SHA1;
  if (!p.done) {
    const prf = p.sequence();
    prfOid = prf.oid();
    if (!prf.done) prf.null();
    prf.end();
  }
  p.end();
  if (!Object.hasOwn(PRFS, prfOid)) refuse(prfOid);
  const enc = params.sequence();
  params.end();
  const encOid = enc.oid();
  if (!Object.hasOwn(AES_CBC, encOid)) refuse(encOid);
  const iv = enc.octetString();
  enc.end();
  const keyLength = AES_CBC[encOid];
  if (iv.length !== 16) throw new KeyFormatError(`AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (keyLengthField !== undefined && keyLengthField !== keyLength) {
    throw new KeyFormatError(`PBKDF2 key length ${keyLengthField} does not fit AES-${keyLength * 8}`);
  }
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new KeyFormatError(`PBKDF2 iteration count ${iterations} out of range 1..${MAX_ITERATIONS}`);
  }
  return { salt, iterations, prf: PRFS[prfOid as keyof typeof PRFS], keyLength, iv };
}

/**
 * Decrypt a DER `EncryptedPrivateKeyInfo` and return the DER
 * `PrivateKeyInfo` inside. Throws `WrongPassphraseError` if the padding
 * (or the structure inside) does not come out right, and
 * `UnsupportedKeyFormatError` for schemes other than PBES2/PBKDF2/AES-CBC.
 *
 * @example
 * ```ts
 * const info = decryptPkcs8(der, "secret");
 * ```
 */
export function decryptPkcs8(der: Uint8Array, passphrase: Passphrase): Uint8Array {
  const outer = new DerReader(der, "encrypted PKCS#8 private key");
  const r = outer.sequence();
  outer.end();
  const alg = r.sequence();
  const data = r.octetString();
  r.end();
  const oid = alg.oid();
  if (oid !== PBES2) refuse(oid);
  const p = readPbes2(alg.sequence());
  alg.end();
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new KeyFormatError(`encrypted PKCS#8 data length ${data.length} is not a multiple of 16`);
  }
  const key = pbkdf2(p.prf, passphraseBytes(passphrase), p.salt, { c: p.iterations, dkLen: p.keyLength });
  let plain: Uint8Array;
  try {
    plain = cbc(key, p.iv).decrypt(data);
  } catch {
    throw new WrongPassphraseError(); // bad PKCS#7 padding
  }
  // One wrong key in 256 still yields valid padding: the DER inside must parse too.
  try {
    const check = new DerReader(plain);
    check.sequence();
    check.end();
  } catch {
    throw new WrongPassphraseError();
  }
  return plain;
}
