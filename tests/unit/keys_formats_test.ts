/**
 * Key files in every supported format, against fixtures made by ssh-keygen,
 * openssl and puttygen (tests/fixtures/keys/, see its README and
 * make_fixtures.sh). The expected fingerprints in manifest.json were computed
 * by ssh-keygen and puttygen, never by tsshd.
 *
 * Every private key read is also put through `createHostKey`, whose
 * sign-and-verify self-test proves the private half matches the public one.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { provider } from "./_keys_helpers.ts";
import {
  EncryptedKeyError,
  KeyError,
  KeyFormatError,
  KeySizeError,
  NotAPrivateKeyError,
  UnsupportedKeyFormatError,
  UnsupportedKeyTypeError,
  WrongPassphraseError,
} from "../../src/ssh/keys/errors.ts";
import { detectKeyFileFormat, parsePrivateKeyFile, parsePublicKeyFile } from "../../src/ssh/keys/key_file.ts";
import { decodeOpenSshPrivateKey, encodeOpenSshPrivateKey } from "../../src/ssh/keys/openssh_key.ts";
import { KEY_FILE_CIPHERS } from "../../src/ssh/keys/openssh_key_ciphers.ts";
import { fingerprintSha256, keyTypeLabel } from "../../src/ssh/keys/fingerprint.ts";
import { createHostKey } from "../../src/ssh/keys/host_key.ts";
import { keyBits, type PublicKey } from "../../src/ssh/keys/public_key.ts";
import { generateEcdsa, generateKey, generateRsa } from "../../src/ssh/keys/keygen.ts";
import { parseRfc4716PublicKey } from "../../src/ssh/keys/rfc4716.ts";
import type { PrivateKey, RsaPrivateKey } from "../../src/ssh/keys/private_key.ts";

const DIR = new URL("../fixtures/keys/", import.meta.url).pathname;
const read = (name: string) => Deno.readTextFileSync(DIR + name);
const PASS = read("passphrase").split("\n")[0];

interface Expected {
  bits?: number;
  sha256?: string;
  label?: string;
  comment?: string;
  encrypted?: boolean;
  error?: string;
}
const MANIFEST: Record<string, Expected> = JSON.parse(read("manifest.json"));
const ERRORS: Record<string, typeof UnsupportedKeyTypeError | typeof UnsupportedKeyFormatError> = {
  UnsupportedKeyTypeError,
  UnsupportedKeyFormatError,
};

const privateFixtures = Object.keys(MANIFEST).filter((n) => n.endsWith(".key") || n.endsWith(".ppk"));
const publicFixtures = Object.keys(MANIFEST).filter((n) => n.endsWith(".pem") || n.endsWith(".ssh2"));

function checkPublic(name: string, key: PublicKey, e: Expected): void {
  assertEquals(fingerprintSha256(provider, key.blob), e.sha256, `${name}: fingerprint`);
  assertEquals(keyBits(key), e.bits, `${name}: bits`);
  assertEquals(keyTypeLabel(key), e.label, `${name}: type`);
}

const big = (b: Uint8Array) => b.reduce((v, x) => (v << 8n) | BigInt(x), 0n);

function checkPrivate(name: string, key: PrivateKey): void {
  const e = MANIFEST[name];
  checkPublic(name, key.publicKey, e);
  assertEquals(key.comment, e.comment, `${name}: comment`);
  createHostKey(provider, key); // throws unless the private key signs for its public key
  if (key.type === "ssh-rsa") checkRsaAlgebra(name, key);
}

/** OpenSSL signs correctly even with a wrong CRT coefficient (it checks and falls back), so check the algebra. */
function checkRsaAlgebra(name: string, key: RsaPrivateKey): void {
  const [n, e, d, p, q, iqmp] = ["n", "e", "d", "p", "q", "iqmp"].map((k) => big(key.components[k as "n"]));
  assertEquals(p * q, n, `${name}: n = pq`);
  assertEquals([(e * d) % (p - 1n), (e * d) % (q - 1n)], [1n, 1n], `${name}: ed = 1 mod p-1, q-1`);
  assertEquals((iqmp * q) % p, 1n, `${name}: iqmp = q^-1 mod p`);
}

