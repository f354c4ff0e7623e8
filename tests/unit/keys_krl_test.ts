/**
 * Revocation: OpenSSH KRLs made by `ssh-keygen -k` (every key and certificate
 * fixture checked against what `ssh-keygen -Q` answered, in
 * tests/fixtures/certs/manifest.json), KRLs crafted here for what ssh-keygen
 * cannot make (any-CA sections, signatures, extensions, malformed input),
 * and plain revoked-keys text files.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertThrows, provider } from "./_keys_helpers.ts";
import { blobOf, certBody, fixturePath, manifest, strings } from "../fixtures/certs/fixtures.ts";
import { parseUserKey } from "../../src/ssh/keys/certificate.ts";
import {
  isKrl,
  isRevoked,
  KRL_MAGIC,
  loadRevokedKeys,
  parseKrl,
  parseRevokedKeysText,
  type RevocationList,
  RevocationListError,
  SerialRanges,
} from "../../src/ssh/keys/krl.ts";
import { parsePublicKey } from "../../src/ssh/keys/public_key.ts";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";

const read = (name: string) => Deno.readFileSync(fixturePath(name));
const MAX = 0xffffffffffffffffn;

/** Whether `list` revokes the key or certificate in a fixture `.pub` file. */
function revokes(list: RevocationList, file: string): boolean {
  const { key, certificate } = parseUserKey(blobOf(file));
  return isRevoked(provider, list, key, certificate);
}

// A minimal KRL encoder (PROTOCOL.krl) for KRLs ssh-keygen cannot make.
const u64 = (...v: bigint[]) => v.reduce((w, x) => w.uint64(x), new SshWriter()).bytes();
const section = (type: number, data: Uint8Array) => new SshWriter().byte(type).string(data).bytes();
const certSection = (ca: Uint8Array, ...subs: Uint8Array[]) => {
  const w = new SshWriter().string(ca).string(new Uint8Array(0));
  for (const s of subs) w.raw(s);
  return section(1, w.bytes());
};
function krl(sections: Uint8Array[], header: { format?: number; comment?: Uint8Array | string } = {}): Uint8Array {
  const w = new SshWriter().raw(KRL_MAGIC).uint32(header.format ?? 1).uint64(7n).uint64(1700000000n).uint64(0n)
    .string(new Uint8Array(0)).string(header.comment ?? "crafted");
  for (const s of sections) w.raw(s);
  return w.bytes();
}
const ANY_CA = new Uint8Array(0);

Deno.test("every fixture key and certificate is revoked exactly when ssh-keygen -Q says so", () => {
  let revoked = 0;
  let kept = 0;
  for (const [file, answers] of Object.entries(manifest.revoked)) {
    const list = loadRevokedKeys(read(file));
    assertEquals(list.format, "krl");
    for (const [probe, expected] of Object.entries(answers)) {
      assertEquals(revokes(list, probe), expected, `${file} ${probe}`);
      expected ? revoked++ : kept++;
    }
  }
  assert(revoked >= 15 && kept >= 80, `${revoked} revoked, ${kept} kept`);
});

Deno.test("revoke.krl holds every certificate subsection ssh-keygen writes, and they decode", () => {
  const bytes = read("revoke.krl");
  const types: number[] = [];
  const r = new SshReader(bytes, 8 + 4 + 24);
  r.string();
  r.string();
  while (r.remaining > 0) {
    const t = r.byte();
    const s = new SshReader(r.string());
    if (t !== 1) continue;
    s.string();
    s.string();
    while (s.remaining > 0) types.push(s.byte(), s.string().length * 0);
  }
  for (const t of [0x20, 0x21, 0x22, 0x23]) assert(types.includes(t), `subsection 0x${t.toString(16)} present`);
  const list = parseKrl(bytes);
  assertEquals([list.version, list.comment, list.format], [42n, "", "krl"]);
  assert(list.generatedDate > 1577836800n);
  assertEquals(list.certificates.length, 1);
  const c = list.certificates[0];
  assertEquals(c.caKey, blobOf("ca_ed25519.key.pub"));
  assertEquals([...c.keyIds].sort(), ["another-id", "revoked-id"]);
  for (const s of [500n, 900000n, 2000000n, 2500000n, 3000000n, 1000n, 1003n, 1300n]) assert(c.serials.has(s), `${s}`);
  for (const s of [0n, 1n, 499n, 501n, 1999999n, 3000001n, 1001n, 1002n, 1301n, MAX]) assert(!c.serials.has(s), `${s}`);
  assertEquals([list.keys.size, list.sha1.size, list.sha256.size], [1, 1, 2]);
});

