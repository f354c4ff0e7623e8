/**
 * E2E: fail2ban's stock `sshd` filter reads tsshd's log. Failed logins made
 * with the real `ssh` client (unknown user, too many failures, a wrong key)
 * from distinct loopback addresses are run through `fail2ban-regex` with
 * /etc/fail2ban/filter.d/sshd.conf (modes normal and aggressive, and
 * `publickey=any`): each failure is found with the right host, and a
 * successful login — even one after a refused key on the same connection —
 * never counts as one. One server flavor is enough: the log format is the
 * same code on every runtime.
 *
 * Needs Debian's `fail2ban` package (scripts/ensure_test_tools.sh installs
 * it); without `fail2ban-regex` the tests are skipped with a message.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { join } from "node:path";
import { flavors, run, sshArgs, startServer, workspace } from "./_harness.ts";
import { stderrLogger } from "../../src/ops/log.ts";

const HAVE_F2B = (() => {
  try {
    return new Deno.Command("fail2ban-regex", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();
if (!HAVE_F2B) {
  console.warn(
    "fail2ban_test: fail2ban-regex not found; skipping (apt-get install fail2ban, or scripts/ensure_test_tools.sh)",
  );
}

/** The hosts fail2ban counts a failure for, with the matched lines. */
async function failures(logFile: string, filter: string): Promise<Array<{ ip: string; line: string }>> {
  const r = await run("fail2ban-regex", ["-o", "<ip> <msg>", logFile, filter], { timeoutMs: 60000 });
  assertEquals(r.code, 0, r.stderr);
  return r.text.split("\n").filter(Boolean).map((l) => {
    const space = l.indexOf(" ");
    return { ip: l.slice(0, space), line: l.slice(space + 1) };
  });
}

function hosts(found: Array<{ ip: string }>): string[] {
  return [...new Set(found.map((f) => f.ip))].sort();
}

const flavor = flavors()[0];

