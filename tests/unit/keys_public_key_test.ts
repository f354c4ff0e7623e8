import assert from "node:assert/strict";
import { SshWriter } from "../../src/ssh/wire.ts";
import { decodeBase64, encodeBase64 } from "../../src/ssh/keys/base64.ts";
import { KeyError, KeyFormatError, KeySizeError, UnsupportedKeyTypeError } from "../../src/ssh/keys/errors.ts";
import { keyBits, makePublicKey, parsePublicKey } from "../../src/ssh/keys/public_key.ts";
import { formatPublicKeyLine, parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { assertThrows, readKeyFile, TEST_KEYS } from "./_keys_helpers.ts";

Deno.test("base64: RFC 4648 §10 test vectors, padded and unpadded", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  const enc = new TextEncoder();
  for (const [plain, b64] of vectors) {
    assert.deepEqual(encodeBase64(enc.encode(plain)), b64);
    assert.deepEqual(encodeBase64(enc.encode(plain), { pad: false }), b64.replace(/=+$/, ""));
    assert.deepEqual(new TextDecoder().decode(decodeBase64(b64)), plain);
    assert.deepEqual(new TextDecoder().decode(decodeBase64(b64.replace(/=+$/, ""))), plain);
  }
  const all = new Uint8Array(256).map((_, i) => i);
  assert.deepEqual(decodeBase64(encodeBase64(all)), all);
});

Deno.test("base64: rejects characters outside the alphabet, inner padding and impossible lengths", () => {
  for (const bad of ["Zm9v YmFy", "Zm9v\nYmFy", "Zm=vYmFy", "Zm9vY", "Zm9v!mFy", "Zm9vYmF\u00e9", "===="]) {
    assertThrows(() => decodeBase64(bad), KeyFormatError);
  }
});

Deno.test("public keys: every keys/*.pub parses with the expected type and re-formats to the same line", () => {
  for (const [name, type] of TEST_KEYS) {
    const text = readKeyFile(`${name}.pub`);
    const { key, comment } = parsePublicKeyLine(text);
    assert.deepEqual(key.type, type);
    assert.deepEqual(formatPublicKeyLine(key, comment), text.trimEnd());
    assert.deepEqual(parsePublicKey(key.blob).blob, key.blob);
    if (key.type === "ssh-ed25519") assert.deepEqual(key.key.length, 32);
    if (key.type === "ssh-rsa") {
      assert.deepEqual(key.bits, 3072);
      assert.deepEqual(keyBits(key), 3072);
      assert.deepEqual(key.e, new Uint8Array([1, 0, 1]));
    }
    if (key.type === "ecdsa-sha2-nistp256") {
      assert.deepEqual(key.curve, "P-256");
      assert.deepEqual(key.q.length, 65);
    }
  }
});

Deno.test("public keys: makePublicKey rebuilds the same blob from the parts", () => {
  for (const [name] of TEST_KEYS) {
    const { key } = parsePublicKeyLine(readKeyFile(`${name}.pub`));
    if (!("q" in key) && key.type !== "ssh-ed25519" && key.type !== "ssh-rsa") throw new Error("unexpected FIDO key");
    const rebuilt = key.type === "ssh-ed25519"
      ? makePublicKey({ type: key.type, key: key.key })
      : key.type === "ssh-rsa"
      ? makePublicKey({ type: key.type, n: key.n, e: key.e })
      : makePublicKey({ type: key.type as "ecdsa-sha2-nistp256", q: (key as { q: Uint8Array }).q });
    assert.deepEqual(rebuilt.blob, key.blob);
  }
});

Deno.test("public keys: every truncation and a trailing byte give KeyFormatError, never RangeError", () => {
  for (const [name] of TEST_KEYS) {
    const { key } = parsePublicKeyLine(readKeyFile(`${name}.pub`));
    for (let n = 0; n < key.blob.length; n++) {
      assertThrows(() => parsePublicKey(key.blob.subarray(0, n)), KeyFormatError);
    }
    const longer = new Uint8Array(key.blob.length + 1);
    longer.set(key.blob);
    assertThrows(() => parsePublicKey(longer), KeyFormatError, "trailing");
  }
});

Deno.test("public keys: random garbage only ever throws KeyError", () => {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const prefixes = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ""].map((t) => new SshWriter().string(t).bytes());
  let thrown = 0;
  for (let i = 0; i < 2000; i++) {
    const prefix = prefixes[i % prefixes.length];
    const blob = new Uint8Array(prefix.length + (rnd() % 80));
    blob.set(prefix);
    for (let j = prefix.length; j < blob.length; j++) blob[j] = rnd() % 8 === 0 ? 0 : rnd();
    try {
      parsePublicKey(blob);
    } catch (e) {
      assert.ok(e instanceof KeyError, String(e));
      thrown++;
    }
  }
  assert.ok(thrown > 1900, `only ${thrown} of 2000 garbage blobs were rejected`);
});