Deno.test("certificate sections for any CA; serial 0 is never revoked by number", () => {
  const byId = parseKrl(krl([certSection(ANY_CA, section(0x23, strings("list-id")))]));
  assert(revokes(byId, "krl_serial_list-cert.pub"));
  assert(revokes(byId, "krl_other_ca-cert.pub"), "any CA");
  assert(!revokes(byId, "krl_ok-cert.pub"));
  assert(!revokes(byId, "user_clean.key.pub"), "plain keys are not certificates");
  const all = parseKrl(krl([certSection(ANY_CA, section(0x21, u64(1n, MAX)))]));
  assert(revokes(all, "krl_ok-cert.pub"));
  assert(!revokes(all, "krl_key_id-cert.pub"), "serial 0");
  const zero: RevocationList = {
    ...all,
    certificates: [{ caKey: undefined, serials: new SerialRanges([[0n, 5n]]), keyIds: new Set() }],
  };
  assert(!revokes(zero, "krl_key_id-cert.pub"), "serial 0, even in a hand-made list");
  const otherCa = parseKrl(krl([certSection(blobOf("ca_rsa.key.pub"), section(0x21, u64(1n, MAX)))]));
  assert(!revokes(otherCa, "krl_ok-cert.pub"), "a section for another CA");
  assert(revokes(otherCa, "rsa_sha512-cert.pub"));
  const twoSections = parseKrl(krl([
    certSection(blobOf("ca_ed25519.key.pub"), section(0x20, u64(41n))),
    certSection(blobOf("ca_ed25519.key.pub"), section(0x20, u64(1006n))),
  ]));
  assertEquals(twoSections.certificates.length, 1, "sections of one CA merge");
  assert(revokes(twoSections, "krl_ok-cert.pub") && revokes(twoSections, "krl_serial_bitmap-cert.pub"));
});

Deno.test("serial bitmaps: bit N revokes offset + N", () => {
  const bitmap = new SshWriter().uint64(100n).mpint(new Uint8Array([0x81, 0x00, 0x05])).bytes();
  const c = parseKrl(krl([certSection(ANY_CA, section(0x22, bitmap))])).certificates[0];
  assertEquals(c.serials.ranges, [[100n, 100n], [102n, 102n], [116n, 116n], [123n, 123n]]);
  const full = new SshWriter().uint64(1n).mpint(new Uint8Array([0x7f, 0xff])).bytes();
  assertEquals(parseKrl(krl([certSection(ANY_CA, section(0x22, full))])).certificates[0].serials.ranges, [[1n, 15n]]);
  const top = new SshWriter().uint64(MAX - 1n).mpint(new Uint8Array([2])).bytes();
  assertEquals(parseKrl(krl([certSection(ANY_CA, section(0x22, top))])).certificates[0].serials.ranges, [[MAX, MAX]]);
});

Deno.test("signature and non-critical extension sections are parsed over", () => {
  const list = parseKrl(krl([
    section(2, strings(blobOf("user_clean.key.pub"))),
    section(255, new SshWriter().string("x@example.com").byte(0).string("ignored").bytes()),
    certSection(ANY_CA, section(0x39, new SshWriter().string("y@example.com").byte(0).string("").bytes())),
    section(4, blobOf("ca_ed25519.key.pub")),
    new SshWriter().string(new Uint8Array(83)).bytes(),
  ]));
  assert(revokes(list, "user_clean.key.pub"));
  assert(revokes(list, "krl_ok-cert.pub"), "a certificate whose key is revoked");
  assert(!revokes(list, "user_ed25519.key.pub"));
});

