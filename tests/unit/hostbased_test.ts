/**
 * Hostbased authentication in the default ops: known_hosts matching (plain
 * and `ssh-keygen -H` hashed names, markers), hosts.equiv lines, the
 * decision with sshd's log lines (OpenSSH auth2-hostbased.c, auth-rhosts.c,
 * hostfile.c), the routing in defaultOps and the flags.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { join } from "node:path";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { detectRuntime } from "../../src/runtime/mod.ts";
import type { Runtime, UserInfo } from "../../src/runtime/types.ts";
import type { Logger } from "../../src/ssh/config.ts";
import type { AuthResult, HostbasedAuthRequest, PublicKeyInfo } from "../../src/ssh/auth_ops.ts";
import type { ServerOps } from "../../src/ssh/ops.ts";
import { decodeBase64 } from "../../src/ssh/keys/base64.ts";
import { parsePublicKey } from "../../src/ssh/keys/public_key.ts";
import { fingerprintSha256, keyTypeLabel } from "../../src/ssh/keys/fingerprint.ts";
import { checkKnownHostKey, hashHostName, knownHostKeys, matchKnownHostName } from "../../src/ops/known_hosts.ts";
import { type RhostsQuery, rhostsVerdict } from "../../src/ops/hosts_equiv.ts";
import { DEFAULT_HOSTBASED_KNOWN_HOSTS, DEFAULT_HOSTS_EQUIV, HostbasedCheck } from "../../src/ops/hostbased.ts";
import { defaultOps } from "../../src/ops/default.ts";
import { hostbasedSettings } from "../../src/cli_hostbased_args.ts";
import { parseCli, USAGE, UsageError } from "../../src/cli_args.ts";

const crypto = createCryptoProvider();
const KEYS = join(import.meta.dirname!, "..", "..", "keys");
/** `type base64` of a test key. */
const keyText = (name: string) =>
  Deno.readTextFileSync(join(KEYS, `${name}.pub`)).trim().split(/\s+/).slice(0, 2).join(" ");
const HOST = keyText("host_ed25519");
const CLIENT = keyText("client_ed25519");
const OTHER = keyText("other_ed25519");
const ECDSA = keyText("client_ecdsa");
const blobOf = (text: string) => decodeBase64(text.split(" ")[1]);

function keyInfo(text: string): PublicKeyInfo {
  const key = parsePublicKey(blobOf(text));
  return { type: key.type, blob: key.blob, fingerprint: fingerprintSha256(crypto, key.blob), label: keyTypeLabel(key) };
}

/**
 * Lines `ssh-keygen -H` wrote for "192.0.2.7 HOST" and "host.example.net CLIENT"
 * (OpenSSH 9.2p1), baked so the test runs without ssh-keygen too.
 */
const HASHED_FIXTURE = [
  "|1|LlAAcXkAAzF5ClZD/8h/Rz9+czM=|N7OgNc7s2em9RYY0Uw7DUhcs4fw= " + HOST,
  "|1|lgvmqGmAA4RgBjdtQE+9yKagkrc=|vVRiksc+JToZmj749c8ylZsGVIc= " + CLIENT,
].join("\n");

Deno.test("known_hosts: hashHostName known answer (HMAC-SHA1 keyed by the salt, as Python's hmac computes it)", () => {
  const salt = Uint8Array.from({ length: 20 }, (_, i) => i);
  // python3: base64(hmac.new(bytes(range(20)), b"192.0.2.7", sha1).digest())
  assertEquals(hashHostName(crypto, "192.0.2.7", salt), "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|iCClSv7Tbv8odHZMdGWnUQAjWxg=");
  assertThrows(() => hashHostName(crypto, "x", new Uint8Array(16)), RangeError);
});