Deno.test("key files: the fixtures cover every format and cipher", () => {
  const formats = new Set(
    Object.keys(MANIFEST).filter((n) => !MANIFEST[n].error).map((n) => detectKeyFileFormat(read(n))),
  );
  for (const f of ["openssh", "pkcs1", "sec1", "pkcs8", "pkcs8-encrypted", "ppk", "rfc4716", "spki", "pkcs1-public"]) {
    assert(formats.has(f as never), `no fixture in format ${f}`);
  }
  for (const c of KEY_FILE_CIPHERS.filter((c) => !c.startsWith("rijndael"))) {
    assert(`openssh_ed25519_${c.replace("@openssh.com", "")}.key` in MANIFEST, `no fixture for cipher ${c}`);
  }
});

Deno.test("key files: every supported private key fixture reads (with the passphrase) to the expected key", () => {
  for (const name of privateFixtures) {
    const e = MANIFEST[name];
    // The ed25519 cipher fixtures are read by the byte-for-byte writer test below.
    if (e.error || name.startsWith("openssh_ed25519_")) continue;
    checkPrivate(name, parsePrivateKeyFile(read(name), { passphrase: PASS }));
  }
});

Deno.test("key files: unsupported key types and encryption schemes are refused with typed errors", () => {
  for (const name of privateFixtures) {
    const e = MANIFEST[name];
    if (!e.error) continue;
    assertThrows(() => parsePrivateKeyFile(read(name), { passphrase: PASS }), ERRORS[e.error]);
  }
  assertThrows(() => parsePrivateKeyFile(read("openssh_dsa.key")), UnsupportedKeyTypeError, '"ssh-dss"');
  assertThrows(() => parsePrivateKeyFile(read("pem_dsa.key")), UnsupportedKeyTypeError, '"ssh-dss"');
  assertThrows(() => parsePrivateKeyFile(read("pkcs8_ed448.key")), UnsupportedKeyTypeError, "ed448");
  assertThrows(() => parsePrivateKeyFile(read("ppk3_ed448.ppk")), UnsupportedKeyTypeError, "ed448");
  assertThrows(() => parsePrivateKeyFile(read("sec1_secp256k1.key")), UnsupportedKeyTypeError, "secp256k1");
  const pass = { passphrase: PASS };
  assertThrows(
    () => parsePrivateKeyFile(read("openssh_ed25519_3des-cbc.key"), pass),
    UnsupportedKeyFormatError,
    "3des",
  );
  assertThrows(() => parsePrivateKeyFile(read("pkcs1_rsa2048_des3.key"), pass), UnsupportedKeyFormatError, "DES-EDE3");
  assertThrows(
    () => parsePrivateKeyFile(read("pkcs8enc_ed25519_scrypt.key"), pass),
    UnsupportedKeyFormatError,
    "scrypt",
  );
  assertThrows(
    () => parsePrivateKeyFile(read("pkcs8enc_p256_pbes1_3des.key"), pass),
    UnsupportedKeyFormatError,
    "TripleDES",
  );
});

Deno.test("key files: an encrypted key without a passphrase asks for one; a wrong one is refused", () => {
  // One file per decryption path: check-ints (CTR; CBC is the same path), AEAD tags (GCM, ChaCha20-Poly1305),
  // PEM and PKCS#8 padding, PuTTY MACs (v2 SHA-1, v3 Argon2).
  const files = [
    "openssh_ed25519_aes256-ctr.key",
    "openssh_ed25519_aes256-gcm.key",
    "openssh_ed25519_chacha20-poly1305.key",
    "pkcs1_rsa2048_aes128.key",
    "sec1_p384_aes128.key",
    "pkcs8enc_p256_sha256_aes128.key",
    "pkcs8enc_ed25519_sha1_aes192.key",
    "ppk2_rsa2048_enc.ppk",
    "ppk3_ed25519_enc.ppk",
  ];
  for (const name of files) {
    assert(MANIFEST[name].encrypted, name);
    assertThrows(() => parsePrivateKeyFile(read(name)), EncryptedKeyError, "passphrase");
    assertThrows(() => parsePrivateKeyFile(read(name), { passphrase: "not it" }), WrongPassphraseError);
  }
  assertThrows(() => parsePrivateKeyFile(read(files[0]), { passphrase: "" }), WrongPassphraseError);
  // An unencrypted file ignores a passphrase.
  checkPrivate("pkcs1_rsa2048.key", parsePrivateKeyFile(read("pkcs1_rsa2048.key"), { passphrase: "anything" }));
});