Deno.test({
  name: `[${flavor}] fail2ban: the stock sshd filter finds failed logins by host and never a successful one`,
  ignore: !HAVE_F2B || flavor === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ws = await workspace();
    const server = await startServer(flavor, ws, ["--max-auth-tries", "2"]);
    try {
      const as = (from: string, id: "ed25519" | "other" = "ed25519", user?: string) => {
        const args = sshArgs(ws, server, id);
        const target = args.pop()!;
        return ["-b", from, ...args, user ? target.replace(/^[^@]+@/, `${user}@`) : target];
      };
      // 127.0.0.2: a successful login.
      const ok = await run("ssh", [...as("127.0.0.2"), "true"]);
      assertEquals(ok.code, 0, ok.stderr);
      // 127.0.0.3: an unknown user.
      const invalid = await run("ssh", [...as("127.0.0.3", "ed25519", "nosuchuser"), "true"]);
      assertEquals(invalid.code, 255, invalid.text);
      // 127.0.0.4: three wrong keys against --max-auth-tries 2.
      const keys = [];
      for (const n of [1, 2, 3]) {
        const path = join(ws.dir, `wrong${n}`);
        const gen = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]);
        assertEquals(gen.code, 0, gen.stderr);
        keys.push("-i", path);
      }
      const many = await run("ssh", [...keys, ...as("127.0.0.4", "other"), "true"]);
      assertEquals(many.code, 255, many.text);
      // 127.0.0.5: one wrong key for the right user.
      const wrong = await run("ssh", [...as("127.0.0.5", "other"), "true"]);
      assertEquals(wrong.code, 255, wrong.text);
      // 127.0.0.6: a wrong key first, then the right one on the same connection.
      const second = await run("ssh", ["-i", ws.ids.other, ...as("127.0.0.6"), "true"]); // -i is tried first
      assertEquals(second.code, 0, second.stderr);
      await server.waitFor(/Failed publickey for \S+ from 127\.0\.0\.6 port \d+/);
      await server.waitFor(/Accepted publickey for \S+ from 127\.0\.0\.6 port \d+/);
      await server.waitFor(/Failed publickey for \S+ from 127\.0\.0\.5 port \d+/);
      await server.waitFor(
        /maximum authentication attempts exceeded for \S+ from 127\.0\.0\.4 port \d+ ssh2 \[preauth\]/,
      );
      await server.waitFor(/Invalid user nosuchuser from 127\.0\.0\.3 port \d+/);
      await server.waitFor(/Accepted publickey for \S+ from 127\.0\.0\.2 port \d+/);
      await new Promise((r) => setTimeout(r, 300)); // let the connection-closed lines arrive
      const logFile = join(ws.dir, "tsshd.log");
      await Deno.writeTextFile(logFile, server.output());

      const normal = await failures(logFile, "sshd");
      assertEquals(hosts(normal), ["127.0.0.3", "127.0.0.4"], JSON.stringify(normal, null, 1));
      assert(normal.some((f) => f.ip === "127.0.0.3" && /Invalid user nosuchuser from/.test(f.line)), "invalid user");
      assert(
        normal.some((f) => f.ip === "127.0.0.4" && /maximum authentication attempts exceeded/.test(f.line)),
        "max auth tries",
      );
      // By default (`publickey = nofail`) refused keys of a real user are no failure. `publickey=any`
      // counts every refused key (tsshd logs them all at INFO, as sshd does at LogLevel VERBOSE),
      // even on a connection that then logs in — but never the login itself.
      const anyKey = await failures(logFile, "sshd[publickey=any]");
      assertEquals(hosts(anyKey), ["127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"], JSON.stringify(anyKey));
      assert(!anyKey.some((f) => /Accepted/.test(f.line)), JSON.stringify(anyKey, null, 1));
      // Aggressive mode also counts a connection closed before authentication.
      const aggressive = await failures(logFile, "sshd[mode=aggressive]");
      assertEquals(hosts(aggressive), ["127.0.0.3", "127.0.0.4", "127.0.0.5"], JSON.stringify(aggressive, null, 1));
      assert(
        aggressive.some((f) =>
          f.ip === "127.0.0.5" &&
          /Connection closed by authenticating user \S+ 127\.0\.0\.5 port \d+ \[preauth\]/.test(f.line)
        ),
        "closed before authentication",
      );
    } catch (e) {
      console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
      throw e;
    } finally {
      await server.stop();
      await Deno.remove(ws.dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "fail2ban: interleaved connections keep their own sshd[ID], so a login is not a failure",
  ignore: !HAVE_F2B,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tsshd-f2b-" });
    try {
      const lines: string[] = [];
      const log = stderrLogger(1, (l) => lines.push(l));
      log.info("Invalid user bob from 10.9.9.9 port 40000");
      log.info("Failed publickey for invalid user bob from 10.9.9.9 port 40000 ssh2: ED25519 SHA256:abc");
      log.info("Accepted publickey for alice from 10.1.1.1 port 50000 ssh2: ED25519 SHA256:def");
      log.info("Connection closed by invalid user bob 10.9.9.9 port 40000 [preauth]");
      log.warn("a warning about no connection");
      const ids = lines.map((l) => /tsshd sshd\[(\d+)\]: /.exec(l)?.[1]);
      assert(ids.every((id) => id !== undefined), lines.join("\n"));
      assertEquals(ids[0], ids[1]);
      assertEquals(ids[0], ids[3]);
      assert(ids[2] !== ids[0] && ids[4] !== ids[0] && ids[4] !== ids[2], lines.join("\n"));
      assert(lines[4].endsWith(": warning: a warning about no connection"), lines[4]);
      const file = join(dir, "own.log");
      await Deno.writeTextFile(file, lines.join("\n") + "\n");
      assertEquals(hosts(await failures(file, "sshd")), ["10.9.9.9"]);
      // The control: had every line the same id (one process, like a plain pid), alice's
      // login would be merged into bob's connection and counted against her host.
      const shared = join(dir, "shared.log");
      await Deno.writeTextFile(shared, lines.map((l) => l.replace(/sshd\[\d+\]/, "sshd[1]")).join("\n") + "\n");
      assertEquals(hosts(await failures(shared, "sshd")), ["10.1.1.1", "10.9.9.9"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
