/**
 * E2E: local forwarding through tsshd with the stock OpenSSH client —
 * `ssh -L` to TCP (IPv4, IPv6, a name) and unix sockets, half-close kept
 * through the forward, `ssh -D` as a SOCKS proxy for curl, and what the
 * client sees when the server cannot connect.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { freePort, run } from "./_harness.ts";
import { requireProgram } from "./_peers.ts";
import {
  echoServer,
  exchange,
  exchangeText,
  hasIpv6Loopback,
  randomBytes,
  replyAfterEofServer,
  sha256Hex,
  sinkServer,
  until,
} from "./_forward_endpoints.ts";
import { forwarder, forwardTest, localReady } from "./_forward_helpers.ts";

const ipv6 = hasIpv6Loopback();

forwardTest("-L to an echo server on 127.0.0.1, [::1] and localhost: bytes intact, many connections", async (t) => {
  const echo4 = echoServer();
  t.defer(() => echo4.close());
  const echo6 = ipv6 ? echoServer({ hostname: "::1" }) : undefined;
  if (echo6) t.defer(() => echo6.close());
  const [p4, p6, pName] = [freePort(), freePort(), freePort()];
  const specs = ["-L", `${p4}:127.0.0.1:${echo4.port}`, "-L", `127.0.0.1:${pName}:localhost:${echo4.port}`];
  if (echo6) specs.push("-L", `127.0.0.1:${p6}:[::1]:${echo6.port}`);
  await forwarder(t.defer, [...specs, ...t.ssh()], [
    localReady(p4),
    localReady(pName),
    ...(echo6 ? [localReady(p6)] : []),
  ]);

  // Eight connections at once, 256 KiB each (more than a channel window), plus one of 4 MiB.
  const payloads = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
  const backs = await Promise.all(payloads.map((p) => exchange({ hostname: "127.0.0.1", port: p4 }, p)));
  for (let i = 0; i < payloads.length; i++) {
    assertEquals(backs[i].length, payloads[i].length, `connection ${i}`);
    assertEquals(await sha256Hex(backs[i]), await sha256Hex(payloads[i]), `connection ${i}`);
  }
  const big = randomBytes(4 * 1024 * 1024);
  assertEquals(await sha256Hex(await exchange({ hostname: "127.0.0.1", port: p4 }, big)), await sha256Hex(big));
  assertEquals(echo4.accepted, 9);

  // "localhost" is resolved by tsshd; the echo listens on 127.0.0.1 only, so ::1 (if tried first) must fall back.
  assertEquals(await exchangeText({ hostname: "127.0.0.1", port: pName }, "by name\n"), "by name\n");
  if (echo6) assertEquals(await exchangeText({ hostname: "127.0.0.1", port: p6 }, "over v6\n"), "over v6\n");
});

forwardTest("-L to a server that replies only after EOF: the client's half-close reaches it", async (t) => {
  const http = replyAfterEofServer();
  t.defer(() => http.close());
  const port = freePort();
  await forwarder(t.defer, ["-L", `127.0.0.1:${port}:127.0.0.1:${http.port}`, ...t.ssh()], [localReady(port)]);
  const request = randomBytes(1024 * 1024 + 17);
  const reply = new TextDecoder().decode(await exchange({ hostname: "127.0.0.1", port }, request));
  assertEquals(reply, `got ${request.length} ${await sha256Hex(request)}\n`);
  // An empty request: EOF at once still gets its reply.
  assertEquals(await exchangeText({ hostname: "127.0.0.1", port }, ""), `got 0 ${await sha256Hex(new Uint8Array())}\n`);
});

forwardTest("-L to a sink that sends EOF first: every byte sent after it still arrives", async (t) => {
  const sink = sinkServer();
  t.defer(() => sink.close());
  const port = freePort();
  await forwarder(t.defer, ["-L", `127.0.0.1:${port}:127.0.0.1:${sink.port}`, ...t.ssh()], [localReady(port)]);
  const sizes = [1, 64 * 1024, 1024 * 1024 + 3, 3 * 1024 * 1024];
  const sent: string[] = [];
  for (const size of sizes) {
    const data = randomBytes(size);
    sent.push(`${size} ${await sha256Hex(data)}`);
    assertEquals((await exchange({ hostname: "127.0.0.1", port }, data)).length, 0);
    await until(`the sink to finish connection ${sent.length}`, () => sink.received.length === sent.length);
  }
  assertEquals(sink.received.map((r) => `${r.bytes} ${r.sha}`), sent);
});

forwardTest("-D: curl through the SOCKS proxy (names resolved by tsshd and by curl)", async (t) => {
  await requireProgram("curl", "curl");
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    return new Response(`hello ${new URL(req.url).pathname}\n`);
  });
  t.defer(() => http.shutdown());
  const port = freePort();
  await forwarder(t.defer, ["-D", `127.0.0.1:${port}`, ...t.ssh()], [localReady(port)]);
  for (
    const [flag, host] of [["--socks5-hostname", "127.0.0.1"], ["--socks5-hostname", "localhost"], [
      "--socks5",
      "localhost",
    ]]
  ) {
    const r = await run("curl", [
      "-sS",
      "--max-time",
      "10",
      flag,
      `127.0.0.1:${port}`,
      `http://${host}:${http.addr.port}/${flag}`,
    ]);
    assertEquals(r.code, 0, `${flag} ${host}: ${r.stderr}`);
    assertEquals(r.text, `hello /${flag}\n`);
  }
  // A SOCKS request for a closed port fails cleanly, and the proxy keeps serving.
  const closed = freePort();
  const bad = await run("curl", [
    "-sS",
    "--max-time",
    "10",
    "--socks5-hostname",
    `127.0.0.1:${port}`,
    `http://127.0.0.1:${closed}/`,
  ]);
  assert(bad.code !== 0, bad.text);
  const again = await run("curl", [
    "-sS",
    "--socks5-hostname",
    `127.0.0.1:${port}`,
    `http://127.0.0.1:${http.addr.port}/x`,
  ]);
  assertEquals(again.text, "hello /x\n", again.stderr);
});

forwardTest("-L unix socket to a unix socket, and a TCP port to a unix socket", async (t) => {
  const serverSock = `${t.ws.dir}/echo.sock`;
  const echo = echoServer({ path: serverSock });
  t.defer(() => echo.close());
  const localSock = `${t.ws.dir}/local.sock`;
  const port = freePort();
  await forwarder(
    t.defer,
    ["-L", `${localSock}:${serverSock}`, "-L", `127.0.0.1:${port}:${serverSock}`, ...t.ssh()],
    [localReady(port), localReady(localSock)],
  );
  const data = randomBytes(300 * 1024);
  assertEquals(await sha256Hex(await exchange({ path: localSock }, data)), await sha256Hex(data));
  assertEquals(await exchangeText({ hostname: "127.0.0.1", port }, "tcp to unix\n"), "tcp to unix\n");
  assertEquals(echo.accepted, 2);
});

forwardTest("-L to an unresolvable host, a closed port and a missing socket: the connection closes", async (t) => {
  const [pName, pClosed, pSock, closed] = [freePort(), freePort(), freePort(), freePort()];
  const fwd = await forwarder(t.defer, [
    "-L",
    `127.0.0.1:${pName}:no-such-host.invalid:80`,
    "-L",
    `127.0.0.1:${pClosed}:127.0.0.1:${closed}`,
    "-L",
    `127.0.0.1:${pSock}:${t.ws.dir}/missing.sock`,
    ...t.ssh(),
  ], [localReady(pName), localReady(pClosed), localReady(pSock)]);
  for (const port of [pName, pClosed, pSock]) {
    // Nothing sent (unread data would make ssh's close a reset): the connection just ends.
    assertEquals(await exchangeText({ hostname: "127.0.0.1", port }, ""), "", `port ${port}`);
  }
  await until("three open failures", () => (fwd.output().match(/open failed: connect failed/g) ?? []).length >= 3);
  const log = fwd.output();
  assert(/open failed: connect failed: Name or service not known/.test(log), log);
  assert(/open failed: connect failed: Connection refused/.test(log), log);
  // The forward keeps working after failures.
  assert(!fwd.exited(), log);
});