Deno.test("known_hosts: names hashed by ssh-keygen -H match only their host", async () => {
  const check = (text: string) => {
    const hit = knownHostKeys(crypto, text, "kh", "192.0.2.7");
    assertEquals(hit.entries.map((e) => e.lineNumber), [1]);
    assertEquals(checkKnownHostKey(hit.entries, blobOf(HOST)).status, "ok");
    assertEquals(knownHostKeys(crypto, text, "kh", "host.example.net").entries.map((e) => e.lineNumber), [2]);
    assertEquals(knownHostKeys(crypto, text, "kh", "192.0.2.8").entries, []);
    assertEquals(knownHostKeys(crypto, text, "kh", "HOST.example.net").entries, [], "hashes are of the exact name");
  };
  check(HASHED_FIXTURE);
  // The same with lines ssh-keygen hashes now, with fresh salts.
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "known_hosts");
    await Deno.writeTextFile(file, `192.0.2.7 ${HOST}\nhost.example.net ${CLIENT}\n`);
    const out = await new Deno.Command("ssh-keygen", { args: ["-H", "-f", file], stdout: "null", stderr: "null" })
      .output().catch(() => undefined);
    if (!out?.success) return console.log("ssh-keygen -H not available: checked the baked lines only");
    const text = await Deno.readTextFile(file);
    assert(text.startsWith("|1|"), text);
    check(text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("known_hosts: a malformed hashed name is skipped and reported", () => {
  assertEquals(matchKnownHostName(crypto, "192.0.2.7", "|1|AAEC|x"), -1, "salt not 20 bytes");
  assertEquals(matchKnownHostName(crypto, "192.0.2.7", "|2|AAECAwQFBgcICQoLDA0ODxAREhM=|x"), -1, "unknown magic");
  assertEquals(matchKnownHostName(crypto, "192.0.2.7", "|1|AAECAwQFBgcICQoLDA0ODxAREhM="), -1, "no delimiter");
  assertEquals(
    matchKnownHostName(crypto, "192.0.2.7", "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|iCClSv7Tbv8odHZMdGWnUQAjWxg="),
    1,
  );
  const got = knownHostKeys(crypto, `|1|@@@|x ${HOST}\n192.0.2.7 ${HOST}\n`, "kh", "192.0.2.7");
  assertEquals(got.entries.map((e) => e.lineNumber), [2]);
  assertEquals(got.skipped.length, 1);
  assert(got.skipped[0].startsWith("kh:1: bad host hash"), got.skipped[0]);
});

Deno.test("known_hosts: plain name lists — patterns, negation, case, [host]:port is literal", () => {
  const m = (host: string, names: string) => matchKnownHostName(crypto, host, names);
  assertEquals(m("192.0.2.7", "192.0.2.7"), 1);
  assertEquals(m("192.0.2.7", "gw,192.0.2.7,other"), 1);
  assertEquals(m("192.0.2.7", "192.0.2.*"), 1);
  assertEquals(m("192.0.2.7", "192.0.2.?"), 1);
  assertEquals(m("192.0.2.17", "192.0.2.?"), 0);
  assertEquals(m("192.0.2.7", "192.0.2.*,!192.0.2.7"), 0, "a negated match wins");
  assertEquals(m("192.0.2.8", "192.0.2.*,!192.0.2.7"), 1);
  assertEquals(m("Host.Example.NET", "host.example.net"), 1);
  assertEquals(m("host.example.net", "HOST.EXAMPLE.net"), 1);
  assertEquals(m("192.0.2.7", "[192.0.2.7]:2222"), 0, "an entry for another port never names the plain host");
  assertEquals(m("[192.0.2.7]:2222", "[192.0.2.7]:2222"), 1);
  assertEquals(m("192.0.2.7", "192.0.2.70"), 0);
});

Deno.test("known_hosts: key verdicts — ok, changed, new, @revoked wins, @cert-authority ignored, bad lines", () => {
  const file = [
    "# comment",
    "",
    `  192.0.2.7 ${HOST} a comment`,
    `192.0.2.7,192.0.2.9 ${OTHER}`,
    `@cert-authority 192.0.2.* ${CLIENT}`,
    `@revoked 192.0.2.9 ${HOST}`,
    `@bogus 192.0.2.7 ${CLIENT}`,
    `@revoked @revoked 192.0.2.7 ${CLIENT}`,
    `192.0.2.7`,
    `192.0.2.7 ssh-rsa ${HOST.split(" ")[1]}`,
    `192.0.2.7 ${HOST.split(" ")[0]} not-base64!`,
    `192.0.2.7\t${ECDSA}\r`,
    `192.0.2.50 ${CLIENT}`,
  ].join("\n");
  const at7 = knownHostKeys(crypto, file, "kh", "192.0.2.7");
  assertEquals(at7.entries.map((e) => [e.lineNumber, e.marker]), [[3, "none"], [4, "none"], [5, "cert-authority"], [
    12,
    "none",
  ]]);
  assertEquals(at7.skipped.map((s) => s.split(":")[1]), ["10", "11"], "key lines that cannot be read");
  assertEquals(checkKnownHostKey(at7.entries, blobOf(HOST)).status, "ok");
  assertEquals(checkKnownHostKey(at7.entries, blobOf(HOST)).entry?.lineNumber, 3);
  assertEquals(checkKnownHostKey(at7.entries, blobOf(ECDSA)).status, "ok", "tab separator, CRLF line");
  assertEquals(checkKnownHostKey(at7.entries, blobOf(CLIENT)).status, "changed", "only a CA line holds it");
  const at9 = knownHostKeys(crypto, file, "kh", "192.0.2.9");
  assertEquals(checkKnownHostKey(at9.entries, blobOf(HOST)).status, "revoked");
  assertEquals(checkKnownHostKey(at9.entries, blobOf(OTHER)).status, "ok");
  const at8 = knownHostKeys(crypto, file, "kh", "192.0.2.8");
  assertEquals(
    checkKnownHostKey(at8.entries, blobOf(CLIENT)).status,
    "new",
    "@cert-authority vouches for no plain key",
  );
  const revokedOnly = knownHostKeys(crypto, `@revoked * ${HOST}\n`, "kh", "192.0.2.1");
  assertEquals(checkKnownHostKey(revokedOnly.entries, blobOf(HOST)).status, "revoked");
  assertEquals(checkKnownHostKey(revokedOnly.entries, blobOf(OTHER)).status, "new");
});

Deno.test("hosts.equiv: host [user] lines, +/- forms, netgroups, wildcards, garbage", () => {
  const q: RhostsQuery = { hostname: "192.0.2.7", ipaddr: "192.0.2.7", clientUser: "alice", serverUser: "alice" };
  const v = (text: string, over: Partial<RhostsQuery> = {}) => rhostsVerdict(text, { ...q, ...over }).verdict;
  assertEquals(rhostsVerdict("# c\n\n192.0.2.7\n", q), { verdict: "allow", lineNumber: 3 });
  assertEquals(v("192.0.2.7\n", { serverUser: "bob" }), "none", "host alone: only the same-named account");
  assertEquals(v("192.0.2.7 alice\n", { serverUser: "bob" }), "allow", "alice there may log in as bob");
  assertEquals(v("192.0.2.7 bob\n"), "none");
  assertEquals(v("+192.0.2.7 +alice\n"), "allow");
  assertEquals(rhostsVerdict("-192.0.2.7\n192.0.2.7\n", q), { verdict: "deny", lineNumber: 1 });
  assertEquals(v("192.0.2.7 -alice\n192.0.2.7\n"), "deny");
  assertEquals(v("192.0.2.7 -bob\n192.0.2.7\n"), "allow", "a negated line for someone else does not match");
  assertEquals(v("+\n+ +\n- alice\n192.0.2.7 +\n"), "none", "bare + and - wildcards are ignored");
  assertEquals(v("@trusted\n192.0.2.7 @staff\n"), "none", "netgroups never match");
  assertEquals(v("192.0.2.7 alice extra\n"), "none", "three words: garbage");
  assertEquals(v("NO_PLUS\n  #192.0.2.7\n\t 192.0.2.7\t\n"), "allow");
  assertEquals(v("192.0.2.*\n192.0.2.70\n"), "none", "no patterns: exact names only");
  assertEquals(
    v("Gateway.Example.Net\n", { hostname: "gateway.example.net" }),
    "allow",
    "names: ASCII case-insensitive",
  );
  assertEquals(v("192.0.2.7\r\n"), "allow", "CRLF");
  assertEquals(v("192.0.2.7 Alice\n"), "none", "user names are case-sensitive");
});

/** A logger keeping its lines as "level: message". */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
  };
}

