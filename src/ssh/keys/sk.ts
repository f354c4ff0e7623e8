/**
 * FIDO/U2F security-key public keys and signatures (OpenSSH PROTOCOL.u2f):
 *
 * ```
 * sk-ssh-ed25519@openssh.com:          string type ‖ string key(32) ‖ string application
 * sk-ecdsa-sha2-nistp256@openssh.com:  string type ‖ string "nistp256" ‖ string Q ‖ string application
 * signature:                            string type ‖ string sig ‖ byte flags ‖ uint32 counter
 * ```
 *
 * The authenticator signs `SHA256(application) ‖ flags ‖ uint32 counter ‖ SHA256(data)`
 * (Ed25519 over those bytes; ECDSA P-256 with SHA-256 over them).
 *
 * @example
 * ```ts
 * const res = verifySkSignature(provider, key, signedData, sigBlob);
 * if (res.ok && res.flags & SK_USER_PRESENT) console.log("touched");
 * ```
 * @module
 */
import { SshReader, WireError } from "../wire.ts";
import type { CryptoProvider } from "../crypto/provider.ts";
import { KeyFormatError } from "./errors.ts";
import { curveByKeyType, isValidPublicPoint } from "./ec_curves.ts";
import { decodeEcdsaSignature } from "./signature.ts";

/** The FIDO Ed25519 key type. */
export const SK_ED25519 = "sk-ssh-ed25519@openssh.com";
/** The FIDO ECDSA P-256 key type. */
export const SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com";
/** Flag: the user touched the authenticator. */
export const SK_USER_PRESENT = 0x01;
/** Flag: the authenticator verified the user (PIN or biometrics). */
export const SK_USER_VERIFIED = 0x04;

/** A FIDO Ed25519 public key. */
export interface SkEd25519PublicKey {
  readonly type: typeof SK_ED25519;
  readonly key: Uint8Array;
  /** The FIDO application (relying party), usually `ssh:`. */
  readonly application: string;
  readonly blob: Uint8Array;
}

/** A FIDO ECDSA P-256 public key. */
export interface SkEcdsaPublicKey {
  readonly type: typeof SK_ECDSA;
  readonly curve: "P-256";
  readonly q: Uint8Array;
  readonly application: string;
  readonly blob: Uint8Array;
}

/** Either FIDO key. */
export type SkPublicKey = SkEd25519PublicKey | SkEcdsaPublicKey;

/** True for the FIDO key types. */
export function isSkKeyType(type: string): type is typeof SK_ED25519 | typeof SK_ECDSA {
  return type === SK_ED25519 || type === SK_ECDSA;
}

/** Read the fields after the type string of a FIDO key blob. */
export function readSkKeyFields(
  type: typeof SK_ED25519 | typeof SK_ECDSA,
  r: SshReader,
  blob: Uint8Array,
): SkPublicKey {
  if (type === SK_ED25519) {
    const key = r.string();
    if (key.length !== 32) throw new KeyFormatError(`${type} key must be 32 bytes, got ${key.length}`);
    return { type, key: key.slice(), application: r.utf8(), blob: blob.slice() };
  }
  const curve = curveByKeyType("ecdsa-sha2-nistp256")!;
  const name = r.utf8();
  if (name !== curve.sshName) throw new KeyFormatError(`${type} key names curve "${name}"`);
  const q = r.string();
  if (!isValidPublicPoint(curve, q)) throw new KeyFormatError(`${type} key is not a valid point on ${name}`);
  return { type, curve: "P-256", q: q.slice(), application: r.utf8(), blob: blob.slice() };
}

/** The result of {@link verifySkSignature}. */
export type SkCheck = { ok: true; flags: number; counter: number } | { ok: false; reason: string };

/**
 * Verify a FIDO signature blob over `data`. Never throws for malformed input.
 * User-presence policy is the caller's: look at `flags`.
 */
export function verifySkSignature(
  provider: CryptoProvider,
  key: SkPublicKey,
  data: Uint8Array,
  sigBlob: Uint8Array,
): SkCheck {
  try {
    const r = new SshReader(sigBlob);
    const alg = r.utf8();
    if (alg !== key.type) return { ok: false, reason: `signature algorithm "${alg}" does not match a ${key.type} key` };
    const sig = r.string();
    const flags = r.byte();
    const counter = r.uint32();
    r.end();
    const message = new Uint8Array(69);
    message.set(provider.hash("sha256", new TextEncoder().encode(key.application)), 0);
    message[32] = flags;
    new DataView(message.buffer).setUint32(33, counter);
    message.set(provider.hash("sha256", data), 37);
    let ok: boolean;
    if (key.type === SK_ED25519) {
      if (sig.length !== 64) return { ok: false, reason: `Ed25519 signature must be 64 bytes, got ${sig.length}` };
      ok = provider.ed25519Verify(key.key, message, sig);
    } else {
      const { r: er, s: es } = decodeEcdsaSignature(sig, 32);
      ok = provider.ecdsaVerify("P-256", "sha256", key.q, message, er, es);
    }
    return ok ? { ok: true, flags, counter } : { ok: false, reason: "signature does not verify" };
  } catch (e) {
    if (e instanceof WireError || e instanceof KeyFormatError) return { ok: false, reason: e.message };
    return { ok: false, reason: e instanceof Error ? e.message : "signature check failed" };
  }
}
