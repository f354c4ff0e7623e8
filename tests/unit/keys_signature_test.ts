import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import { SshWriter } from "../../src/ssh/wire.ts";
import { createHostKey } from "../../src/ssh/keys/host_key.ts";
import { parseOpenSshPrivateKey } from "../../src/ssh/keys/openssh_key.ts";
import type { PrivateKey } from "../../src/ssh/keys/private_key.ts";
import { makePublicKey, type PublicKey } from "../../src/ssh/keys/public_key.ts";
import { parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { checkSignature, parseSignatureBlob, verifySignature } from "../../src/ssh/keys/signature.ts";
import { signWithKey } from "../../src/ssh/keys/sign.ts";
import { SignatureAlgorithmError } from "../../src/ssh/keys/errors.ts";
import { assertThrows, provider, readKeyFile, sshKeygen, tempDir, TEST_KEYS } from "./_keys_helpers.ts";

const DATA = new TextEncoder().encode("exchange hash H, or the userauth signed data");
const ALL_ALGS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

function loadKey(name: string): PrivateKey {
  return parseOpenSshPrivateKey(readKeyFile(name));
}

function sigBlob(alg: string, sig: Uint8Array): Uint8Array {
  return new SshWriter().string(alg).string(sig).bytes();
}

function u8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function fromB64url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function b64url(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The private key converted by ssh-keygen itself to PKCS#8 and loaded by node:crypto (independent of our parser). */
async function nodeKeyFromSshKeygen(privateText: string): Promise<nodeCrypto.KeyObject> {
  const { dir, cleanup } = tempDir();
  try {
    const file = `${dir}/k`;
    Deno.writeTextFileSync(file, privateText, { mode: 0o600 });
    await sshKeygen("-p", "-q", "-N", "", "-P", "", "-m", "PKCS8", "-f", file);
    return nodeCrypto.createPrivateKey(Deno.readTextFileSync(file));
  } finally {
    cleanup();
  }
}

async function generated(type: string, bits: string): Promise<{ priv: string; pub: string }> {
  const { dir, cleanup } = tempDir();
  try {
    await sshKeygen("-q", "-t", type, "-b", bits, "-N", "", "-C", "", "-f", `${dir}/k`);
    return { priv: Deno.readTextFileSync(`${dir}/k`), pub: Deno.readTextFileSync(`${dir}/k.pub`) };
  } finally {
    cleanup();
  }
}

Deno.test("signatures: HostKey signs, our verifier accepts, and tampering is rejected (every test key, every algorithm)", () => {
  for (const [name] of TEST_KEYS) {
    const key = loadKey(name);
    const hk = createHostKey(provider, key, { allowSshRsa: true });
    for (const alg of hk.algorithms) {
      const blob = hk.sign(alg, DATA);
      assert.equal(parseSignatureBlob(blob).algorithm, alg);
      assert.deepEqual(checkSignature(provider, key.publicKey, DATA, blob, [alg]), { ok: true, algorithm: alg });
      const data2 = DATA.slice();
      data2[0] ^= 1;
      assert.equal(verifySignature(provider, key.publicKey, data2, blob, [alg]), false, `${name} ${alg} tampered data`);
      const { signature } = parseSignatureBlob(blob);
      for (const pos of [0, signature.length >> 1, signature.length - 1]) {
        const bad = signature.slice();
        bad[pos] ^= 0x10;
        assert.equal(
          verifySignature(provider, key.publicKey, DATA, sigBlob(alg, bad), [alg]),
          false,
          `${name} ${alg} @${pos}`,
        );
      }
      for (let n = 0; n < blob.length; n += n < 40 ? 1 : 17) {
        assert.equal(verifySignature(provider, key.publicKey, DATA, blob.subarray(0, n), [alg]), false);
      }
      const trailing = new Uint8Array(blob.length + 1);
      trailing.set(blob);
      assert.equal(verifySignature(provider, key.publicKey, DATA, trailing, [alg]), false);
    }
  }
});

Deno.test("signatures: our signatures verify with node:crypto directly (keys converted by ssh-keygen)", async () => {
  for (const name of ["client_ecdsa", "client_rsa"]) {
    const text = readKeyFile(name);
    const nodeKey = nodeCrypto.createPublicKey(await nodeKeyFromSshKeygen(text));
    const key = parseOpenSshPrivateKey(text);
    const algs = key.type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [key.type];
    for (const alg of algs) {
      const { signature } = parseSignatureBlob(signWithKey(provider, key, alg, DATA));
      if (key.type === "ssh-rsa") {
        const hash = { "rsa-sha2-512": "sha512", "rsa-sha2-256": "sha256", "ssh-rsa": "sha1" }[alg]!;
        assert.equal(signature.length, 384);
        assert.ok(nodeCrypto.verify(hash, DATA, nodeKey, signature), alg);
      } else {
        // ECDSA body is mpint r ‖ mpint s: read it by hand and hand node the IEEE P1363 form.
        const view = new DataView(signature.buffer, signature.byteOffset);
        const rLen = view.getUint32(0);
        const r = signature.subarray(4, 4 + rLen);
        const s = signature.subarray(8 + rLen, 8 + rLen + view.getUint32(4 + rLen));
        const p1363 = new Uint8Array(64);
        p1363.set(r.subarray(Math.max(0, r.length - 32)), 32 - Math.min(32, r.length));
        p1363.set(s.subarray(Math.max(0, s.length - 32)), 64 - Math.min(32, s.length));
        assert.ok(nodeCrypto.verify("sha256", DATA, { key: nodeKey, dsaEncoding: "ieee-p1363" }, p1363));
      }
    }
  }
  const ed = loadKey("client_ed25519");
  assert.ok(ed.type === "ssh-ed25519");
  const edPub = nodeCrypto.createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: b64url(ed.publicKey.key) },
    format: "jwk",
  });
  const { signature } = parseSignatureBlob(signWithKey(provider, ed, "ssh-ed25519", DATA));
  assert.ok(nodeCrypto.verify(null, DATA, edPub, signature));
});