Deno.test("malformed KRLs throw RevocationListError", () => {
  const good = read("revoke.krl");
  // A KRL ending at a section boundary is complete (the format has no overall length): skip those cuts.
  const boundaries = new Set<number>();
  const walk = new SshReader(good, 8 + 4 + 24);
  walk.string();
  walk.string();
  for (boundaries.add(walk.pos); walk.remaining > 0; boundaries.add(walk.pos)) walk.byte(), walk.string();
  assertEquals(boundaries.size, 5);
  for (let n = 0; n < good.length; n++) {
    if (!boundaries.has(n)) assertThrows(() => parseKrl(good.subarray(0, n)), RevocationListError);
  }
  const bad: [string, Uint8Array, string][] = [
    ["bad magic", new TextEncoder().encode("SSHKRL\n\x01rest"), "bad magic"],
    ["format 2", krl([], { format: 2 }), "format version 2"],
    ["NUL in comment", krl([], { comment: "a\0b" }), "NUL"],
    ["unknown section", krl([section(6, new Uint8Array(0))]), "section type 6"],
    ["trailing byte", new Uint8Array([...krl([]), 2]), "truncated"],
    ["critical extension", krl([section(255, new SshWriter().string("x").byte(1).string("").bytes())]), "critical"],
    [
      "critical cert extension",
      krl([certSection(ANY_CA, section(0x39, new SshWriter().string("y").byte(1).string("").bytes()))]),
      "critical",
    ],
    [
      "extension with trailing data",
      krl([section(255, new SshWriter().string("x").byte(0).string("").byte(0).bytes())]),
      "unparsed",
    ],
    ["unknown cert subsection", krl([certSection(ANY_CA, section(0x24, new Uint8Array(0)))]), "0x24"],
    ["serial 0 in a list", krl([certSection(ANY_CA, section(0x20, u64(5n, 0n)))]), "serial 0"],
    [
      "serial list not a multiple of 8",
      krl([certSection(ANY_CA, section(0x20, new Uint8Array(12).fill(1)))]),
      "truncated",
    ],
    ["inverted range", krl([certSection(ANY_CA, section(0x21, u64(9n, 8n)))]), "inverted"],
    ["range from 0", krl([certSection(ANY_CA, section(0x21, u64(0n, 8n)))]), "serial 0"],
    ["range with extra data", krl([certSection(ANY_CA, section(0x21, u64(1n, 8n, 9n)))]), "unparsed"],
    [
      "negative bitmap",
      krl([certSection(ANY_CA, section(0x22, new SshWriter().uint64(1n).string(new Uint8Array([0x80])).bytes()))]),
      "negative",
    ],
    [
      "bitmap revoking serial 0",
      krl([certSection(ANY_CA, section(0x22, new SshWriter().uint64(0n).mpint(new Uint8Array([1])).bytes()))]),
      "serial 0",
    ],
    [
      "bitmap past 2^64",
      krl([certSection(ANY_CA, section(0x22, new SshWriter().uint64(MAX).mpint(new Uint8Array([2])).bytes()))]),
      "wraps",
    ],
    ["NUL in a key ID", krl([certSection(ANY_CA, section(0x23, strings("a\0")))]), "NUL"],
    ["SHA-1 of 19 bytes", krl([section(3, strings(new Uint8Array(19)))]), "19 bytes"],
    ["SHA-256 of 20 bytes", krl([section(5, strings(new Uint8Array(20)))]), "expected 32"],
    [
      "malformed CA key",
      krl([certSection(new SshWriter().string("ssh-ed25519").string(new Uint8Array(31)).bytes())]),
      "32 bytes",
    ],
    ["signature without its signature string", krl([section(4, blobOf("ca_ed25519.key.pub"))]), "truncated"],
  ];
  for (const [what, bytes, message] of bad) {
    const e = assertThrows(() => parseKrl(bytes), RevocationListError, message);
    assert(e.message.startsWith("revocation list: "), what);
    assertThrows(() => loadRevokedKeys(bytes), RevocationListError);
  }
  assertEquals(parseKrl(krl([])).keys.size, 0, "an empty KRL is valid");
  const dsaCa = new SshWriter().string("ssh-dss").string("p").string("q").string("g").string("y").bytes();
  assertEquals(parseKrl(krl([certSection(dsaCa, section(0x20, u64(1n)))])).certificates[0].caKey, dsaCa);
});

Deno.test("a KRL matches a key offered with a padded (non-canonical) encoding", () => {
  const rsa = parsePublicKey(blobOf("user_rsa.key.pub"));
  if (rsa.type !== "ssh-rsa") throw new Error("fixture is not RSA");
  const padded = new SshWriter().string("ssh-rsa").string(new Uint8Array([0, ...rsa.e]))
    .string(new Uint8Array([0, 0, ...rsa.n])).bytes();
  const offered = parsePublicKey(padded);
  assert(isRevoked(provider, parseKrl(read("plain_keys.krl")), offered));
  const bySha = parseKrl(krl([section(5, strings(provider.hash("sha256", blobOf("user_rsa.key.pub"))))]));
  assert(isRevoked(provider, bySha, offered));
  const bySha1 = parseKrl(krl([section(3, strings(provider.hash("sha1", blobOf("user_rsa.key.pub"))))]));
  assert(isRevoked(provider, bySha1, offered));
});

Deno.test("revoked-keys text files: keys, certificates' keys, CA keys", () => {
  const list = loadRevokedKeys(read("revoked_keys"));
  assertEquals(list.format, "keys");
  assertEquals(list.keys.size, 2);
  for (const f of ["user_bykey.key.pub", "krl_by_key-cert.pub", "ca_ecdsa384.key.pub", "ecdsa384-cert.pub"]) {
    assert(revokes(list, f), f);
  }
  assert(revokes(list, "krl_other_ca-cert.pub"), "signed by a revoked CA");
  for (const f of ["user_clean.key.pub", "krl_ok-cert.pub", "ed25519-cert.pub", "ca_ed25519.key.pub"]) {
    assert(!revokes(list, f), f);
  }
  const certLine = parseRevokedKeysText(Deno.readTextFileSync(fixturePath("ed25519-cert.pub")));
  assert(revokes(certLine, "user_ed25519.key.pub"), "a certificate line revokes its key");
  assert(revokes(certLine, "expired-cert.pub"), "and every certificate of that key");
  assertEquals(loadRevokedKeys(Deno.readTextFileSync(fixturePath("revoked_keys"))).keys, list.keys, "text input");
  assertEquals(loadRevokedKeys(new Uint8Array(0)).keys.size, 0);
  assertEquals(loadRevokedKeys("\n# only comments\r\n   \n").keys.size, 0);
});

