import assert from "node:assert/strict";
import { findAuthorizedKey, parseAuthorizedKeys } from "../../src/ssh/keys/authorized_keys.ts";
import {
  defaultKeyOptions,
  KeyOptionsError,
  parseExpiryTime,
  parseKeyOptions,
} from "../../src/ssh/keys/key_options.ts";
import { encodeBase64 } from "../../src/ssh/keys/base64.ts";
import { parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import { assertThrows, readKeyFile } from "./_keys_helpers.ts";

const ED = readKeyFile("client_ed25519.pub").trim();
const EC = readKeyFile("client_ecdsa.pub").trim();
const RSA = readKeyFile("client_rsa.pub").trim();
const OTHER = readKeyFile("other_ed25519.pub").trim();
const blob = (line: string) => parsePublicKeyLine(line).key.blob;
/** The type and base64 fields of a .pub line, without its comment. */
const bare = (line: string) => line.split(" ").slice(0, 2).join(" ");

Deno.test("authorized_keys: keys/authorized_keys lists the three client keys and not other_ed25519", () => {
  const { entries, warnings } = parseAuthorizedKeys(readKeyFile("authorized_keys"), "keys/authorized_keys");
  assert.deepEqual(warnings, []);
  assert.deepEqual(entries.map((e) => e.key.type), ["ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"]);
  for (const [i, line] of [ED, EC, RSA].entries()) {
    const hit = findAuthorizedKey(entries, blob(line));
    assert.ok(hit, line);
    assert.equal(hit.lineNumber, i + 1);
    assert.equal(hit.fileName, "keys/authorized_keys");
    assert.deepEqual(hit.options, defaultKeyOptions());
  }
  assert.equal(findAuthorizedKey(entries, blob(OTHER)), undefined);
  assert.equal(findAuthorizedKey(entries, new Uint8Array(0)), undefined);
});

Deno.test("authorized_keys: comments, blank lines, CRLF, options, and a malformed line in the middle", () => {
  const text = [
    "# a comment",
    "",
    `   ${ED} indented`,
    "   # indented comment",
    "this line is garbage",
    `no-pty,from="127.0.0.1" ${EC}\r`,
    `ssh-ed25519 AAAA!!notbase64!! broken`,
    `${RSA}`,
    "",
  ].join("\n");
  const { entries, warnings } = parseAuthorizedKeys(text, "/home/u/.ssh/authorized_keys");
  assert.equal(entries.length, 3);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /^\/home\/u\/\.ssh\/authorized_keys:5: /);
  assert.match(warnings[1], /^\/home\/u\/\.ssh\/authorized_keys:7: .*base64/);
  const ed = findAuthorizedKey(entries, blob(ED))!;
  assert.equal(ed.lineNumber, 3);
  assert.equal(ed.comment, "tsshd test client ed25519 indented");
  const ec = findAuthorizedKey(entries, blob(EC))!;
  assert.equal(ec.lineNumber, 6);
  assert.equal(ec.options.pty, false);
  assert.deepEqual(ec.options.from, ["127.0.0.1"]);
  assert.equal(ec.comment, "tsshd test client ecdsa");
  assert.equal(findAuthorizedKey(entries, blob(RSA))!.lineNumber, 8);
});