Deno.test("signatures: signatures made by node:crypto verify (Ed25519, ECDSA P-256/384/521, RSA sha1/256/512)", async () => {
  // Ed25519: the node key is built from the seed; the public key we verify with comes from the .pub file.
  const ed = loadKey("client_ed25519");
  assert.ok(ed.type === "ssh-ed25519");
  const edJwk = { kty: "OKP", crv: "Ed25519", d: b64url(ed.seed), x: b64url(ed.publicKey.key) };
  const edSig = u8(nodeCrypto.sign(null, DATA, nodeCrypto.createPrivateKey({ key: edJwk, format: "jwk" })));
  const edPub = parsePublicKeyLine(readKeyFile("client_ed25519.pub")).key;
  assert.ok(verifySignature(provider, edPub, DATA, sigBlob("ssh-ed25519", edSig), ["ssh-ed25519"]));

  const ecCases: [string, string, string, number][] = [
    ["client_ecdsa", "sha256", "ecdsa-sha2-nistp256", 32],
  ];
  const p384 = await generated("ecdsa", "384");
  const p521 = await generated("ecdsa", "521");
  const texts: Record<string, { priv: string; pub: string }> = {
    client_ecdsa: { priv: readKeyFile("client_ecdsa"), pub: readKeyFile("client_ecdsa.pub") },
    p384,
    p521,
  };
  ecCases.push(["p384", "sha384", "ecdsa-sha2-nistp384", 48], ["p521", "sha512", "ecdsa-sha2-nistp521", 66]);
  for (const [which, hash, alg, size] of ecCases) {
    const nodeKey = await nodeKeyFromSshKeygen(texts[which].priv);
    const pub = parsePublicKeyLine(texts[which].pub).key;
    for (let i = 0; i < 4; i++) {
      const msg = new TextEncoder().encode(`message ${i}`);
      const raw = u8(nodeCrypto.sign(hash, msg, { key: nodeKey, dsaEncoding: "ieee-p1363" }));
      const body = new SshWriter().mpint(raw.subarray(0, size)).mpint(raw.subarray(size)).bytes();
      assert.ok(verifySignature(provider, pub, msg, sigBlob(alg, body), [alg]), `${alg} #${i}`);
      assert.equal(verifySignature(provider, pub, DATA, sigBlob(alg, body), [alg]), false);
    }
  }

  const rsaNode = await nodeKeyFromSshKeygen(readKeyFile("client_rsa"));
  const rsaPub = parsePublicKeyLine(readKeyFile("client_rsa.pub")).key;
  for (const [alg, hash] of [["rsa-sha2-512", "sha512"], ["rsa-sha2-256", "sha256"], ["ssh-rsa", "sha1"]]) {
    const blob = sigBlob(alg, u8(nodeCrypto.sign(hash, DATA, rsaNode)));
    assert.ok(verifySignature(provider, rsaPub, DATA, blob, [alg]), alg);
    const wrongName = alg === "rsa-sha2-512" ? "rsa-sha2-256" : "rsa-sha2-512";
    const relabelled = sigBlob(wrongName, parseSignatureBlob(blob).signature);
    assert.equal(verifySignature(provider, rsaPub, DATA, relabelled, ALL_ALGS), false, `${alg} labelled ${wrongName}`);
  }
});

