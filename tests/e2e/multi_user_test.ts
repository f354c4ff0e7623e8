/**
 * E2E: multi-user mode (tsshd run as root) with the stock OpenSSH client and
 * two throwaway system accounts, each with its own `~/.ssh/authorized_keys`
 * (the default `-a`): sessions run as the account (uid, gid, supplementary
 * groups, home as cwd), the PTY is the user's (group tty, mode 620), SFTP
 * runs as the user (the helper process), StrictModes refuses a
 * world-writable key file, locked and unknown accounts are refused,
 * `--deny-users`, `--allow-groups` and `--permit-root-login no` hold, and a
 * PTY login lands in wtmp. Needs root: skipped otherwise. The accounts and
 * the group are deleted even when a test fails.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { join } from "node:path";
import { userInfo } from "node:os";
import { isRoot, type TempAccount, withTempAccount } from "../_helpers/temp_account.ts";
import {
  type Flavor,
  flavors,
  ROOT,
  run,
  type RunningServer,
  sshArgs,
  startServer,
  type Workspace,
  workspace,
} from "./_harness.ts";

const KEY_LINE = Deno.readTextFileSync(join(ROOT, "keys", "client_ed25519.pub")).trim();
const ROOT_USER = userInfo().username;

if (!isRoot()) console.log("multi_user_test: skipped — multi-user mode needs tsshd (and this test) to run as root");

function sh(cmd: string, args: string[]): string {
  const out = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

/** A unique group for `fn`, deleted afterwards. */
async function withGroup<T>(fn: (name: string) => Promise<T>): Promise<T> {
  const name = `tsshd-g-${crypto.getRandomValues(new Uint32Array(1))[0].toString(16)}`;
  sh("groupadd", [name]);
  try {
    return await fn(name);
  } finally {
    sh("groupdel", [name]);
  }
}

/** Unlock the account (useradd leaves the password `!`) and authorize the test key for it. */
async function prepare(a: TempAccount): Promise<void> {
  sh("usermod", ["-p", "*", a.name]);
  const dir = join(a.home, ".ssh");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "authorized_keys"), `${KEY_LINE}\n`);
  await Deno.chown(dir, a.uid, a.gid);
  await Deno.chown(join(dir, "authorized_keys"), a.uid, a.gid);
  await Deno.chmod(dir, 0o700);
  await Deno.chmod(join(dir, "authorized_keys"), 0o600);
}

/** ssh arguments to log in as `user` with the test key. */
function sshAs(ws: Workspace, server: RunningServer, user: string): string[] {
  const args = sshArgs(ws, server);
  args[args.length - 1] = `${user}@127.0.0.1`;
  return args;
}

async function ssh(ws: Workspace, server: RunningServer, user: string, cmd: string, extra: string[] = []) {
  return await run("ssh", [...extra, ...sshAs(ws, server, user), cmd], { timeoutMs: 30000 });
}

/** Expect `user` to be refused, with `why` in the server's log. */
async function refused(ws: Workspace, server: RunningServer, user: string, why: RegExp, label: string) {
  const mark = server.output().length;
  const r = await ssh(ws, server, user, "echo in");
  assert(r.code !== 0 && r.text === "", `${label}: logged in: ${r.text}`);
  assert(r.stderr.includes("Permission denied"), `${label}: ${r.stderr}`);
  await server.waitFor(why, 5000).catch(() => {});
  assert(why.test(server.output().slice(mark)), `${label}: no ${why} in the log:\n${server.output().slice(mark)}`);
}