Deno.test("authorized_keys: the type word must match the key inside; unsupported and weak keys are warnings", () => {
  const rsa768 = new SshWriter().string("ssh-rsa").mpint(new Uint8Array([1, 0, 1]))
    .mpint(new Uint8Array(96).fill(0xc3)).bytes();
  const text = [
    ED.replace(/^ssh-ed25519/, "ssh-rsa"),
    `ssh-dss ${encodeBase64(new SshWriter().string("ssh-dss").bytes())} old`,
    `ssh-rsa ${encodeBase64(rsa768)} small`,
    "ssh-ed25519",
    `no-pty ssh-ed25519`,
    EC,
  ].join("\n");
  const { entries, warnings } = parseAuthorizedKeys(text, "ak");
  assert.equal(entries.length, 1);
  assert.equal(entries[0].lineNumber, 6);
  assert.equal(warnings.length, 5);
  assert.match(warnings[0], /^ak:1: key type "ssh-rsa" does not match the key inside \(ssh-ed25519\)/);
  assert.match(warnings[1], /^ak:2: unsupported key type "ssh-dss"/);
  assert.match(warnings[2], /^ak:3: RSA key of 768 bits is below the minimum of 1024/);
  assert.match(warnings[3], /^ak:4: /);
  assert.match(warnings[4], /^ak:5: /);
  assert.equal(findAuthorizedKey(entries, blob(ED)), undefined);
  assert.equal(parseAuthorizedKeys(text, "ak", { minRsaBits: 512 }).entries.length, 2);
});

Deno.test("authorized_keys: quoted options with commas, spaces and escaped quotes", () => {
  const line =
    `command="echo \\"a, b\\" && ls -l",from="10.0.0.0/8,!10.0.0.1,*.example.com",environment="X=a b",no-agent-forwarding ${
      bare(ED)
    } c`;
  const { entries, warnings } = parseAuthorizedKeys(line, "f");
  assert.deepEqual(warnings, []);
  const o = entries[0].options;
  assert.equal(o.command, 'echo "a, b" && ls -l');
  assert.deepEqual(o.from, ["10.0.0.0/8", "!10.0.0.1", "*.example.com"]);
  assert.deepEqual(o.environment, [{ name: "X", value: "a b" }]);
  assert.equal(o.agentForwarding, false);
  assert.equal(o.portForwarding, true);
  assert.equal(entries[0].comment, "c");
  // A backslash not before a quote is kept as it is.
  assert.equal(parseKeyOptions('command="a\\b\\c"').command, "a\\b\\c");
  // As in OpenSSH, a backslash never escapes a backslash: `\\"` is a backslash and an escaped quote.
  assertThrows(() => parseKeyOptions('command="a\\\\"'), KeyOptionsError, "no closing quote");
});

Deno.test("authorized_keys: an unknown or malformed option skips the line (options never grant more)", () => {
  const bad = [
    "bogus",
    "no-pty,bogus",
    "no-pty,",
    ",no-pty",
    "command=ls",
    'command="ls',
    'command="a",command="b"',
    'from="a",from="b"',
    'principals="a",principals="b"',
    'no-pty="x"',
    'environment="1BAD"',
    'environment="A-B=c"',
    'environment="=c"',
    'permitopen="host"',
    'permitopen="host:0"',
    'permitopen="host:65536"',
    'permitopen=":22"',
    'permitopen="[::1:22"',
    'permitopen="h:ssh"',
    'expiry-time="2030"',
    'expiry-time="20301301"',
    'expiry-time="19700101"',
    'tunnel="x"',
    "no-restrict",
    "no-cert-authority",
    'command="x"no-pty',
    "ptyx",
  ];
  for (const opts of bad) {
    assertThrows(() => parseKeyOptions(opts), KeyOptionsError);
    const { entries, warnings } = parseAuthorizedKeys(`${opts} ${ED}\n${EC}`, "ak");
    assert.equal(entries.length, 1, opts);
    assert.equal(findAuthorizedKey(entries, blob(ED)), undefined, opts);
    assert.match(warnings[0], /^ak:1: /);
  }
});

