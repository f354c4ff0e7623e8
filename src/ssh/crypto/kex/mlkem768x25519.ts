/**
 * mlkem768x25519-sha256 (draft-ietf-sshm-mlkem-hybrid-kex; OpenSSH ≥ 9.9's
 * default): ML-KEM-768 (FIPS 203) and X25519 combined.
 *
 * - The client sends SSH_MSG_KEX_HYBRID_INIT (30) with `string C_INIT`: its
 *   ML-KEM-768 encapsulation key (1184 bytes) ‖ its X25519 public key (32).
 * - We check the encapsulation key (FIPS 203 §7.2 modulus check), encapsulate
 *   to it, (ct, K_PQ) = Encaps(ek), do X25519 with a fresh key,
 *   K_CL = X25519(s, C_INIT[1184..]), and reply SSH_MSG_KEX_HYBRID_REPLY (31)
 *   with `string K_S, string S_REPLY, string signature`, where
 *   S_REPLY = ct (1088 bytes) ‖ our X25519 public key (32).
 * - K = SHA-256(K_PQ ‖ K_CL), encoded as a `string` (not an mpint) both in the
 *   exchange hash and in key derivation; H = SHA-256(V_C ‖ V_S ‖ I_C ‖ I_S ‖
 *   K_S ‖ string C_INIT ‖ string S_REPLY ‖ string K).
 *
 * ML-KEM comes from noble (neither runtime has it natively; encapsulation
 * takes about 0.5–0.7 ms).
 *
 * @module
 */
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { SshWriter } from "../../wire.ts";
import { kexFailed, parseKexMessage } from "./kex_errors.ts";
import { type KexMethod, oneRoundKex } from "./method.ts";

/** ML-KEM-768 encapsulation key size (FIPS 203 §8, 384·k + 32). */
const MLKEM768_PUBLIC_BYTES = 1184;
/** ML-KEM-768 ciphertext size (32·(du·k + dv)). */
const MLKEM768_CIPHERTEXT_BYTES = 1088;
const X25519_BYTES = 32;

/**
 * Create the mlkem768x25519-sha256 method (under `name`, by default its SSH name).
 *
 * @example
 * ```ts
 * const kex = mlkem768x25519Kex();
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function mlkem768x25519Kex(name = "mlkem768x25519-sha256"): KexMethod {
  return oneRoundKex(name, "sha256", (crypto, init) => {
    const cInit = parseKexMessage("KEX_HYBRID_INIT", () => {
      const v = init.string();
      init.end();
      return v;
    });
    if (cInit.length !== MLKEM768_PUBLIC_BYTES + X25519_BYTES) {
      throw kexFailed(
        `bad ${name} client value: ${cInit.length} bytes, expected ${MLKEM768_PUBLIC_BYTES + X25519_BYTES}`,
      );
    }
    let ct: Uint8Array;
    let kPq: Uint8Array;
    try {
      // noble runs the FIPS 203 §7.2 modulus check on the key before encapsulating.
      ({ cipherText: ct, sharedSecret: kPq } = ml_kem768.encapsulate(cInit.slice(0, MLKEM768_PUBLIC_BYTES)));
    } catch {
      throw kexFailed(`invalid ${name} client value: the ML-KEM-768 key fails the modulus check`);
    }
    const pair = crypto.x25519Generate();
    let kCl: Uint8Array;
    try {
      kCl = crypto.x25519(pair.privateKey, cInit.subarray(MLKEM768_PUBLIC_BYTES));
    } catch {
      throw kexFailed(`invalid ${name} client value: bad X25519 public key`);
    }
    const joined = new Uint8Array(kPq.length + kCl.length);
    joined.set(kPq, 0);
    joined.set(kCl, kPq.length);
    const k = crypto.hash("sha256", joined);
    joined.fill(0);
    kPq.fill(0);
    kCl.fill(0);
    const sReply = new Uint8Array(MLKEM768_CIPHERTEXT_BYTES + X25519_BYTES);
    sReply.set(ct, 0);
    sReply.set(pair.publicKey, MLKEM768_CIPHERTEXT_BYTES);
    return {
      clientValue: new SshWriter(cInit.length + 8).string(cInit).bytes(),
      serverValue: new SshWriter(sReply.length + 8).string(sReply).bytes(),
      sharedSecret: new SshWriter(k.length + 8).string(k).bytes(),
    };
  });
}