function request(over: Partial<HostbasedAuthRequest> = {}): HostbasedAuthRequest {
  return {
    method: "hostbased",
    user: "alice",
    service: "ssh-connection",
    peer: { address: "192.0.2.7", port: 50022, localAddress: "192.0.2.1", localPort: 22 },
    sessionId: new Uint8Array(32),
    completed: [],
    key: keyInfo(HOST),
    algorithm: "ssh-ed25519",
    clientHost: "client.example.net",
    clientUser: "alice",
    verified: true,
    ...over,
  };
}

/** A temp dir with a 0755 home, known_hosts and hosts.equiv files; removed after `fn`. */
async function withFiles(
  files: { knownHosts?: string; knownHosts2?: string; equiv?: string; equiv2?: string },
  fn: (
    ctx: {
      dir: string;
      account: UserInfo;
      check: (o?: { strict?: boolean }) => HostbasedCheck;
      log: ReturnType<typeof recorder>;
    },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const home = join(dir, "home");
    await Deno.mkdir(home);
    await Deno.chmod(home, 0o755);
    const paths = {
      knownHosts: join(dir, "ssh_known_hosts"),
      knownHosts2: join(dir, "ssh_known_hosts2"),
      equiv: join(dir, "hosts.equiv"),
      equiv2: join(dir, "shosts.equiv"),
    };
    for (const [k, path] of Object.entries(paths)) {
      const text = files[k as keyof typeof files];
      if (text !== undefined) await Deno.writeTextFile(path, text);
    }
    const log = recorder();
    const account: UserInfo = { name: "alice", uid: 4242, gid: 4242, home, shell: "/bin/sh" };
    const check = (o: { strict?: boolean } = {}) =>
      new HostbasedCheck({
        crypto,
        logger: log,
        knownHostsFiles: [paths.knownHosts, paths.knownHosts2],
        hostsEquivFiles: [paths.equiv, paths.equiv2],
        strictModes: o.strict ?? true,
      });
    await fn({ dir, account, check, log });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("hostbased: accepted when hosts.equiv lists the address and known_hosts its key; sshd's lines", async () => {
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.7\n" }, async ({ account, check, log }) => {
    assert(await check().allowed(account, request()));
    const fp = keyInfo(HOST).fingerprint;
    assertEquals(log.lines.filter((l) => !l.startsWith("debug: ") || l.includes("Accepted ED25519")), [
      "info: userauth_hostbased mismatch: client sends client.example.net, but we resolve 192.0.2.7 to 192.0.2.7",
      `debug: Accepted ED25519 public key ${fp} from alice@192.0.2.7`,
    ]);
    // The claimed name equal to the address (any case): no mismatch line. An IPv4-mapped peer is its IPv4 address.
    log.lines.length = 0;
    assert(await check().allowed(account, request({ clientHost: "192.0.2.7" })));
    assert(
      await check().allowed(
        account,
        request({ clientHost: "192.0.2.7", peer: { ...request().peer, address: "::ffff:192.0.2.7" } }),
      ),
    );
    assert(!log.lines.some((l) => l.includes("mismatch")), log.lines.join("\n"));
  });
});

