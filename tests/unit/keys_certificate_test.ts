/**
 * OpenSSH certificates: parsing every type ssh-keygen makes (checked against
 * what `ssh-keygen -L` printed, in tests/fixtures/certs/manifest.json), CA
 * signatures, the policy checks, permissions, the userauth algorithm names,
 * and malformed certificates crafted with our own encoder and re-signed by a
 * fixture CA.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { assertThrows, provider } from "./_keys_helpers.ts";
import {
  blobOf,
  certBody,
  type CertSpec,
  fixturePath,
  manifest,
  options,
  privateKey,
  signCert,
  strings,
} from "../fixtures/certs/fixtures.ts";
import {
  CERT_FOREVER,
  CERT_TYPE_HOST,
  CERT_TYPE_USER,
  type Certificate,
  CERTIFICATE_KEY_TYPES,
  parseCertificate,
  parseUserKey,
} from "../../src/ssh/keys/certificate.ts";
import { DEFAULT_CA_SIGNATURE_ALGORITHMS, verifyCertificateSignature } from "../../src/ssh/keys/cert_signature.ts";
import { certificateProblem } from "../../src/ssh/keys/cert_policy.ts";
import { certificatePermissions, describeCertificate } from "../../src/ssh/keys/cert_permissions.ts";
import {
  certKeyTypeForAlgorithm,
  certSignatureAlgorithm,
  DEFAULT_USER_CERT_ALGORITHMS,
  isCertAlgorithm,
} from "../../src/ssh/keys/cert_algorithms.ts";
import { cidrListMatches, parseCidrList } from "../../src/ssh/keys/cert_source_address.ts";
import { fingerprintSha256, keyTypeLabel } from "../../src/ssh/keys/fingerprint.ts";
import { parsePublicKey, type PublicKey } from "../../src/ssh/keys/public_key.ts";
import { checkSignature, encodeEcdsaSignature } from "../../src/ssh/keys/signature.ts";
import { signWithKey } from "../../src/ssh/keys/sign.ts";
import { KeyFormatError, KeySizeError, UnsupportedKeyTypeError } from "../../src/ssh/keys/errors.ts";
import { DEFAULT_USER_SIG_ALGS } from "../../src/ssh/config.ts";
import { SshReader, SshWriter } from "../../src/ssh/wire.ts";

const cert = (name: string): Certificate => parseCertificate(blobOf(`${name}-cert.pub`));
/** 2025-06-01 in milliseconds: inside every fixture's validity except expired/notyet. */
const NOW = Date.UTC(2025, 5, 1);
const DATA = new TextEncoder().encode("session id ‖ userauth request");

/** The spec of a parsed certificate, to re-encode it with changes. */
function specOf(c: Certificate): CertSpec {
  const r = new SshReader(c.blob);
  r.string();
  const nonce = r.string();
  const plain = new SshReader(c.key.blob);
  plain.string();
  const keyFields = plain.rest();
  return {
    keyType: c.keyType,
    nonce,
    keyFields,
    serial: c.serial,
    type: c.type,
    keyId: c.keyId,
    principals: strings(...c.principals),
    validAfter: c.validAfter,
    validBefore: c.validBefore,
    critical: options(...[...c.criticalOptions].map(([k, v]): [string, string | null] => [k, v === "" ? null : v])),
    extensions: options(...[...c.extensions].map(([k]): [string, null] => [k, null])),
    reserved: new Uint8Array(0),
    caBlob: c.signatureKey.blob,
  };
}

const ED_CA = () => privateKey("ca_ed25519.key");
/** The ed25519 fixture re-encoded with `changes` and re-signed by its CA. */
function crafted(changes: Partial<CertSpec>): Uint8Array {
  return signCert(provider, { ...specOf(cert("ed25519")), ...changes }, ED_CA(), "ssh-ed25519");
}

