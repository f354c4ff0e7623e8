/**
 * E2E: hostbased authentication with the stock OpenSSH client, which signs
 * with this machine's host key through its setuid helper ssh-keysign
 * (/usr/lib/openssh/ssh-keysign; it signs only when the system-wide
 * /etc/ssh/ssh_config says `EnableSSHKeysign yes`, which this test adds as
 * the drop-in /etc/ssh/ssh_config.d/tsshd-test.conf and removes again).
 * The client runs as a throwaway account against tsshd started as root with
 * `--hostbased-authentication`, a known-hosts file and a hosts.equiv file of
 * the test's own: accepted with sshd's log lines; refused when the host key
 * is not in the known-hosts file, when hosts.equiv does not list the host,
 * for root, and without the flag. Needs root (accounts, /etc/ssh): skipped
 * otherwise. A host key created because none existed is removed afterwards.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { join } from "node:path";
import { isRoot, type TempAccount, withTempAccount } from "../_helpers/temp_account.ts";
import { type Flavor, flavors, ROOT, run, type RunningServer, startServer, workspace } from "./_harness.ts";

const KEYSIGN = "/usr/lib/openssh/ssh-keysign";
const HOST_KEY = "/etc/ssh/ssh_host_ed25519_key";
const DROP_IN = "/etc/ssh/ssh_config.d/tsshd-test.conf";
const OTHER_KEY = Deno.readTextFileSync(join(ROOT, "keys", "other_ed25519.pub")).trim().split(/\s+/).slice(0, 2).join(
  " ",
);

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

function sh(cmd: string, args: string[]): string {
  const out = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout).trim();
}

if (!isRoot()) console.log("hostbased_test: skipped — it needs root (throwaway accounts, /etc/ssh drop-in)");

/** What a test body gets. */
interface Ctx {
  server: RunningServer;
  /** The throwaway account the client runs as. */
  user: TempAccount;
  /** The server's known-hosts file and hosts.equiv file (rewritten by the tests). */
  knownHosts: string;
  equiv: string;
  /** `type base64` of the machine's ed25519 host key (what ssh-keysign signs with). */
  hostKey: string;
  /** Run ssh as `as` (the throwaway account, or root) to `login`@127.0.0.1, hostbased only, `-vv`. */
  ssh(as: TempAccount | "root", login: string, cmd: string): Promise<{ code: number; text: string; stderr: string }>;
}

/**
 * The machine's host key (created if missing), the ssh-keysign drop-in, a
 * throwaway account and tsshd (`flavor`, as root, with `extra` flags and the
 * test's files); all undone afterwards.
 */
async function withSetup(
  flavor: Flavor,
  extra: (files: { knownHosts: string; equiv: string }) => string[],
  body: (c: Ctx) => Promise<void>,
) {
  const createdKey = !(await exists(HOST_KEY));
  if (createdKey) sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", HOST_KEY]);
  const hadDropIn = await exists(DROP_IN);
  // A directory the client account can read (its known_hosts for tsshd's key).
  const clientDir = await Deno.makeTempDir({ prefix: "tsshd-hb-client-" });
  const ws = await workspace();
  try {
    await Deno.writeTextFile(
      DROP_IN,
      "# tsshd tests/e2e/hostbased_test.ts: let ssh-keysign sign (removed after the test)\nEnableSSHKeysign yes\n",
    );
    await Deno.chmod(clientDir, 0o755);
    await withTempAccount([], async (user) => {
      sh("usermod", ["-p", "*", user.name]); // useradd leaves it locked ("!")
      const files = { knownHosts: join(ws.dir, "ssh_known_hosts"), equiv: join(ws.dir, "hosts.equiv") };
      const server = await startServer(flavor, ws, ["-v", ...extra(files)]);
      try {
        const clientKnownHosts = join(clientDir, "known_hosts");
        await Deno.copyFile(ws.knownHosts, clientKnownHosts);
        await Deno.chmod(clientKnownHosts, 0o644);
        const hostKey = (await Deno.readTextFile(`${HOST_KEY}.pub`)).trim().split(/\s+/).slice(0, 2).join(" ");
        await body({
          server,
          user,
          ...files,
          hostKey,
          async ssh(as, login, cmd) {
            const args = [
              "-F",
              "/dev/null",
              "-vv",
              "-o",
              "HostbasedAuthentication=yes",
              "-o",
              "EnableSSHKeysign=yes",
              "-o",
              "PreferredAuthentications=hostbased",
              "-o",
              "BatchMode=yes",
              "-o",
              `UserKnownHostsFile=${clientKnownHosts}`,
              "-o",
              "GlobalKnownHostsFile=/dev/null",
              "-o",
              "StrictHostKeyChecking=yes",
              "-p",
              String(server.port),
              `${login}@127.0.0.1`,
              cmd,
            ];
            const r = as === "root" ? await run("ssh", args, { timeoutMs: 30000 }) : await run(
              "setpriv",
              [`--reuid=${as.uid}`, `--regid=${as.gid}`, "--init-groups", "--", "ssh", ...args],
              {
                timeoutMs: 30000,
              },
            );
            return { code: r.code, text: r.text, stderr: r.stderr };
          },
        });
      } catch (e) {
        console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
        throw e;
      } finally {
        await server.stop();
      }
    });
  } finally {
    if (!hadDropIn) await Deno.remove(DROP_IN).catch(() => {});
    if (createdKey) {
      await Deno.remove(HOST_KEY).catch(() => {});
      await Deno.remove(`${HOST_KEY}.pub`).catch(() => {});
    }
    await Deno.remove(clientDir, { recursive: true });
    await Deno.remove(ws.dir, { recursive: true });
  }
}