async function accepted(ws: Workspace, server: RunningServer, user: string, label: string) {
  const r = await ssh(ws, server, user, "echo in");
  assertEquals([r.code, r.text], [0, "in\n"], `${label}: ${r.stderr}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The accounts, the key files and the workspace a flavor's test runs with. */
interface Setup {
  flavor: Flavor;
  ws: Workspace;
  /** In the group. */
  alice: TempAccount;
  bob: TempAccount;
  group: string;
  /** A root-only directory (for root's key file and a secret the users must not read). */
  safe: string;
}

/**
 * Start tsshd as root with per-user key files (`.ssh/authorized_keys`, the
 * default) and root's key in `SAFE/%u.keys` (root's real
 * ~/.ssh/authorized_keys is left alone), run `body`, stop it.
 */
async function withServer(s: Setup, extra: string[], body: (server: RunningServer) => Promise<void>) {
  const files = `.ssh/authorized_keys ${join(s.safe, "%u.keys")}`;
  const server = await startServer(s.flavor, { ...s.ws, authorizedKeys: files }, extra);
  try {
    await body(server);
  } catch (e) {
    console.error(`--- tsshd output (${s.flavor} ${extra.join(" ")}) ---\n${server.output()}`);
    throw e;
  } finally {
    await server.stop();
  }
}

async function sessionsRunAsTheAccount(s: Setup) {
  await withServer(s, [], async (server) => {
    for (const a of [s.alice, s.bob]) {
      const r = await ssh(s.ws, server, a.name, "id -u; id -g; id -G; pwd; tty || true");
      assertEquals(r.code, 0, `${a.name}: ${r.stderr}`);
      const [uid, gid, groups, cwd, tty] = r.text.trimEnd().split("\n");
      assertEquals([Number(uid), Number(gid), cwd, tty], [a.uid, a.gid, a.home, "not a tty"], r.text);
      assertEquals(groups.split(" ").map(Number).sort(), [...a.gids].sort(), `${a.name} groups`);
      // With a PTY: the terminal is the user's, group tty, mode 620 (as sshd leaves it).
      const p = await ssh(s.ws, server, a.name, `stat -c '%U %G %a' "$(tty)"; id -un`, ["-tt"]);
      assertEquals(p.code, 0, p.stderr);
      assertEquals(p.text.replaceAll("\r", ""), `${a.name} tty 620\n${a.name}\n`, `${a.name} pty`);
    }
    // The login records: a PTY session lands in wtmp (when the system keeps one).
    if (await Deno.stat("/var/log/wtmp").then(() => true, () => false)) {
      // The record is written as the session starts, beside it: allow it a moment to land.
      let last = await run("last", ["-w", "-f", "/var/log/wtmp", s.alice.name]);
      for (let i = 0; i < 20 && !/pts\/\d+/.test(last.text); i++) {
        await new Promise((r) => setTimeout(r, 100));
        last = await run("last", ["-w", "-f", "/var/log/wtmp", s.alice.name]);
      }
      assert(last.text.includes(s.alice.name) && /pts\/\d+/.test(last.text), `last: ${last.text} ${last.stderr}`);
    } else console.log("no /var/log/wtmp: login records not checked");
    // Root logs in with a key under the default --permit-root-login prohibit-password.
    const r = await ssh(s.ws, server, ROOT_USER, "id -u");
    assertEquals([r.code, r.text], [0, "0\n"], r.stderr);
  });
}

async function sftpRunsAsTheUser(s: Setup) {
  await withServer(s, [], async (server) => {
    const a = s.alice;
    const local = join(s.ws.dir, "upload.txt");
    await Deno.writeTextFile(local, "uploaded by sftp\n");
    // A root-only file in a directory everyone may enter, and one under root's (closed) home.
    const open = await Deno.makeTempDir({ prefix: "tsshd-e2e-open-" });
    try {
      await Deno.chmod(open, 0o755);
      const secret = join(open, "secret");
      await Deno.writeTextFile(secret, "root only\n", { mode: 0o600 });
      const hidden = join(s.safe, "hidden");
      await Deno.writeTextFile(hidden, "root only\n");
      const batch = join(s.ws.dir, "batch");
      const [, conf, , port] = sshArgs(s.ws, server); // -F CONF -p PORT TARGET
      const sftp = async (commands: string) => {
        await Deno.writeTextFile(batch, commands);
        return await run("sftp", ["-F", conf, "-P", port, "-b", batch, `${a.name}@127.0.0.1`], { timeoutMs: 60000 });
      };
      const up = await sftp(`put ${local} upload.txt\npwd\n`);
      assertEquals(up.code, 0, up.stderr + up.text);
      assert(up.text.includes(`Remote working directory: ${a.home}`), up.text);
      const info = await Deno.stat(join(a.home, "upload.txt"));
      assertEquals([info.uid, info.gid], [a.uid, a.gid], "owner of the uploaded file");
      assertEquals(await Deno.readTextFile(join(a.home, "upload.txt")), "uploaded by sftp\n");
      // The kernel checks every operation against the user: root's files stay closed.
      const get = await sftp(`get ${secret} ${join(s.ws.dir, "stolen")}\n`);
      assert(get.code !== 0, `read ${secret} as ${a.name}: ${get.text}`);
      assert(/Permission denied/.test(get.stderr), get.stderr);
      const put = await sftp(`put ${local} ${join(open, "planted")}\n`);
      assert(put.code !== 0 && /Permission denied/.test(put.stderr), `write into ${open}: ${put.stderr}`);
      // Under /root the user cannot even look: the client sees no such file.
      const peek = await sftp(`get ${hidden} ${join(s.ws.dir, "stolen")}\n`);
      assert(peek.code !== 0 && /not found|Permission denied/.test(peek.stderr), `read ${hidden}: ${peek.stderr}`);
      assert(!(await Deno.stat(join(s.ws.dir, "stolen")).then(() => true, () => false)), "a root file was copied");
    } finally {
      await Deno.remove(open, { recursive: true });
    }
  });
}

async function refusals(s: Setup) {
  await withServer(s, [], async (server) => {
    const a = s.alice;
    const keys = join(a.home, ".ssh", "authorized_keys");
    await Deno.chmod(keys, 0o666);
    await refused(
      s.ws,
      server,
      a.name,
      new RegExp(`Authentication refused: bad ownership or modes for file ${escape(keys)}`),
      "world-writable authorized_keys",
    );
    await Deno.chmod(keys, 0o600);
    await accepted(s.ws, server, a.name, "authorized_keys 600 again");
    // Another user's file, even with good modes, is not trusted either.
    await Deno.chown(keys, s.bob.uid, s.bob.gid);
    await refused(s.ws, server, a.name, /bad ownership or modes for file/, "authorized_keys owned by another user");
    await Deno.chown(keys, a.uid, a.gid);

    sh("usermod", ["-L", s.bob.name]);
    await refused(
      s.ws,
      server,
      s.bob.name,
      new RegExp(`User ${escape(s.bob.name)} not allowed because account is locked`),
      "locked",
    );
    sh("usermod", ["-p", "*", s.bob.name]);
    await accepted(s.ws, server, s.bob.name, "unlocked again");

    const ghost = `tsshd-nobody-${Date.now().toString(36)}`;
    await refused(s.ws, server, ghost, new RegExp(`Invalid user ${escape(ghost)} from 127\\.0\\.0\\.1`), "unknown");
    // The users' missing SAFE/%u.keys files were consulted on every refusal: no keys, and no alarm.
    assert(!/Authentication refused: realpath/.test(server.output()), server.output());
  });
}

async function filters(s: Setup) {
  await withServer(s, ["--deny-users", s.alice.name, "--permit-root-login", "no"], async (server) => {
    await refused(
      s.ws,
      server,
      s.alice.name,
      new RegExp(`User ${escape(s.alice.name)} from 127\\.0\\.0\\.1 not allowed because listed in DenyUsers`),
      "--deny-users",
    );
    await accepted(s.ws, server, s.bob.name, "not in --deny-users");
    await refused(s.ws, server, ROOT_USER, /ROOT LOGIN REFUSED FROM 127\.0\.0\.1/, "--permit-root-login no");
  });
  await withServer(s, ["--allow-groups", s.group], async (server) => {
    await accepted(s.ws, server, s.alice.name, "member of --allow-groups");
    await refused(
      s.ws,
      server,
      s.bob.name,
      new RegExp(`User ${escape(s.bob.name)} from 127\\.0\\.0\\.1 not allowed because none of user's groups`),
      "not a member",
    );
  });
}

