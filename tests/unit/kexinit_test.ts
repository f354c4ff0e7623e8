import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import {
  chooseAlgorithm,
  decodeKexInit,
  encodeKexInit,
  guessWasWrong,
  type KexInitLists,
  negotiate,
} from "../../src/ssh/transport/kexinit.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { deriveKey, exchangeHashPrefix } from "../../src/ssh/transport/key_derivation.ts";
import { oneRoundKex } from "../../src/ssh/crypto/kex/method.ts";
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

Deno.test("kexinit: a guess is right only if both sides list the same KEX and host key first", () => {
  const server = lists({ kex: ["curve25519-sha256", "kex-strict-s-v00@openssh.com"] });
  assert(!guessWasWrong(lists({ firstKexPacketFollows: true }), server));
  assert(guessWasWrong(lists({ firstKexPacketFollows: true, hostKey: ["ssh-rsa", "ssh-ed25519"] }), server));
  // the client's first KEX is acceptable to us, but it is not OUR first: still a wrong guess (RFC 4253 §7.1)
  const mlkemFirst = lists({ kex: ["mlkem768x25519-sha256", "curve25519-sha256"] });
  assert(guessWasWrong(lists({ firstKexPacketFollows: true }), mlkemFirst));
  assert(!guessWasWrong(lists({ hostKey: ["ssh-rsa", "ssh-ed25519"] }), server), "no guess sent");
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

Deno.test("one-round KEX: H covers the prefix, both values and K in order; the reply carries K_S, Q_S, signature", async () => {
  const p = createCryptoProvider();
  const prefix = exchangeHashPrefix(
    "SSH-2.0-c",
    "SSH-2.0-s",
    new Uint8Array([20, 1]),
    new Uint8Array([20, 2]),
    new Uint8Array([3]),
  );
  const str = (b: Uint8Array | string) => {
    const x = typeof b === "string" ? new TextEncoder().encode(b) : b;
    return new Uint8Array([0, 0, 0, x.length, ...x]);
  };
  assertEquals([...prefix], [
    ...str("SSH-2.0-c"),
    ...str("SSH-2.0-s"),
    ...str(new Uint8Array([20, 1])),
    ...str(new Uint8Array([20, 2])),
    ...str(new Uint8Array([3])),
  ]);
  const values = {
    clientValue: str(new Uint8Array([4])),
    serverValue: str(new Uint8Array([5])),
    sharedSecret: str(new Uint8Array([6])),
  };
  const kex = oneRoundKex("test", "sha256", () => values);
  const sent: Uint8Array[] = [];
  let signed: Uint8Array | undefined;
  const res = await kex.serve({
    crypto: p,
    read: () => Promise.resolve(new Uint8Array([30, 0, 0, 0, 1, 4])),
    send: (x) => sent.push(x),
    hostKeyBlob: new Uint8Array([3]),
    sign: (h) => {
      signed = h;
      return new Uint8Array([9, 9]);
    },
    hashPrefix: prefix,
  });
  const h = createHash("sha256");
  for (const part of [prefix, values.clientValue, values.serverValue, values.sharedSecret]) h.update(part);
  const expected = [...new Uint8Array(h.digest())];
  assertEquals([...res.exchangeHash], expected);
  assertEquals([...signed!], expected);
  assertEquals([...sent[0]], [31, ...str(new Uint8Array([3])), ...values.serverValue, ...str(new Uint8Array([9, 9]))]);
  await assertRejects(() =>
    kex.serve({
      crypto: p,
      read: () => Promise.resolve(new Uint8Array([32])),
      send: () => {},
      hostKeyBlob: new Uint8Array(),
      sign: () => new Uint8Array(),
      hashPrefix: prefix,
    }), DisconnectError);
});
