/**
 * E2E: authorized_keys options and the authentication flags with the stock
 * OpenSSH client — from=, expiry-time=, restrict (+ pty), command=,
 * environment= with --permit-user-environment, unparseable lines,
 * --authorized-keys templates and several files, --authorized-keys-command,
 * --banner. Every error path is tried and must deny.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { userInfo } from "node:os";
import { join } from "node:path";
import {
  currentUser,
  eachFlavor,
  ensureBinary,
  type Flavor,
  flavors,
  freePort,
  ROOT,
  run,
  type RunningServer,
  serverCommand,
  sshArgs,
  startServer,
  type Workspace,
  workspace,
} from "./_harness.ts";

const KEY_LINE = Deno.readTextFileSync(join(ROOT, "keys", "client_ed25519.pub")).trim();
const IS_ROOT = userInfo().uid === 0;
/** As root, sshd insists on a user for the keys command; so does tsshd. */
const COMMAND_USER = IS_ROOT ? ["--authorized-keys-command-user", "nobody"] : [];

/** Log in with the ed25519 key and run `cmd`; the exit code and output. */
async function login(ssh: () => string[], cmd = "echo in", extra: string[] = []) {
  return await run("ssh", [...extra, ...ssh(), cmd], { timeoutMs: 30000 });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Start a server whose arguments depend on its workspace; the body gets both. */
function withServer(
  name: string,
  args: (ws: Workspace) => Promise<string[]>,
  body: (ctx: { server: RunningServer; ws: Workspace; ssh: () => string[] }) => Promise<void>,
): void {
  for (const flavor of flavors()) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        const server = await startServer(flavor, ws, await args(ws));
        try {
          await body({ server, ws, ssh: () => sshArgs(ws, server) });
        } catch (e) {
          console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
          throw e;
        } finally {
          await server.stop();
          await Deno.remove(ws.dir, { recursive: true });
        }
      },
    });
  }
}