Deno.test("public keys: unknown key types give UnsupportedKeyTypeError naming the type", () => {
  for (const type of ["ssh-dss", "ssh-ed448", "ssh-ed25519-cert-v01@openssh.com", "x"]) {
    const blob = new SshWriter().string(type).string(new Uint8Array(32)).bytes();
    const err = assertThrows(() => parsePublicKey(blob), UnsupportedKeyTypeError);
    assert.deepEqual(err.keyType, type);
  }
});

/** An odd RSA modulus of exactly `bits` bits (not a real key; parsing does not factor). */
function fakeModulus(bits: number): Uint8Array {
  const n = new Uint8Array(Math.ceil(bits / 8)).fill(0xa5);
  const top = bits % 8 === 0 ? 8 : bits % 8;
  n[0] = (1 << (top - 1)) | 1;
  n[n.length - 1] |= 1;
  return n;
}

function rsaBlob(bits: number, e = new Uint8Array([1, 0, 1])): Uint8Array {
  return new SshWriter().string("ssh-rsa").mpint(e).mpint(fakeModulus(bits)).bytes();
}

Deno.test("public keys: RSA size limits (minimum 1024 by default, configurable; maximum 16384)", () => {
  assert.deepEqual((parsePublicKey(rsaBlob(1024)) as { bits: number }).bits, 1024);
  const small = assertThrows(() => parsePublicKey(rsaBlob(1023)), KeySizeError);
  assert.deepEqual(small.bits, 1023);
  assertThrows(() => parsePublicKey(rsaBlob(768)), KeySizeError, "minimum of 1024");
  assert.deepEqual((parsePublicKey(rsaBlob(768), { minRsaBits: 512 }) as { bits: number }).bits, 768);
  assertThrows(() => parsePublicKey(rsaBlob(2048), { minRsaBits: 3072 }), KeySizeError);
  assert.deepEqual((parsePublicKey(rsaBlob(16384)) as { bits: number }).bits, 16384);
  assertThrows(() => parsePublicKey(rsaBlob(16392)), KeySizeError, "maximum");
});

Deno.test("public keys: RSA even modulus, even or tiny exponent are rejected", () => {
  const even = fakeModulus(2048);
  even[even.length - 1] &= 0xfe;
  assertThrows(
    () => parsePublicKey(new SshWriter().string("ssh-rsa").mpint(new Uint8Array([3])).mpint(even).bytes()),
    KeyFormatError,
    "even",
  );
  assertThrows(() => parsePublicKey(rsaBlob(2048, new Uint8Array([1]))), KeyFormatError);
  assertThrows(() => parsePublicKey(rsaBlob(2048, new Uint8Array([1, 0, 0]))), KeyFormatError);
  assertThrows(() => parsePublicKey(rsaBlob(2048, new Uint8Array(0))), KeyFormatError);
});

Deno.test("public keys: ECDSA points off the curve, compressed, or with the wrong curve name are rejected", () => {
  const { key } = parsePublicKeyLine(readKeyFile("client_ecdsa.pub"));
  assert.ok(key.type === "ecdsa-sha2-nistp256");
  const build = (name: string, q: Uint8Array) =>
    new SshWriter().string("ecdsa-sha2-nistp256").string(name).string(q).bytes();
  assert.deepEqual(parsePublicKey(build("nistp256", key.q)).blob, key.blob);
  const off = key.q.slice();
  off[64] ^= 1;
  assertThrows(() => parsePublicKey(build("nistp256", off)), KeyFormatError, "not a valid point");
  const compressed = key.q.slice(0, 33);
  compressed[0] = 0x02 | (key.q[64] & 1);
  assertThrows(() => parsePublicKey(build("nistp256", compressed)), KeyFormatError);
  assertThrows(() => parsePublicKey(build("nistp384", key.q)), KeyFormatError, "names curve");
  assertThrows(() => parsePublicKey(build("nistp256", new Uint8Array(65))), KeyFormatError);
});

Deno.test("public keys: Ed25519 key of the wrong length is rejected", () => {
  for (const len of [0, 31, 33, 64]) {
    const blob = new SshWriter().string("ssh-ed25519").string(new Uint8Array(len)).bytes();
    assertThrows(() => parsePublicKey(blob), KeyFormatError, "32 bytes");
  }
});

Deno.test("public key lines: the type word must match the blob, and the line needs two fields", () => {
  const line = readKeyFile("client_ed25519.pub");
  assertThrows(() => parsePublicKeyLine(line.replace(/^ssh-ed25519/, "ssh-rsa")), KeyFormatError, "does not match");
  assertThrows(() => parsePublicKeyLine("ssh-ed25519"), KeyFormatError);
  assertThrows(() => parsePublicKeyLine(""), KeyFormatError);
  assert.deepEqual(parsePublicKeyLine(line.split(" ").slice(0, 2).join(" ")).comment, "");
  assert.deepEqual(
    parsePublicKeyLine(`  ${line.trimEnd()}  with spaces \r\n`).comment,
    "tsshd test client ed25519  with spaces",
  );
});