Deno.test("hostbased: the address decides, not the name the client claims", async () => {
  // Entries for the claimed name grant nothing: with UseDNS no, sshd looks up the address only.
  await withFiles(
    { knownHosts: `client.example.net ${HOST}\n`, equiv: "client.example.net\n" },
    async ({ account, check, log }) => {
      assert(!(await check().allowed(account, request())));
      assert(
        log.lines.includes(
          `debug: hostbased_key_allowed: auth_rhosts2 refused user "alice" host "192.0.2.7" addr "192.0.2.7"`,
        ),
      );
    },
  );
  await withFiles(
    { knownHosts: `client.example.net ${HOST}\n`, equiv: "192.0.2.7\n" },
    async ({ account, check, log }) => {
      assert(!(await check().allowed(account, request())));
      assert(
        log.lines.includes("debug: check_key_in_hostfiles: key for host 192.0.2.7 not found"),
        log.lines.join("\n"),
      );
    },
  );
});

Deno.test("hostbased: refused — host key unknown, changed or revoked; host or user not in hosts.equiv", async () => {
  const equiv = "192.0.2.7\n";
  await withFiles({ knownHosts: `192.0.2.7 ${OTHER}\n`, equiv }, async ({ account, check }) => {
    assert(!(await check().allowed(account, request())), "another key is listed for the host");
  });
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n@revoked * ${HOST}\n`, equiv }, async ({ account, check, log }) => {
    assert(!(await check().allowed(account, request())));
    assert(log.lines.includes("warn: WARNING: revoked key for 192.0.2.7 attempted authentication"));
  });
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.8\n" }, async ({ account, check }) => {
    assert(!(await check().allowed(account, request())), "host not listed");
  });
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv }, async ({ account, check }) => {
    assert(!(await check().allowed(account, request({ clientUser: "mallory" }))), "another client user");
  });
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv2: "192.0.2.7 bob\n" }, async ({ account, check }) => {
    assert(await check().allowed(account, request({ clientUser: "bob" })), "bob there may be alice here");
  });
  await withFiles(
    { knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "-192.0.2.7\n", equiv2: equiv },
    async ({ account, check }) => {
      assert(await check().allowed(account, request()), "a deny in one file does not stop the next file (as sshd)");
    },
  );
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n` }, async ({ account, check, log }) => {
    assert(!(await check().allowed(account, request())));
    assert(log.lines.includes("debug: auth_rhosts2: no hosts access files exist"));
  });
  await withFiles({ equiv }, async ({ account, check }) => {
    assert(!(await check().allowed(account, request())), "no known-hosts file");
  });
});

