/**
 * Diffie-Hellman over a fixed group (RFC 4253 §8): diffie-hellman-group14-sha256
 * (RFC 8268 §3), diffie-hellman-group16-sha512 and diffie-hellman-group18-sha512
 * (RFC 8268 §3, the RFC 3526 groups of 4096 and 8192 bits).
 *
 * The client sends SSH_MSG_KEXDH_INIT (30) with `mpint e`; we answer
 * SSH_MSG_KEXDH_REPLY (31) with `string K_S, mpint f, string signature` where
 * H = HASH(V_C ‖ V_S ‖ I_C ‖ I_S ‖ K_S ‖ mpint e ‖ mpint f ‖ mpint K).
 *
 * @module
 */
import { SshWriter } from "../../wire.ts";
import type { HashName } from "../provider.ts";
import type { DhGroup } from "./dh_groups.ts";
import { ffdhRespond } from "./ffdh.ts";
import { parseKexMessage } from "./kex_errors.ts";
import { type KexMethod, oneRoundKex } from "./method.ts";

function mpint(unsigned: Uint8Array): Uint8Array {
  return new SshWriter(unsigned.length + 8).mpint(unsigned).bytes();
}

/**
 * The fixed-group DH method `name` over `group`, hashing with `hash`.
 *
 * @example
 * ```ts
 * const kex = dhFixedKex("diffie-hellman-group14-sha256", MODP_2048, "sha256");
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function dhFixedKex(name: string, group: DhGroup, hash: HashName): KexMethod {
  return oneRoundKex(name, hash, (_crypto, init) => {
    const e = parseKexMessage("KEXDH_INIT", () => {
      const v = init.mpintBytes();
      init.end();
      return v;
    });
    const v = ffdhRespond(group, e);
    return { clientValue: mpint(v.e), serverValue: mpint(v.f), sharedSecret: mpint(v.k) };
  });
}
