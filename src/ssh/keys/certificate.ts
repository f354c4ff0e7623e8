/**
 * OpenSSH certificates (PROTOCOL.certkeys, PROTOCOL.u2f §"SSH certificate
 * keys"): a public key plus identity and usage options, signed by a CA key.
 *
 * ```
 * string  "ssh-ed25519-cert-v01@openssh.com" (or another type below)
 * string  nonce
 * …       the certified key's fields, as in its plain blob after the type name
 * uint64  serial        uint32 type (1 user, 2 host)     string key id
 * string  valid principals (zero or more strings)
 * uint64  valid after   uint64 valid before
 * string  critical options   string extensions   string reserved
 * string  signature key (the CA, never itself a certificate)
 * string  signature     (over every byte before it)
 * ```
 *
 * Parsing checks the encoding only: verify the CA signature with
 * `verifyCertificateSignature` (cert_signature.ts) and the policy (type,
 * validity, principals, critical options, source address) with
 * `certificateProblem` (cert_policy.ts) before trusting anything in it.
 *
 * @example
 * ```ts
 * const { key, certificate } = parseUserKey(blobFromClient);
 * if (certificate) console.log(certificate.keyId, certificate.principals);
 * ```
 * @module
 */

import { SshReader, SshWriter, WireError } from "../wire.ts";
import { KeyFormatError } from "./errors.ts";
import { readCertOptions, readCString } from "./cert_options.ts";
import { latin1, makePublicKey, parsePublicKey, type PublicKey, type PublicKeyOptions } from "./public_key.ts";

/**
 * The certificate key types we parse, in OpenSSH's order of preference.
 * (`rsa-sha2-256/512-cert-v01@openssh.com` are algorithm names only; their
 * blobs are `ssh-rsa-cert-v01@openssh.com`.)
 *
 * @example
 * ```ts
 * CERTIFICATE_KEY_TYPES.includes("ssh-ed25519-cert-v01@openssh.com"); // true
 * ```
 */
export const CERTIFICATE_KEY_TYPES = [
  "ssh-ed25519-cert-v01@openssh.com",
  "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "sk-ssh-ed25519-cert-v01@openssh.com",
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ssh-rsa-cert-v01@openssh.com",
] as const;

/** A certificate blob's key type. */
export type CertificateKeyType = typeof CERTIFICATE_KEY_TYPES[number];

/** The certified key's plain type, and how many wire strings its fields take after the nonce. */
const PLAIN: Readonly<Record<CertificateKeyType, { type: string; fields: number }>> = {
  "ssh-ed25519-cert-v01@openssh.com": { type: "ssh-ed25519", fields: 1 },
  "ecdsa-sha2-nistp256-cert-v01@openssh.com": { type: "ecdsa-sha2-nistp256", fields: 2 },
  "ecdsa-sha2-nistp384-cert-v01@openssh.com": { type: "ecdsa-sha2-nistp384", fields: 2 },
  "ecdsa-sha2-nistp521-cert-v01@openssh.com": { type: "ecdsa-sha2-nistp521", fields: 2 },
  "sk-ssh-ed25519-cert-v01@openssh.com": { type: "sk-ssh-ed25519@openssh.com", fields: 2 },
  "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com": { type: "sk-ecdsa-sha2-nistp256@openssh.com", fields: 3 },
  "ssh-rsa-cert-v01@openssh.com": { type: "ssh-rsa", fields: 2 },
};

/** `SSH_CERT_TYPE_USER`: the certificate authenticates a user. */
export const CERT_TYPE_USER = 1;
/** `SSH_CERT_TYPE_HOST`: the certificate authenticates a host. */
export const CERT_TYPE_HOST = 2;
/** `valid before` of a certificate that never expires (`ssh-keygen -V …:forever`). */
export const CERT_FOREVER = 0xffffffffffffffffn;
/** Most principals a certificate may list (OpenSSH's `SSHKEY_CERT_MAX_PRINCIPALS`). */
export const MAX_CERT_PRINCIPALS = 256;

/** A parsed OpenSSH certificate. Nothing in it is trusted until its signature and policy are checked. */
export interface Certificate {
  /** The blob's key type, e.g. `ssh-ed25519-cert-v01@openssh.com`. */
  readonly keyType: CertificateKeyType;
  /** {@link CERT_TYPE_USER} or {@link CERT_TYPE_HOST}. */
  readonly type: typeof CERT_TYPE_USER | typeof CERT_TYPE_HOST;
  readonly nonce: Uint8Array;
  /** The certified key as a plain key (RSA re-encoded canonically): verify the holder's signatures with it. */
  readonly key: PublicKey;
  /** The CA's serial number (0 = none). */
  readonly serial: bigint;
  /** The CA's free-form identity, for logs and KRL `id:` revocation. */
  readonly keyId: string;
  /** User or host names the certificate is valid for (an empty list is accepted for no one). */
  readonly principals: readonly string[];
  /** Seconds since the epoch; valid when `validAfter <= now < validBefore`. */
  readonly validAfter: bigint;
  /** Seconds since the epoch; {@link CERT_FOREVER} for no expiry. */
  readonly validBefore: bigint;
  /** Critical options by name, in the certificate's (lexical) order: see {@link readCertOptions} for values. */
  readonly criticalOptions: ReadonlyMap<string, string>;
  /** Extensions by name, in the certificate's (lexical) order. */
  readonly extensions: ReadonlyMap<string, string>;
  /** The CA key (canonically encoded `blob`). */
  readonly signatureKey: PublicKey;
  /** The algorithm named inside {@link signature}, e.g. `rsa-sha2-512`. */
  readonly signatureAlgorithm: string;
  /** The CA's signature blob. */
  readonly signature: Uint8Array;
  /** The bytes the CA signed: the whole blob up to the signature field. */
  readonly signedData: Uint8Array;
  /** The whole certificate blob. */
  readonly blob: Uint8Array;
}