Deno.test("signatures: the algorithm must be allowed and must fit the key type", () => {
  const rsa = loadKey("client_rsa");
  const ed = loadKey("client_ed25519");
  const ec = loadKey("client_ecdsa");
  const sha1 = signWithKey(provider, rsa, "ssh-rsa", DATA);
  const c1 = checkSignature(provider, rsa.publicKey, DATA, sha1, ["rsa-sha2-512", "rsa-sha2-256"]);
  assert.equal(c1.ok, false);
  assert.match((c1 as { reason: string }).reason, /not allowed/);
  assert.ok(verifySignature(provider, rsa.publicKey, DATA, sha1, ["ssh-rsa"]));

  const edSig = signWithKey(provider, ed, "ssh-ed25519", DATA);
  const c2 = checkSignature(provider, rsa.publicKey, DATA, edSig, ALL_ALGS);
  assert.equal(c2.ok, false);
  assert.match((c2 as { reason: string }).reason, /does not match a ssh-rsa key/);
  assert.equal(verifySignature(provider, ec.publicKey, DATA, edSig, ALL_ALGS), false);
  const ecSig = signWithKey(provider, ec, "ecdsa-sha2-nistp256", DATA);
  assert.equal(verifySignature(provider, ed.publicKey, DATA, ecSig, ALL_ALGS), false);
  // The same Ed25519 signature bytes relabelled as ECDSA for the ECDSA key: a malformed body, not a crash.
  assert.equal(
    verifySignature(
      provider,
      ec.publicKey,
      DATA,
      sigBlob("ecdsa-sha2-nistp256", parseSignatureBlob(edSig).signature),
      ALL_ALGS,
    ),
    false,
  );

  assertThrows(() => signWithKey(provider, rsa, "ssh-ed25519", DATA), SignatureAlgorithmError);
  assertThrows(() => signWithKey(provider, ed, "rsa-sha2-256", DATA), SignatureAlgorithmError);
  assertThrows(() => signWithKey(provider, ec, "ecdsa-sha2-nistp384", DATA), SignatureAlgorithmError);
  assertThrows(() => signWithKey(provider, rsa, "toString", DATA), SignatureAlgorithmError);
});

Deno.test("signatures: RSA signature with its leading zero stripped still verifies; too long or too small a key does not", () => {
  const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
  const jwk = publicKey.export({ format: "jwk" });
  const pub = makePublicKey({ type: "ssh-rsa", n: fromB64url(jwk.n!), e: fromB64url(jwk.e!) });
  let stripped: { msg: Uint8Array; sig: Uint8Array } | undefined;
  for (let i = 0; i < 5000 && !stripped; i++) {
    const msg = new TextEncoder().encode(`m${i}`);
    const sig = u8(nodeCrypto.sign("sha256", msg, privateKey));
    if (sig[0] === 0) stripped = { msg, sig: sig.subarray(1) };
  }
  assert.ok(stripped, "no signature with a leading zero found");
  assert.ok(verifySignature(provider, pub, stripped.msg, sigBlob("rsa-sha2-256", stripped.sig), ["rsa-sha2-256"]));
  const full = u8(nodeCrypto.sign("sha256", DATA, privateKey));
  assert.ok(verifySignature(provider, pub, DATA, sigBlob("rsa-sha2-256", full), ["rsa-sha2-256"]));
  const long = new Uint8Array(full.length + 1);
  long.set(full, 1);
  assert.equal(verifySignature(provider, pub, DATA, sigBlob("rsa-sha2-256", long), ["rsa-sha2-256"]), false);
  assert.equal(
    verifySignature(provider, pub, DATA, sigBlob("rsa-sha2-256", full), ["rsa-sha2-256"], { minRsaBits: 2048 }),
    false,
  );
  assert.equal(
    verifySignature(provider, pub, DATA, sigBlob("rsa-sha2-256", new Uint8Array(0)), ["rsa-sha2-256"]),
    false,
  );
});

Deno.test("signatures: malformed ECDSA bodies and random blobs return false, never throw", () => {
  const ec = loadKey("client_ecdsa");
  const pub: PublicKey = ec.publicKey;
  const alg = "ecdsa-sha2-nistp256";
  const good = parseSignatureBlob(signWithKey(provider, ec, alg, DATA)).signature;
  assert.ok(verifySignature(provider, pub, DATA, sigBlob(alg, good), [alg]));
  const one = new Uint8Array([1]);
  const big = new Uint8Array(33).fill(0x7f);
  const negative = new SshWriter().uint32(1).byte(0x80).bytes();
  const bodies = [
    new SshWriter().mpint(new Uint8Array(0)).mpint(one).bytes(), // r = 0
    new SshWriter().mpint(one).mpint(new Uint8Array(0)).bytes(), // s = 0
    new SshWriter().mpint(big).mpint(one).bytes(), // r wider than the field
    new SshWriter().raw(negative).mpint(one).bytes(), // negative r
    new SshWriter().raw(good).byte(0).bytes(), // trailing byte
    good.subarray(0, good.length - 1),
    new Uint8Array(0),
  ];
  for (const body of bodies) assert.equal(verifySignature(provider, pub, DATA, sigBlob(alg, body), [alg]), false);

  let seed = 99;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const keys = TEST_KEYS.map(([n]) => loadKey(n).publicKey);
  for (let i = 0; i < 500; i++) {
    const junk = new Uint8Array(rnd() + (i % 3 === 0 ? 300 : 0)).map(() => rnd());
    const k = keys[i % keys.length];
    assert.equal(verifySignature(provider, k, DATA, junk, ALL_ALGS), false);
    const prefixed = sigBlob(ALL_ALGS[i % ALL_ALGS.length], junk);
    assert.equal(verifySignature(provider, k, DATA, prefixed, ALL_ALGS), false);
  }
});
