/**
 * diffie-hellman-group-exchange-sha256 (RFC 4419): the client asks for a group
 * size, we pick a safe prime from the moduli set, then run Diffie-Hellman in it.
 *
 * 1. Client → SSH_MSG_KEX_DH_GEX_REQUEST (34): `uint32 min, uint32 n, uint32 max`
 *    (or the old SSH_MSG_KEX_DH_GEX_REQUEST_OLD (30): `uint32 n`).
 * 2. Server → SSH_MSG_KEX_DH_GEX_GROUP (31): `mpint p, mpint g`.
 * 3. Client → SSH_MSG_KEX_DH_GEX_INIT (32): `mpint e`.
 * 4. Server → SSH_MSG_KEX_DH_GEX_REPLY (33): `string K_S, mpint f, string signature`.
 *
 * H = SHA-256(V_C ‖ V_S ‖ I_C ‖ I_S ‖ K_S ‖ uint32 min ‖ uint32 n ‖ uint32 max ‖
 * mpint p ‖ mpint g ‖ mpint e ‖ mpint f ‖ mpint K), with `uint32 n` alone for the
 * old request (RFC 4419 §3 and §5). The sizes in H are the client's, as sent;
 * the group is chosen from them clamped to 2048–8192 bits, like OpenSSH.
 *
 * @module
 */
import { SshReader, SshWriter } from "../../wire.ts";
import { protocolError } from "../../errors.ts";
import type { HashName } from "../provider.ts";
import { bigIntToBytes } from "./bigint.ts";
import type { DhGroup } from "./dh_groups.ts";
import { ffdhRespond } from "./ffdh.ts";
import { kexFailed, parseKexMessage } from "./kex_errors.ts";
import type { KexIo, KexMethod, KexResult } from "./method.ts";
import { BUILTIN_MODULI, chooseModulus, GEX_MAX_BITS, GEX_MIN_BITS } from "./moduli.ts";

/** RFC 4419 §5 message numbers. */
const GEX = { REQUEST_OLD: 30, GROUP: 31, INIT: 32, REPLY: 33, REQUEST: 34 } as const;

/** A parsed group request: the bytes it adds to H, and the clamped sizes to choose with. */
interface GexRequest {
  hashed: Uint8Array;
  min: number;
  n: number;
  max: number;
}

function parseRequest(msg: Uint8Array): GexRequest {
  if (msg[0] === GEX.REQUEST_OLD) {
    const n = parseKexMessage("KEX_DH_GEX_REQUEST_OLD", () => {
      const r = new SshReader(msg, 1);
      const v = r.uint32();
      r.end();
      return v;
    });
    const clamped = Math.min(GEX_MAX_BITS, Math.max(GEX_MIN_BITS, n));
    return { hashed: new SshWriter(4).uint32(n).bytes(), min: GEX_MIN_BITS, n: clamped, max: GEX_MAX_BITS };
  }
  if (msg[0] !== GEX.REQUEST) throw protocolError(`expected KEX_DH_GEX_REQUEST (34), got message ${msg[0]}`);
  const [min, n, max] = parseKexMessage("KEX_DH_GEX_REQUEST", () => {
    const r = new SshReader(msg, 1);
    const v = [r.uint32(), r.uint32(), r.uint32()];
    r.end();
    return v;
  });
  if (max < min || n < min || max < n || max < GEX_MIN_BITS) {
    throw kexFailed(`group exchange request out of range: min ${min}, n ${n}, max ${max}`);
  }
  return {
    hashed: new SshWriter(12).uint32(min).uint32(n).uint32(max).bytes(),
    min: Math.max(GEX_MIN_BITS, min),
    n: Math.min(GEX_MAX_BITS, Math.max(GEX_MIN_BITS, n)),
    max: Math.min(GEX_MAX_BITS, max),
  };
}

/**
 * The group-exchange method, choosing groups from `moduli` (default: the
 * built-in RFC 3526 set; pass `parseModuli(text).moduli` to serve a moduli file).
 *
 * @example
 * ```ts
 * const kex = dhGexKex(parseModuli(await Deno.readTextFile("/etc/ssh/moduli")).moduli);
 * const { sharedSecret, exchangeHash } = await kex.serve(io);
 * ```
 */
export function dhGexKex(
  moduli: readonly DhGroup[] = BUILTIN_MODULI,
  name = "diffie-hellman-group-exchange-sha256",
  hash: HashName = "sha256",
): KexMethod {
  return {
    name,
    hash,
    async serve(io: KexIo): Promise<KexResult> {
      const request = parseRequest(await io.read());
      const group = chooseModulus(moduli, request.min, request.n, request.max);
      if (!group) throw kexFailed(`no DH group between ${request.min} and ${request.max} bits`);
      const p = bigIntToBytes(group.p);
      const g = bigIntToBytes(group.g);
      io.send(new SshWriter(p.length + g.length + 16).byte(GEX.GROUP).mpint(p).mpint(g).bytes());

      const init = await io.read();
      if (init[0] !== GEX.INIT) throw protocolError(`expected KEX_DH_GEX_INIT (32), got message ${init[0]}`);
      const e = parseKexMessage("KEX_DH_GEX_INIT", () => {
        const r = new SshReader(init, 1);
        const v = r.mpintBytes();
        r.end();
        return v;
      });
      const v = ffdhRespond(group, e);
      const h = io.crypto.hash(
        hash,
        new SshWriter(io.hashPrefix.length + 5 * p.length + 64)
          .raw(io.hashPrefix).raw(request.hashed).mpint(p).mpint(g).mpint(v.e).mpint(v.f).mpint(v.k).view_(),
      );
      io.send(
        new SshWriter(io.hostKeyBlob.length + p.length + 512).byte(GEX.REPLY).string(io.hostKeyBlob).mpint(v.f)
          .string(io.sign(h)).bytes(),
      );
      return { sharedSecret: new SshWriter(v.k.length + 8).mpint(v.k).bytes(), exchangeHash: h };
    },
  };
}
