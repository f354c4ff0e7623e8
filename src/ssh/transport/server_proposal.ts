/**
 * What the server proposes: its KEXINIT lists (with the strict-KEX marker on
 * the first exchange, RFC 4253 §7.1 / OpenSSH PROTOCOL §1.9) and its EXT_INFO
 * message (RFC 8308 §3).
 *
 * @module
 */
import type { HostKey } from "../keys/host_key.ts";
import type { KexInitLists } from "./kexinit.ts";
import { MSG } from "../messages.ts";
import { SshWriter } from "../wire.ts";

/** The strict-KEX marker a server adds to its first KEXINIT. */
export const STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com";
/** The marker a client sends to ask for strict KEX. */
export const STRICT_KEX_CLIENT = "kex-strict-c-v00@openssh.com";

/** The algorithm preferences a server proposes. */
export interface ProposalInput {
  kex: readonly string[];
  ciphers: readonly string[];
  macs: readonly string[];
  compression: readonly string[];
  hostKeys: readonly HostKey[];
  /** Host key algorithms in the order to offer (default: the keys' own, in key order). */
  hostKeyAlgorithms?: readonly string[];
}

/**
 * The server's KEXINIT lists. Host key algorithms are those some key can sign with.
 *
 * @example
 * ```ts
 * encodeKexInit(serverProposal({ kex, ciphers, macs, compression: ["none"], hostKeys }, true));
 * ```
 */
export function serverProposal(p: ProposalInput, firstExchange: boolean): KexInitLists {
  let hostAlgs: string[] = [];
  for (const k of p.hostKeys) for (const alg of k.algorithms) if (!hostAlgs.includes(alg)) hostAlgs.push(alg);
  if (p.hostKeyAlgorithms) hostAlgs = p.hostKeyAlgorithms.filter((a) => hostAlgs.includes(a));
  return {
    kex: firstExchange ? [...p.kex, STRICT_KEX_SERVER] : [...p.kex],
    hostKey: hostAlgs,
    encC2S: [...p.ciphers],
    encS2C: [...p.ciphers],
    macC2S: [...p.macs],
    macS2C: [...p.macs],
    compC2S: [...p.compression],
    compS2C: [...p.compression],
    langC2S: [],
    langS2C: [],
    firstKexPacketFollows: false,
  };
}

/**
 * SSH_MSG_EXT_INFO: `server-sig-algs`, `publickey-hostbound@openssh.com`, `ping@openssh.com`, and any extras.
 *
 * @example
 * ```ts
 * transport.send(extInfoMessage(["ssh-ed25519", "rsa-sha2-512"]));
 * ```
 */
export function extInfoMessage(
  serverSigAlgs: readonly string[],
  extra: ReadonlyArray<[string, string]> = [],
): Uint8Array {
  const exts: Array<[string, string]> = [
    ["server-sig-algs", serverSigAlgs.join(",")],
    ["publickey-hostbound@openssh.com", "0"],
    ["ping@openssh.com", "0"],
    ...extra,
  ];
  const w = new SshWriter().byte(MSG.EXT_INFO).uint32(exts.length);
  for (const [k, v] of exts) w.string(k).string(v);
  return w.bytes();
}
