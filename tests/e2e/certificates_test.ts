/**
 * E2E: OpenSSH user certificates with the stock client and `ssh-keygen -s`,
 * made at test time — `--trusted-user-ca-keys` (trusted / untrusted CA,
 * principals, validity, force-command, no-pty / clear, source-address),
 * `--authorized-principals-file`, `--revoked-keys` (KRLs by certificate, by
 * serial and by key; an unusable file denies every key) and `cert-authority`
 * lines in authorized_keys. Every refusal is checked against the reason in
 * the server's log. The login is the account running the tests (root, whose
 * default `--permit-root-login prohibit-password` allows keys).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { join } from "node:path";
import { userInfo } from "node:os";
import { currentUser, flavors, run, type RunningServer, startServer, type Workspace, workspace } from "./_harness.ts";

const USER = currentUser();

/** A CA, a user key and the certificates made from them in one directory. */
class Certs {
  constructor(readonly dir: string) {}

  /** `ssh-keygen -t ed25519` into `name` (and `name.pub`). */
  async key(name: string): Promise<string> {
    const path = join(this.dir, name);
    await keygen(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path]);
    return path;
  }

  /** The one-line public key of `name`. */
  pub(name: string): string {
    return Deno.readTextFileSync(join(this.dir, `${name}.pub`)).trim();
  }

  /** Sign `user.pub` with `ca` as certificate `name` (`ssh-keygen -s`); the path of NAME-cert.pub. */
  async sign(name: string, ca: string, args: string[]): Promise<string> {
    const pub = join(this.dir, `${name}.pub`);
    await Deno.copyFile(join(this.dir, "user.pub"), pub);
    await keygen(["-q", "-s", join(this.dir, ca), ...args, pub]);
    return join(this.dir, `${name}-cert.pub`);
  }
}

async function keygen(args: string[]): Promise<void> {
  const r = await run("ssh-keygen", args);
  if (r.code !== 0) throw new Error(`ssh-keygen ${args.join(" ")} failed: ${r.stderr}`);
}

/** Log in with `user` and certificate `cert`; the result of running `cmd` (or `tty`). */
async function login(ws: Workspace, server: RunningServer, cert: string, cmd = "echo in", extra: string[] = []) {
  const key = join(ws.dir, "certs", "user");
  const conf = join(ws.dir, "ssh_config_cert");
  await Deno.writeTextFile(
    conf,
    [
      "Host *",
      `  IdentityFile ${key}`,
      `  CertificateFile ${cert}`,
      "  IdentitiesOnly yes",
      "  IdentityAgent none",
      `  UserKnownHostsFile ${ws.knownHosts}`,
      "  GlobalKnownHostsFile /dev/null",
      "  StrictHostKeyChecking yes",
      "  BatchMode yes",
      "  LogLevel ERROR",
      "",
    ].join("\n"),
  );
  return await run("ssh", ["-F", conf, "-p", String(server.port), ...extra, `${USER}@127.0.0.1`, cmd], {
    timeoutMs: 30000,
  });
}

/** The server output written since `mark` (a length of `server.output()`). */
function logSince(server: RunningServer, mark: number): string {
  return server.output().slice(mark);
}

/** Expect a refused login whose reason the server logged (matching `why`). */
async function refused(ws: Workspace, server: RunningServer, cert: string, why: RegExp, label: string) {
  const mark = server.output().length;
  const r = await login(ws, server, cert);
  assert(r.code !== 0 && r.text === "", `${label}: logged in: ${r.text} ${r.stderr}`);
  assert(/Permission denied/.test(r.stderr), `${label}: ${r.stderr}`);
  await server.waitFor(new RegExp(why.source, why.flags), 5000).catch(() => {});
  assert(why.test(logSince(server, mark)), `${label}: no ${why} in the log:\n${logSince(server, mark)}`);
}

/** Expect `ssh -tt` to be refused its pty (fatal for ssh when forced, as with sshd). */
async function noPty(ws: Workspace, server: RunningServer, cert: string, label: string) {
  const r = await login(ws, server, cert, "tty", ["-tt"]);
  assertEquals(r.code, 255, `${label}: ${r.text} ${r.stderr}`);
  assert(r.stderr.includes("PTY allocation request failed"), `${label}: ${r.stderr}`);
  assert(!r.text.includes("/dev/pts/"), `${label}: ${r.text}`);
}

