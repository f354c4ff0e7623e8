import assert from "node:assert/strict";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";
import { decodeBase64, encodeBase64 } from "../../src/ssh/keys/base64.ts";
import {
  EncryptedKeyError,
  KeyError,
  KeyFormatError,
  NotAPrivateKeyError,
  UnsupportedKeyFormatError,
  UnsupportedKeyTypeError,
} from "../../src/ssh/keys/errors.ts";
import {
  decodeOpenSshPrivateKey,
  encodeOpenSshPrivateKey,
  parseOpenSshPrivateKey,
} from "../../src/ssh/keys/openssh_key.ts";
import { formatPublicKeyLine, parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { ed25519FromSeed, generateEd25519 } from "../../src/ssh/keys/keygen.ts";
import { assertThrows, provider, readKeyFile, sshKeygen, tempDir, TEST_KEYS } from "./_keys_helpers.ts";

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";

/** The binary body of an armored key file. */
function body(text: string): Uint8Array {
  return decodeBase64(text.slice(text.indexOf(BEGIN) + BEGIN.length, text.indexOf(END)).replace(/\s+/g, ""));
}

function armor(bytes: Uint8Array): string {
  const b64 = encodeBase64(bytes);
  const lines = [BEGIN];
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
  return [...lines, END, ""].join("\n");
}

/** Split a key file body into its header fields and the private section. */
function split(bytes: Uint8Array): { header: Uint8Array; publicBlob: Uint8Array; section: Uint8Array } {
  const r = new SshReader(bytes, 15);
  r.string(), r.string(), r.string(), r.uint32();
  const publicBlob = r.string();
  const headerEnd = r.pos;
  const section = r.string();
  return { header: bytes.slice(0, headerEnd), publicBlob, section };
}

function rebuild(header: Uint8Array, section: Uint8Array): string {
  return armor(new SshWriter().raw(header).string(section).bytes());
}

Deno.test("private keys: every keys/ file parses, matches its .pub, and re-encodes byte for byte", () => {
  for (const [name, type] of TEST_KEYS) {
    const text = readKeyFile(name);
    const { key, checkInt } = decodeOpenSshPrivateKey(text);
    assert.equal(key.type, type);
    const pub = parsePublicKeyLine(readKeyFile(`${name}.pub`));
    assert.deepEqual(key.publicKey.blob, pub.key.blob);
    assert.equal(key.comment, pub.comment);
    assert.equal(encodeOpenSshPrivateKey(key, { checkInt }), text, name);
  }
});

Deno.test("private keys: ssh-keygen keys of every supported type and size parse and match ssh-keygen -y", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cases: [string, string, string][] = [
      ["ed25519", "256", "ssh-ed25519"],
      ["ecdsa", "256", "ecdsa-sha2-nistp256"],
      ["ecdsa", "384", "ecdsa-sha2-nistp384"],
      ["ecdsa", "521", "ecdsa-sha2-nistp521"],
      ["rsa", "1024", "ssh-rsa"],
      ["rsa", "2048", "ssh-rsa"],
    ];
    for (const [t, bits, type] of cases) {
      const file = `${dir}/${t}${bits}`;
      await sshKeygen("-q", "-t", t, "-b", bits, "-N", "", "-C", `comment ${t} ${bits}`, "-f", file);
      const text = Deno.readTextFileSync(file);
      const { key, checkInt } = decodeOpenSshPrivateKey(text);
      assert.equal(key.type, type);
      assert.equal(key.comment, `comment ${t} ${bits}`);
      const y = (await sshKeygen("-y", "-f", file)).trim();
      assert.equal(
        formatPublicKeyLine(key.publicKey, key.comment),
        y.includes(" comment ") ? y : `${y} ${key.comment}`,
      );
      assert.equal(encodeOpenSshPrivateKey(key, { checkInt }), text);
    }
  } finally {
    cleanup();
  }
});