/**
 * True if `type` is a certificate key type we parse.
 *
 * @example
 * ```ts
 * isCertificateKeyType("ssh-rsa-cert-v01@openssh.com"); // true
 * isCertificateKeyType("rsa-sha2-512-cert-v01@openssh.com"); // false: an algorithm name, not a blob type
 * ```
 */
export function isCertificateKeyType(type: string): type is CertificateKeyType {
  return Object.hasOwn(PLAIN, type);
}

/**
 * Parse a certificate blob. Throws {@link KeyFormatError} for malformed
 * encodings (truncation, trailing bytes, bad UTF-8 or NULs in names, a
 * certificate type other than user/host, unsorted or repeated option names,
 * a CA key that is itself a certificate), `UnsupportedKeyTypeError` for types
 * we do not know (the certificate's or the CA's) and `KeySizeError` for RSA
 * keys outside the limits. The signature is not checked here.
 *
 * @example
 * ```ts
 * const cert = parseCertificate(decodeBase64(line.split(" ")[1]));
 * cert.principals; // ["alice", "bob"]
 * ```
 */
export function parseCertificate(blob: Uint8Array, options: PublicKeyOptions = {}): Certificate {
  try {
    return readCertificate(blob, options);
  } catch (err) {
    if (err instanceof WireError) throw new KeyFormatError(`malformed certificate: ${err.message}`);
    throw err;
  }
}

/**
 * Parse a key blob a client offers for publickey authentication: a plain key
 * (as `parsePublicKey`) or a certificate, whose certified key is returned as
 * `key`. Throws like {@link parseCertificate} and `parsePublicKey`.
 *
 * @example
 * ```ts
 * const { key, certificate } = parseUserKey(blob);
 * checkSignature(crypto, key, signedData, sig, [certSignatureAlgorithm(alg) ?? alg]);
 * ```
 */
export function parseUserKey(
  blob: Uint8Array,
  options: PublicKeyOptions = {},
): { key: PublicKey; certificate?: Certificate } {
  if (isCertificateKeyType(peekType(blob))) {
    const certificate = parseCertificate(blob, options);
    return { key: certificate.key, certificate };
  }
  return { key: parsePublicKey(blob, options) };
}

/**
 * The key type name at the start of a blob, or "" if there is none.
 *
 * @example
 * ```ts
 * peekType(cert.blob); // "ssh-ed25519-cert-v01@openssh.com"
 * ```
 */
export function peekType(blob: Uint8Array): string {
  try {
    return latin1(new SshReader(blob).string());
  } catch {
    return "";
  }
}

function readCertificate(blob: Uint8Array, options: PublicKeyOptions): Certificate {
  const r = new SshReader(blob);
  const keyType = latin1(r.string());
  if (!isCertificateKeyType(keyType)) throw new KeyFormatError(`"${keyType}" is not a certificate key type`);
  const nonce = r.string().slice();
  const plain = PLAIN[keyType];
  const w = new SshWriter(blob.length).string(plain.type);
  for (let i = 0; i < plain.fields; i++) w.string(r.string());
  const key = canonicalKey(parsePublicKey(w.bytes(), options), options);
  const serial = r.uint64();
  const type = r.uint32();
  if (type !== CERT_TYPE_USER && type !== CERT_TYPE_HOST) {
    throw new KeyFormatError(`unknown certificate type ${type} (1 = user, 2 = host)`);
  }
  const keyId = readCString(r, "key id");
  const principals = readPrincipals(r.string());
  const validAfter = r.uint64();
  const validBefore = r.uint64();
  const criticalOptions = readCertOptions(r.string(), "critical");
  const extensions = readCertOptions(r.string(), "extensions");
  r.string(); // reserved
  const caBlob = r.string();
  const signedLength = r.pos;
  const signature = r.string().slice();
  r.end();
  const caType = peekType(caBlob);
  if (isCertificateKeyType(caType) || caType.includes("-cert-")) {
    throw new KeyFormatError(
      `certificate is signed by a certificate (${caType}); chained certificates are not supported`,
    );
  }
  const signatureKey = canonicalKey(parsePublicKey(caBlob, options), options);
  const signatureAlgorithm = peekType(signature);
  if (signatureAlgorithm === "") throw new KeyFormatError("certificate signature is malformed");
  return {
    keyType,
    type,
    nonce,
    key,
    serial,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    signatureKey,
    signatureAlgorithm,
    signature,
    signedData: blob.slice(0, signedLength),
    blob: blob.slice(),
  };
}

function readPrincipals(section: Uint8Array): string[] {
  const r = new SshReader(section);
  const out: string[] = [];
  while (r.remaining > 0) {
    if (out.length >= MAX_CERT_PRINCIPALS) {
      throw new KeyFormatError(`certificate lists more than ${MAX_CERT_PRINCIPALS} principals`);
    }
    out.push(readCString(r, "principal"));
  }
  return out;
}

/** RSA keys re-encoded without redundant mpint zeros, so blobs compare (and hash) as OpenSSH's do. */
function canonicalKey(key: PublicKey, options: PublicKeyOptions): PublicKey {
  return key.type === "ssh-rsa" ? makePublicKey({ type: "ssh-rsa", n: key.n, e: key.e }, options) : key;
}
