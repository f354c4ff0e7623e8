/**
 * E2E: publickey-hostbound-v00@openssh.com. OpenSSH clients use it when our
 * EXT_INFO advertises it, which is what lets `ssh-add -h` destination-restricted
 * agent keys work through tsshd — and be refused when the host key differs.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, ROOT, run } from "./_harness.ts";
import { join } from "node:path";

eachFlavor(
  "hostbound: ssh-add -h restricted keys log in only to the host they are bound to",
  async ({ ssh, server, ws }) => {
    const sock = join(ws.dir, "agent.sock");
    const agent = new Deno.Command("ssh-agent", { args: ["-D", "-a", sock], stdout: "null", stderr: "null" }).spawn();
    try {
      for (let i = 0; i < 50 && !(await Deno.stat(sock).catch(() => null)); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const env = { SSH_AUTH_SOCK: sock };
      const bind = async (pubFile: string) => {
        const kh = join(ws.dir, "restrict_known_hosts");
        const line = (await Deno.readTextFile(pubFile)).split(/\s+/).slice(0, 2).join(" ");
        await Deno.writeTextFile(kh, `[127.0.0.1]:${server.port} ${line}\n`);
        new Deno.Command("ssh-add", { args: ["-D"], env, stdout: "null", stderr: "null" }).outputSync();
        const add = new Deno.Command("ssh-add", {
          args: ["-H", kh, "-h", `[127.0.0.1]:${server.port}`, ws.ids.ed25519],
          env,
          stdout: "null",
          stderr: "piped",
        }).outputSync();
        assert(add.success, new TextDecoder().decode(add.stderr));
      };
      const args = ssh().filter((a) => a !== "-F");
      // use the agent instead of the identity file: a config without IdentityFile/IdentityAgent none
      const conf = join(ws.dir, "agent_config");
      await Deno.writeTextFile(
        conf,
        `Host *\n  IdentityAgent ${sock}\n  UserKnownHostsFile ${ws.knownHosts}\n  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n`,
      );
      const target = args.slice(-1)[0];
      await bind(join(ROOT, "keys", "host_ed25519.pub"));
      const ok = await run("ssh", ["-vvv", "-F", conf, "-p", String(server.port), target, "echo bound-ok"]);
      assertEquals(ok.code, 0, ok.stderr);
      assertEquals(ok.text, "bound-ok\n");
      assert(ok.stderr.includes("using publickey-hostbound-v00@openssh.com"), "the client did not use hostbound auth");
      await bind(join(ROOT, "keys", "other_ed25519.pub")); // bound to a host key that is not this server's
      const no = await run("ssh", ["-F", conf, "-p", String(server.port), target, "echo should-not-run"]);
      assertEquals(no.code, 255);
      assert(no.stderr.includes("Permission denied"), no.stderr);
    } finally {
      agent.kill("SIGTERM");
      await agent.status;
    }
  },
);