Deno.test("every ssh-keygen certificate parses to what ssh-keygen -L printed", () => {
  const files = Object.keys(manifest.certificates);
  assert(files.length >= 20, "manifest lists the fixtures");
  const seen = new Set<string>();
  for (const file of files) {
    const m = manifest.certificates[file];
    const c = parseCertificate(blobOf(file));
    seen.add(c.keyType);
    assertEquals(c.keyType, m.type, file);
    assertEquals(c.type, m.kind === "user" ? CERT_TYPE_USER : CERT_TYPE_HOST, file);
    assertEquals(c.keyId, m.keyId, file);
    assertEquals(c.serial, BigInt(m.serial), file);
    assertEquals(c.principals, m.principals, file);
    assertEquals([c.validAfter, c.validBefore], [BigInt(m.validAfter), BigInt(m.validBefore)], file);
    assertEquals([...c.criticalOptions.keys()], Object.keys(m.criticalOptions), file);
    assertEquals([...c.extensions.keys()], Object.keys(m.extensions), file);
    for (const [name, value] of Object.entries(m.criticalOptions)) {
      if (!value.startsWith("UNKNOWN OPTION")) assertEquals(c.criticalOptions.get(name), value, `${file} ${name}`);
    }
    assertEquals(fingerprintSha256(provider, c.key.blob), m.keyFingerprint, file);
    assertEquals(fingerprintSha256(provider, c.signatureKey.blob), m.caFingerprint, file);
    assertEquals(keyTypeLabel(c.signatureKey), m.caLabel, file);
    assertEquals(c.signatureAlgorithm, m.signatureAlgorithm, file);
    assertEquals(c.blob, blobOf(file));
    assertEquals(c.signedData, c.blob.subarray(0, c.signedData.length));
  }
  assertEquals([...seen].sort(), [...CERTIFICATE_KEY_TYPES].sort(), "a fixture for every certificate type");
});

Deno.test("the certified key is the user's plain key, usable for signatures", () => {
  const pairs: [string, string][] = [
    ["ed25519", "user_ed25519"],
    ["ecdsa256", "user_ecdsa256"],
    ["ecdsa384", "user_ecdsa384"],
    ["ecdsa521", "user_ecdsa521"],
    ["rsa_sha512", "user_rsa"],
    ["rsa_sha256", "user_ecdsa256"],
    ["sk_ed25519", "user_sk_ed25519"],
    ["sk_ecdsa256", "user_sk_ecdsa256"],
  ];
  for (const [c, user] of pairs) assertEquals(cert(c).key.blob, blobOf(`${user}.key.pub`), c);
  assertEquals(cert("sk_ed25519").key.type, "sk-ssh-ed25519@openssh.com");
  assertEquals(cert("rsa_sha512").signatureKey.blob, blobOf("ca_rsa.key.pub"));
  assertEquals(cert("ecdsa256").validBefore, CERT_FOREVER);
  assertEquals(cert("unknown_critical").criticalOptions.get("custom@example.com"), "value");
  assertEquals(cert("unknown_critical").extensions.get("ext@example.com"), "data");
});

Deno.test("parseUserKey: plain keys pass through, certificates give their key; parsePublicKey still refuses them", () => {
  const plain = parseUserKey(blobOf("user_ed25519.key.pub"));
  assertEquals(plain.certificate, undefined);
  assertEquals(plain.key.blob, blobOf("user_ed25519.key.pub"));
  const { key, certificate } = parseUserKey(blobOf("rsa_sha512-cert.pub"));
  assertEquals(certificate?.keyId, "rsa-id");
  assertEquals(key, certificate?.key);
  assertThrows(() => parsePublicKey(blobOf("ed25519-cert.pub")), UnsupportedKeyTypeError);
});

