/**
 * The default ops' key store: AuthorizedKeysFile templates, the checks sshd
 * applies to a matching line (expiry-time, from=, principals=,
 * cert-authority, environment= with PermitUserEnvironment), and
 * AuthorizedKeysCommand. Every failure path is tried and must deny.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  allowedEnvironment,
  authorizedKeysPath,
  COMMAND_TOKENS,
  expandTokens,
  KeyStore,
  type KeyStoreOptions,
  PATH_TOKENS,
  TokenError,
  tokenProblem,
} from "../../src/ops/key_store.ts";
import { runKeysCommand } from "../../src/ops/keys_command.ts";
import { spawnDeno } from "../../src/runtime/deno_process.ts";
import type { UserInfo } from "../../src/runtime/types.ts";
import type { PublicKeyInfo } from "../../src/ssh/auth_ops.ts";
import type { PeerInfo } from "../../src/ssh/ops.ts";
import { parsePublicKeyLine } from "../../src/ssh/keys/public_key_line.ts";
import { parseAuthorizedKeys } from "../../src/ssh/keys/authorized_keys.ts";
import { encodeBase64 } from "../../src/ssh/keys/base64.ts";
import { ROOT } from "../e2e/_harness.ts";
import { parseUserKey } from "../../src/ssh/keys/certificate.ts";
import { blobOf, fixturePath } from "../fixtures/certs/fixtures.ts";

const KEY_LINE = Deno.readTextFileSync(`${ROOT}/keys/client_ed25519.pub`).trim();
const OTHER_LINE = Deno.readTextFileSync(`${ROOT}/keys/other_ed25519.pub`).trim();
const KEY: PublicKeyInfo = info(KEY_LINE);
const PEER: PeerInfo = { address: "127.0.0.1", port: 50022, localAddress: "127.0.0.1", localPort: 2200 };
/** 2026-11-21T12:00:00Z */
const NOW = Date.UTC(2026, 10, 21, 12) as number;

function info(line: string): PublicKeyInfo {
  const { key } = parsePublicKeyLine(line);
  return { type: key.type, blob: key.blob, fingerprint: "SHA256:test-fingerprint", label: "ED25519" };
}

interface Fixture {
  dir: string;
  user: UserInfo;
  lines: string[];
  store(o?: Partial<KeyStoreOptions>): KeyStore;
  write(name: string, text: string): Promise<string>;
  script(name: string, body: string): Promise<string>;
}

async function fixture(): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "tsshd-keystore-" });
  await Deno.mkdir(`${dir}/.ssh`);
  const user: UserInfo = { name: "alice", uid: 1234, gid: 1234, home: dir, shell: "/bin/sh" };
  const lines: string[] = [];
  const logger = {
    info: (m: string) => lines.push(`INFO ${m}`),
    warn: (m: string) => lines.push(`WARN ${m}`),
    debug: (m: string) => lines.push(`DEBUG ${m}`),
  };
  return {
    dir,
    user,
    lines,
    store: (o = {}) =>
      new KeyStore({ runtime: { spawn: spawnDeno }, logger, files: [".ssh/authorized_keys"], now: () => NOW, ...o }),
    async write(name, text) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    },
    async script(name, body) {
      const path = `${dir}/${name}`;
      await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
      await Deno.chmod(path, 0o755);
      return path;
    },
  };
}

