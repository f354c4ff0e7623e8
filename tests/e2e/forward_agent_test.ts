/**
 * E2E: agent forwarding (`ssh -A`) through tsshd with the stock OpenSSH
 * client and a real `ssh-agent`: the session's `SSH_AUTH_SOCK` reaches the
 * agent (`ssh-add -l` lists the key), the socket's directory is private and
 * goes away with the session, the forwarded agent signs a login from inside
 * the session to a second tsshd (a hop that holds no key file), and
 * `--allow-agent-forwarding no` gives the session no agent at all.
 *
 * The client is pointed at the agent with `-A -o IdentityAgent=<socket>`
 * (the harness's config says `IdentityAgent none`; OpenSSH 9.2 did not
 * forward with `-o ForwardAgent=<socket>` alone).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, run } from "./_harness.ts";
import { exists, until } from "./_forward_endpoints.ts";
import {
  CLIENT_PUB,
  clientConfig,
  clientFingerprint,
  forwardScenario,
  forwardTest,
  startAgent,
} from "./_forward_helpers.ts";

const SHOW_AGENT = 'echo "SOCK=${SSH_AUTH_SOCK-unset}"; ' +
  'if [ -n "$SSH_AUTH_SOCK" ]; then stat -c "%a %F" "$(dirname "$SSH_AUTH_SOCK")" "$SSH_AUTH_SOCK"; fi; ' +
  "ssh-add -l; echo add=$?";

forwardScenario("-A: ssh-add -l lists the key, the dir is 0700 and removed; the agent signs a hop", async (t) => {
  const agent = await startAgent(t.defer, t.ws);
  const first = await t.serve();
  const second = await t.serve();
  const fingerprint = await clientFingerprint();

  const r = await run("ssh", ["-A", "-o", `IdentityAgent=${agent}`, ...first.ssh(), SHOW_AGENT]);
  assertEquals(r.code, 0, r.stderr);
  const sock = r.text.match(/^SOCK=(\/\S+)$/m)?.[1];
  assert(sock !== undefined && sock !== agent, r.text);
  const lines = r.text.split("\n");
  assertEquals(lines[1], "700 directory", r.text);
  assertEquals(lines[2], "600 socket", r.text);
  assert(r.text.includes(`256 ${fingerprint} `) && r.text.includes("(ED25519)"), r.text);
  assert(r.text.includes("add=0"), r.text);
  const dir = sock.slice(0, sock.lastIndexOf("/"));
  await until(`${dir} to be removed after the session`, () => !exists(dir));

  // The hop: the session logs in to the second server with the forwarded agent
  // only (the config names just the public key), so the agent signs through tsshd.
  const agentOnly = `${t.ws.dir}/agent_only`;
  await Deno.copyFile(CLIENT_PUB, `${agentOnly}.pub`);
  const hopConfig = `${t.ws.dir}/hop_config`;
  await Deno.writeTextFile(hopConfig, clientConfig(t.ws, [`IdentityFile ${agentOnly}`, "IdentitiesOnly yes"]));
  const hop =
    `ssh -F ${hopConfig} -p ${second.server.port} ${currentUser()}@127.0.0.1 'echo hop-ok from $SSH_CONNECTION'`;
  const viaAgent = await run("ssh", ["-A", "-o", `IdentityAgent=${agent}`, ...first.ssh(), hop]);
  assertEquals(viaAgent.code, 0, viaAgent.stderr);
  assert(/^hop-ok from 127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/m.test(viaAgent.text), viaAgent.text);
  await second.server.waitFor(
    new RegExp(
      `Accepted publickey for \\S+ from 127\\.0\\.0\\.1 port \\d+ ssh2: ED25519 ${
        fingerprint.replace(/[+/]/g, "\\$&")
      }`,
    ),
  );

  // Without -A the same hop has nothing to sign with.
  const noAgent = await run("ssh", [...first.ssh(), hop]);
  assert(noAgent.code !== 0 && !noAgent.text.includes("hop-ok"), noAgent.text);
  assert(noAgent.stderr.includes("Permission denied (publickey)"), noAgent.stderr);
});

forwardTest("--allow-agent-forwarding no: the session gets no SSH_AUTH_SOCK", async (t) => {
  const agent = await startAgent(t.defer, t.ws);
  const r = await run("ssh", ["-A", "-o", `IdentityAgent=${agent}`, ...t.ssh(), SHOW_AGENT]);
  assertEquals(r.code, 0, r.stderr);
  assert(r.text.startsWith("SOCK=unset\n"), r.text);
  assert(r.text.includes("add=2"), r.text); // ssh-add: "Could not open a connection to your authentication agent"
}, ["--allow-agent-forwarding", "no"]);
