/**
 * E2E: `ssh -J` (ProxyJump) through tsshd to a second tsshd, both on
 * loopback: the jump is a `direct-tcpip` channel carrying a whole second SSH
 * connection, once and nested twice; and a jump host that refuses TCP
 * forwarding stops it.
 *
 * Each case needs two or three servers, so it runs on one flavor (see
 * `oneFlavor()` in _forward_helpers.ts).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, run } from "./_harness.ts";
import { randomBytes, sha256Hex } from "./_forward_endpoints.ts";
import { clientConfig, forwardScenario } from "./_forward_helpers.ts";

forwardScenario("-J through tsshd to a second tsshd (one jump, two nested jumps, a refusing jump host)", async (t) => {
  const jump = await t.serve();
  const target = await t.serve();
  const strict = await t.serve(["--allow-tcp-forwarding", "no"]);
  // Jump hosts by alias: OpenSSH refuses "-J 127.0.0.1:P1" to 127.0.0.1:P2 as a "jumphost loop".
  const config = `${t.ws.dir}/jump_config`;
  const alias = (
    name: string,
    port: number,
  ) => [`Host ${name}`, "  HostName 127.0.0.1", `  Port ${port}`, `  User ${currentUser()}`];
  await Deno.writeTextFile(
    config,
    [
      ...alias("jump1", jump.server.port),
      ...alias("jump2", jump.server.port),
      ...alias("strict", strict.server.port),
      clientConfig(t.ws, [`IdentityFile ${t.ws.ids.ed25519}`, "IdentitiesOnly yes", "IdentityAgent none"]),
    ].join("\n"),
  );
  const to = ["-F", config, "-p", String(target.server.port), `${currentUser()}@127.0.0.1`];
  const payload = `${t.ws.dir}/payload.bin`;
  const data = randomBytes(2 * 1024 * 1024);
  await Deno.writeFile(payload, data);

  const once = await run("ssh", ["-J", "jump1", ...to, "echo $SSH_CONNECTION; sha256sum"], {
    stdinFile: payload,
  });
  assertEquals(once.code, 0, once.stderr);
  const [conn, sum] = once.text.split("\n");
  assert(conn.endsWith(` 127.0.0.1 ${target.server.port}`), conn);
  assertEquals(sum.split(" ")[0], await sha256Hex(data));
  assertEquals(jump.server.output().match(/Accepted publickey/g)?.length, 1, jump.server.output());

  const twice = await run("ssh", ["-J", "jump1,jump2", ...to, "echo nested"]);
  assertEquals(twice.code, 0, twice.stderr);
  assertEquals(twice.text, "nested\n");
  assertEquals(jump.server.output().match(/Accepted publickey/g)?.length, 3, jump.server.output());

  const refused = await run("ssh", ["-J", "strict", ...to, "echo never"]);
  assertEquals(refused.code, 255, refused.stderr);
  assert(refused.stderr.includes("stdio forwarding failed"), refused.stderr); // the jump's ssh -W was refused
  await strict.server.waitFor(/refused local port forward to 127\.0\.0\.1 port \d+/);
  assertEquals(refused.text, "");
}, "one");