/** The client host name ssh sent (`userauth_hostbased: chost NAME.` at -vv), without the trailing dot. */
function chostOf(stderr: string): string | undefined {
  return /userauth_hostbased: chost (\S+)/.exec(stderr)?.[1].replace(/\.$/, "");
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Expect the login to fail, with `why` in the server's log since `mark`. */
async function refused(
  c: Ctx,
  r: { code: number; text: string; stderr: string },
  mark: number,
  why: RegExp,
  label: string,
) {
  assert(r.code !== 0 && r.text === "", `${label}: logged in: ${r.text}`);
  assert(r.stderr.includes("Permission denied"), `${label}: ${r.stderr}`);
  await c.server.waitFor(why, 5000).catch(() => {});
  assert(why.test(c.server.output().slice(mark)), `${label}: no ${why} in the log:\n${c.server.output().slice(mark)}`);
}

const ready = isRoot() && (await exists(KEYSIGN));
if (isRoot() && !ready) console.log(`hostbased_test: skipped — ${KEYSIGN} (openssh-client) is not installed`);

for (const flavor of flavors()) {
  Deno.test({
    name: `[${flavor}] hostbased: the OpenSSH client through ssh-keysign — accepted, and refused as sshd refuses`,
    ignore: !ready,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const flags = (f: { knownHosts: string; equiv: string }) => [
        "--hostbased-authentication",
        "--hostbased-known-hosts",
        f.knownHosts,
        "--hosts-equiv",
        f.equiv,
      ];
      await withSetup(flavor, flags, async (c) => {
        const name = c.user.name;
        await Deno.writeTextFile(
          c.knownHosts,
          `# the address, as sshd looks it up with UseDNS no\n127.0.0.1 ${c.hostKey}\n`,
        );
        await Deno.writeTextFile(c.equiv, `127.0.0.1\n`);

        // Accepted: the session runs as the account.
        let mark = c.server.output().length;
        const ok = await c.ssh(c.user, name, "id -un");
        assertEquals([ok.code, ok.text], [0, `${name}\n`], ok.stderr);
        const fp = sh("ssh-keygen", ["-l", "-f", `${HOST_KEY}.pub`]).split(/\s+/)[1];
        const log = c.server.output().slice(mark);
        assert(
          new RegExp(
            `Accepted hostbased for ${escape(name)} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${escape(fp)}`,
          )
            .test(log),
          log,
        );
        assert(log.includes(`Accepted ED25519 public key ${fp} from ${name}@127.0.0.1`), log);
        // The ops' lines carry the connection's id, as the engine's do (sshd[PID] of its child).
        const idOf = (text: string) =>
          / sshd\[(\d+)\]: /.exec(log.split("\n").find((l) => l.includes(text)) ?? "")?.[1];
        assertEquals(idOf("Accepted ED25519 public key"), idOf("Accepted hostbased for"), log);
        // The client names itself (as it resolves its own address, e.g. "localhost"); sshd logs a name that
        // is not the address and goes on with the address.
        const chost = chostOf(ok.stderr);
        assert(chost, ok.stderr);
        const mismatch = `userauth_hostbased mismatch: client sends ${chost}, but we resolve 127.0.0.1 to 127.0.0.1`;
        assertEquals(log.includes(mismatch), chost !== "127.0.0.1", log);

        // Refused: the host key is not the one the known-hosts file lists for the address.
        await Deno.writeTextFile(c.knownHosts, `127.0.0.1 ${OTHER_KEY}\n${chost} ${c.hostKey}\n`);
        mark = c.server.output().length;
        const wrongKey = await c.ssh(c.user, name, "id -un");
        await refused(
          c,
          wrongKey,
          mark,
          new RegExp(`Failed hostbased for ${escape(name)} from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${escape(fp)}`),
          "key not known",
        );

        // Refused: hosts.equiv does not list the address (only the name the client claims).
        await Deno.writeTextFile(c.knownHosts, `127.0.0.1 ${c.hostKey}\n`);
        await Deno.writeTextFile(c.equiv, `${chost}\n127.0.0.2\n`);
        mark = c.server.output().length;
        const notListed = await c.ssh(c.user, name, "id -un");
        await refused(
          c,
          notListed,
          mark,
          new RegExp(`auth_rhosts2 refused user "${escape(name)}" host "127\\.0\\.0\\.1"`),
          "host not listed",
        );

        // Refused: root, even listed by name, and even with --permit-root-login's default (keys allowed).
        await Deno.writeTextFile(c.equiv, `127.0.0.1\n127.0.0.1 root\n`);
        mark = c.server.output().length;
        const root = await c.ssh("root", "root", "id -un");
        await refused(c, root, mark, /auth_rhosts2: root user, ignoring system hosts files/, "root");
        assert(/Failed hostbased for root from 127\.0\.0\.1/.test(c.server.output().slice(mark)));

        // And the account is still let in with the same files (the refusals were for those reasons).
        const again = await c.ssh(c.user, name, "id -un");
        assertEquals([again.code, again.text], [0, `${name}\n`], again.stderr);
      });
    },
  });

  Deno.test({
    name: `[${flavor}] hostbased: not offered without --hostbased-authentication`,
    ignore: !ready,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      await withSetup(flavor, () => [], async (c) => {
        await Deno.writeTextFile(c.knownHosts, `127.0.0.1 ${c.hostKey}\n`);
        await Deno.writeTextFile(c.equiv, `127.0.0.1\n`);
        const mark = c.server.output().length;
        const r = await c.ssh(c.user, c.user.name, "id -un");
        assert(r.code !== 0 && r.text === "", r.text);
        assert(r.stderr.includes("Permission denied (publickey)"), r.stderr);
        assert(!c.server.output().slice(mark).includes("hostbased"), c.server.output().slice(mark));
      });
    },
  });
}