Deno.test("private keys: keys we write are read back by ssh-keygen -y (Ed25519 generated, and re-written ECDSA/RSA)", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const keys = [
      generateEd25519(provider, "written by tsshd"),
      parseOpenSshPrivateKey(readKeyFile("client_ecdsa")),
      parseOpenSshPrivateKey(readKeyFile("client_rsa")),
    ];
    for (const [i, key] of keys.entries()) {
      const file = `${dir}/k${i}`;
      const text = encodeOpenSshPrivateKey(key);
      assert.ok(text.startsWith(`${BEGIN}\n`) && text.endsWith(`${END}\n`));
      assert.ok(text.split("\n").every((l) => l.length <= 70 || l.startsWith("-----")));
      Deno.writeTextFileSync(file, text, { mode: 0o600 });
      const y = (await sshKeygen("-y", "-f", file)).trim();
      assert.equal(y.split(" ").slice(0, 2).join(" "), formatPublicKeyLine(key.publicKey));
      assert.deepEqual(parseOpenSshPrivateKey(text), key);
    }
  } finally {
    cleanup();
  }
});

Deno.test("keygen: RFC 8032 §7.1 test 1 seed gives its public key; generated keys differ", () => {
  const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16));
  const key = ed25519FromSeed(provider, hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), "rfc");
  assert.deepEqual(key.publicKey.key, hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  const a = generateEd25519(provider, "a");
  const b = generateEd25519(provider, "b");
  assert.notDeepEqual(a.seed, b.seed);
  assert.equal(a.comment, "a");
  assertThrows(() => ed25519FromSeed(provider, new Uint8Array(31)), KeyFormatError);
});

Deno.test("private keys: an encrypted key (ssh-keygen -N secret) gives EncryptedKeyError asking for a passphrase", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await sshKeygen("-q", "-t", "ed25519", "-N", "secret", "-f", `${dir}/enc`);
    const err = assertThrows(
      () => parseOpenSshPrivateKey(Deno.readTextFileSync(`${dir}/enc`)),
      EncryptedKeyError,
      "passphrase",
    );
    assert.equal(err.cipherName, "aes256-ctr");
    assert.equal(err.kdfName, "bcrypt");
  } finally {
    cleanup();
  }
});

Deno.test("private keys: a .pub file (or a public PEM/RFC 4716 block) given as private gives NotAPrivateKeyError", async () => {
  for (const [name] of TEST_KEYS) {
    assertThrows(() => parseOpenSshPrivateKey(readKeyFile(`${name}.pub`)), NotAPrivateKeyError);
  }
  const rfc4716 = await sshKeygen("-e", "-f", new URL("../../keys/client_ed25519.pub", import.meta.url).pathname);
  assertThrows(() => parseOpenSshPrivateKey(rfc4716), NotAPrivateKeyError);
  assertThrows(
    () => parseOpenSshPrivateKey("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n"),
    NotAPrivateKeyError,
  );
});

Deno.test("private keys: PEM and PKCS#8 private keys give UnsupportedKeyFormatError", async () => {
  const { dir, cleanup } = tempDir();
  try {
    await sshKeygen("-q", "-t", "rsa", "-b", "1024", "-m", "PEM", "-N", "", "-f", `${dir}/pem`);
    assertThrows(
      () => parseOpenSshPrivateKey(Deno.readTextFileSync(`${dir}/pem`)),
      UnsupportedKeyFormatError,
      "ssh-keygen -p",
    );
    await sshKeygen("-q", "-t", "ecdsa", "-m", "PKCS8", "-N", "", "-f", `${dir}/p8`);
    assertThrows(() => parseOpenSshPrivateKey(Deno.readTextFileSync(`${dir}/p8`)), UnsupportedKeyFormatError);
  } finally {
    cleanup();
  }
});

