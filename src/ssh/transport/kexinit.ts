/**
 * SSH_MSG_KEXINIT encoding and algorithm negotiation (RFC 4253 §7.1).
 *
 * @module
 */
import { DISCONNECT, MSG } from "../messages.ts";
import { DisconnectError } from "../errors.ts";
import { SshReader, SshWriter } from "../wire.ts";

/** The ten name-lists of a KEXINIT plus its flag. */
export interface KexInitLists {
  kex: string[];
  hostKey: string[];
  encC2S: string[];
  encS2C: string[];
  macC2S: string[];
  macS2C: string[];
  compC2S: string[];
  compS2C: string[];
  langC2S: string[];
  langS2C: string[];
  firstKexPacketFollows: boolean;
}

/** Encode a KEXINIT payload with a fresh random cookie. */
export function encodeKexInit(l: KexInitLists): Uint8Array {
  const cookie = crypto.getRandomValues(new Uint8Array(16));
  const w = new SshWriter(1024).byte(MSG.KEXINIT).raw(cookie);
  for (
    const list of [
      l.kex,
      l.hostKey,
      l.encC2S,
      l.encS2C,
      l.macC2S,
      l.macS2C,
      l.compC2S,
      l.compS2C,
      l.langC2S,
      l.langS2C,
    ]
  ) w.nameList(list);
  return w.boolean(l.firstKexPacketFollows).uint32(0).bytes();
}

/** Decode a KEXINIT payload (including the message byte). */
export function decodeKexInit(payload: Uint8Array): KexInitLists {
  const r = new SshReader(payload);
  if (r.byte() !== MSG.KEXINIT) throw new DisconnectError(DISCONNECT.PROTOCOL_ERROR, "expected KEXINIT");
  r.raw(16);
  const lists = {
    kex: r.nameList(),
    hostKey: r.nameList(),
    encC2S: r.nameList(),
    encS2C: r.nameList(),
    macC2S: r.nameList(),
    macS2C: r.nameList(),
    compC2S: r.nameList(),
    compS2C: r.nameList(),
    langC2S: r.nameList(),
    langS2C: r.nameList(),
    firstKexPacketFollows: r.boolean(),
  };
  r.uint32();
  return lists;
}

/** The algorithms chosen for one key exchange. */
export interface Negotiated {
  kex: string;
  hostKey: string;
  encC2S: string;
  encS2C: string;
  /** `undefined` when the cipher is an AEAD (no separate MAC). */
  macC2S?: string;
  macS2C?: string;
  compC2S: string;
  compS2C: string;
}

/** Pick the first client algorithm the server also supports (RFC 4253 §7.1). */
export function chooseAlgorithm(client: readonly string[], server: readonly string[], what: string): string {
  for (const c of client) if (server.includes(c)) return c;
  throw new DisconnectError(
    DISCONNECT.KEY_EXCHANGE_FAILED,
    `no matching ${what} found: client ${client.join(",")} server ${server.join(",")}`,
  );
}

/** Names that signal extensions rather than real KEX methods. */
export function isPseudoKex(name: string): boolean {
  return name === "ext-info-c" || name === "ext-info-s" || name.startsWith("kex-strict-");
}

/**
 * Negotiate every category from the client's and our lists.
 * `isAead(cipher)` tells whether a cipher carries its own integrity.
 */
export function negotiate(
  client: KexInitLists,
  server: KexInitLists,
  isAead: (cipher: string) => boolean,
): Negotiated {
  const kex = chooseAlgorithm(client.kex.filter((k) => !isPseudoKex(k)), server.kex, "key exchange algorithm");
  const hostKey = chooseAlgorithm(client.hostKey, server.hostKey, "host key type");
  const encC2S = chooseAlgorithm(client.encC2S, server.encC2S, "cipher");
  const encS2C = chooseAlgorithm(client.encS2C, server.encS2C, "cipher");
  const macC2S = isAead(encC2S) ? undefined : chooseAlgorithm(client.macC2S, server.macC2S, "MAC");
  const macS2C = isAead(encS2C) ? undefined : chooseAlgorithm(client.macS2C, server.macS2C, "MAC");
  const compC2S = chooseAlgorithm(client.compC2S, server.compC2S, "compression");
  const compS2C = chooseAlgorithm(client.compS2C, server.compS2C, "compression");
  return { kex, hostKey, encC2S, encS2C, macC2S, macS2C, compC2S, compS2C };
}

/**
 * Whether the client's guessed first KEX packet (if any) is wrong and must be
 * ignored. RFC 4253 §7.1: the guess is right only when both sides list the
 * same KEX algorithm first and the same host key algorithm first (what OpenSSH
 * and Dropbear check); otherwise the client sends its init message again.
 */
export function guessWasWrong(client: KexInitLists, server: KexInitLists): boolean {
  if (!client.firstKexPacketFollows) return false;
  const first = (names: string[]) => names.find((k) => !isPseudoKex(k));
  return first(client.kex) !== first(server.kex) || client.hostKey[0] !== server.hostKey[0];
}
