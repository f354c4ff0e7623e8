/**
 * sntrup761x25519-sha512 (draft-josefsson-ntruprime-ssh) and its original
 * name sntrup761x25519-sha512@openssh.com: Streamlined NTRU Prime 761 and
 * X25519 combined, as OpenSSH 8.5+ implements it (kexsntrup761x25519.c).
 *
 * - The client sends SSH_MSG_KEX_ECDH_INIT with `string Q_C`, its sntrup761
 *   public key (1158 bytes) ‖ its X25519 public key (32 bytes).
 * - The server encapsulates to the sntrup761 key, (ct, k1) = Encap(pk), does
 *   X25519 with its ephemeral key, k2 = X25519(s, Q_C[1158..]), and replies
 *   with `string K_S, string Q_S, string signature`, Q_S = ct (1039) ‖ its
 *   X25519 public key (32).
 * - K = SHA-512(k1 ‖ k2), encoded as a `string` (not an mpint) both in the
 *   exchange hash and in key derivation; the exchange hash is SHA-512 of
 *   `V_C ‖ V_S ‖ I_C ‖ I_S ‖ K_S ‖ string Q_C ‖ string Q_S ‖ string K`.
 *
 * @module
 */
import { DISCONNECT } from "../../messages.ts";
import { DisconnectError } from "../../errors.ts";
import { type SshReader, SshWriter } from "../../wire.ts";
import { type KexMethod, oneRoundKex, type OneRoundValues } from "./method.ts";
import type { CryptoProvider } from "../provider.ts";
import { sntrup761Encap } from "../sntrup761/kem.ts";
import { CIPHERTEXT_BYTES, PUBLIC_KEY_BYTES } from "../sntrup761/params.ts";

const X25519_BYTES = 32;

/**
 * Create the sntrup761x25519-sha512 method under `name` (both
 * `sntrup761x25519-sha512` and `sntrup761x25519-sha512@openssh.com` name the
 * same exchange).
 *
 * @example
 * ```ts
 * const kex = sntrup761x25519Kex("sntrup761x25519-sha512@openssh.com");
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function sntrup761x25519Kex(name: string): KexMethod {
  return oneRoundKex(name, "sha512", (crypto: CryptoProvider, init: SshReader): OneRoundValues => {
    const qc = init.string();
    init.end();
    if (qc.length !== PUBLIC_KEY_BYTES + X25519_BYTES) {
      throw new DisconnectError(
        DISCONNECT.KEY_EXCHANGE_FAILED,
        `bad sntrup761x25519 client value length ${qc.length} (expected ${PUBLIC_KEY_BYTES + X25519_BYTES})`,
      );
    }
    const sha512 = (data: Uint8Array): Uint8Array => crypto.hash("sha512", data);
    const { ciphertext, sharedSecret: k1 } = sntrup761Encap(qc.subarray(0, PUBLIC_KEY_BYTES), sha512);
    const pair = crypto.x25519Generate();
    let k2: Uint8Array;
    try {
      k2 = crypto.x25519(pair.privateKey, qc.subarray(PUBLIC_KEY_BYTES));
    } catch {
      throw new DisconnectError(DISCONNECT.KEY_EXCHANGE_FAILED, "invalid curve25519 public key");
    }
    const joined = new Uint8Array(k1.length + k2.length);
    joined.set(k1, 0);
    joined.set(k2, k1.length);
    const k = sha512(joined);
    joined.fill(0);
    k1.fill(0);
    k2.fill(0);
    const qs = new Uint8Array(CIPHERTEXT_BYTES + X25519_BYTES);
    qs.set(ciphertext, 0);
    qs.set(pair.publicKey, CIPHERTEXT_BYTES);
    return {
      clientValue: new SshWriter(qc.length + 8).string(qc).bytes(),
      serverValue: new SshWriter(qs.length + 8).string(qs).bytes(),
      sharedSecret: new SshWriter(k.length + 8).string(k).bytes(),
    };
  });
}