Deno.test("key files: a passphrase may be bytes, not only a string", () => {
  const key = parsePrivateKeyFile(read("sec1_p384_aes128.key"), { passphrase: new TextEncoder().encode(PASS) });
  checkPrivate("sec1_p384_aes128.key", key);
});

Deno.test("key files: public key files (RFC 4716, SubjectPublicKeyInfo, PKCS#1) read to the expected key", () => {
  for (const name of publicFixtures) {
    const { key } = parsePublicKeyFile(read(name));
    checkPublic(name, key, MANIFEST[name]);
    assertThrows(() => parsePrivateKeyFile(read(name)), NotAPrivateKeyError);
  }
  const rfc = parseRfc4716PublicKey(read("rfc4716_ed25519_headers.ssh2"));
  assertEquals(rfc.comment, "continued comment");
  assertEquals(rfc.headers.get("x-Note"), "a header that goes on over two lines");
  assertEquals(rfc.headers.get("Subject"), "tsshd");
  const plain = parsePublicKeyFile(read("rfc4716_ecdsa384.ssh2"));
  assert(/^384-bit ECDSA, converted by .* from OpenSSH$/.test(plain.comment), plain.comment);
});

Deno.test("key files: .pub lines and authorized_keys text give their first key; private files their public half", () => {
  const pub = parsePublicKeyFile(read("openssh_ecdsa384.key.pub"));
  checkPublic("openssh_ecdsa384.key", pub.key, MANIFEST["openssh_ecdsa384.key"]);
  assertEquals(pub.comment, "openssh ecdsa384");
  const ak = parsePublicKeyFile(read("authorized_keys")); // first key line has options
  checkPublic("openssh_ecdsa384.key", ak.key, MANIFEST["openssh_ecdsa384.key"]);
  assertThrows(() => parsePublicKeyFile(read("openssh_dsa.key.pub")), UnsupportedKeyTypeError, "ssh-dss");
  // The clear header of an encrypted OpenSSH key gives the public key without a passphrase (comment unknown).
  const enc = parsePublicKeyFile(read("openssh_ecdsa521_enc.key"));
  checkPublic("openssh_ecdsa521_enc.key", enc.key, MANIFEST["openssh_ecdsa521_enc.key"]);
  assertEquals(enc.comment, "");
  // PuTTY files carry the public key and comment in the clear, encrypted or not.
  const ppk = parsePublicKeyFile(read("ppk3_p256_enc.ppk"));
  checkPublic("ppk3_p256_enc.ppk", ppk.key, MANIFEST["ppk3_p256_enc.ppk"]);
  assertEquals(ppk.comment, "ppk3 p256 argon2i");
  // Unencrypted PEM: derived; encrypted PEM: needs the passphrase.
  checkPublic(
    "sec1_p256_nopublic.key",
    parsePublicKeyFile(read("sec1_p256_nopublic.key")).key,
    MANIFEST["sec1_p256.key"],
  );
  assertThrows(() => parsePublicKeyFile(read("pkcs1_rsa2048_aes256.key")), EncryptedKeyError);
  const withPass = parsePublicKeyFile(read("pkcs1_rsa2048_aes256.key"), { passphrase: PASS });
  checkPublic("pkcs1_rsa2048.key", withPass.key, MANIFEST["pkcs1_rsa2048.key"]);
});