async function withFixture(body: (f: Fixture) => Promise<void>): Promise<void> {
  const f = await fixture();
  try {
    await body(f);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
}

/** Grant for the test key with `options` in front of it in the one authorized_keys file. */
async function grantWith(f: Fixture, options: string, o: Partial<KeyStoreOptions> = {}, peer = PEER) {
  await f.write(".ssh/authorized_keys", `${options ? options + " " : ""}${KEY_LINE}\n`);
  return await f.store(o).authorize({ user: f.user, key: KEY, peer });
}

Deno.test("key store: tokens %u %h %U %% and relative paths as sshd's AuthorizedKeysFile", () => {
  const user: UserInfo = { name: "al", uid: 1000, gid: 1000, home: "/home/al/", shell: "/bin/sh" };
  assertEquals(authorizedKeysPath(".ssh/authorized_keys", user), "/home/al/.ssh/authorized_keys");
  assertEquals(authorizedKeysPath("/etc/ssh/keys/%u.%U", user), "/etc/ssh/keys/al.1000");
  assertEquals(authorizedKeysPath("%h/.ssh/k", user), "/home/al//.ssh/k");
  assertEquals(authorizedKeysPath("/k/100%%", user), "/k/100%");
  assertEquals(expandTokens("%f %t %%u", { f: "SHA256:x", t: "ssh-ed25519" }), "SHA256:x ssh-ed25519 %u");
  assertThrows(() => authorizedKeysPath("/k/%k", user), TokenError, "unknown token %k");
  assertThrows(() => expandTokens("/k/%", {}), TokenError, "lone %");
  assertEquals(tokenProblem("%h/%u/%U", PATH_TOKENS), undefined);
  assertEquals(tokenProblem("%f", PATH_TOKENS), "unknown token %f");
  assertEquals(tokenProblem("%u %h %U %f %t %k %C %D %%", COMMAND_TOKENS), undefined);
});

Deno.test("key store: a plain line grants; another key or a missing file grants nothing", async () => {
  await withFixture(async (f) => {
    const g = await grantWith(f, "");
    assert(g, f.lines.join("\n"));
    assertEquals(g.entry.lineNumber, 1);
    assertEquals(g.permissions, {});
    const other = await f.store().authorize({ user: f.user, key: info(OTHER_LINE), peer: PEER });
    assertEquals(other, undefined);
    await Deno.remove(`${f.dir}/.ssh/authorized_keys`);
    assertEquals(await f.store().authorize({ user: f.user, key: KEY, peer: PEER }), undefined);
    assert(f.lines.some((l) => l.startsWith("DEBUG cannot read authorized keys file")), f.lines.join("\n"));
  });
});

Deno.test("key store: from= allows a matching client and denies others, negation and bad CIDR", async () => {
  await withFixture(async (f) => {
    assert(await grantWith(f, 'from="127.0.0.1"'));
    assert(await grantWith(f, 'from="127.0.0.0/8,::1"'));
    assert(await grantWith(f, 'from="10.0.0.0/8"', {}, { ...PEER, address: "::ffff:10.9.8.7" }));
    f.lines.length = 0;
    assertEquals(await grantWith(f, 'from="10.0.0.0/8"'), undefined);
    assert(
      f.lines.some((l) =>
        l.includes(":1: Authentication tried for alice with correct key but not from a permitted host") &&
        l.includes("ip=127.0.0.1, required=10.0.0.0/8")
      ),
      f.lines.join("\n"),
    );
    assertEquals(await grantWith(f, 'from="!127.0.0.1,*"'), undefined);
    assertEquals(await grantWith(f, 'from="*,!127.0.0.?"'), undefined);
    for (const bad of ["127.0.0.1/8", "127.0.0.0/33", "", "127.0.0.1,", "!", "*,10.0.0.1/8"]) {
      f.lines.length = 0;
      assertEquals(await grantWith(f, `from="${bad}"`), undefined, bad);
      assert(f.lines.some((l) => l.includes("invalid from criteria")), `${bad}: ${f.lines.join("\n")}`);
    }
    // Only names (no reverse DNS): a host-name pattern never matches the address.
    assertEquals(await grantWith(f, 'from="localhost,*.example.com"'), undefined);
  });
});

Deno.test("key store: expiry-time in the past denies with 'key expired', in the future allows", async () => {
  await withFixture(async (f) => {
    f.lines.length = 0;
    assertEquals(await grantWith(f, 'expiry-time="20261121Z"'), undefined); // midnight, before NOW
    assert(
      f.lines.some((l) => l.includes("key expired at 2026-11-21T00:00:00.000Z")),
      f.lines.join("\n"),
    );
    assertEquals(await grantWith(f, 'expiry-time="202611211159Z"'), undefined);
    assert(await grantWith(f, 'expiry-time="202611211200Z"')); // expires at NOW: still valid this second
    assert(await grantWith(f, 'expiry-time="20261122"')); // local midnight, after NOW in any zone ≤ 12 h off
    assert(await grantWith(f, 'expiry-time="20300101Z"'));
    // The earliest of several wins.
    assertEquals(await grantWith(f, 'expiry-time="20300101Z",expiry-time="20200101Z"'), undefined);
  });
});

Deno.test("key store: cert-authority and principals= lines never authenticate a plain key", async () => {
  await withFixture(async (f) => {
    assertEquals(await grantWith(f, "cert-authority"), undefined);
    assertEquals(await grantWith(f, 'cert-authority,principals="alice"'), undefined);
    f.lines.length = 0;
    assertEquals(await grantWith(f, 'principals="alice"'), undefined);
    assert(f.lines.some((l) => l.includes("principals= is only valid with cert-authority")), f.lines.join("\n"));
  });
});

Deno.test("key store: a refused line does not stop a later line (or file) for the same key", async () => {
  await withFixture(async (f) => {
    await f.write(".ssh/authorized_keys", `from="10.0.0.0/8" ${KEY_LINE}\nno-pty ${KEY_LINE}\n`);
    const g = await f.store().authorize({ user: f.user, key: KEY, peer: PEER });
    assert(g);
    assertEquals([g.entry.lineNumber, g.permissions.noPty], [2, true]);
    await f.write(".ssh/authorized_keys", `expiry-time="20000101" ${KEY_LINE}\n`);
    await f.write("second_keys", `command="uptime" ${KEY_LINE}\n`);
    const g2 = await f.store({ files: [".ssh/authorized_keys", "%h/second_keys"] }).authorize({
      user: f.user,
      key: KEY,
      peer: PEER,
    });
    assert(g2);
    assertEquals([g2.entry.fileName, g2.permissions.forceCommand], [`${f.dir}/second_keys`, "uptime"]);
    assertEquals(
      await f.store({ files: ["none"] }).authorize({ user: f.user, key: KEY, peer: PEER }),
      undefined,
    );
  });
});

Deno.test("key store: restrict and the options that re-enable map onto Permissions", async () => {
  await withFixture(async (f) => {
    const forwarding = { noPortForwarding: true, noAgentForwarding: true, noX11Forwarding: true };
    assertEquals((await grantWith(f, "restrict"))?.permissions, { noPty: true, ...forwarding });
    assertEquals((await grantWith(f, "restrict,pty"))?.permissions, forwarding);
    const p = (await grantWith(f, 'restrict,port-forwarding,agent-forwarding,X11-forwarding,user-rc,command="id"'))
      ?.permissions;
    assertEquals(p, { forceCommand: "id", noPty: true });
    assertEquals((await grantWith(f, 'no-port-forwarding,permitopen="h:80"'))?.permissions, {
      noPortForwarding: true,
      permitOpen: ["h:80"],
    });
  });
});

Deno.test("key store: environment= only with PermitUserEnvironment, filtered by a pattern-list", async () => {
  await withFixture(async (f) => {
    const line = 'environment="FOO=bar",environment="LANG=C.UTF-8"';
    assertEquals((await grantWith(f, line))?.permissions.environment, undefined);
    assertEquals((await grantWith(f, line, { permitUserEnvironment: false }))?.permissions.environment, undefined);
    assertEquals((await grantWith(f, line, { permitUserEnvironment: true }))?.permissions.environment, {
      FOO: "bar",
      LANG: "C.UTF-8",
    });
    assertEquals((await grantWith(f, line, { permitUserEnvironment: "LANG,LC_*" }))?.permissions.environment, {
      LANG: "C.UTF-8",
    });
    assertEquals((await grantWith(f, line, { permitUserEnvironment: "!FOO,*" }))?.permissions.environment, {
      LANG: "C.UTF-8",
    });
    const entry = parseAuthorizedKeys(`${line} ${KEY_LINE}`, "k").entries[0];
    assertEquals(allowedEnvironment(entry, "NOPE"), undefined);
  });
});

Deno.test("key store: unknown options and unbalanced quotes skip the line with a FILE:LINE warning", async () => {
  await withFixture(async (f) => {
    for (const [options, why] of [["bogus-option", 'unknown key option "bogus-option"'], ['command="x', "quote"]]) {
      f.lines.length = 0;
      assertEquals(await grantWith(f, options), undefined, options);
      const file = `${f.dir}/.ssh/authorized_keys:1: `;
      assert(f.lines.some((l) => l.startsWith(`WARN ${file}`) && l.includes(why)), f.lines.join("\n"));
    }
    // A bad option after a good one still spoils the whole line.
    assertEquals(await grantWith(f, 'from="127.0.0.1",nonsense'), undefined);
  });
});

Deno.test("key store: unreadable files and failed file checks deny", async () => {
  await withFixture(async (f) => {
    await f.write(".ssh/authorized_keys", `${KEY_LINE}\n`);
    assertEquals(
      await f.store({ files: [".ssh"] }).authorize({ user: f.user, key: KEY, peer: PEER }), // a directory
      undefined,
    );
    assert(f.lines.some((l) => l.startsWith("WARN cannot read authorized keys file")), f.lines.join("\n"));
    const checked: string[] = [];
    const store = f.store({
      checkFile: (path) => {
        checked.push(path);
        return Promise.resolve(`bad ownership or modes for file ${path}`);
      },
    });
    assertEquals(await store.authorize({ user: f.user, key: KEY, peer: PEER }), undefined);
    assertEquals(checked, [`${f.dir}/.ssh/authorized_keys`]);
    assert(f.lines.some((l) => l.startsWith("INFO Authentication refused: bad ownership")), f.lines.join("\n"));
  });
});

Deno.test("key store: AuthorizedKeysCommand output grants, with tokens expanded", async () => {
  await withFixture(async (f) => {
    await f.write("keys", `${KEY_LINE}\n`);
    const args = `${f.dir}/args`;
    const cmd = await f.script("keys.sh", `printf '%s\\n' "$@" > ${args}\ncat ${f.dir}/keys`);
    const store = f.store({
      files: ["none"],
      command: { argv: [cmd, "%u", "%h", "%U", "%f", "%t", "%k", "%C", "%%"] },
    });
    const g = await store.authorize({ user: f.user, key: KEY, peer: PEER });
    assert(g, f.lines.join("\n"));
    assertEquals(g.entry.fileName, `AuthorizedKeysCommand ${cmd}`);
    const b64 = encodeBase64(KEY.blob);
    assertEquals(
      (await Deno.readTextFile(args)).split("\n"),
      [
        "alice",
        f.dir,
        "1234",
        "SHA256:test-fingerprint",
        "ssh-ed25519",
        b64,
        "127.0.0.1 2200 127.0.0.1 50022",
        "%",
        "",
      ],
    );
    // Without arguments the program gets the user name, as sshd passes it.
    const g2 = await f.store({ files: ["none"], command: { argv: [cmd] } }).authorize({
      user: f.user,
      key: KEY,
      peer: PEER,
    });
    assert(g2);
    assertEquals(await Deno.readTextFile(args), "alice\n");
    // Files come first; the command is the fallback.
    await f.write(".ssh/authorized_keys", `${KEY_LINE}\n`);
    const g3 = await f.store({ command: { argv: [cmd] } }).authorize({ user: f.user, key: KEY, peer: PEER });
    assertEquals(g3?.entry.fileName, `${f.dir}/.ssh/authorized_keys`);
    // Options on command output are enforced like those in files.
    await f.write("keys", `from="10.0.0.0/8" ${KEY_LINE}\n`);
    assertEquals(await store.authorize({ user: f.user, key: KEY, peer: PEER }), undefined);
  });
});

Deno.test("key store: a failing, missing, hanging or chatty command denies even if it printed the key", async () => {
  await withFixture(async (f) => {
    await f.write("keys", `${KEY_LINE}\n`);
    const cases: Array<[string, string[], RegExp]> = [
      ["exit 1", [await f.script("fail.sh", `cat ${f.dir}/keys; echo oops >&2; exit 1`)], /exited with status 1: oops/],
      ["killed", [await f.script("sig.sh", `cat ${f.dir}/keys; kill -TERM $$`)], /killed by signal TERM/],
      ["hang", [await f.script("hang.sh", `cat ${f.dir}/keys; exec sleep 30`)], /timed out after 300 ms/],
      ["missing", [`${f.dir}/no-such-program`], /cannot run/],
      ["not executable", [await f.write("plain", "cat keys\n")], /cannot run/],
    ];
    for (const [name, argv, why] of cases) {
      f.lines.length = 0;
      const started = Date.now();
      const store = f.store({ files: ["none"], command: { argv, timeoutMs: 300 } });
      assertEquals(await store.authorize({ user: f.user, key: KEY, peer: PEER }), undefined, name);
      assert(Date.now() - started < 5000, `${name} took ${Date.now() - started} ms`);
      assert(f.lines.some((l) => l.startsWith("WARN AuthorizedKeysCommand") && why.test(l)), `${name}: ${f.lines}`);
    }
  });
});

Deno.test("keys command: a program past its time limit is killed", async () => {
  await withFixture(async (f) => {
    const pidFile = `${f.dir}/pid`;
    const cmd = await f.script("slow.sh", `echo $$ > ${pidFile}\nexec sleep 30`);
    const r = await runKeysCommand({ spawn: spawnDeno }, { argv: [cmd], timeoutMs: 300 });
    assertEquals(r, { ok: false, reason: "timed out after 300 ms" });
    const pid = (await Deno.readTextFile(pidFile)).trim();
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      await new Promise((r) => setTimeout(r, 20));
      alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
    }
    assert(!alive, `process ${pid} still runs`);
  });
});

