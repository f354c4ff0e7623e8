/**
 * E2E: OpenSSH connection multiplexing over one tsshd connection — a
 * ControlMaster, six concurrent sessions through it (`ssh -S ctl host cmd`)
 * while an `ssh -O forward -L` carries data over the same connection.
 *
 * Runs on one flavor (see `oneFlavor()` in _forward_helpers.ts): it is about
 * channel multiplexing, which is engine code shared by every runtime.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freePort, run } from "./_harness.ts";
import { echoServer, exchange, randomBytes, sha256Hex } from "./_forward_endpoints.ts";
import { controlMaster, forwardTest } from "./_forward_helpers.ts";

forwardTest(
  "ControlMaster: six concurrent sessions and an -O forward -L over one connection",
  async (t) => {
    const echo = echoServer();
    t.defer(() => echo.close());
    const mux = (await controlMaster(t.defer, t.ws, t.ssh())).args;
    const port = freePort();
    const fwd = await run("ssh", [
      ...mux,
      "-O",
      "forward",
      "-L",
      `127.0.0.1:${port}:127.0.0.1:${echo.port}`,
      ...t.ssh(),
    ]);
    assertEquals(fwd.code, 0, fwd.stderr);

    const inputs = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const path = `${t.ws.dir}/in-${i}`;
      const data = randomBytes(512 * 1024 + i);
      await Deno.writeFile(path, data);
      return { path, sha: await sha256Hex(data) };
    }));
    const tunnelData = Array.from({ length: 3 }, () => randomBytes(1024 * 1024));
    const [sessions, tunnels] = await Promise.all([
      Promise.all(
        inputs.map((input, i) =>
          run("ssh", [...mux, ...t.ssh(), `echo session-${i}; sha256sum; exit ${i}`], { stdinFile: input.path })
        ),
      ),
      Promise.all(tunnelData.map((d) => exchange({ hostname: "127.0.0.1", port }, d))),
    ]);
    for (let i = 0; i < sessions.length; i++) {
      const r = sessions[i];
      assertEquals(r.code, i, r.stderr);
      assertEquals(r.text, `session-${i}\n${inputs[i].sha}  -\n`);
    }
    for (let i = 0; i < tunnels.length; i++) assertEquals(await sha256Hex(tunnels[i]), await sha256Hex(tunnelData[i]));
    // All of it went over the master's single login.
    assertEquals(t.server.output().match(/Accepted publickey/g)?.length, 1, t.server.output());
    const check = await run("ssh", [...mux, "-O", "check", ...t.ssh()]);
    assert(check.stderr.includes("Master running"), check.stderr);
  },
  [],
  "one",
);
