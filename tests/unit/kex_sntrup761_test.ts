/**
 * sntrup761x25519-sha512 (`src/ssh/crypto/kex/sntrup761x25519.ts`): the
 * server side driven by a client built from the KEM and X25519 primitives,
 * checking the reply layout, K = string(SHA-512(k1 ‖ k2)), the SHA-512
 * exchange hash, and that malformed client values end in a
 * KEY_EXCHANGE_FAILED disconnect.
 */
import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { sntrup761x25519Kex } from "../../src/ssh/crypto/kex/sntrup761x25519.ts";
import type { KexIo } from "../../src/ssh/crypto/kex/method.ts";
import { sntrup761Decap, sntrup761KeyGen } from "../../src/ssh/crypto/sntrup761/kem.ts";
import { DisconnectError } from "../../src/ssh/errors.ts";
import { DISCONNECT, MSG } from "../../src/ssh/messages.ts";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";

const crypto = createCryptoProvider();
const sha512 = (d: Uint8Array): Uint8Array => crypto.hash("sha512", d);

const HOST_KEY_BLOB = new SshWriter().string("ssh-ed25519").string(new Uint8Array(32).fill(7)).bytes();
const HASH_PREFIX = new SshWriter().string("SSH-2.0-client").string("SSH-2.0-tsshd").string("I_C").string("I_S")
  .string(HOST_KEY_BLOB).bytes();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A KexIo that feeds one client message and records what the server sends and signs. */
function fakeIo(init: Uint8Array): { io: KexIo; sent: Uint8Array[]; signed: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const signed: Uint8Array[] = [];
  const io: KexIo = {
    crypto,
    read: () => Promise.resolve(init),
    send: (p) => void sent.push(p),
    hostKeyBlob: HOST_KEY_BLOB,
    sign: (h) => {
      signed.push(h);
      return new SshWriter().string("ssh-ed25519").string(new Uint8Array(64).fill(9)).bytes();
    },
    hashPrefix: HASH_PREFIX,
  };
  return { io, sent, signed };
}

function initMessage(qc: Uint8Array): Uint8Array {
  return new SshWriter().byte(MSG.KEX_ECDH_INIT).string(qc).bytes();
}

for (const name of ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"]) {
  Deno.test(`${name}: the client derives the server's K and H`, async () => {
    const kem = sntrup761KeyGen(sha512);
    const ecdh = crypto.x25519Generate();
    const qc = concat(kem.publicKey, ecdh.publicKey);
    const kex = sntrup761x25519Kex(name);
    assertEquals([kex.name, kex.hash], [name, "sha512"]);
    const { io, sent, signed } = fakeIo(initMessage(qc));
    const result = await kex.serve(io);

    assertEquals(sent.length, 1);
    const reply = new SshReader(sent[0]);
    assertEquals(reply.byte(), MSG.KEX_ECDH_REPLY);
    assertEquals(reply.string(), HOST_KEY_BLOB);
    const qs = reply.string().slice();
    reply.string(); // signature
    reply.end();
    assertEquals(qs.length, 1039 + 32);

    // The client's side: decapsulate, X25519, K = SHA-512(k1 ‖ k2) as a string.
    const k1 = sntrup761Decap(qs.subarray(0, 1039), kem.secretKey, sha512);
    const k2 = crypto.x25519(ecdh.privateKey, qs.subarray(1039));
    const kString = new SshWriter().string(sha512(concat(k1, k2))).bytes();
    assertEquals(result.sharedSecret, kString);
    assertEquals(result.sharedSecret.length, 4 + 64);

    const h = sha512(
      concat(HASH_PREFIX, new SshWriter().string(qc).bytes(), new SshWriter().string(qs).bytes(), kString),
    );
    assertEquals(result.exchangeHash, h);
    assertEquals(signed, [h]);
  });
}

Deno.test("sntrup761x25519: two exchanges with the same client value give different server values and K", async () => {
  const kem = sntrup761KeyGen(sha512);
  const qc = concat(kem.publicKey, crypto.x25519Generate().publicKey);
  const kex = sntrup761x25519Kex("sntrup761x25519-sha512");
  const a = fakeIo(initMessage(qc));
  const b = fakeIo(initMessage(qc));
  const ra = await kex.serve(a.io);
  const rb = await kex.serve(b.io);
  assertEquals(ra.sharedSecret.length, rb.sharedSecret.length);
  assertEquals(ra.sharedSecret.some((x, i) => x !== rb.sharedSecret[i]), true);
});

Deno.test("sntrup761x25519: wrong client value lengths disconnect with KEY_EXCHANGE_FAILED", async () => {
  const kex = sntrup761x25519Kex("sntrup761x25519-sha512@openssh.com");
  for (const length of [0, 32, 1158, 1189, 1191, 4096]) {
    const { io, sent } = fakeIo(initMessage(new Uint8Array(length).fill(1)));
    const err = await assertRejects(() => kex.serve(io), DisconnectError, "length") as DisconnectError;
    assertEquals(err.reason, DISCONNECT.KEY_EXCHANGE_FAILED, `length ${length}`);
    assertEquals(sent.length, 0);
  }
});

Deno.test("sntrup761x25519: an all-zero X25519 result disconnects with KEY_EXCHANGE_FAILED", async () => {
  const kem = sntrup761KeyGen(sha512);
  const kex = sntrup761x25519Kex("sntrup761x25519-sha512");
  // The X25519 identity point (u = 0) makes every shared secret zero (RFC 7748 §6.1).
  const { io, sent } = fakeIo(initMessage(concat(kem.publicKey, new Uint8Array(32))));
  const err = await assertRejects(() => kex.serve(io), DisconnectError) as DisconnectError;
  assertEquals(err.reason, DISCONNECT.KEY_EXCHANGE_FAILED);
  assertEquals(sent.length, 0);
});
