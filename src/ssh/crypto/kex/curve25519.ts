/**
 * curve25519-sha256 (RFC 8731) and its pre-standard alias
 * curve25519-sha256@libssh.org.
 *
 * @module
 */
import { DISCONNECT } from "../../messages.ts";
import { DisconnectError } from "../../errors.ts";
import { SshWriter } from "../../wire.ts";
import { type KexMethod, oneRoundKex, type OneRoundValues } from "./method.ts";
import type { CryptoProvider } from "../provider.ts";
import type { SshReader } from "../../wire.ts";

/**
 * Create the curve25519-sha256 method under `name`.
 *
 * @example
 * ```ts
 * const kex = curve25519Kex("curve25519-sha256");
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function curve25519Kex(name: string): KexMethod {
  return oneRoundKex(name, "sha256", (crypto: CryptoProvider, init: SshReader): OneRoundValues => {
    const qc = init.string();
    init.end();
    if (qc.length !== 32) {
      throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, `bad curve25519 public key length ${qc.length}`);
    }
    const pair = crypto.x25519Generate();
    let k: Uint8Array;
    try {
      k = crypto.x25519(pair.privateKey, qc);
    } catch {
      throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, "invalid curve25519 public key");
    }
    return {
      clientValue: new SshWriter(40).string(qc).bytes(),
      serverValue: new SshWriter(40).string(pair.publicKey).bytes(),
      // RFC 8731 §3.1: the 32 octets are an unsigned big-endian integer encoded as mpint.
      sharedSecret: new SshWriter(40).mpint(k).bytes(),
    };
  });
}
