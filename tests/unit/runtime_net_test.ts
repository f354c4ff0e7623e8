/**
 * Outgoing TCP and unix-domain sockets of the runtimes: the checks of
 * `tests/fixtures/runtime_net_check.ts` run here against the Deno runtime,
 * and once more under Bun (the fixture as Bun's entry point), plus the error
 * mapping of `connect_common.ts`.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/runtime_net_test.ts`
 * (set `TSSHD_NET_VERBOSE=1` to print how much each back-pressure check let through).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createDenoRuntime } from "../../src/runtime/deno.ts";
import { connectWithTimeout, toConnectError } from "../../src/runtime/connect_common.ts";
import { ConnectError } from "../../src/runtime/types.ts";
import { NET_CHECKS } from "../fixtures/runtime_net_check.ts";

const root = new URL("../../", import.meta.url).pathname;

/**
 * A port on 127.0.0.1 whose accept queue is full: a listener that never
 * accepts, connected to until a handshake goes unanswered (Linux drops SYNs
 * to a full queue; Deno's backlog of 511 lets 512 through).
 */
async function openBlackhole(): Promise<{ port: number; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.TcpConn[] = [];
  const close = () => {
    for (const conn of conns) conn.close();
    listener.close();
  };
  for (let i = 0; i < 8192; i++) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 250);
    try {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port, signal: abort.signal }));
    } catch (error) {
      if (!abort.signal.aborted) {
        close();
        throw error;
      }
      return { port: listener.addr.port, close };
    } finally {
      clearTimeout(timer);
    }
  }
  close();
  throw new Error("the accept queue never filled up");
}

const rt = createDenoRuntime();

for (const check of NET_CHECKS) {
  Deno.test(`deno net: ${check.name}`, async () => {
    const blackhole = check.needsBlackhole ? await openBlackhole() : undefined;
    try {
      const skipped = await check.run(rt, { blackholePort: blackhole?.port });
      if (skipped) console.log(`skipped: ${skipped}`);
    } finally {
      blackhole?.close();
    }
  });
}

Deno.test("bun net: every check passes under Bun", async (t) => {
  const blackhole = await openBlackhole();
  try {
    const child = new Deno.Command(`${root}node_modules/.bin/bun`, {
      args: ["tests/fixtures/runtime_net_check.ts"],
      cwd: root,
      env: { TSSHD_BLACKHOLE_PORT: String(blackhole.port) },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    const out = await child.output();
    clearTimeout(timer);
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    for (const { name } of NET_CHECKS) {
      await t.step(name, () => {
        const line = stdout.split("\n").find((l) =>
          l === `ok ${name}` || l.startsWith(`ok ${name} # skip `) || l.startsWith(`not ok ${name}:`)
        );
        assert(line !== undefined, `check "${name}" did not run under Bun\n${stdout}\n${stderr}`);
        assert(line.startsWith(`ok ${name}`), stdout.slice(stdout.indexOf(line)));
      });
    }
    assert(stdout.includes(`summary: ${NET_CHECKS.length}/${NET_CHECKS.length}`), `${stdout}\n${stderr}`);
    assertEquals(out.code, 0, stderr);
  } finally {
    blackhole.close();
  }
});

/** A Node-style system error with `code`. */
function sysError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

Deno.test("toConnectError maps runtime errors to ConnectError codes and names the target", () => {
  const cases: [unknown, ConnectError["code"]][] = [
    [sysError("ECONNREFUSED"), "ECONNREFUSED"],
    [sysError("ENOTFOUND", "getaddrinfo ENOTFOUND x.invalid"), "ENOTFOUND"], // Bun
    [sysError("EAI_AGAIN"), "ENOTFOUND"],
    [new Error("failed to lookup address information: Name or service not known"), "ENOTFOUND"], // Deno, no code
    [sysError("ETIMEDOUT"), "ETIMEDOUT"],
    [new DOMException("The signal has been aborted", "TimeoutError"), "ETIMEDOUT"],
    [sysError("EHOSTUNREACH"), "EHOSTUNREACH"],
    [sysError("ENETUNREACH"), "ENETUNREACH"],
    [sysError("ENOENT"), "ENOENT"],
    [sysError("EACCES"), "EACCES"],
    [sysError("EPERM"), "EACCES"],
    [sysError("ECONNRESET"), "OTHER"],
    ["a string", "OTHER"],
  ];
  for (const [error, code] of cases) {
    const mapped = toConnectError(error, "example.org:22");
    assert(mapped instanceof ConnectError);
    assertEquals(mapped.code, code, String(error));
    assert(mapped.message.startsWith("cannot connect to example.org:22: "), mapped.message);
    assertEquals(mapped.cause, error);
  }
  const already = new ConnectError("x", "ETIMEDOUT");
  assert(toConnectError(already, "t") === already);
});

Deno.test("connectWithTimeout: aborts at the deadline and discards a late connection", async () => {
  const late = Promise.withResolvers<string>();
  let signal: AbortSignal | undefined;
  const discarded: string[] = [];
  const started = performance.now();
  let error: unknown;
  try {
    await connectWithTimeout(
      (s) => {
        signal = s;
        return late.promise;
      },
      50,
      "h:1",
      (conn) => discarded.push(conn),
    );
  } catch (e) {
    error = e;
  }
  assert(error instanceof ConnectError && error.code === "ETIMEDOUT", String(error));
  assert(error.message.includes("h:1") && error.message.includes("50 ms"), error.message);
  assert(performance.now() - started >= 45, "gave up too early");
  assert(signal?.aborted, "the signal was not aborted at the deadline");
  late.resolve("conn");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(discarded, ["conn"]);

  assertEquals(await connectWithTimeout(() => Promise.resolve("ok"), 50, "h:1", () => {}), "ok");
  const slow = connectWithTimeout(
    () => new Promise((resolve) => setTimeout(() => resolve("slow"), 30)),
    Infinity,
    "h:1",
    () => {},
  );
  assertEquals(await slow, "slow", "Infinity must not time out at once");
  let thrown: unknown;
  try {
    await connectWithTimeout(
      () => {
        throw Object.assign(new Error("sync"), { code: "ENOENT" });
      },
      50,
      "/p",
      () => {},
    );
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof ConnectError && thrown.code === "ENOENT", String(thrown));
});