Deno.test("revoked-keys text files: bad lines fail the whole file, keys we never accept are skipped", () => {
  const good = Deno.readTextFileSync(fixturePath("user_clean.key.pub"));
  const [type, b64] = good.split(" ");
  const dsa = Deno.readTextFileSync(new URL("../fixtures/keys/openssh_dsa.key.pub", import.meta.url));
  const small = new SshWriter().string("ssh-rsa").mpint(new Uint8Array([1, 0, 1])).mpint(new Uint8Array(96).fill(0xff))
    .bytes();
  const skipped = parseRevokedKeysText(`${dsa}\nssh-rsa ${btoa(String.fromCharCode(...small))} small\n${good}`);
  assertEquals(skipped.keys.size, 1);
  const bad: [string, string][] = [
    [`${good}not-a-key\n`, "line 2"],
    [`${good}${type} ${b64.slice(0, 20)}\n`, "line 2"],
    [`ssh-rsa ${b64}\n`, 'line 1: key type "ssh-rsa" does not match'],
    [`ssh-ed25519 ${b64}!!\n`, "base64"],
    [`command="x" ${good}`, "line 1"],
  ];
  for (const [text, message] of bad) assertThrows(() => parseRevokedKeysText(text), RevocationListError, message);
  const dsaCa = new SshWriter().string("ssh-dss").string("p").string("q").string("g").string("y").bytes();
  const dsaSigned = certBody({
    keyType: "ssh-ed25519-cert-v01@openssh.com",
    nonce: new Uint8Array(32),
    keyFields: strings(parsePublicKey(blobOf("user_clean.key.pub")).blob.subarray(19)),
    serial: 1n,
    type: 1,
    keyId: "dsa-signed",
    principals: strings("alice"),
    validAfter: 0n,
    validBefore: MAX,
    critical: new Uint8Array(0),
    extensions: new Uint8Array(0),
    reserved: new Uint8Array(0),
    caBlob: dsaCa,
  });
  const dsaLine = `ssh-ed25519-cert-v01@openssh.com ${btoa(String.fromCharCode(...dsaSigned, 0, 0, 0, 0))}`;
  assertThrows(() => parseRevokedKeysText(dsaLine), RevocationListError, "ssh-dss");
  assertThrows(() => loadRevokedKeys(new Uint8Array([0xff, 0xfe, 0x00])), RevocationListError, "neither");
  assertThrows(() => loadRevokedKeys("SSHKRL\n\0..."), RevocationListError, "binary");
  assert(isKrl(read("revoke.krl")) && !isKrl(read("revoked_keys")));
});

Deno.test("SerialRanges merges overlapping and adjacent ranges and searches them", () => {
  const s = new SerialRanges([[10n, 20n], [5n, 5n], [21n, 30n], [15n, 25n], [40n, 40n], [MAX, MAX], [6n, 6n]]);
  assertEquals(s.ranges, [[5n, 6n], [10n, 30n], [40n, 40n], [MAX, MAX]]);
  for (const x of [5n, 6n, 10n, 30n, 40n, MAX]) assert(s.has(x), `${x}`);
  for (const x of [0n, 4n, 7n, 9n, 31n, 39n, 41n, MAX - 1n]) assert(!s.has(x), `${x}`);
  assert(!new SerialRanges([]).has(1n));
  const b = new SerialRanges([[3n, 4n]], [{ offset: 5n, bitmap: new Uint8Array([1, 0x81]) }]);
  assertEquals(b.ranges, [[3n, 5n], [12n, 13n]]);
  for (const x of [3n, 4n, 5n, 12n, 13n]) assert(b.has(x), `${x}`);
  for (const x of [2n, 6n, 11n, 14n, 21n, MAX]) assert(!b.has(x), `${x}`);
});

Deno.test("a large dense bitmap loads quickly", () => {
  const bits = new Uint8Array(1024 * 1024).fill(0x55);
  const bytes = krl([certSection(ANY_CA, section(0x22, new SshWriter().uint64(1n).mpint(bits).bytes()))]);
  const t0 = performance.now();
  const c = parseKrl(bytes).certificates[0];
  const ms = performance.now() - t0;
  assert(c.serials.has(1n) && !c.serials.has(2n) && c.serials.has(8388607n) && !c.serials.has(8388609n));
  assert(ms < 100, `${ms.toFixed(0)} ms`);
});
