import assert from "node:assert/strict";
import { fingerprintLine, fingerprintSha256, keyTypeLabel } from "../../src/ssh/keys/fingerprint.ts";
import { createHostKey, hostKeyAlgorithms } from "../../src/ssh/keys/host_key.ts";
import { parseOpenSshPrivateKey } from "../../src/ssh/keys/openssh_key.ts";
import { parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { verifySignature } from "../../src/ssh/keys/signature.ts";
import { KeyFormatError, SignatureAlgorithmError } from "../../src/ssh/keys/errors.ts";
import { generateEd25519 } from "../../src/ssh/keys/keygen.ts";
import type { PrivateKey } from "../../src/ssh/keys/private_key.ts";
import { assertThrows, keyPath, provider, readKeyFile, sshKeygen, tempDir, TEST_KEYS } from "./_keys_helpers.ts";

Deno.test("fingerprints: equal `ssh-keygen -lf` for every keys/ file, public and private", async () => {
  for (const [name] of TEST_KEYS) {
    const pub = parsePublicKeyLine(readKeyFile(`${name}.pub`));
    const expected = (await sshKeygen("-l", "-f", keyPath(`${name}.pub`))).trim();
    assert.equal(fingerprintLine(provider, pub.key, pub.comment), expected);
    const fp = expected.split(" ")[1];
    assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(fingerprintSha256(provider, pub.key.blob), fp);
    const priv = parseOpenSshPrivateKey(readKeyFile(name));
    assert.equal(
      fingerprintSha256(provider, priv.publicKey.blob),
      (await sshKeygen("-l", "-f", keyPath(name))).split(" ")[1],
    );
  }
});

Deno.test("fingerprints: fresh ssh-keygen keys of each type, and the labels ED25519 / ECDSA / RSA", async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (
      const [t, bits, label] of [["ecdsa", "384", "ECDSA"], ["ecdsa", "521", "ECDSA"], ["rsa", "1024", "RSA"], [
        "ed25519",
        "256",
        "ED25519",
      ]]
    ) {
      const file = `${dir}/${t}${bits}`;
      await sshKeygen("-q", "-t", t, "-b", bits, "-N", "", "-C", "", "-f", file);
      const { key } = parsePublicKeyLine(Deno.readTextFileSync(`${file}.pub`));
      assert.equal(keyTypeLabel(key), label);
      // An empty comment is printed as "no comment".
      assert.equal(fingerprintLine(provider, key, ""), (await sshKeygen("-l", "-f", `${file}.pub`)).trim());
    }
  } finally {
    cleanup();
  }
});

Deno.test("host keys: algorithms per key type; ssh-rsa only when allowed", () => {
  const algs = (name: string, allowSshRsa = false) =>
    createHostKey(provider, parseOpenSshPrivateKey(readKeyFile(name)), { allowSshRsa }).algorithms;
  assert.deepEqual(algs("host_ed25519"), ["ssh-ed25519"]);
  assert.deepEqual(algs("client_ecdsa"), ["ecdsa-sha2-nistp256"]);
  assert.deepEqual(algs("client_rsa"), ["rsa-sha2-512", "rsa-sha2-256"]);
  assert.deepEqual(algs("client_rsa", true), ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
});

Deno.test("host keys: sign returns a blob that verifies under publicBlob's key; other algorithms throw", () => {
  const data = new TextEncoder().encode("H");
  for (const [name] of TEST_KEYS) {
    const key = parseOpenSshPrivateKey(readKeyFile(name));
    const hk = createHostKey(provider, key);
    assert.deepEqual(hk.publicBlob, parsePublicKeyLine(readKeyFile(`${name}.pub`)).key.blob);
    for (const alg of hk.algorithms) {
      assert.ok(verifySignature(provider, key.publicKey, data, hk.sign(alg, data), [alg]));
    }
    assertThrows(() => hk.sign("ssh-rsa", data), SignatureAlgorithmError);
    assertThrows(() => hk.sign("ssh-dss", data), SignatureAlgorithmError);
    hk.algorithms.push("ssh-dss"); // mutating the exposed list does not widen what sign() accepts
    assertThrows(() => hk.sign("ssh-dss", data), SignatureAlgorithmError);
  }
});

Deno.test("host keys: the self-test catches a private key that does not match its public key", () => {
  const good = parseOpenSshPrivateKey(readKeyFile("host_ed25519"));
  assert.ok(good.type === "ssh-ed25519");
  const other = generateEd25519(provider);
  const mismatched: PrivateKey = { ...good, seed: other.seed };
  assertThrows(() => createHostKey(provider, mismatched), KeyFormatError, "does not match");
  createHostKey(provider, mismatched, { selfTest: false });

  const ec = parseOpenSshPrivateKey(readKeyFile("client_ecdsa"));
  assert.ok(ec.type === "ecdsa-sha2-nistp256");
  const d = ec.d.slice();
  d[31] ^= 1;
  assertThrows(() => createHostKey(provider, { ...ec, d }), KeyFormatError, "does not match");

  const rsa = parseOpenSshPrivateKey(readKeyFile("client_rsa"));
  assert.ok(rsa.type === "ssh-rsa");
  assert.deepEqual(hostKeyAlgorithms(rsa), ["rsa-sha2-512", "rsa-sha2-256"]);
  const rd = rsa.components.d.slice();
  rd[rd.length - 1] ^= 2;
  assertThrows(() => createHostKey(provider, { ...rsa, components: { ...rsa.components, d: rd } }), KeyFormatError);
});