Deno.test("hostbased: root is never let in through hosts.equiv; ~/.rhosts is ignored", async () => {
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.7\n192.0.2.7 root\n" }, async (c) => {
    const root = { ...c.account, name: "root", uid: 0 };
    assert(!(await c.check().allowed(root, request({ user: "root", clientUser: "root" }))));
    assert(c.log.lines.includes("debug: auth_rhosts2: root user, ignoring system hosts files"));
  });
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "" }, async ({ account, check, log }) => {
    await Deno.writeTextFile(join(account.home, ".rhosts"), "192.0.2.7 alice\n");
    await Deno.writeTextFile(join(account.home, ".shosts"), "192.0.2.7 alice\n");
    await Deno.chmod(join(account.home, ".shosts"), 0o666);
    assert(!(await check().allowed(account, request())));
    assert(
      log.lines.includes(`info: Rhosts authentication refused for alice: bad modes for ${account.home}/.shosts`),
      log.lines.join("\n"),
    );
    log.lines.length = 0;
    await Deno.chmod(account.home, 0o777);
    assert(!(await check().allowed(account, request())));
    assert(
      log.lines.includes("info: Rhosts authentication refused for alice: bad ownership or modes for home directory."),
    );
    log.lines.length = 0;
    assert(!(await check({ strict: false }).allowed(account, request())));
    assert(!log.lines.some((l) => l.startsWith("info: Rhosts")), "StrictModes off: no complaint");
  });
});

Deno.test("hostbased: the second known-hosts file is read only when the first lists no key for the host", async () => {
  await withFiles(
    { knownHosts: `192.0.2.99 ${OTHER}\n`, knownHosts2: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.7\n" },
    async ({ account, check }) => assert(await check().allowed(account, request())),
  );
  await withFiles(
    { knownHosts: `192.0.2.7 ${OTHER}\n`, knownHosts2: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.7\n" },
    async ({ account, check }) =>
      assert(!(await check().allowed(account, request())), "changed in the first: no fallback"),
  );
});

Deno.test("hostbased: a hosts.equiv that is not a regular file (a FIFO) is refused without hanging", async () => {
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv2: "" }, async ({ dir, account, check, log }) => {
    const fifo = join(dir, "hosts.equiv");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output().catch(() => undefined);
    if (!made?.success) return console.log("mkfifo not available: skipped");
    assert(!(await check().allowed(account, request())));
    assert(log.lines.includes(`info: User alice hosts file ${fifo} is not a regular file`), log.lines.join("\n"));
  });
});