/** Expect a login that runs `echo in`. */
async function accepted(ws: Workspace, server: RunningServer, cert: string, label: string) {
  const r = await login(ws, server, cert);
  assertEquals([r.code, r.text], [0, "in\n"], `${label}: ${r.stderr}`);
}

/**
 * A test on each flavor: a workspace with `certs/` holding the CA `ca`, a
 * second CA `other_ca` and the user key `user`; `args` gives the server's
 * extra flags (files in `certs/`).
 */
function certTest(
  name: string,
  args: (certs: Certs) => Promise<string[]>,
  body: (ctx: { ws: Workspace; server: RunningServer; certs: Certs }) => Promise<void>,
): void {
  for (const flavor of flavors()) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        let server: RunningServer | undefined;
        const safe = await strictModesSafeDir();
        try {
          // As root tsshd applies StrictModes, which refuses any file under /tmp (world-writable).
          await Deno.copyFile(ws.authorizedKeys, join(safe, "authorized_keys"));
          ws.authorizedKeys = join(safe, "authorized_keys");
          const certs = new Certs(join(ws.dir, "certs"));
          await Deno.mkdir(certs.dir);
          await Promise.all([certs.key("ca"), certs.key("other_ca"), certs.key("user")]);
          server = await startServer(flavor, ws, await args(certs));
          await body({ ws, server, certs });
        } catch (e) {
          if (server) console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
          throw e;
        } finally {
          await server?.stop();
          await Deno.remove(ws.dir, { recursive: true });
          await Deno.remove(safe, { recursive: true });
        }
      },
    });
  }
}

const VALID = ["-V", "-5m:+1h"];

/**
 * A fresh directory StrictModes accepts for the account running the tests:
 * under its home (root's is 0700), not under the world-writable /tmp.
 */
async function strictModesSafeDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: ".tsshd-e2e-certs-", dir: userInfo().homedir });
}

certTest(
  "certificates: TrustedUserCAKeys — trust, principals, validity, force-command, no-pty, source-address",
  async (certs) => {
    await Deno.writeTextFile(join(certs.dir, "trusted"), `# user CAs\n${certs.pub("ca")}\n`);
    return ["--trusted-user-ca-keys", join(certs.dir, "trusted")];
  },
  async ({ ws, server, certs }) => {
    const good = await certs.sign("good", "ca", ["-I", "good-id", "-n", `${USER},other`, ...VALID, "-z", "1"]);
    await accepted(ws, server, good, "trusted CA");
    await server.waitFor(
      /Accepted publickey for \S+ from 127\.0\.0\.1 .*ED25519-CERT SHA256:\S+ ID good-id \(serial 1\)/,
    );
    // A pty is granted (permit-pty is a default extension of ssh-keygen).
    const pty = await login(ws, server, good, "tty", ["-tt"]);
    assertEquals(pty.code, 0, pty.stderr);
    assert(/^\/dev\/pts\/\d+\r?\n$/.test(pty.text), JSON.stringify(pty.text));

    const untrusted = await certs.sign("untrusted", "other_ca", ["-I", "untrusted-id", "-n", USER, ...VALID]);
    await refused(ws, server, untrusted, /certificate signed by an untrusted CA/, "untrusted CA");

    const otherUser = await certs.sign("other", "ca", ["-I", "other-id", "-n", "other,nobody", ...VALID, "-z", "2"]);
    await refused(
      ws,
      server,
      otherUser,
      new RegExp(`Refused certificate ID "other-id" \\(serial 2\\) for ${USER}: "${USER}" is not a listed principal`),
      "principal missing",
    );

    const expired = await certs.sign("expired", "ca", ["-I", "expired-id", "-n", USER, "-V", "20200101:20200102"]);
    await refused(ws, server, expired, /Refused certificate ID "expired-id" .*certificate has expired/, "expired");
    const notYet = await certs.sign("notyet", "ca", ["-I", "notyet-id", "-n", USER, "-V", "+1d:+2d"]);
    await refused(ws, server, notYet, /Refused certificate ID "notyet-id" .*not yet valid/, "not yet valid");

    const forced = await certs.sign("forced", "ca", [
      "-I",
      "f",
      "-n",
      USER,
      ...VALID,
      "-O",
      "force-command=echo forced",
    ]);
    const f = await login(ws, server, forced, "echo not-forced");
    assertEquals([f.code, f.text], [0, "forced\n"], f.stderr);

    // A stdio forward (-W) to the server itself: allowed by the default extensions.
    const stdioForward = ["-W", `127.0.0.1:${server.port}`];
    const open = await login(ws, server, good, "", stdioForward);
    assert(open.text.startsWith("SSH-2.0-"), `-W with permit-port-forwarding: ${open.stderr}`);
    for (const option of ["no-pty", "clear"]) {
      const cert = await certs.sign(option, "ca", ["-I", option, "-n", USER, ...VALID, "-O", option]);
      await noPty(ws, server, cert, option);
      const r = await login(ws, server, cert, "echo in");
      assertEquals([r.code, r.text], [0, "in\n"], `${option}: ${r.stderr}`);
      const fwd = await login(ws, server, cert, "", stdioForward);
      const blocked = option === "clear"; // -O clear drops permit-port-forwarding too
      assertEquals(fwd.text.startsWith("SSH-2.0-"), !blocked, `${option} -W: ${fwd.text} ${fwd.stderr}`);
    }

    const far = await certs.sign("far", "ca", [
      "-I",
      "far-id",
      "-n",
      USER,
      ...VALID,
      "-O",
      "source-address=10.0.0.0/8",
    ]);
    await refused(ws, server, far, /Refused certificate ID "far-id" .*source/, "source-address");
    const near = await certs.sign("near", "ca", [
      "-I",
      "near",
      "-n",
      USER,
      ...VALID,
      "-O",
      "source-address=127.0.0.0/8",
    ]);
    await accepted(ws, server, near, "source-address 127/8");
  },
);