/** Run tsshd expecting it to stop at start-up; its exit code and stderr. */
async function startupFailure(flavor: Flavor, ws: Workspace, args: string[]) {
  if (flavor === "binary") await ensureBinary();
  const { cmd, args: full } = serverCommand(flavor, [
    "-p",
    String(freePort()),
    "-b",
    "127.0.0.1",
    "-k",
    ws.hostKey,
    "-a",
    ws.authorizedKeys,
    ...args,
  ]);
  const child = new Deno.Command(cmd, { args: full, cwd: ROOT, stdout: "piped", stderr: "piped", stdin: "null" })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
  const out = await child.output();
  clearTimeout(timer);
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

eachFlavor(
  "options: from= and expiry-time= are enforced; every malformed value denies",
  async ({ ws, ssh, server }) => {
    const cases: Array<[string, boolean, RegExp?]> = [
      ['from="127.0.0.1"', true],
      ['from="127.0.0.0/8,::1"', true],
      ['from="10.0.0.0/8"', false, /:1: Authentication tried for \S+ with correct key but not from a permitted host/],
      ['from="!127.0.0.1,*"', false],
      ['from="*,!127.0.0.?"', false],
      ['from="127.0.0.1/8"', false, /:1: invalid from criteria "127\.0\.0\.1\/8"/],
      ['from="127.0.0.0/33"', false, /invalid from criteria "127\.0\.0\.0\/33"/],
      ['from=""', false, /invalid from criteria ""/],
      ['from="localhost"', false], // no reverse DNS: names never match
      [
        'expiry-time="20000101"',
        false,
        /:1: Authentication tried for \S+ with correct key but the key expired at 2000-01-0/,
      ],
      ['expiry-time="29991231Z"', true],
      ['expiry-time="not-a-date"', false, /:1: invalid expiry time "not-a-date"/],
      ["cert-authority", false],
      ['principals="root"', false, /principals= is only valid with cert-authority/],
    ];
    for (const [options, allowed, logged] of cases) {
      await Deno.writeTextFile(ws.authorizedKeys, `${options} ${KEY_LINE}\n`);
      const r = await login(ssh);
      if (allowed) {
        assertEquals(r.code, 0, `${options}: ${r.stderr}`);
        assertEquals(r.text, "in\n");
      } else {
        assertEquals(r.code, 255, `${options} must deny: ${r.text}`);
        assert(r.stderr.includes("Permission denied (publickey)"), `${options}: ${r.stderr}`);
      }
      if (logged) await server.waitFor(logged, 5000);
    }
  },
);

eachFlavor("options: restrict blocks the pty and forwarding; restrict,pty allows a pty; command= is forced", async (
  { ws, ssh, server },
) => {
  const stdioForward = ["-W", `127.0.0.1:${server.port}`];
  await Deno.writeTextFile(ws.authorizedKeys, `${KEY_LINE}\n`);
  const open = await run("ssh", [...stdioForward, ...ssh()], { timeoutMs: 20000 });
  assert(open.text.startsWith("SSH-2.0-"), `plain key: -W should reach the server: ${open.stderr}`);

  await Deno.writeTextFile(ws.authorizedKeys, `restrict ${KEY_LINE}\n`);
  // ssh treats a refused pty it was told to get (-t) as fatal and closes the session.
  const noTty = await login(ssh, "tty", ["-tt"]);
  assertEquals(noTty.code, 255, noTty.stderr);
  assert(noTty.stderr.includes("PTY allocation request failed"), noTty.stderr);
  assert(!noTty.text.includes("/dev/pts/"), noTty.text);
  const blocked = await run("ssh", [...stdioForward, ...ssh()], { timeoutMs: 20000 });
  assertEquals(blocked.code, 255, blocked.text);
  assert(!blocked.text.includes("SSH-2.0-"), blocked.text);
  const remote = await login(ssh, "true", ["-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"]);
  assertEquals(remote.code, 255, remote.stderr);
  assert(remote.stderr.includes("remote port forwarding failed"), remote.stderr);

  await Deno.writeTextFile(ws.authorizedKeys, `restrict,pty ${KEY_LINE}\n`);
  const tty = await login(ssh, "tty", ["-tt"]);
  assertEquals(tty.code, 0, tty.stderr);
  assert(/\/dev\/pts\/\d+/.test(tty.text), tty.text);

  await Deno.writeTextFile(ws.authorizedKeys, `command="echo forced" ${KEY_LINE}\n`);
  const forced = await login(ssh, "echo asked-for");
  assertEquals([forced.code, forced.text], [0, "forced\n"], forced.stderr);
  // The forced command sees what the client asked for, as with sshd.
  await Deno.writeTextFile(ws.authorizedKeys, `command="echo \\"was: $SSH_ORIGINAL_COMMAND\\"" ${KEY_LINE}\n`);
  const original = await login(ssh, "echo asked-for");
  assertEquals([original.code, original.text], [0, "was: echo asked-for\n"], original.stderr);

  // environment= is ignored without --permit-user-environment.
  await Deno.writeTextFile(ws.authorizedKeys, `environment="FOO=bar" ${KEY_LINE}\n`);
  const env = await login(ssh, "echo FOO=$FOO");
  assertEquals([env.code, env.text], [0, "FOO=\n"], env.stderr);
});

eachFlavor(
  "options: environment= applies with --permit-user-environment yes",
  async ({ ws, ssh }) => {
    await Deno.writeTextFile(ws.authorizedKeys, `environment="FOO=bar",environment="BAZ=q x" ${KEY_LINE}\n`);
    const env = await login(ssh, 'echo "FOO=$FOO BAZ=$BAZ USER=$USER"');
    assertEquals([env.code, env.text], [0, `FOO=bar BAZ=q x USER=${currentUser()}\n`], env.stderr);
  },
  ["--permit-user-environment", "yes"],
);

eachFlavor("options: unknown options and unbalanced quotes grant nothing and name FILE:LINE", async (
  { ws, ssh, server },
) => {
  const file = escape(ws.authorizedKeys);
  const cases: Array<[string, RegExp]> = [
    [`bogus-option ${KEY_LINE}`, new RegExp(`${file}:2: unknown key option "bogus-option"`)],
    [`no-pty,frobnicate="1" ${KEY_LINE}`, new RegExp(`${file}:2: unknown key option "frobnicate"`)],
    [`command="echo hi ${KEY_LINE}`, new RegExp(`${file}:2: unterminated quote in options`)],
    [`from="127.0.0.1",  ${KEY_LINE}`, new RegExp(`${file}:2: options end with a comma`)],
  ];
  for (const [line, logged] of cases) {
    await Deno.writeTextFile(ws.authorizedKeys, `# a comment\n${line}\n`);
    const r = await login(ssh);
    assertEquals(r.code, 255, `${line} must deny: ${r.text}`);
    await server.waitFor(logged, 5000);
  }
});

withServer(
  "auth flags: --authorized-keys with %u and %h tokens, relative paths, and two files",
  async (ws) => {
    const home = userInfo().homedir.replace(/\/+$/, "");
    const up = home.split("/").filter(Boolean).map(() => "..").join("/");
    await Deno.writeTextFile(ws.authorizedKeys, "# nothing here\n");
    // Reach the workspace from the home directory: as %h/UP/DIR and as a relative path.
    return ["-a", `%h/${up}${ws.dir}/keys_%u`, "--authorized-keys", `${up}${ws.dir}/second ${ws.dir}/third_%%`];
  },
  async ({ ws, ssh, server }) => {
    assert(server.output().includes("does not exist yet"), server.output());
    const none = await login(ssh);
    assertEquals(none.code, 255, none.text);
    await Deno.writeTextFile(join(ws.dir, `keys_${currentUser()}`), `${KEY_LINE}\n`);
    assertEquals((await login(ssh)).code, 0);
    await Deno.remove(join(ws.dir, `keys_${currentUser()}`));
    await Deno.writeTextFile(join(ws.dir, "second"), `from="10.0.0.0/8" ${KEY_LINE}\n`); // refused: next file
    await Deno.writeTextFile(join(ws.dir, "third_%"), `command="echo third" ${KEY_LINE}\n`);
    const third = await login(ssh);
    assertEquals([third.code, third.text], [0, "third\n"], third.stderr);
  },
);

withServer(
  "auth flags: --authorized-keys-command grants from a program's output",
  async (ws) => {
    const script = await commandScript(ws.dir); // the program runs as another user when tsshd is root
    await Deno.writeTextFile(
      script,
      `#!/bin/sh\n[ "$1" = "${currentUser()}" ] && [ "$2" = ssh-ed25519 ] || exit 3\ncat <<'EOF'\n${KEY_LINE}\nEOF\n`,
    );
    await Deno.chmod(script, 0o755);
    await Deno.writeTextFile(ws.authorizedKeys, "# nothing here\n");
    return ["--authorized-keys-command", `${script} %u %t %f`, ...COMMAND_USER];
  },
  async ({ ssh }) => {
    const r = await login(ssh, "echo in");
    assertEquals([r.code, r.text], [0, "in\n"], r.stderr);
  },
);

/**
 * Where the keys command lives: a directory the command user can reach (the
 * workspace sits under root's 0700 home so that StrictModes accepts it), removed when the tests end.
 */
async function commandScript(_wsDir: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tsshd-keyscmd-" });
  await Deno.chmod(dir, 0o755);
  addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  return join(dir, "keys.sh");
}

for (
  const [what, body] of [
    ["exits 1 after printing the key", "exit 1"],
    ["hangs past the 10 s limit", "exec sleep 60"],
  ] as const
) {
  withServer(
    `auth flags: --authorized-keys-command that ${what} denies`,
    async (ws) => {
      const script = await commandScript(ws.dir);
      await Deno.writeTextFile(script, `#!/bin/sh\ncat <<'EOF'\n${KEY_LINE}\nEOF\n${body}\n`);
      await Deno.chmod(script, 0o755);
      await Deno.writeTextFile(ws.authorizedKeys, "# nothing here\n");
      return ["--authorized-keys-command", script, ...COMMAND_USER];
    },
    async ({ ssh, server }) => {
      const r = await login(ssh);
      assertEquals(r.code, 255, `must deny: ${r.text}`);
      const why = body === "exit 1" ? "exited with status 1" : "timed out after 10000 ms";
      await server.waitFor(new RegExp(`AuthorizedKeysCommand \\S+keys\\.sh \\S+ ${why}: no keys from it`), 5000);
    },
  );
}

withServer(
  "auth flags: --banner text is shown by ssh before authentication",
  async (ws) => {
    await Deno.writeTextFile(join(ws.dir, "banner"), "Authorized use only.\nSecond line.\n");
    return ["--banner", join(ws.dir, "banner"), "--max-auth-tries", "3"];
  },
  async ({ ssh }) => {
    const r = await login(ssh, "true", ["-o", "LogLevel=INFO"]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stderr.includes("Authorized use only.\nSecond line.\n"), r.stderr);
  },
);

for (const flavor of flavors()) {
  Deno.test({
    name: `[${flavor}] auth flags: start-up errors are one line and exit 1 (banner, keys command)`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const ws = await workspace();
      try {
        const banner = await startupFailure(flavor, ws, ["--banner", join(ws.dir, "no-such-banner")]);
        assertEquals(banner.code, 1, banner.stderr);
        assert(/^tsshd: cannot read banner file \S+no-such-banner: .+\n$/.test(banner.stderr), banner.stderr);
        const user = await startupFailure(flavor, ws, [
          "--authorized-keys-command",
          "/bin/true",
          "--authorized-keys-command-user",
          "no-such-user-tsshd",
        ]);
        assertEquals([user.code, user.stderr], [
          1,
          "tsshd: --authorized-keys-command-user no-such-user-tsshd: no such user\n",
        ]);
        if (IS_ROOT) {
          const root = await startupFailure(flavor, ws, ["--authorized-keys-command", "/bin/true"]);
          assertEquals(root.code, 1, root.stderr);
          assert(root.stderr.includes("needs --authorized-keys-command-user"), root.stderr);
        }
        const relative = await startupFailure(flavor, ws, ["--authorized-keys-command", "keys.sh"]);
        assertEquals(relative.code, 2, relative.stderr);
        assert(relative.stderr.includes("must be an absolute path"), relative.stderr);
        const token = await startupFailure(flavor, ws, ["-a", "/etc/keys/%k"]);
        assertEquals(token.code, 2, token.stderr);
        assert(token.stderr.includes("unknown token %k"), token.stderr);
      } finally {
        await Deno.remove(ws.dir, { recursive: true });
      }
    },
  });
}