Deno.test("private keys: truncated files give KeyFormatError (text cut anywhere, or a shortened body)", () => {
  for (const [name] of TEST_KEYS) {
    const text = readKeyFile(name);
    for (const cut of [0.1, 0.5, 0.9, 0.99]) {
      const t = text.slice(0, Math.floor(text.length * cut));
      const err = assertThrows(() => parseOpenSshPrivateKey(t), KeyError);
      assert.ok(err instanceof KeyFormatError, `${name} cut at ${cut}: ${err.name}`);
    }
    const bytes = body(text);
    for (let n = 0; n < bytes.length; n += n < 64 ? 1 : 13) {
      assertThrows(() => parseOpenSshPrivateKey(armor(bytes.subarray(0, n))), KeyFormatError);
    }
  }
});

Deno.test("private keys: garbage gives KeyFormatError, never another error", () => {
  const garbage = [
    "",
    "hello world",
    "\u0000\u0001\u0002",
    `${BEGIN}\n${END}\n`,
    `${BEGIN}\n!!!not base64!!!\n${END}\n`,
    `${BEGIN}\n${encodeBase64(new TextEncoder().encode("openssh-key-v2\0xxxxxxxx"))}\n${END}\n`,
  ];
  for (const g of garbage) assertThrows(() => parseOpenSshPrivateKey(g), KeyFormatError);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const magic = new TextEncoder().encode("openssh-key-v1\0");
  for (let i = 0; i < 1000; i++) {
    const b = new Uint8Array(magic.length + rnd()).map(() => (rnd() < 200 ? 0 : rnd()));
    b.set(magic);
    assertThrows(() => parseOpenSshPrivateKey(armor(b)), KeyError);
  }
});

Deno.test("private keys: bad check-ints, bad padding, misaligned section, header/private mismatch, two keys", () => {
  const text = readKeyFile("client_ed25519");
  const { header, publicBlob, section } = split(body(text));
  assert.equal(section.length % 8, 0);

  const badCheck = section.slice();
  badCheck[7] ^= 1;
  assertThrows(() => parseOpenSshPrivateKey(rebuild(header, badCheck)), KeyFormatError, "check-ints");

  const padLen = section[section.length - 1];
  assert.ok(padLen >= 1 && padLen < 8, `unexpected padding length ${padLen}`);
  const badPad = section.slice();
  badPad[section.length - 1] ^= 0x40;
  assertThrows(() => parseOpenSshPrivateKey(rebuild(header, badPad)), KeyFormatError, "padding");

  const misaligned = new Uint8Array(section.length + 1);
  misaligned.set(section);
  misaligned[section.length] = padLen + 1;
  assertThrows(() => parseOpenSshPrivateKey(rebuild(header, misaligned)), KeyFormatError, "multiple of 8");

  const other = body(readKeyFile("other_ed25519"));
  const otherHeader = split(other).header;
  assertThrows(() => parseOpenSshPrivateKey(rebuild(otherHeader, section)), KeyFormatError, "does not match");

  const twoKeys = new SshWriter().raw(header.subarray(0, header.length - publicBlob.length - 8)).uint32(2)
    .string(publicBlob).string(publicBlob).string(section).bytes();
  assertThrows(() => parseOpenSshPrivateKey(armor(twoKeys)), KeyFormatError, "2 keys");

  // Ed25519 private part whose embedded public half differs from the public key field.
  const edit = section.slice();
  const r = new SshReader(edit, 8);
  r.string();
  r.string();
  const ka = r.string();
  ka[63] ^= 1;
  assertThrows(() => parseOpenSshPrivateKey(rebuild(header, edit)), KeyFormatError);
});

Deno.test("private keys: an unsupported key type in the file gives UnsupportedKeyTypeError", () => {
  const pub = new SshWriter().string("ssh-dss").string(new Uint8Array(20)).bytes();
  const section = new SshWriter().uint32(7).uint32(7).string("ssh-dss").string(new Uint8Array(20)).string("c");
  for (let p = 1; section.length % 8 !== 0; p++) section.byte(p);
  const file = new SshWriter().raw(new TextEncoder().encode("openssh-key-v1\0")).string("none").string("none")
    .string("").uint32(1).string(pub).string(section.bytes()).bytes();
  const err = assertThrows(() => parseOpenSshPrivateKey(armor(file)), UnsupportedKeyTypeError);
  assert.equal(err.keyType, "ssh-dss");
});
