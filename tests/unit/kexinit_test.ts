import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  chooseAlgorithm,
  decodeKexInit,
  encodeKexInit,
  guessWasWrong,
  type KexInitLists,
  negotiate,
} from "../../src/ssh/transport/kexinit.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { deriveKey, exchangeHash } from "../../src/ssh/transport/key_derivation.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { createHash } from "node:crypto";

const lists = (over: Partial<KexInitLists> = {}): KexInitLists => ({
  kex: ["curve25519-sha256", "ext-info-c", "kex-strict-c-v00@openssh.com"],
  hostKey: ["ssh-ed25519"],
  encC2S: ["aes128-ctr", "chacha20-poly1305@openssh.com"],
  encS2C: ["aes256-gcm@openssh.com"],
  macC2S: ["hmac-sha2-256"],
  macS2C: ["hmac-sha2-256"],
  compC2S: ["none"],
  compS2C: ["none"],
  langC2S: [],
  langS2C: [],
  firstKexPacketFollows: false,
  ...over,
});

Deno.test("kexinit: encode/decode round trip", () => {
  const l = lists({ firstKexPacketFollows: true });
  assertEquals(decodeKexInit(encodeKexInit(l)), l);
});

Deno.test("kexinit: the client's preference wins; AEAD ciphers negotiate no MAC; pseudo-algorithms are skipped", () => {
  const server = lists({
    kex: ["curve25519-sha256@libssh.org", "curve25519-sha256", "kex-strict-s-v00@openssh.com"],
    encC2S: ["chacha20-poly1305@openssh.com", "aes128-ctr"],
    encS2C: ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"],
  });
  const n = negotiate(lists(), server, (c) => c.includes("gcm") || c.includes("poly"));
  assertEquals(n.kex, "curve25519-sha256");
  assertEquals(n.encC2S, "aes128-ctr");
  assertEquals(n.macC2S, "hmac-sha2-256");
  assertEquals(n.encS2C, "aes256-gcm@openssh.com");
  assertEquals(n.macS2C, undefined);
  const e = assertThrows(() => chooseAlgorithm(["a"], ["b"], "cipher"), DisconnectError) as DisconnectError;
  assertEquals(e.reason, 3);
  assertThrows(() => negotiate(lists({ kex: ["ext-info-c"] }), server, () => true), DisconnectError, "key exchange");
});

Deno.test("kexinit: a wrong first_kex_packet_follows guess is detected", () => {
  const chosen = negotiate(lists(), lists(), () => true);
  assert(!guessWasWrong(lists({ firstKexPacketFollows: true }), chosen));
  assert(guessWasWrong(lists({ firstKexPacketFollows: true, hostKey: ["ssh-rsa", "ssh-ed25519"] }), chosen));
  assert(!guessWasWrong(lists({ hostKey: ["ssh-rsa", "ssh-ed25519"] }), chosen));
});

Deno.test("key derivation follows RFC 4253 §7.2 (checked against an independent composition)", () => {
  const p = createCryptoProvider();
  const K = new Uint8Array([0, 0, 0, 2, 0x12, 0x34]); // mpint
  const H = new Uint8Array(32).fill(7);
  const sid = new Uint8Array(32).fill(9);
  const sha = (...parts: Uint8Array[]) => {
    const h = createHash("sha256");
    for (const x of parts) h.update(x);
    return new Uint8Array(h.digest());
  };
  const k1 = sha(K, H, new Uint8Array([0x43]), sid);
  const k2 = sha(K, H, k1);
  const k3 = sha(K, H, k1, k2);
  const expected = new Uint8Array([...k1, ...k2, ...k3]).slice(0, 80);
  assertEquals([...deriveKey(p, "sha256", K, H, "C", sid, 80)], [...expected]);
  assertEquals([...deriveKey(p, "sha256", K, H, "C", sid, 16)], [...k1.slice(0, 16)]);
});

Deno.test("exchange hash covers every input in order", () => {
  const p = createCryptoProvider();
  const input = {
    clientVersion: "SSH-2.0-c",
    serverVersion: "SSH-2.0-s",
    clientKexInit: new Uint8Array([20, 1]),
    serverKexInit: new Uint8Array([20, 2]),
    hostKeyBlob: new Uint8Array([3]),
    clientValue: new Uint8Array([0, 0, 0, 1, 4]),
    serverValue: new Uint8Array([0, 0, 0, 1, 5]),
    sharedSecret: new Uint8Array([0, 0, 0, 1, 6]),
  };
  const str = (b: Uint8Array | string) => {
    const x = typeof b === "string" ? new TextEncoder().encode(b) : b;
    return new Uint8Array([0, 0, 0, x.length, ...x]);
  };
  const h = createHash("sha256");
  for (
    const part of [
      str("SSH-2.0-c"),
      str("SSH-2.0-s"),
      str(input.clientKexInit),
      str(input.serverKexInit),
      str(input.hostKeyBlob),
      input.clientValue,
      input.serverValue,
      input.sharedSecret,
    ]
  ) h.update(part);
  assertEquals([...exchangeHash(p, "sha256", input)], [...new Uint8Array(h.digest())]);
  const changed = exchangeHash(p, "sha256", { ...input, serverVersion: "SSH-2.0-t" });
  assert(changed[0] !== exchangeHash(p, "sha256", input)[0] || changed[1] !== exchangeHash(p, "sha256", input)[1]);
});