Deno.test("CA signatures verify; SHA-1 RSA CA signatures only when allowed", () => {
  for (const file of Object.keys(manifest.certificates)) {
    const c = parseCertificate(blobOf(file));
    const check = verifyCertificateSignature(provider, c);
    assertEquals(check.ok, file !== "rsa_sha1-cert.pub", `${file}: ${check.ok ? "ok" : check.reason}`);
  }
  assert(!DEFAULT_CA_SIGNATURE_ALGORITHMS.includes("ssh-rsa"));
  const sha1 = verifyCertificateSignature(provider, cert("rsa_sha1"));
  assert(!sha1.ok && sha1.reason.includes('"ssh-rsa" is not allowed'));
  assert(verifyCertificateSignature(provider, cert("rsa_sha1"), ["ssh-rsa"]).ok);
  assert(!verifyCertificateSignature(provider, cert("rsa_sha512"), ["rsa-sha2-256"]).ok);
});

Deno.test("a tampered certificate or signature does not verify", () => {
  const blob = blobOf("ed25519-cert.pub");
  const c = parseCertificate(blob);
  const principal = c.signedData.indexOf(0x62, /* b of bob */ c.signedData.length - 300);
  for (const at of [principal, 20, c.signedData.length - 1, c.blob.length - 1, c.blob.length - 40]) {
    const bad = blob.slice();
    bad[at] ^= 1;
    let parsed: Certificate;
    try {
      parsed = parseCertificate(bad);
    } catch (e) {
      assert(e instanceof KeyFormatError, `offset ${at}: ${e}`);
      continue;
    }
    assert(!verifyCertificateSignature(provider, parsed).ok, `flipped byte ${at} still verifies`);
  }
  const foreign = signCert(provider, specOf(c), privateKey("ca_ecdsa256.key"), "ecdsa-sha2-nistp256");
  assert(!verifyCertificateSignature(provider, parseCertificate(foreign)).ok, "signed by a key that is not the CA");
  assert(verifyCertificateSignature(provider, parseCertificate(crafted({}))).ok, "our encoder re-signs correctly");
});

Deno.test("re-encoding a parsed certificate reproduces ssh-keygen's bytes", () => {
  for (const name of ["ed25519", "ecdsa384", "rsa_sha512", "sk_ecdsa256", "unknown_critical", "host"]) {
    const c = cert(name);
    const spec = specOf(c);
    if (name === "unknown_critical") {
      spec.critical = options(["custom@example.com", "value"]);
      spec.extensions = options(
        ["ext@example.com", "data"],
        ...[...c.extensions.keys()].filter((k) => k !== "ext@example.com").map((k): [string, null] => [k, null]),
      );
    }
    assertEquals(certBody(spec), c.signedData, name);
  }
});

