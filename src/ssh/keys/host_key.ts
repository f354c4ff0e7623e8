/**
 * Server host keys: what the transport needs from a host key (its public
 * blob, the signature algorithms it offers, and signing), built from a parsed
 * private key.
 *
 * @example
 * ```ts
 * const hostKey = createHostKey(provider, parseOpenSshPrivateKey(text));
 * hostKey.algorithms; // ["ssh-ed25519"]
 * const sigBlob = hostKey.sign("ssh-ed25519", exchangeHash);
 * ```
 * @module
 */

import type { CryptoProvider } from "../crypto/provider.ts";
import { KeyFormatError, SignatureAlgorithmError } from "./errors.ts";
import type { PrivateKey } from "./private_key.ts";
import { signWithKey } from "./sign.ts";
import { verifySignature } from "./signature.ts";

/** A host key as the transport sees it. */
export interface HostKey {
  /** Signature algorithms offered in KEXINIT's server_host_key_algorithms, preferred first. */
  readonly algorithms: string[];
  /** The public key blob (K_S in the exchange hash). */
  readonly publicBlob: Uint8Array;
  /** Sign `data`; returns the signature blob `string alg ‖ string sig`. */
  sign(algorithm: string, data: Uint8Array): Uint8Array;
}

/** Options for {@link createHostKey}. */
export interface HostKeyOptions {
  /** Also offer `ssh-rsa` (SHA-1) for RSA keys. Default false. */
  allowSshRsa?: boolean;
  /** Sign and verify once at creation so a corrupt key fails at start-up. Default true. */
  selfTest?: boolean;
}

/**
 * Host key algorithms by key type: Ed25519 → `ssh-ed25519`, ECDSA → its own
 * name, RSA → `rsa-sha2-512`, `rsa-sha2-256` (and `ssh-rsa` only if allowed).
 *
 * @example
 * ```ts
 * hostKeyAlgorithms(rsaKey); // ["rsa-sha2-512", "rsa-sha2-256"]
 * ```
 */
export function hostKeyAlgorithms(key: PrivateKey, options: HostKeyOptions = {}): string[] {
  if (key.type !== "ssh-rsa") return [key.type];
  return options.allowSshRsa ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : ["rsa-sha2-512", "rsa-sha2-256"];
}

/**
 * Build a {@link HostKey} from a private key. `sign` throws
 * {@link SignatureAlgorithmError} for an algorithm not in `algorithms`.
 * Throws {@link KeyFormatError} if the self-test finds the private and public
 * halves do not match.
 *
 * @example
 * ```ts
 * const hk = createHostKey(provider, key);
 * const sig = hk.sign(hk.algorithms[0], H);
 * ```
 */
export function createHostKey(provider: CryptoProvider, key: PrivateKey, options: HostKeyOptions = {}): HostKey {
  const algorithms = hostKeyAlgorithms(key, options);
  const publicBlob = key.publicKey.blob.slice();
  const sign = (algorithm: string, data: Uint8Array): Uint8Array => {
    if (!algorithms.includes(algorithm)) throw new SignatureAlgorithmError(algorithm, key.type);
    return signWithKey(provider, key, algorithm, data);
  };
  if (options.selfTest ?? true) {
    const probe = new TextEncoder().encode("tsshd host key self-test");
    const alg = algorithms[0];
    let ok: boolean;
    let why = "";
    try {
      ok = verifySignature(provider, key.publicKey, probe, sign(alg, probe), [alg], { minRsaBits: 0 });
    } catch (err) {
      // A crypto backend may refuse inconsistent key parts outright instead of signing wrongly.
      ok = false;
      why = `: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (!ok) throw new KeyFormatError(`the ${key.type} private key does not match its public key${why}`);
  }
  return { algorithms: [...algorithms], publicBlob, sign };
}
