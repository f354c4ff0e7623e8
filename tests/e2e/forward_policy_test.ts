/**
 * E2E: forwarding policy through the stock OpenSSH client — the server flags
 * (`--allow-tcp-forwarding`, `--allow-streamlocal-forwarding`,
 * `--permit-open`, `--permit-listen`) and the per-key options of
 * authorized_keys (`no-port-forwarding`, `permitopen=`, `permitlisten=`,
 * `restrict`, `port-forwarding`, `no-agent-forwarding`), where the stricter
 * of flag and key option wins.
 *
 * Each server configuration is probed over one ControlMaster connection
 * (`ssh -O forward -L/-R`), so a probe costs no login. These run on one
 * flavor (see `oneFlavor()` in _forward_helpers.ts): the policy code is the
 * same on every runtime, and the matrix needs many servers and logins.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freePort, run, type Workspace } from "./_harness.ts";
import { type Addr, echoServer, exchangeText } from "./_forward_endpoints.ts";
import {
  background,
  controlMaster,
  type Defer,
  forwarder,
  forwardScenario,
  localReady,
  setKeyOptions,
  startAgent,
} from "./_forward_helpers.ts";

/** A ControlMaster (`-v`, so refusals show in its log) and probes over it. */
async function prober(defer: Defer, ws: Workspace, ssh: string[]) {
  const { args, master } = await controlMaster(defer, ws, ssh, true);
  const mux = (...op: string[]) => run("ssh", [...args, ...op, ...ssh]);
  return {
    master,
    /** Does a connection through `-L` to `target` (host:port or a socket path) reach the echo server? */
    async opens(target: string): Promise<boolean> {
      const port = freePort();
      const r = await mux("-O", "forward", "-L", `127.0.0.1:${port}:${target}`);
      assertEquals(r.code, 0, r.stderr);
      // A refused open closes the socket; with "ping" unread that may be a reset.
      const text = await exchangeText({ hostname: "127.0.0.1", port }, "ping\n").catch((e) => {
        if (e instanceof Deno.errors.ConnectionReset) return "";
        throw e;
      });
      assert(text === "" || text === "ping\n", text);
      return text === "ping\n";
    },
    /** Does tsshd accept `-R spec`? */
    async listens(spec: string): Promise<boolean> {
      const r = await mux("-O", "forward", "-R", spec);
      return r.code === 0;
    },
  };
}

const addr = (port: number): Addr => ({ hostname: "127.0.0.1", port });

forwardScenario("--allow-tcp-forwarding no: ssh -L is 'administratively prohibited', -R fails", async (t) => {
  const echo = echoServer();
  t.defer(() => echo.close());
  const { ssh } = await t.serve(["--allow-tcp-forwarding", "no"]);
  const port = freePort();
  const fwd = await forwarder(t.defer, ["-L", `127.0.0.1:${port}:127.0.0.1:${echo.port}`, ...ssh()], [
    localReady(port),
  ]);
  assertEquals(await exchangeText(addr(port), ""), "");
  await fwd.waitFor(/open failed: administratively prohibited/);
  const r = await run("ssh", ["-o", "ExitOnForwardFailure=yes", "-R", `0:127.0.0.1:${echo.port}`, ...ssh(), "sleep 5"]);
  assertEquals(r.code, 255, r.stderr);
  assert(r.stderr.includes("remote port forwarding failed for listen port 0"), r.stderr);
  assertEquals(echo.accepted, 0);
}, "one");

