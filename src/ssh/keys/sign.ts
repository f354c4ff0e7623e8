/**
 * Make signature blobs (`string algorithm ‖ string signature`) with a
 * private key, for host keys (KEX) and for client-side public key auth.
 *
 * @example
 * ```ts
 * const blob = signWithKey(provider, hostKey, "rsa-sha2-512", exchangeHash);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import { SignatureAlgorithmError } from "./errors.ts";
import { curveByKeyType } from "./ec_curves.ts";
import type { PrivateKey } from "./private_key.ts";
import { encodeEcdsaSignature, encodeSignatureBlob, RSA_SIGNATURE_HASHES } from "./signature.ts";

/**
 * Sign `data` with `key` using signature algorithm `algorithm` and return the
 * signature blob. Throws {@link SignatureAlgorithmError} if the key cannot
 * make that algorithm (e.g. `ssh-ed25519` from an RSA key).
 *
 * @example
 * ```ts
 * const sig = signWithKey(provider, ed25519Key, "ssh-ed25519", data);
 * verifySignature(provider, ed25519Key.publicKey, data, sig, ["ssh-ed25519"]); // true
 * ```
 */
export function signWithKey(
  provider: CryptoProvider,
  key: PrivateKey,
  algorithm: string,
  data: Uint8Array,
): Uint8Array {
  if (key.type === "ssh-ed25519") {
    if (algorithm !== "ssh-ed25519") throw new SignatureAlgorithmError(algorithm, key.type);
    return encodeSignatureBlob(algorithm, provider.ed25519Sign(key.seed, data));
  }
  if (key.type === "ssh-rsa") {
    const hash = Object.hasOwn(RSA_SIGNATURE_HASHES, algorithm) ? RSA_SIGNATURE_HASHES[algorithm] : undefined;
    if (!hash) throw new SignatureAlgorithmError(algorithm, key.type);
    const raw = provider.rsaSign(hash, key.components, data);
    const modLen = Math.ceil(key.publicKey.bits / 8);
    let sig = raw;
    if (raw.length < modLen) {
      sig = new Uint8Array(modLen);
      sig.set(raw, modLen - raw.length);
    }
    return encodeSignatureBlob(algorithm, sig);
  }
  const curve = curveByKeyType(key.type);
  if (!curve || algorithm !== key.type) throw new SignatureAlgorithmError(algorithm, key.type);
  const { r, s } = provider.ecdsaSign(curve.curve, curve.hash, key.d, key.publicKey.q, data);
  return encodeSignatureBlob(algorithm, encodeEcdsaSignature(r, s));
}
