/**
 * ecdh-sha2-nistp256/384/521 (RFC 5656 §4 and §6.2): ephemeral ECDH on the NIST
 * curves.
 *
 * The client sends SSH_MSG_KEX_ECDH_INIT (30) with `string Q_C`, its public key
 * as an uncompressed point; we check it lies on the curve (RFC 5656 §4: "MUST
 * verify"), generate our own pair and answer SSH_MSG_KEX_ECDH_REPLY (31) with
 * `string K_S, string Q_S, string signature`. K is the x-coordinate of the
 * shared point as an mpint; H = HASH(V_C ‖ V_S ‖ I_C ‖ I_S ‖ K_S ‖ string Q_C ‖
 * string Q_S ‖ mpint K) with SHA-256, SHA-384 or SHA-512 by curve size (§6.2.1).
 *
 * @module
 */
import { SshWriter } from "../../wire.ts";
import type { HashName, NistCurve } from "../provider.ts";
import { kexFailed, parseKexMessage } from "./kex_errors.ts";
import { type KexMethod, oneRoundKex } from "./method.ts";

const FIELD_BYTES: Record<NistCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/**
 * The ECDH method `name` on `curve`, hashing with `hash`.
 *
 * @example
 * ```ts
 * const kex = ecdhNistKex("ecdh-sha2-nistp256", "P-256", "sha256");
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function ecdhNistKex(name: string, curve: NistCurve, hash: HashName): KexMethod {
  const pointLength = 1 + 2 * FIELD_BYTES[curve];
  return oneRoundKex(name, hash, (crypto, init) => {
    const qc = parseKexMessage("KEX_ECDH_INIT", () => {
      const v = init.string();
      init.end();
      return v;
    });
    if (qc.length !== pointLength || qc[0] !== 4) {
      throw kexFailed(`bad ${name} public key: ${qc.length} bytes, expected an uncompressed point of ${pointLength}`);
    }
    const pair = crypto.ecdhGenerate(curve);
    let k: Uint8Array;
    try {
      k = crypto.ecdh(curve, pair.privateKey, qc);
    } catch {
      throw kexFailed(`invalid ${name} public key: not a point on ${curve}`);
    }
    return {
      clientValue: new SshWriter(pointLength + 8).string(qc).bytes(),
      serverValue: new SshWriter(pointLength + 8).string(pair.publicKey).bytes(),
      sharedSecret: new SshWriter(k.length + 8).mpint(k).bytes(),
    };
  });
}