Deno.test("openssh writer: re-encrypting an ssh-keygen file with its own salt, rounds and check-int gives it back byte for byte", () => {
  for (const cipher of KEY_FILE_CIPHERS.filter((c) => !c.startsWith("rijndael"))) {
    const name = `openssh_ed25519_${cipher.replace("@openssh.com", "")}.key`;
    const text = read(name);
    const f = decodeOpenSshPrivateKey(text, { passphrase: PASS });
    checkPrivate(name, f.key);
    assertEquals(f.cipherName, cipher);
    assertEquals(f.rounds, 16);
    assertEquals(f.salt?.length, 16);
    const again = encodeOpenSshPrivateKey(f.key, {
      passphrase: PASS,
      cipher,
      salt: f.salt,
      rounds: f.rounds,
      checkInt: f.checkInt,
    });
    assertEquals(again, text, `${cipher}: re-encoded file differs`);
  }
});

Deno.test("openssh writer: defaults are aes256-ctr + bcrypt 16 rounds; no or empty passphrase writes unencrypted", () => {
  const key = parsePrivateKeyFile(read("ppk3_ed25519.ppk"));
  const locked = encodeOpenSshPrivateKey(key, { passphrase: "pw" });
  const f = decodeOpenSshPrivateKey(locked, { passphrase: "pw" });
  assertEquals([f.cipherName, f.rounds], ["aes256-ctr", 16]);
  assertEquals(f.key, key);
  assertThrows(() => decodeOpenSshPrivateKey(locked), EncryptedKeyError);
  for (const passphrase of [undefined, ""]) {
    const open = decodeOpenSshPrivateKey(encodeOpenSshPrivateKey(key, { passphrase }));
    assertEquals(open.cipherName, "none");
    assertEquals(open.key, key);
  }
  assertThrows(() => encodeOpenSshPrivateKey(key, { passphrase: "pw", cipher: "3des-cbc" }), UnsupportedKeyFormatError);
});

Deno.test("PuTTY: a changed comment breaks the MAC of an unencrypted file", () => {
  const text = read("ppk3_ed25519.ppk").replace("Comment: ppk3 ed25519", "Comment: ppk3 ed25519!");
  assertThrows(() => parsePrivateKeyFile(text), KeyFormatError, "Private-MAC");
  assertEquals(parsePublicKeyFile(text).comment, "ppk3 ed25519!"); // the public part has no MAC
  const v1 = read("ppk3_ed25519.ppk").replace("PuTTY-User-Key-File-3", "PuTTY-User-Key-File-1");
  assertThrows(() => parsePrivateKeyFile(v1), UnsupportedKeyFormatError, "version 1");
});

/** Cut `text` at several places and corrupt single characters; every failure must be a KeyError. */
function mangle(name: string, text: string): string[] {
  const out: string[] = [];
  for (const cut of [0.05, 0.3, 0.5, 0.8, 0.95, 0.99]) out.push(text.slice(0, Math.floor(text.length * cut)));
  const lines = text.split("\n");
  const body = lines.findIndex((l, i) => i > 0 && /^[A-Za-z0-9+/]{40,}/.test(l));
  if (body > 0) {
    out.push([...lines.slice(0, body), ...lines.slice(body + 1)].join("\n")); // a line of the body missing
    for (const at of [3, 17, 41]) {
      const l = lines[body];
      const c = l[at] === "A" ? "B" : "A";
      out.push([...lines.slice(0, body), l.slice(0, at) + c + l.slice(at + 1), ...lines.slice(body + 1)].join("\n"));
    }
  }
  assert(out.length >= 6, name);
  return out;
}