certTest(
  "certificates: --authorized-principals-file names the principals accepted instead of the user name",
  async (certs) => {
    await Deno.writeTextFile(join(certs.dir, "trusted"), `${certs.pub("ca")}\n`);
    await Deno.mkdir(join(certs.dir, "principals"));
    return [
      "--trusted-user-ca-keys",
      join(certs.dir, "trusted"),
      "--authorized-principals-file",
      join(certs.dir, "principals", "%u"),
    ];
  },
  async ({ ws, server, certs }) => {
    const file = join(certs.dir, "principals", USER);
    const dba = await certs.sign("dba", "ca", ["-I", "dba-id", "-n", "dbadmin,ops", ...VALID]);
    const named = await certs.sign("named", "ca", ["-I", "named-id", "-n", USER, ...VALID]);
    // No file for the user: no principal is authorized, not even the user name.
    await refused(ws, server, named, /named-id.*does not contain an authorized principal/, "no principals file");
    await Deno.writeTextFile(file, "# who may be root\nops\n");
    await accepted(ws, server, dba, "listed principal");
    await refused(ws, server, named, /named-id.*does not contain an authorized principal/, "user name not listed");
    await Deno.writeTextFile(file, "web\n");
    await refused(ws, server, dba, /dba-id.*does not contain an authorized principal/, "no listed principal");
  },
);

certTest(
  "certificates: --revoked-keys KRLs refuse by certificate, serial and key; a garbage file denies every key",
  async (certs) => {
    await Deno.writeTextFile(join(certs.dir, "trusted"), `${certs.pub("ca")}\n`);
    await Deno.writeTextFile(join(certs.dir, "revoked"), "");
    return ["--trusted-user-ca-keys", join(certs.dir, "trusted"), "--revoked-keys", join(certs.dir, "revoked")];
  },
  async ({ ws, server, certs }) => {
    const revoked = join(certs.dir, "revoked");
    const seven = await certs.sign("seven", "ca", ["-I", "seven", "-n", USER, ...VALID, "-z", "7"]);
    const eight = await certs.sign("eight", "ca", ["-I", "eight", "-n", USER, ...VALID, "-z", "8"]);
    await accepted(ws, server, seven, "empty revoked-keys file");
    const plainOk = await run("ssh", [...plainSsh(ws, server), "echo in"], { timeoutMs: 30000 });
    assertEquals([plainOk.code, plainOk.text], [0, "in\n"], `plain key, empty KRL: ${plainOk.stderr}`);
    // By certificate (ssh-keygen revokes it by its serial under its CA).
    await keygen(["-q", "-k", "-f", revoked, "-s", join(certs.dir, "ca.pub"), seven]);
    await refused(ws, server, seven, /revoked by file/, "KRL with the certificate");
    await accepted(ws, server, eight, "another serial");
    // By a serial range in a KRL spec.
    const spec = join(certs.dir, "spec");
    await Deno.writeTextFile(spec, "serial: 8-9\n");
    await keygen(["-q", "-k", "-f", revoked, "-s", join(certs.dir, "ca.pub"), spec]);
    await refused(ws, server, eight, /revoked by file/, "KRL serial range");
    await accepted(ws, server, seven, "a new KRL replaces the old one");
    // By the certified key itself: every certificate of it is refused.
    await keygen(["-q", "-k", "-f", revoked, join(certs.dir, "user.pub")]);
    await refused(ws, server, seven, /revoked by file/, "KRL with the plain key");
    // A revocation file that cannot be used denies every key, plain keys included.
    await Deno.writeTextFile(revoked, "this is not a KRL\n");
    await refused(ws, server, seven, /cannot use revoked keys file .*denying all keys/, "garbage KRL");
    const plain = await run("ssh", [...plainSsh(ws, server), "echo in"], { timeoutMs: 30000 });
    assert(plain.code !== 0 && /Permission denied/.test(plain.stderr), `plain key: ${plain.text} ${plain.stderr}`);
    await Deno.remove(revoked);
    await refused(ws, server, eight, /cannot use revoked keys file .*denying all keys/, "missing KRL");
  },
);

