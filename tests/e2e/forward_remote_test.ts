/**
 * E2E: remote forwarding through tsshd with the stock OpenSSH client —
 * `ssh -R` on a fixed port, on port 0 (allocated), with a bind address,
 * under each `--gateway-ports`, to unix socket paths (mode, clean-up,
 * `--streamlocal-bind-unlink`), a port already in use, and `ssh -O
 * forward/cancel` over a ControlMaster.
 *
 * The gateway-ports, unix-socket-replacement and mux scenarios run on one
 * flavor only (see `oneFlavor()` in _forward_helpers.ts): they test the
 * default ops' policy, which is the same code on every runtime, and each
 * needs servers of its own.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freePort, run } from "./_harness.ts";
import {
  canConnect,
  echoServer,
  exchange,
  exchangeText,
  exists,
  hasIpv6Loopback,
  listeningAddresses,
  nonLoopbackV4,
  randomBytes,
  sha256Hex,
  socketMode,
  until,
} from "./_forward_endpoints.ts";
import { controlMaster, forwarder, forwardScenario, forwardTest, remoteReady } from "./_forward_helpers.ts";

const ipv6 = hasIpv6Loopback();

forwardTest("-R on a fixed port, on port 0 (allocated) and with a bind address: bytes intact both ways", async (t) => {
  const echo = echoServer();
  t.defer(() => echo.close());
  const [fixed, bound] = [freePort(), freePort()];
  const fwd = await forwarder(t.defer, [
    "-R",
    `${fixed}:127.0.0.1:${echo.port}`,
    "-R",
    `0:127.0.0.1:${echo.port}`,
    "-R",
    `127.0.0.1:${bound}:127.0.0.1:${echo.port}`,
    ...t.ssh(),
  ], [remoteReady(fixed), remoteReady(`127.0.0.1:${bound}`)]);
  const m = await fwd.waitFor(new RegExp(`Allocated port (\\d+) for remote forward to 127\\.0\\.0\\.1:${echo.port}`));
  const allocated = Number(m[1]);
  assert(allocated > 0 && allocated !== fixed && allocated !== bound, `allocated ${allocated}`);

  const payloads = Array.from({ length: 4 }, () => randomBytes(200 * 1024));
  const targets = [fixed, allocated, bound, fixed];
  const backs = await Promise.all(payloads.map((p, i) => exchange({ hostname: "127.0.0.1", port: targets[i] }, p)));
  for (let i = 0; i < payloads.length; i++) {
    assertEquals(await sha256Hex(backs[i]), await sha256Hex(payloads[i]), `connection ${i} to ${targets[i]}`);
  }
  assertEquals(echo.accepted, 4);
  // No bind address (and the default --gateway-ports no): loopback only, both families.
  assertEquals(listeningAddresses(fixed), ipv6 ? ["127.0.0.1", "::1"] : ["127.0.0.1"]);
  if (ipv6) {
    assertEquals(await exchangeText({ hostname: "::1", port: fixed }, "v6 in\n"), "v6 in\n");
  }
  // An explicit 127.0.0.1 binds only that.
  assertEquals(listeningAddresses(bound), ["127.0.0.1"]);
  // tsshd names the listener as requested and the real originator in each forwarded-tcpip open.
  const opens = fwd.output();
  assert(new RegExp(`listen localhost port ${fixed}, originator 127\\.0\\.0\\.1 port \\d+`).test(opens), opens);
  assert(new RegExp(`listen 127\\.0\\.0\\.1 port ${bound}, originator 127\\.0\\.0\\.1 port \\d+`).test(opens), opens);
});

forwardScenario("--gateway-ports: no keeps -R 0.0.0.0 on loopback; clientspecified and yes bind wider", async (t) => {
  const echo = echoServer({ hostname: "0.0.0.0" });
  t.defer(() => echo.close());
  const outside = nonLoopbackV4();
  const cases: Array<[string, string, string[]]> = [
    ["no", "0.0.0.0", ipv6 ? ["127.0.0.1", "::1"] : ["127.0.0.1"]],
    ["clientspecified", "0.0.0.0", ["0.0.0.0"]],
    ["clientspecified", "localhost", ipv6 ? ["127.0.0.1", "::1"] : ["127.0.0.1"]],
    // "::" is dual-stack on Linux, so the "0.0.0.0" bind after it may fail and be skipped, as in sshd.
    ["yes", "127.0.0.1", ipv6 ? ["::"] : ["0.0.0.0"]],
  ];
  for (const [mode, bind, expected] of cases) {
    const { ssh } = await t.serve(["--gateway-ports", mode]);
    const port = freePort();
    const fwd = await forwarder(
      t.defer,
      ["-R", `${bind}:${port}:127.0.0.1:${echo.port}`, ...ssh()],
      [remoteReady(`${bind}:${port}`)],
    );
    const where = `--gateway-ports ${mode}, -R ${bind}:${port}`;
    const addresses = listeningAddresses(port).filter((a) => !(mode === "yes" && a === "0.0.0.0"));
    assertEquals(addresses, expected, where);
    assertEquals(await exchangeText({ hostname: "127.0.0.1", port }, "lo\n"), "lo\n", where);
    if (outside) {
      const wide = !expected.every((a) => a === "127.0.0.1" || a === "::1");
      assertEquals(await canConnect(outside, port), wide, `${where}: reachable on ${outside}?`);
    }
    await fwd.stop();
    await until(`${where} to close`, () => listeningAddresses(port).length === 0);
  }
}, "one");

forwardTest("-R from a unix socket path: mode 0600, bytes intact, removed when the client goes", async (t) => {
  const echo = echoServer();
  t.defer(() => echo.close());
  const path = `${t.ws.dir}/remote.sock`;
  const fwd = await forwarder(t.defer, ["-R", `${path}:127.0.0.1:${echo.port}`, ...t.ssh()], [remoteReady(path)]);
  assertEquals(socketMode(path), { mode: 0o600, socket: true });
  const data = randomBytes(300 * 1024);
  assertEquals(await sha256Hex(await exchange({ path }, data)), await sha256Hex(data));
  assertEquals(await exchangeText({ path }, "again\n"), "again\n");
  await fwd.stop();
  await until(`${path} to be removed`, () => !exists(path));
});

forwardScenario(
  "--streamlocal-bind-unlink: a stale socket file blocks -R path unless yes; never a regular file",
  async (t) => {
    const echo = echoServer();
    t.defer(() => echo.close());
    const stale = `${t.ws.dir}/stale.sock`;
    const staleSocket = async () => {
      // A socket file nobody listens on, as a crashed server leaves it.
      const py = "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])";
      assertEquals((await run("python3", ["-c", py, stale])).code, 0);
      assert(socketMode(stale).socket);
    };
    await staleSocket();
    const plain = await t.serve();
    const refused = await run("ssh", [
      "-o",
      "ExitOnForwardFailure=yes",
      "-R",
      `${stale}:127.0.0.1:${echo.port}`,
      ...plain.ssh(),
      "sleep 5",
    ]);
    assertEquals(refused.code, 255, refused.stderr);
    assert(refused.stderr.includes(`remote port forwarding failed for listen path ${stale}`), refused.stderr);
    assert(socketMode(stale).socket, "default: the stale socket is left alone");

    const unlinking = await t.serve(["--streamlocal-bind-unlink", "yes"]);
    const fwd = await forwarder(t.defer, ["-R", `${stale}:127.0.0.1:${echo.port}`, ...unlinking.ssh()], [
      remoteReady(stale),
    ]);
    assertEquals(await exchangeText({ path: stale }, "replaced\n"), "replaced\n");
    await fwd.stop();
    await until("the socket to be removed", () => !exists(stale));

    const file = `${t.ws.dir}/regular.file`;
    await Deno.writeTextFile(file, "keep me\n");
    const onFile = await run("ssh", [
      "-o",
      "ExitOnForwardFailure=yes",
      "-R",
      `${file}:127.0.0.1:${echo.port}`,
      ...unlinking.ssh(),
      "sleep 5",
    ]);
    assertEquals(onFile.code, 255, onFile.stderr);
    assertEquals(await Deno.readTextFile(file), "keep me\n");
  },
  "one",
);

forwardTest(
  "-R on a port in use: ssh with ExitOnForwardFailure exits 255 'remote port forwarding failed'",
  async (t) => {
    const v4 = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    t.defer(() => v4.close());
    const port = v4.addr.port;
    if (ipv6) {
      const v6 = Deno.listen({ hostname: "::1", port });
      t.defer(() => v6.close());
    }
    for (const spec of [`127.0.0.1:${port}:127.0.0.1:9`, `${port}:127.0.0.1:9`]) {
      const r = await run("ssh", ["-o", "ExitOnForwardFailure=yes", "-R", spec, ...t.ssh(), "sleep 5"]);
      assertEquals(r.code, 255, `${spec}: ${r.stderr}`);
      assert(r.stderr.includes(`remote port forwarding failed for listen port ${port}`), r.stderr);
    }
  },
);

forwardScenario("ssh -O forward/cancel over a ControlMaster; -O cancel of a forward never made fails", async (t) => {
  const echo = echoServer();
  t.defer(() => echo.close());
  const { ssh } = await t.serve();
  const mux = (await controlMaster(t.defer, t.ws, ssh())).args;
  const port = freePort();
  const path = `${t.ws.dir}/mux.sock`;
  const fwd = await run("ssh", [...mux, "-O", "forward", "-R", `${port}:127.0.0.1:${echo.port}`, ...ssh()]);
  assertEquals(fwd.code, 0, fwd.stderr);
  const any = await run("ssh", [...mux, "-O", "forward", "-R", `0:127.0.0.1:${echo.port}`, ...ssh()]);
  assertEquals(any.code, 0, any.stderr);
  const allocated = Number(any.text.trim()); // the mux client prints the allocated port on stdout
  assert(allocated > 0, any.text);
  const unix = await run("ssh", [...mux, "-O", "forward", "-R", `${path}:127.0.0.1:${echo.port}`, ...ssh()]);
  assertEquals(unix.code, 0, unix.stderr);
  for (const addr of [{ hostname: "127.0.0.1", port }, { hostname: "127.0.0.1", port: allocated }, { path }]) {
    assertEquals(await exchangeText(addr, "via mux\n"), "via mux\n", JSON.stringify(addr));
  }

  for (const spec of [`${port}:127.0.0.1:${echo.port}`, `${path}:127.0.0.1:${echo.port}`]) {
    const c = await run("ssh", [...mux, "-O", "cancel", "-R", spec, ...ssh()]);
    assertEquals(c.code, 0, `${spec}: ${c.stderr}`);
  }
  await until("the cancelled port to close", async () => !(await canConnect("127.0.0.1", port)));
  await until("the cancelled socket to be removed", () => !exists(path));
  assertEquals(await exchangeText({ hostname: "127.0.0.1", port: allocated }, "still\n"), "still\n");

  // The master answers this itself (tsshd never hears of it); OpenSSH 9.2's mux client still exits 0.
  const never = await run("ssh", [...mux, "-O", "cancel", "-R", `${freePort()}:127.0.0.1:9`, ...ssh()]);
  assert(never.stderr.includes("port not forwarded"), never.stderr);
  // The master (and its connection) survive all this.
  assertEquals((await run("ssh", [...mux, ...ssh(), "echo alive"])).text, "alive\n");
}, "one");