forwardScenario("--allow-*-forwarding local/remote, --permit-open and --permit-listen", async (t) => {
  const echo = echoServer();
  const other = echoServer();
  const sock = `${t.ws.dir}/echo.sock`;
  const unixEcho = echoServer({ path: sock });
  t.defer(() => [echo, other, unixEcho].forEach((s) => s.close()));
  const ok = `127.0.0.1:${echo.port}`;

  // TCP local only, to one destination; unix sockets remote only.
  const a = await t.serve([
    "--allow-tcp-forwarding",
    "local",
    "--permit-open",
    ok,
    "--allow-streamlocal-forwarding",
    "remote",
  ]);
  const pa = await prober(t.defer, t.ws, a.ssh());
  assertEquals(await pa.opens(ok), true, "permitted destination");
  assertEquals(await pa.opens(`127.0.0.1:${other.port}`), false, "another port");
  assertEquals(await pa.opens(`localhost:${echo.port}`), false, "another name for it (no lookup)");
  assertEquals(await pa.listens(`0:${ok}`), false, "tcp -R with local only");
  assertEquals(await pa.opens(sock), false, "unix -L with remote only");
  const remoteSock = `${t.ws.dir}/r.sock`;
  assertEquals(await pa.listens(`${remoteSock}:${ok}`), true, "unix -R with remote");
  assertEquals(await exchangeText({ path: remoteSock }, "ping\n"), "ping\n");
  await pa.master.waitFor(/open failed: administratively prohibited/);

  // TCP remote only, on some ports; unix sockets local only.
  const [l1, l2] = [freePort(), freePort()];
  const b = await t.serve([
    "--allow-tcp-forwarding",
    "remote",
    "--permit-listen",
    `${l1} 127.0.0.1:${l2}`,
    "--allow-streamlocal-forwarding",
    "local",
  ]);
  const pb = await prober(t.defer, t.ws, b.ssh());
  assertEquals(await pb.opens(ok), false, "tcp -L with remote only");
  assertEquals(await pb.listens(`${l1}:${ok}`), true, "permitted listen port");
  assertEquals(await exchangeText(addr(l1), "ping\n"), "ping\n");
  assertEquals(await pb.listens(`127.0.0.1:${l2}:${ok}`), true, "permitted host:port");
  assertEquals(await pb.listens(`${freePort()}:${ok}`), false, "another port");
  assertEquals(await pb.listens(`0:${ok}`), false, "port 0 is not in the list");
  assertEquals(await pb.opens(sock), true, "unix -L with local");
  assertEquals(await pb.listens(`${t.ws.dir}/r2.sock:${ok}`), false, "unix -R with local only");
}, "one");

forwardScenario("authorized_keys options: the stricter of key option and server flag wins", async (t) => {
  const [echo, other, third] = [echoServer(), echoServer(), echoServer()];
  t.defer(() => [echo, other, third].forEach((s) => s.close()));
  const [p, q, r] = [echo.port, other.port, third.port].map((n) => `127.0.0.1:${n}`);
  const [l1, l2, l3] = [freePort(), freePort(), freePort()];
  const { ssh } = await t.serve([
    "--permit-open",
    `${p} ${q}`,
    "--permit-listen",
    `${l1} ${l2}`,
  ]);

  await setKeyOptions(t.ws, "no-port-forwarding");
  const none = await prober(t.defer, t.ws, ssh());
  assertEquals(await none.opens(p), false, "no-port-forwarding: -L");
  assertEquals(await none.listens(`${l1}:${p}`), false, "no-port-forwarding: -R");

  await setKeyOptions(t.ws, `permitopen="${p}",permitopen="${r}",permitlisten="${l1}",permitlisten="${l3}"`);
  const lists = await prober(t.defer, t.ws, ssh());
  assertEquals(await lists.opens(p), true, "in both lists");
  assertEquals(await lists.opens(q), false, "server allows, key does not");
  assertEquals(await lists.opens(r), false, "key allows, server does not");
  assertEquals(await lists.listens(`${l1}:${p}`), true, "listen in both lists");
  assertEquals(await lists.listens(`${l2}:${p}`), false, "listen: server allows, key does not");
  assertEquals(await lists.listens(`${l3}:${p}`), false, "listen: key allows, server does not");

  await setKeyOptions(t.ws, "restrict");
  const restricted = await prober(t.defer, t.ws, ssh());
  assertEquals(await restricted.opens(p), false, "restrict: -L");

  // Agent forwarding per key: restrict,port-forwarding and no-agent-forwarding keep -L but drop the agent.
  const agent = await startAgent(t.defer, t.ws);
  const showAgent = 'echo "SOCK=${SSH_AUTH_SOCK-unset}"';
  for (const options of ["restrict,port-forwarding", "no-agent-forwarding", ""]) {
    await setKeyOptions(t.ws, options);
    const fwdPort = freePort();
    const session = background(t.defer, "ssh", [
      "-v",
      "-A",
      "-o",
      `IdentityAgent=${agent}`,
      "-o",
      "ExitOnForwardFailure=yes",
      "-L",
      `127.0.0.1:${fwdPort}:${p}`,
      ...ssh(),
      `${showAgent}; sleep 30`,
    ]);
    const [, sock] = await session.waitFor(/SOCK=(\S+)\n/);
    await session.waitFor(localReady(fwdPort));
    assertEquals(sock === "unset", options !== "", `${options}: SSH_AUTH_SOCK=${sock}`);
    assertEquals(await exchangeText(addr(fwdPort), "ping\n"), "ping\n", `${options}: -L`);
    await session.stop();
  }
}, "one");
