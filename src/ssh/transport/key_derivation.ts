/**
 * The exchange hash inputs and key derivation (RFC 4253 §7.2, §8).
 *
 * @module
 */
import type { CryptoProvider, HashName } from "../crypto/provider.ts";
import { concat, SshWriter } from "../wire.ts";

/** Inputs of the exchange hash H for one-round exchanges. */
export interface ExchangeHashInput {
  clientVersion: string;
  serverVersion: string;
  clientKexInit: Uint8Array;
  serverKexInit: Uint8Array;
  hostKeyBlob: Uint8Array;
  /** Already wire-encoded (e.g. `string Q_C`). */
  clientValue: Uint8Array;
  /** Already wire-encoded (e.g. `string Q_S`). */
  serverValue: Uint8Array;
  /** Already wire-encoded `K`. */
  sharedSecret: Uint8Array;
}

/**
 * H = HASH(string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S ‖ Q_C ‖ Q_S ‖ K).
 *
 * @example
 * ```ts
 * const h = exchangeHash(provider, "sha256", input);
 * ```
 */
export function exchangeHash(crypto: CryptoProvider, hash: HashName, i: ExchangeHashInput): Uint8Array {
  const w = new SshWriter(2048)
    .string(i.clientVersion)
    .string(i.serverVersion)
    .string(i.clientKexInit)
    .string(i.serverKexInit)
    .string(i.hostKeyBlob)
    .raw(i.clientValue)
    .raw(i.serverValue)
    .raw(i.sharedSecret);
  return crypto.hash(hash, w.view_());
}

/**
 * Derive `length` bytes of key material for letter `letter` ('A'…'F'):
 * K1 = HASH(K ‖ H ‖ letter ‖ session_id), Kn = HASH(K ‖ H ‖ K1 ‖ … ‖ Kn-1).
 */
export function deriveKey(
  crypto: CryptoProvider,
  hash: HashName,
  sharedSecret: Uint8Array,
  h: Uint8Array,
  letter: string,
  sessionId: Uint8Array,
  length: number,
): Uint8Array {
  let out = crypto.hash(hash, concat(sharedSecret, h, new Uint8Array([letter.charCodeAt(0)]), sessionId));
  while (out.length < length) {
    out = concat(out, crypto.hash(hash, concat(sharedSecret, h, out)));
  }
  return out.slice(0, length);
}