Deno.test("key files: truncated or corrupted files of every format fail with KeyErrors, never anything else", () => {
  const names = [
    "openssh_ed25519_aes256-gcm.key",
    "openssh_ecdsa384.key",
    "pkcs1_rsa2048.key",
    "pkcs1_rsa2048_aes128.key",
    "sec1_p521.key",
    "pkcs8_rsa2048.key",
    "pkcs8_ed25519.key",
    "pkcs8enc_p256_sha256_aes128.key",
    "ppk3_rsa2048.ppk",
    "ppk2_p384.ppk",
    "rfc4716_ecdsa384.ssh2",
    "spki_rsa2048.pem",
    "pkcs1pub_rsa2048.pem",
  ];
  for (const name of names) {
    for (const text of mangle(name, read(name))) {
      for (const parse of [() => parsePrivateKeyFile(text, { passphrase: PASS }), () => parsePublicKeyFile(text)]) {
        try {
          parse();
        } catch (e) {
          assert(e instanceof KeyError, `${name}: ${e instanceof Error ? e.stack : e}`);
        }
      }
    }
  }
  const cut = read("pkcs1_rsa2048.key").split("\n").slice(0, 10).join("\n");
  assertThrows(() => parsePrivateKeyFile(cut), KeyFormatError, "truncated");
  assertThrows(() => parsePrivateKeyFile(""), KeyFormatError, "empty");
  assertThrows(() => parsePrivateKeyFile("hello world\n"), KeyFormatError, "not a key file");
  assertThrows(
    () => parsePrivateKeyFile("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
    UnsupportedKeyFormatError,
  );
  assertThrows(() => parsePrivateKeyFile(read("openssh_ecdsa384.key.pub")), NotAPrivateKeyError);
});

Deno.test("keygen: ECDSA on all three curves and RSA, written and read back", () => {
  for (const bits of [256, 384, 521]) {
    const key = generateEcdsa(provider, bits, `ec${bits}`);
    assertEquals(keyBits(key.publicKey), bits);
    createHostKey(provider, key);
    assertEquals(parsePrivateKeyFile(encodeOpenSshPrivateKey(key)), key);
  }
  const rsa = generateRsa(provider, 2048, "rsa");
  assertEquals(rsa.publicKey.bits, 2048);
  assertEquals(Array.from(rsa.publicKey.e), [1, 0, 1]);
  createHostKey(provider, rsa);
  checkRsaAlgebra("generated", rsa);
  assertEquals(parsePrivateKeyFile(encodeOpenSshPrivateKey(rsa, { passphrase: "x" }), { passphrase: "x" }), rsa);
  assertEquals(generateKey(provider, { type: "ed25519", comment: "c" }).comment, "c");
  assertEquals(generateKey(provider, { type: "ecdsa" }).type, "ecdsa-sha2-nistp256");
  assertThrows(() => generateKey(provider, { type: "ecdsa", bits: 255 }), KeySizeError);
  assertThrows(() => generateKey(provider, { type: "rsa", bits: 1024 }), KeySizeError);
  assertThrows(() => generateKey(provider, { type: "rsa", bits: 16385 }), KeySizeError);
  assertThrows(() => generateKey(provider, { type: "ed25519", bits: 448 }), KeySizeError);
  assertThrows(() => generateKey(provider, { type: "dsa" as never }), UnsupportedKeyTypeError);
});

Deno.test("key files: one fixture per format and decryption path reads the same under Bun", async () => {
  const names = [
    "openssh_ed25519_aes256-ctr.key",
    "openssh_ed25519_aes256-gcm.key",
    "openssh_ed25519_chacha20-poly1305.key",
    "pkcs1_rsa2048_aes128.key",
    "sec1_p384_aes128.key",
    "sec1_p256_nopublic.key",
    "pkcs8_ed25519.key",
    "pkcs8enc_ed25519_sha512_aes256.key",
    "ppk2_ed25519_enc.ppk",
    "ppk3_p256_enc.ppk",
  ];
  const root = new URL("../../", import.meta.url).pathname;
  const script = `
    import { parsePrivateKeyFile } from "./src/ssh/keys/key_file.ts";
    import { fingerprintSha256 } from "./src/ssh/keys/fingerprint.ts";
    import { createCryptoProvider } from "./src/runtime/crypto.ts";
    import { readFileSync } from "node:fs";
    const provider = createCryptoProvider();
    const out = {};
    for (const name of ${JSON.stringify(names)}) {
      const key = parsePrivateKeyFile(readFileSync(${JSON.stringify(DIR)} + name, "utf8"), { passphrase: ${
    JSON.stringify(PASS)
  } });
      out[name] = [fingerprintSha256(provider, key.publicKey.blob), key.comment];
    }
    console.log(JSON.stringify(out));`;
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["-e", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const got = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, [string, string]>;
  for (const name of names) assertEquals(got[name], [MANIFEST[name].sha256!, MANIFEST[name].comment!], name);
});
