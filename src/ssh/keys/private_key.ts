/**
 * Private keys in memory, and their fields in the ssh-agent encoding that
 * OpenSSH's key files use inside the private section (PROTOCOL.key §3,
 * draft-miller-ssh-agent §3.2):
 *
 * ```
 * ssh-ed25519:  string "ssh-ed25519" ‖ string A(32) ‖ string seed(32)‖A(32)
 * ecdsa-…:      string type ‖ string "nistpXXX" ‖ string Q ‖ mpint d
 * ssh-rsa:      string "ssh-rsa" ‖ mpint n ‖ mpint e ‖ mpint d ‖ mpint iqmp ‖ mpint p ‖ mpint q
 * ```
 *
 * @example
 * ```ts
 * const key = readPrivateKeyFields(reader, "");
 * const w = new SshWriter();
 * writePrivateKeyFields(w, key); // the same bytes again
 * ```
 * @module
 */

import type { SshReader, SshWriter } from "../wire.ts";
import type { RsaPrivateComponents } from "../crypto/provider.ts";
import { KeyFormatError, UnsupportedKeyTypeError } from "./errors.ts";
import { curveByKeyType, type EcdsaKeyType } from "./ec_curves.ts";
import {
  type EcdsaPublicKey,
  type Ed25519PublicKey,
  latin1,
  makePublicKey,
  type PublicKeyOptions,
  type RsaPublicKey,
} from "./public_key.ts";

/** An Ed25519 private key. */
export interface Ed25519PrivateKey {
  readonly type: "ssh-ed25519";
  readonly publicKey: Ed25519PublicKey;
  /** The 32-byte private seed (RFC 8032 "private key"). */
  readonly seed: Uint8Array;
  readonly comment: string;
}

/** An ECDSA private key. */
export interface EcdsaPrivateKey {
  readonly type: EcdsaKeyType;
  readonly publicKey: EcdsaPublicKey;
  /** The private scalar, big-endian, left-padded to the field size. */
  readonly d: Uint8Array;
  readonly comment: string;
}

/** An RSA private key. */
export interface RsaPrivateKey {
  readonly type: "ssh-rsa";
  readonly publicKey: RsaPublicKey;
  readonly components: RsaPrivateComponents;
  readonly comment: string;
}

/** Any supported private key. */
export type PrivateKey = Ed25519PrivateKey | EcdsaPrivateKey | RsaPrivateKey;

/**
 * Read one private key's fields (type name first) at the reader's position.
 * Throws {@link UnsupportedKeyTypeError}, {@link KeyFormatError}, or the
 * reader's `WireError` on truncation (the caller maps it).
 *
 * @example
 * ```ts
 * const key = readPrivateKeyFields(new SshReader(section, 8), "");
 * ```
 */
export function readPrivateKeyFields(r: SshReader, comment: string, options: PublicKeyOptions = {}): PrivateKey {
  const type = latin1(r.string());
  if (type === "ssh-ed25519") {
    const a = r.string();
    const ka = r.string();
    if (a.length !== 32 || ka.length !== 64) throw new KeyFormatError("ssh-ed25519 private key has wrong field sizes");
    for (let i = 0; i < 32; i++) {
      if (ka[32 + i] !== a[i]) throw new KeyFormatError("ssh-ed25519 private key does not contain its public key");
    }
    const publicKey = makePublicKey({ type, key: a }) as Ed25519PublicKey;
    return { type, publicKey, seed: ka.slice(0, 32), comment };
  }
  const curve = curveByKeyType(type);
  if (curve) {
    const name = latin1(r.string());
    if (name !== curve.sshName) throw new KeyFormatError(`${type} private key names curve "${name}"`);
    const q = r.string();
    const d = r.mpintUnsigned();
    if (d.length === 0 || d.length > curve.fieldBytes) {
      throw new KeyFormatError(`${type} private scalar is out of range`);
    }
    const publicKey = makePublicKey({ type: curve.keyType, q }) as EcdsaPublicKey;
    const padded = new Uint8Array(curve.fieldBytes);
    padded.set(d, curve.fieldBytes - d.length);
    return { type: curve.keyType, publicKey, d: padded, comment };
  }
  if (type === "ssh-rsa") {
    const n = r.mpintUnsigned();
    const e = r.mpintUnsigned();
    const d = r.mpintUnsigned();
    const iqmp = r.mpintUnsigned();
    const p = r.mpintUnsigned();
    const q = r.mpintUnsigned();
    if (d.length === 0 || iqmp.length === 0 || p.length === 0 || q.length === 0) {
      throw new KeyFormatError("ssh-rsa private key has a zero component");
    }
    const publicKey = makePublicKey({ type, n, e }, options) as RsaPublicKey;
    const components: RsaPrivateComponents = {
      n: publicKey.n,
      e: publicKey.e,
      d: d.slice(),
      p: p.slice(),
      q: q.slice(),
      iqmp: iqmp.slice(),
    };
    return { type, publicKey, components, comment };
  }
  throw new UnsupportedKeyTypeError(type);
}

/**
 * Write one private key's fields (type name first), the inverse of
 * {@link readPrivateKeyFields}. The comment is not written.
 *
 * @example
 * ```ts
 * writePrivateKeyFields(new SshWriter(), key);
 * ```
 */
export function writePrivateKeyFields(w: SshWriter, key: PrivateKey): void {
  w.string(key.type);
  if (key.type === "ssh-ed25519") {
    const ka = new Uint8Array(64);
    ka.set(key.seed, 0);
    ka.set(key.publicKey.key, 32);
    w.string(key.publicKey.key).string(ka);
  } else if (key.type === "ssh-rsa") {
    const c = key.components;
    w.mpint(c.n).mpint(c.e).mpint(c.d).mpint(c.iqmp).mpint(c.p).mpint(c.q);
  } else {
    const curve = curveByKeyType(key.type);
    w.string(curve?.sshName ?? "").string(key.publicKey.q).mpint(key.d);
  }
}