Deno.test("policy: a good user certificate passes; each check has its reason", () => {
  const c = cert("ed25519");
  const ok = { kind: "user" as const, principal: "alice", now: NOW, sourceAddress: "127.0.0.1" };
  assertEquals(certificateProblem(c, ok), undefined);
  assertEquals(certificateProblem(c, { ...ok, principal: "bob" }), undefined);
  assertEquals(certificateProblem(c, { ...ok, principal: undefined }), undefined);
  for (const addr of ["10.20.30.40", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"]) {
    assertEquals(certificateProblem(c, { ...ok, sourceAddress: addr }), undefined, addr);
  }
  const reasons: [Partial<typeof ok> & { authorizedPrincipals?: string[] }, string][] = [
    [{ principal: "carol" }, '"carol" is not a listed principal of the certificate'],
    [{ principal: "Alice" }, '"Alice" is not a listed principal of the certificate'],
    [{ kind: "host" as unknown as "user" }, "certificate is not a host certificate"],
    [{ sourceAddress: "192.168.1.1" }, "source address 192.168.1.1 is not permitted by the certificate"],
    [{ sourceAddress: "127.0.0.2" }, "source address 127.0.0.2 is not permitted by the certificate"],
    [{ sourceAddress: "::2" }, "source address ::2 is not permitted by the certificate"],
    [{ sourceAddress: undefined }, "source address (unknown) is not permitted by the certificate"],
    [{ sourceAddress: "not an address" }, "source address not an address is not permitted by the certificate"],
    [{ now: Date.UTC(2100, 0, 1) }, "certificate has expired"],
    [{ now: Date.UTC(2019, 0, 1) }, "certificate is not yet valid"],
    [{ now: -1 }, "certificate is not yet valid"],
    [{ authorizedPrincipals: ["carol", "dave"] }, "certificate does not contain an authorized principal"],
  ];
  for (const [change, reason] of reasons) {
    assertEquals(certificateProblem(c, { ...ok, ...change }), reason, JSON.stringify(change));
  }
  assertEquals(certificateProblem(c, { ...ok, authorizedPrincipals: ["carol", "bob"] }), undefined);
});

Deno.test("policy: validity bounds are validAfter <= now < validBefore", () => {
  const c = cert("expired");
  const at = (ms: number) => certificateProblem(c, { kind: "user", principal: "alice", now: ms });
  const after = Number(c.validAfter) * 1000;
  const before = Number(c.validBefore) * 1000;
  assertEquals(at(after - 1), "certificate is not yet valid");
  assertEquals(at(after), undefined);
  assertEquals(at(before - 1), undefined);
  assertEquals(at(before), "certificate has expired");
  assertEquals(certificateProblem(c, { kind: "user", now: NOW }), "certificate has expired");
  assertEquals(certificateProblem(cert("notyet"), { kind: "user", now: NOW }), "certificate is not yet valid");
  assertEquals(certificateProblem(cert("ecdsa256"), { kind: "user", principal: "alice", now: 8e15 }), undefined);
});

Deno.test("policy: certificate type, empty principals, critical options", () => {
  const host = cert("host");
  assertEquals(certificateProblem(host, { kind: "host", principal: "host.example.com", now: NOW }), undefined);
  assertEquals(certificateProblem(host, { kind: "user", now: NOW }), "certificate is not a user certificate");
  assertEquals(
    certificateProblem(cert("noprincipals"), { kind: "user", principal: "alice", now: NOW }),
    "certificate lacks principal list",
  );
  assertEquals(
    certificateProblem(cert("noprincipals"), { kind: "user", now: NOW }),
    "certificate lacks principal list",
  );
  assertEquals(
    certificateProblem(cert("unknown_critical"), { kind: "user", principal: "alice", now: NOW }),
    'certificate critical option "custom@example.com" is not supported',
  );
  const sk = cert("sk_ed25519");
  assertEquals(certificateProblem(sk, { kind: "user", principal: "alice", now: NOW }), undefined, "verify-required");
  const hostWithOption = parseCertificate(
    crafted({ type: CERT_TYPE_HOST, critical: options(["force-command", "/bin/true"]) }),
  );
  assertEquals(
    certificateProblem(hostWithOption, { kind: "host", now: NOW }),
    'certificate critical option "force-command" is not supported',
  );
  const badSource = parseCertificate(crafted({ critical: options(["source-address", "10.0.0.1/8"]) }));
  assertEquals(
    certificateProblem(badSource, { kind: "user", principal: "alice", now: NOW, sourceAddress: "10.0.0.1" }),
    "certificate source-address is invalid",
  );
});

Deno.test("permissions: certificates start restricted and extensions open them up", () => {
  assertEquals(certificatePermissions(cert("ed25519")), { forceCommand: "/bin/echo forced", noPty: true });
  assertEquals(certificatePermissions(cert("ecdsa384")), {
    noPortForwarding: true,
    noAgentForwarding: true,
    noX11Forwarding: true,
    noUserRc: true,
  });
  assertEquals(certificatePermissions(cert("sk_ed25519")), { noTouchRequired: true, verifyRequired: true });
  assertEquals(certificatePermissions(cert("ecdsa256")), {});
});

Deno.test("describeCertificate is sshd's log text", () => {
  const m = manifest.certificates["ed25519-cert.pub"];
  assertEquals(
    describeCertificate(provider, cert("ed25519")),
    `ED25519-CERT ${m.keyFingerprint} ID alice@example (serial 1001) CA ED25519 ${m.caFingerprint}`,
  );
  const spaced = parseCertificate(crafted({ keyId: "a b" }));
  assert(describeCertificate(provider, spaced).includes(' ID "a b" (serial 1001)'));
});

Deno.test("algorithm names: certificate algorithm → blob type and plain signature algorithm", () => {
  const table: [string, string, string][] = [
    ["ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519"],
    ["ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256"],
    ["ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384"],
    ["ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521"],
    ["sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com"],
    [
      "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
      "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
      "sk-ecdsa-sha2-nistp256@openssh.com",
    ],
    ["rsa-sha2-512-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-512"],
    ["rsa-sha2-256-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256"],
    ["ssh-rsa-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "ssh-rsa"],
  ];
  for (const [alg, keyType, sig] of table) {
    assert(isCertAlgorithm(alg), alg);
    assertEquals(certKeyTypeForAlgorithm(alg), keyType);
    assertEquals(certSignatureAlgorithm(alg), sig);
  }
  for (const plain of [...DEFAULT_USER_SIG_ALGS, "ssh-rsa", "toString", ""]) {
    assert(!isCertAlgorithm(plain), plain);
    assertEquals(certSignatureAlgorithm(plain), undefined);
    assertEquals(certKeyTypeForAlgorithm(plain), undefined);
  }
  assertEquals(DEFAULT_USER_CERT_ALGORITHMS, table.slice(0, 8).map((t) => t[0]));
  for (const alg of DEFAULT_USER_CERT_ALGORITHMS) assert(DEFAULT_USER_SIG_ALGS.includes(certSignatureAlgorithm(alg)!));
});

/** A FIDO signature blob made in software from the fixture's private half (PROTOCOL.u2f). */
function skSignature(type: string, c: Certificate, data: Uint8Array, flags: number): Uint8Array {
  const app = new TextEncoder().encode((c.key as { application: string }).application);
  const message = new SshWriter().raw(provider.hash("sha256", app)).byte(flags).uint32(7)
    .raw(provider.hash("sha256", data)).bytes();
  let sig: Uint8Array;
  if (type === "sk-ssh-ed25519@openssh.com") {
    const k = privateKey("user_ed25519.key");
    sig = provider.ed25519Sign(k.type === "ssh-ed25519" ? k.seed : new Uint8Array(32), message);
  } else {
    const k = privateKey("user_ecdsa256.key");
    if (k.type !== "ecdsa-sha2-nistp256") throw new Error("fixture is not P-256");
    const { r, s } = provider.ecdsaSign("P-256", "sha256", k.d, k.publicKey.q, message);
    sig = encodeEcdsaSignature(r, s);
  }
  return new SshWriter().string(type).string(sig).byte(flags).uint32(7).bytes();
}

Deno.test("userauth with a certificate: client signs with its key, server verifies with the certified key", () => {
  const cases: [string, string, string][] = [
    ["ed25519", "ssh-ed25519-cert-v01@openssh.com", "user_ed25519.key"],
    ["ecdsa256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "user_ecdsa256.key"],
    ["ecdsa384", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "user_ecdsa384.key"],
    ["ecdsa521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "user_ecdsa521.key"],
    ["rsa_sha512", "rsa-sha2-512-cert-v01@openssh.com", "user_rsa.key"],
    ["rsa_sha512", "rsa-sha2-256-cert-v01@openssh.com", "user_rsa.key"],
    ["sk_ed25519", "sk-ssh-ed25519-cert-v01@openssh.com", ""],
    ["sk_ecdsa256", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", ""],
  ];
  for (const [name, algorithm, keyFile] of cases) {
    const { key, certificate } = parseUserKey(blobOf(`${name}-cert.pub`));
    assertEquals(certKeyTypeForAlgorithm(algorithm), certificate?.keyType, name);
    const sigAlg = certSignatureAlgorithm(algorithm)!;
    const sig = keyFile
      ? signWithKey(provider, privateKey(keyFile), sigAlg, DATA)
      : skSignature(sigAlg, certificate!, DATA, 0x05);
    const check = checkSignature(provider, key, DATA, sig, [sigAlg]);
    assert(check.ok, `${name} ${algorithm}: ${check.ok || check.reason}`);
    assert(!checkSignature(provider, key, DATA.subarray(1), sig, [sigAlg]).ok, `${name}: other data`);
    assert(!checkSignature(provider, certificate!.signatureKey, DATA, sig, [sigAlg]).ok, `${name}: CA key`);
  }
});

Deno.test("malformed certificates are refused with KeyFormatError", () => {
  const cases: [string, Partial<CertSpec>, string][] = [
    ["certificate type 3", { type: 3 }, "unknown certificate type 3"],
    ["certificate type 0", { type: 0 }, "unknown certificate type 0"],
    [
      "unsorted critical options",
      { critical: options(["source-address", "10.0.0.0/8"], ["force-command", "x"]) },
      "out of lexical order",
    ],
    ["repeated critical option", { critical: options(["force-command", "a"], ["force-command", "b"]) }, "repeated"],
    ["unsorted extensions", { extensions: options(["permit-pty", null], ["permit-X11-forwarding", null]) }, "order"],
    ["repeated extension", { extensions: options(["permit-pty", null], ["permit-pty", null]) }, "repeated"],
    ["force-command without value", { critical: options(["force-command", null]) }, "corrupt"],
    [
      "force-command with extra data",
      { critical: options(["force-command", strings("a", "b")]) },
      "corrupt (extra data)",
    ],
    ["flag with data", { extensions: options(["permit-pty", "yes"]) }, "corrupt (extra data)"],
    ["verify-required with data", { critical: options(["verify-required", "yes"]) }, "corrupt"],
    ["NUL in a principal", { principals: strings("ali\0ce") }, "NUL"],
    ["bad UTF-8 key id", { keyId: new Uint8Array([0xff, 0xfe]) }, "UTF-8"],
    [
      "too many principals",
      { principals: strings(...Array.from({ length: 257 }, (_, i) => `u${i}`)) },
      "more than 256",
    ],
    ["truncated principals", { principals: new Uint8Array([0, 0, 0, 9, 0x61]) }, "truncated"],
    ["truncated options", { critical: new Uint8Array([0, 0, 0, 1]) }, "truncated"],
    ["CA that is a certificate", { caBlob: blobOf("ecdsa256-cert.pub") }, "chained certificates"],
    ["empty CA key", { caBlob: new Uint8Array(0) }, ""],
  ];
  for (const [what, change, message] of cases) {
    assertThrows(() => parseCertificate(crafted(change)), KeyFormatError, message);
    void what;
  }
  // Unknown options of any data shape are kept, not refused (extensions may be ignored).
  const odd = parseCertificate(crafted({ extensions: options(["z@example.com", new Uint8Array([1, 2])]) }));
  assertEquals(odd.extensions.get("z@example.com"), "\x01\x02");
  assertEquals(parseCertificate(crafted({ principals: strings() })).principals, []);
  const most = Array.from({ length: 256 }, (_, i) => `u${i}`);
  assertEquals(parseCertificate(crafted({ principals: strings(...most) })).principals, most);
});

Deno.test("malformed blobs: truncation, trailing bytes, unknown types never escape as other errors", () => {
  const blob = blobOf("ecdsa384-cert.pub");
  for (let n = 0; n < blob.length; n++) {
    assertThrows(() => parseCertificate(blob.subarray(0, n)), KeyFormatError);
  }
  const trailing = new Uint8Array(blob.length + 1);
  trailing.set(blob);
  assertThrows(() => parseCertificate(trailing), KeyFormatError, "trailing");
  assertThrows(() => parseCertificate(crafted({ keyType: "ssh-dss-cert-v01@openssh.com" })), KeyFormatError);
  assertThrows(() => parseCertificate(blobOf("user_ed25519.key.pub")), KeyFormatError, "not a certificate");
  assertThrows(
    () => parseCertificate(crafted({ caBlob: new SshWriter().string("ssh-dss").string("x").bytes() })),
    UnsupportedKeyTypeError,
  );
  const wrongCurve = specOf(cert("ecdsa384"));
  wrongCurve.keyType = "ecdsa-sha2-nistp256-cert-v01@openssh.com";
  assertThrows(() => parseCertificate(signCert(provider, wrongCurve, ED_CA(), "ssh-ed25519")), KeyFormatError);
  const smallRsa = new SshWriter().string("ssh-rsa").mpint(new Uint8Array([1, 0, 1]))
    .mpint(new Uint8Array(64).fill(0xff)).bytes();
  assertThrows(() => parseCertificate(crafted({ caBlob: smallRsa })), KeySizeError);
});

Deno.test("an RSA certificate with padded mpints yields canonical key blobs", () => {
  const c = cert("rsa_sha512");
  const spec = specOf(c);
  const r = new SshReader(spec.keyFields);
  const e = r.string();
  const n = r.string();
  spec.keyFields = new SshWriter().string(new Uint8Array([0, 0, ...e])).string(new Uint8Array([0, ...n])).bytes();
  spec.caBlob = blobOf("ca_ed25519.key.pub");
  const padded = parseCertificate(signCert(provider, spec, ED_CA(), "ssh-ed25519"));
  assertEquals(padded.key.blob, blobOf("user_rsa.key.pub"));
  assert(verifyCertificateSignature(provider, padded).ok);
});

Deno.test("source-address lists: CIDR syntax and matching", () => {
  const valid = [
    "127.0.0.1",
    "10.0.0.0/8",
    "0.0.0.0/0",
    "::/0",
    "::1",
    "2001:db8::/32",
    "::ffff:10.0.0.0/104",
    "fe80::1:2",
  ];
  for (const v of valid) assert(parseCidrList(v), v);
  const invalid = [
    "",
    "10.0.0.0/8,",
    "10.0.0.1/8",
    "10.0.0.0/33",
    "::/129",
    "1.2.3",
    "1.2.3.4.5",
    "256.0.0.0",
    "010.0.0.0/8",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "host.example.com",
    "!10.0.0.0/8",
    "*",
    " 10.0.0.0/8",
    "10.0.0.0/",
    "fe80::1%eth0",
    "1.2.3.4::",
  ];
  for (const v of invalid) assertEquals(parseCidrList(v), undefined, v);
  const list = parseCidrList("10.0.0.0/8,192.168.1.128/25,2001:db8::/32,::1")!;
  const yes = ["10.255.0.1", "192.168.1.200", "2001:db8:ffff::1", "::1", "::ffff:10.1.1.1", "2001:DB8::"];
  const no = ["11.0.0.1", "192.168.1.127", "2001:db9::", "::2", "::ffff:11.0.0.1", "garbage", "", "10.0.0.1/8"];
  for (const a of yes) assert(cidrListMatches(list, a), a);
  for (const a of no) assert(!cidrListMatches(list, a), a);
  assert(cidrListMatches(parseCidrList("0.0.0.0/0")!, "1.2.3.4"));
  assert(!cidrListMatches(parseCidrList("0.0.0.0/0")!, "::2"), "families never match each other");
});

Deno.test("fixtures are the files make_fixtures.sh writes", () => {
  assert(Deno.statSync(fixturePath("make_fixtures.sh")).isFile);
  const key: PublicKey = parsePublicKey(blobOf("ca_ed25519.key.pub"));
  assertEquals(key.type, "ssh-ed25519");
});