certTest(
  "certificates: a cert-authority line in authorized_keys accepts its CA's certificates",
  async (certs) => {
    // TrustedUserCAKeys names another CA: the cert-authority lines are the fallback.
    await Deno.writeTextFile(join(certs.dir, "trusted"), `${certs.pub("other_ca")}\n`);
    return ["--trusted-user-ca-keys", join(certs.dir, "trusted")];
  },
  async ({ ws, server, certs }) => {
    const ca = certs.pub("ca");
    const cert = await certs.sign("cert", "ca", ["-I", "ca-line-id", "-n", `${USER},other`, ...VALID, "-z", "3"]);
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority,principals="${USER}" ${ca}\n`);
    await accepted(ws, server, cert, "cert-authority with principals=");
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority ${ca}\n`);
    await accepted(ws, server, cert, "cert-authority, the user name a principal");
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority,principals="nobody,admin" ${ca}\n`);
    await refused(
      ws,
      server,
      cert,
      /Refusing certificate ID "ca-line-id" serial=3 signed by ED25519 CA via .*authorized_keys:1: certificate does not contain an authorized principal/,
      "principals= without the certificate's",
    );
    // The CA's key without cert-authority vouches for nothing.
    await Deno.writeTextFile(ws.authorizedKeys, `${ca}\n`);
    const mark = server.output().length;
    const r = await login(ws, server, cert);
    assert(r.code !== 0, `plain CA line: ${r.text}`);
    assert(!/Accepted/.test(logSince(server, mark)), logSince(server, mark));
    // The line's options hold, combined with the certificate's.
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority,from="10.0.0.0/8" ${ca}\n`);
    await refused(ws, server, cert, /with correct key but not from a permitted host/, "from=");
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority,command="echo from-line",no-pty ${ca}\n`);
    const forced = await login(ws, server, cert, "echo asked-for");
    assertEquals([forced.code, forced.text], [0, "from-line\n"], forced.stderr);
    await noPty(ws, server, cert, "no-pty on the line");
    // ... and the certificate's restrictions hold too.
    const clear = await certs.sign("clear", "ca", ["-I", "clear", "-n", USER, ...VALID, "-O", "clear"]);
    await Deno.writeTextFile(ws.authorizedKeys, `cert-authority ${ca}\n`);
    await noPty(ws, server, clear, "-O clear under cert-authority");
    const tty = await login(ws, server, cert, "tty", ["-tt"]);
    assert(/^\/dev\/pts\/\d+/.test(tty.text), `permit-pty under cert-authority: ${tty.text} ${tty.stderr}`);
    // An expired certificate is refused by the line as by TrustedUserCAKeys.
    const expired = await certs.sign("old", "ca", ["-I", "old-id", "-n", USER, "-V", "20200101:20200102"]);
    await refused(ws, server, expired, /Refusing certificate ID "old-id" .*certificate has expired/, "expired");
  },
);

/** ssh arguments for the workspace's plain ed25519 key (listed in authorized_keys). */
function plainSsh(ws: Workspace, server: RunningServer): string[] {
  return [
    "-i",
    ws.ids.ed25519,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "IdentityAgent=none",
    "-o",
    `UserKnownHostsFile=${ws.knownHosts}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "LogLevel=ERROR",
    "-F",
    "/dev/null",
    "-p",
    String(server.port),
    `${USER}@127.0.0.1`,
  ];
}