/** `ops.authenticate(req)`, which the default ops always have. */
async function decideWith(ops: ServerOps, req: HostbasedAuthRequest): Promise<AuthResult> {
  assert(ops.authenticate);
  return await ops.authenticate(req);
}

/** The real runtime, pretending to run as `user` (single-user mode serves only that account). */
function runtimeAs(runtime: Runtime, user: UserInfo): Runtime {
  return Object.create(runtime, { currentUser: { value: () => user } });
}

Deno.test("defaultOps: hostbased offered and decided only with --hostbased-authentication; root refused", async () => {
  const runtime = await detectRuntime();
  await withFiles({ knownHosts: `192.0.2.7 ${HOST}\n`, equiv: "192.0.2.7\n192.0.2.7 root\n" }, async (c) => {
    const files = { knownHostsFiles: [join(c.dir, "ssh_known_hosts")], hostsEquivFiles: [join(c.dir, "hosts.equiv")] };
    const base = { logger: c.log, authorizedKeys: "none", multiUser: false };
    const on = defaultOps({ ...base, runtime: runtimeAs(runtime, c.account), hostbased: files });
    assertEquals(on.authMethods, ["publickey", "hostbased"]);
    assertEquals((await decideWith(on, request())).decision, "accept");
    assertEquals((await decideWith(on, request({ key: keyInfo(OTHER) }))).decision, "reject");
    const off = defaultOps({ ...base, runtime: runtimeAs(runtime, c.account) });
    assertEquals(off.authMethods, ["publickey"]);
    assertEquals((await decideWith(off, request())).decision, "reject");
    const root = { ...c.account, name: "root", uid: 0 };
    const asRoot = defaultOps({ ...base, runtime: runtimeAs(runtime, root), hostbased: files, permitRootLogin: "yes" });
    assertEquals((await decideWith(asRoot, request({ user: "root", clientUser: "root" }))).decision, "reject");
    const listed = defaultOps({
      ...base,
      runtime: runtimeAs(runtime, c.account),
      hostbased: files,
      authenticationMethods: [["hostbased", "publickey"]],
    });
    assertEquals(listed.authMethods, ["hostbased"]);
    assertEquals((await decideWith(listed, request())).decision, "partial");
  });
});

Deno.test("flags: --hostbased-authentication, --hostbased-known-hosts, --hosts-equiv", () => {
  assertEquals(hostbasedSettings({}), {});
  assertEquals(hostbasedSettings({ "hostbased-authentication": true }), {
    hostbased: { knownHostsFiles: [...DEFAULT_HOSTBASED_KNOWN_HOSTS], hostsEquivFiles: [...DEFAULT_HOSTS_EQUIV] },
  });
  assertEquals(DEFAULT_HOSTS_EQUIV, ["/etc/hosts.equiv", "/etc/ssh/shosts.equiv"]);
  assertEquals(DEFAULT_HOSTBASED_KNOWN_HOSTS[0], "/etc/ssh/ssh_known_hosts");
  const s = parseCli(
    ["--hostbased-authentication", "--hostbased-known-hosts", "/k", "--hosts-equiv", "/e1", "--hosts-equiv", "/e2"],
    "/home/me",
  );
  assertEquals(s.hostbased, { knownHostsFiles: ["/k"], hostsEquivFiles: ["/e1", "/e2"] });
  assertEquals(parseCli([], "/home/me").hostbased, undefined);
  assertThrows(() => parseCli(["--hosts-equiv", "/e"], "/home/me"), UsageError, "needs --hostbased-authentication");
  assertThrows(
    () => parseCli(["--hostbased-authentication", "--hostbased-known-hosts", ""], "/home/me"),
    UsageError,
    "empty file name",
  );
  assert(USAGE.includes("--hostbased-authentication") && USAGE.includes("--hosts-equiv FILE"));
});