Deno.test({
  name: "keys command: the time limit holds even when a grandchild keeps the output pipe open",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withFixture(async (f) => {
      const cmd = await f.script("grandchild.sh", "sleep 3 &\nsleep 3");
      const started = Date.now();
      const r = await runKeysCommand({ spawn: spawnDeno }, { argv: [cmd], timeoutMs: 300 });
      assertEquals(r, { ok: false, reason: "timed out after 300 ms" });
      assert(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });
  },
});

Deno.test("keys command: output over the limit is refused at once", async () => {
  await withFixture(async (f) => {
    const cmd = await f.script("chatty.sh", "exec yes ssh-ed25519");
    const started = Date.now();
    const r = await runKeysCommand({ spawn: spawnDeno }, { argv: [cmd], maxOutputBytes: 4096, timeoutMs: 5000 });
    assertEquals(r, { ok: false, reason: "printed more than 4096 bytes" });
    assert(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    const ok = await runKeysCommand({ spawn: spawnDeno }, { argv: ["/bin/echo", "hi"] });
    assertEquals(ok, { ok: true, stdout: "hi\n" });
    assertEquals(await runKeysCommand({ spawn: spawnDeno }, { argv: [] }), { ok: false, reason: "empty command" });
  });
});

// --- cert-authority lines (certificates from tests/fixtures/certs, made by ssh-keygen) ---

/** A certificate fixture as the engine hands it to the ops. */
function certInfo(file: string): PublicKeyInfo {
  const blob = blobOf(file);
  const { certificate } = parseUserKey(blob);
  return { type: certificate!.keyType, blob, fingerprint: "SHA256:cert", label: "ECDSA-CERT", certificate };
}

/** The grant for certificate `file` with `lines` (`{CA}` = the CA key line) as the authorized_keys file. */
async function certGrant(f: Fixture, file: string, lines: string, o: Partial<KeyStoreOptions> = {}, peer = PEER) {
  const text = lines.replaceAll("{ECDSA256}", caLine("ecdsa256")).replaceAll("{ED}", caLine("ed25519"));
  await f.write(".ssh/authorized_keys", text);
  return await f.store(o).authorizeCertificate({ user: f.user, key: certInfo(file), peer });
}

Deno.test("key store: a cert-authority line lets a certificate of its CA in, with its principal rules", async () => {
  await withFixture(async (f) => {
    // ecdsa256-cert.pub: CA ecdsa256, principal alice, valid forever, every permit-* extension.
    const g = await certGrant(f, "ecdsa256-cert.pub", "cert-authority {ECDSA256}\n");
    assert(g, f.lines.join("\n"));
    assertEquals(g.entry.lineNumber, 1);
    assertEquals(g.permissions, {});
    // Not cert-authority, another CA, or a plain key: nothing.
    assertEquals(await certGrant(f, "ecdsa256-cert.pub", "{ECDSA256}\n"), undefined);
    assertEquals(await certGrant(f, "ecdsa256-cert.pub", "cert-authority {ED}\n"), undefined);
    await f.write(".ssh/authorized_keys", `cert-authority ${KEY_LINE}\n`);
    assertEquals(await f.store().authorizeCertificate({ user: f.user, key: KEY, peer: PEER }), undefined);
    // The user name must be a principal, unless principals= names the accepted ones.
    const bob = { ...f.user, name: "bob" };
    await f.write(".ssh/authorized_keys", `cert-authority ${caLine("ecdsa256")}\n`);
    f.lines.length = 0;
    const key = certInfo("ecdsa256-cert.pub");
    assertEquals(await f.store().authorizeCertificate({ user: bob, key, peer: PEER }), undefined);
    assert(f.lines.some((l) => l.includes('"bob" is not a listed principal')), f.lines.join("\n"));
    assert(await certGrant(f, "ecdsa256-cert.pub", 'cert-authority,principals="x,alice" {ECDSA256}\n'));
    f.lines.length = 0;
    assertEquals(
      await certGrant(f, "ecdsa256-cert.pub", 'cert-authority,principals="bob,alic" {ECDSA256}\n'),
      undefined,
    );
    assert(
      f.lines.some((l) =>
        l.startsWith('INFO Refusing certificate ID "ecdsa256-id" serial=2 signed by ECDSA CA via ') &&
        l.includes(":1: certificate does not contain an authorized principal")
      ),
      f.lines.join("\n"),
    );
    // principals= replaces the user-name rule: bob gets in with a line naming alice.
    await f.write(
      ".ssh/authorized_keys",
      `cert-authority,principals="alice" ${caLine("ecdsa256")}\n`,
    );
    assert(await f.store().authorizeCertificate({ user: bob, key, peer: PEER }));
    // A refused line does not stop a later one.
    const g2 = await certGrant(
      f,
      "ecdsa256-cert.pub",
      'cert-authority,principals="bob" {ECDSA256}\ncert-authority,no-pty {ECDSA256}\n',
    );
    assertEquals([g2?.entry.lineNumber, g2?.permissions], [2, { noPty: true }]);
  });
});

Deno.test("key store: cert-authority lines refuse expired, not-yet-valid and principal-less certificates", async () => {
  await withFixture(async (f) => {
    for (
      const [file, why] of [
        ["expired-cert.pub", "certificate has expired"],
        ["notyet-cert.pub", "certificate is not yet valid"],
        ["noprincipals-cert.pub", "certificate lacks principal list"],
        ["host-cert.pub", "not a user certificate"],
        ["unknown_critical-cert.pub", 'critical option "custom@example.com" is not supported'],
      ]
    ) {
      f.lines.length = 0;
      assertEquals(await certGrant(f, file, "cert-authority {ED}\n"), undefined, file);
      assert(f.lines.some((l) => l.startsWith("INFO Refusing certificate") && l.includes(why)), `${file}: ${f.lines}`);
    }
    // The store's clock decides: before its expiry the same certificate is fine.
    assert(await certGrant(f, "expired-cert.pub", "cert-authority {ED}\n", { now: () => Date.UTC(2020, 0, 1, 12) }));
  });
});

Deno.test("key store: a cert-authority line's options and the certificate's combine, the stricter winning", async () => {
  await withFixture(async (f) => {
    // ed25519-cert.pub: principals alice,bob; source-address 127.0.0.1/32,::1/128,10.0.0.0/8;
    // force-command "/bin/echo forced"; no-pty (the other permit-* extensions kept).
    const forced = { forceCommand: "/bin/echo forced", noPty: true };
    assertEquals((await certGrant(f, "ed25519-cert.pub", "cert-authority {ED}\n"))?.permissions, forced);
    assertEquals(
      (await certGrant(f, "ed25519-cert.pub", 'cert-authority,no-port-forwarding,permitopen="h:1" {ED}\n'))
        ?.permissions,
      { ...forced, noPortForwarding: true, permitOpen: ["h:1"] },
    );
    assertEquals(
      (await certGrant(f, "ed25519-cert.pub", 'cert-authority,command="/bin/echo forced" {ED}\n'))?.permissions,
      forced,
    );
    f.lines.length = 0;
    assertEquals(await certGrant(f, "ed25519-cert.pub", 'cert-authority,command="uptime" {ED}\n'), undefined);
    assert(f.lines.some((l) => l.includes("Forced command options conflict")), f.lines.join("\n"));
    // ecdsa384-cert.pub: -O clear -O permit-pty: everything but the pty is off.
    assertEquals(
      (await certGrant(f, "ecdsa384-cert.pub", `cert-authority ${caLine("ecdsa384")}\n`))?.permissions,
      { noPortForwarding: true, noAgentForwarding: true, noX11Forwarding: true },
    );
    assertEquals(
      (await certGrant(f, "ecdsa384-cert.pub", `cert-authority,restrict,pty,command="id" ${caLine("ecdsa384")}\n`))
        ?.permissions,
      { noPortForwarding: true, noAgentForwarding: true, noX11Forwarding: true, forceCommand: "id" },
    );
    // environment= only with PermitUserEnvironment, as for keys.
    const env = `cert-authority,environment="LANG=C" ${caLine("ecdsa384")}\n`;
    assertEquals((await certGrant(f, "ecdsa384-cert.pub", env))?.permissions.environment, undefined);
    assertEquals(
      (await certGrant(f, "ecdsa384-cert.pub", env, { permitUserEnvironment: true }))?.permissions.environment,
      { LANG: "C" },
    );
  });
});

Deno.test("key store: from=, expiry-time= and the certificate's source-address all hold for cert-authority", async () => {
  await withFixture(async (f) => {
    const far = { ...PEER, address: "192.0.2.7" };
    const ten = { ...PEER, address: "::ffff:10.1.2.3" };
    f.lines.length = 0;
    assertEquals(await certGrant(f, "ecdsa256-cert.pub", 'cert-authority,from="10.0.0.0/8" {ECDSA256}\n'), undefined);
    assert(f.lines.some((l) => l.includes("not from a permitted host")), f.lines.join("\n"));
    assert(await certGrant(f, "ecdsa256-cert.pub", 'cert-authority,from="10.0.0.0/8" {ECDSA256}\n', {}, ten));
    assertEquals(
      await certGrant(f, "ecdsa256-cert.pub", 'cert-authority,expiry-time="20200101" {ECDSA256}\n'),
      undefined,
    );
    // ed25519-cert.pub may be used from 127.0.0.1, ::1 and 10/8 only.
    assert(await certGrant(f, "ed25519-cert.pub", "cert-authority {ED}\n", {}, ten));
    f.lines.length = 0;
    assertEquals(await certGrant(f, "ed25519-cert.pub", "cert-authority {ED}\n", {}, far), undefined);
    assert(f.lines.some((l) => l.startsWith("INFO Refusing certificate ID")), f.lines.join("\n"));
  });
});

Deno.test("key store: cert-authority lines from the AuthorizedKeysCommand count too; bad files deny", async () => {
  await withFixture(async (f) => {
    await f.write("keys", `cert-authority ${caLine("ecdsa256")}\n`);
    const cmd = await f.script("keys.sh", `cat ${f.dir}/keys`);
    const key = certInfo("ecdsa256-cert.pub");
    const g = await f.store({ files: ["none"], command: { argv: [cmd] } }).authorizeCertificate({
      user: f.user,
      key,
      peer: PEER,
    });
    assertEquals(g?.entry.fileName, `AuthorizedKeysCommand ${cmd}`);
    await f.write(".ssh/authorized_keys", `cert-authority ${caLine("ecdsa256")}\n`);
    const refused = f.store({ checkFile: () => Promise.resolve("bad ownership or modes for file x") });
    assertEquals(await refused.authorizeCertificate({ user: f.user, key, peer: PEER }), undefined);
  });
});

function caLine(name: string): string {
  return Deno.readTextFileSync(fixturePath(`ca_${name}.key.pub`)).trim();
}