Deno.test("key options: restrict turns everything off and later flags turn single things back on", () => {
  const o = parseKeyOptions('restrict,pty,command="nethack"');
  assert.equal(o.restrict, true);
  assert.equal(o.pty, true);
  assert.equal(o.portForwarding, false);
  assert.equal(o.agentForwarding, false);
  assert.equal(o.x11Forwarding, false);
  assert.equal(o.userRc, false);
  assert.equal(o.command, "nethack");
  const p = parseKeyOptions("NO-PTY,No-Port-Forwarding,no-X11-forwarding,no-user-rc,no-agent-forwarding");
  assert.deepEqual([p.pty, p.portForwarding, p.x11Forwarding, p.userRc, p.agentForwarding], [
    false,
    false,
    false,
    false,
    false,
  ]);
  assert.equal(parseKeyOptions("pty,restrict").pty, false);
  const f = parseKeyOptions('verify-required,no-touch-required,cert-authority,principals="a,b"');
  assert.deepEqual([f.verifyRequired, f.touchRequired, f.certAuthority], [true, false, true]);
  assert.deepEqual(f.principals, ["a", "b"]);
  assert.equal(parseKeyOptions('tunnel="0"').tunnel, 0);
  assert.equal(parseKeyOptions('tunnel="any"').tunnel, "any");
});

Deno.test("key options: environment first wins, permitopen/permitlisten targets", () => {
  const o = parseKeyOptions('environment="A=1",environment="B=x=y",environment="A=2"');
  assert.deepEqual(o.environment, [{ name: "A", value: "1" }, { name: "B", value: "x=y" }]);
  const p = parseKeyOptions(
    'permitopen="h:1",permitopen="[::1]:22",permitopen="*:*",permitlisten="8080",permitlisten="localhost:9000"',
  );
  assert.deepEqual(p.permitOpen, [{ host: "h", port: 1 }, { host: "::1", port: 22 }, { host: "*", port: "*" }]);
  assert.deepEqual(p.permitListen, [{ host: "*", port: 8080 }, { host: "localhost", port: 9000 }]);
  assertThrows(() => parseKeyOptions('permitopen="8080"'), KeyOptionsError, "no port");
});

Deno.test("key options: expiry-time in UTC and local time; the earliest wins; expired keys are not found", () => {
  assert.equal(parseExpiryTime("20300101Z"), 1893456000);
  assert.equal(parseExpiryTime("203001010000Z"), 1893456000);
  assert.equal(parseExpiryTime("20300101000001UTC"), 1893456001);
  assert.equal(parseExpiryTime("203001020304"), new Date(2030, 0, 2, 3, 4, 0).getTime() / 1000);
  assert.equal(parseKeyOptions('expiry-time="20300101Z",expiry-time="20200101Z"').expiryTime, 1577836800);

  const text = `expiry-time="20200101Z" ${ED}\nexpiry-time="20300101Z" ${EC}`;
  const { entries } = parseAuthorizedKeys(text, "ak");
  assert.equal(entries.length, 2);
  assert.equal(findAuthorizedKey(entries, blob(ED), { now: Date.UTC(2025, 0, 1) }), undefined);
  assert.equal(findAuthorizedKey(entries, blob(ED), { now: Date.UTC(2019, 0, 1) })?.lineNumber, 1);
  assert.equal(findAuthorizedKey(entries, blob(EC), { now: Date.UTC(2025, 0, 1) })?.lineNumber, 2);
  assert.equal(findAuthorizedKey(entries, blob(EC), { now: Date.UTC(2030, 0, 1) }), undefined);
});

Deno.test("authorized_keys: cert-authority lines never authenticate the key itself; the first usable line wins", () => {
  const text = [
    `cert-authority ${ED}`,
    `expiry-time="20000101Z" ${EC}`,
    `no-pty ${bare(EC)} second`,
    `restrict ${bare(EC)} third`,
  ].join("\n");
  const { entries } = parseAuthorizedKeys(text, "ak");
  assert.equal(entries.length, 4);
  assert.equal(findAuthorizedKey(entries, blob(ED)), undefined);
  const hit = findAuthorizedKey(entries, blob(EC))!;
  assert.equal(hit.lineNumber, 3);
  assert.equal(hit.comment, "second");
});

Deno.test("authorized_keys: an unterminated quote or an empty file never throws", () => {
  for (const text of ['command="oops ' + ED, "", "\n\n#\n", "\u0000garbage", `"${ED}`]) {
    const { entries } = parseAuthorizedKeys(text, "ak");
    assert.equal(entries.length, 0, JSON.stringify(text));
  }
});