for (const flavor of flavors({ binary: true })) {
  Deno.test({
    name: `[${flavor}] multi-user: sessions, PTY, SFTP as the account; StrictModes; locked, unknown, filtered users`,
    ignore: !isRoot(),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn(t) {
      const ws = await workspace();
      const safe = await Deno.makeTempDir({ prefix: ".tsshd-e2e-multi-", dir: userInfo().homedir });
      try {
        await Deno.writeTextFile(join(safe, `${ROOT_USER}.keys`), `${KEY_LINE}\n`, { mode: 0o600 });
        await withGroup((group) =>
          withTempAccount([group], (alice) =>
            withTempAccount([], async (bob) => {
              await prepare(alice);
              await prepare(bob);
              const s: Setup = { flavor, ws, alice, bob, group, safe };
              await t.step("uid, gid, groups, cwd and the PTY are the account's", () => sessionsRunAsTheAccount(s));
              await t.step("SFTP runs as the account", () => sftpRunsAsTheUser(s));
              await t.step("StrictModes, locked and unknown accounts are refused", () => refusals(s));
              await t.step("--deny-users, --allow-groups, --permit-root-login no", () => filters(s));
            }))
        );
      } finally {
        await Deno.remove(ws.dir, { recursive: true });
        await Deno.remove(safe, { recursive: true });
      }
    },
  });
}
