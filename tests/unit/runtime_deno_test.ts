/**
 * The Deno runtime (`src/runtime/deno.ts`): TCP listen and piped spawn run
 * the shared checks of `tests/fixtures/runtime_checks.ts`; the raw TCP client
 * is `Deno.connect`, so a client that does not read leaves the bytes in the
 * kernel. The PTY checks run once more through `Runtime.spawnPty` to check
 * the wiring; the Deno PTY itself has its own tests.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/runtime_deno_test.ts`
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createDenoRuntime } from "../../src/runtime/deno.ts";
import { detectRuntime } from "../../src/runtime/mod.ts";
import { ptyIdle } from "../../src/runtime/deno_pty.ts";
import { type Connect, PTY_CHECKS, TCP_AND_PIPE_CHECKS, type TestClient } from "../fixtures/runtime_checks.ts";

/** A pull-style client over `Deno.connect`. */
const connectDeno: Connect = async (port) => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buffer = new Uint8Array(64 * 1024);
  let closed = false;
  const client: TestClient = {
    async read() {
      if (closed) return null;
      try {
        const n = await conn.read(buffer);
        return n === null ? null : buffer.slice(0, n);
      } catch (error) {
        if (closed) return null;
        throw error;
      }
    },
    async write(data) {
      for (let off = 0; off < data.length;) off += await conn.write(data.subarray(off));
    },
    closeWrite: () => conn.closeWrite(),
    close() {
      if (closed) return;
      closed = true;
      conn.close();
    },
  };
  return client;
};

const rt = createDenoRuntime();

for (const check of TCP_AND_PIPE_CHECKS) {
  Deno.test(`deno runtime: ${check.name}`, () => check.run(rt, connectDeno));
}

for (const check of PTY_CHECKS) {
  Deno.test(`deno runtime: ${check.name}`, async () => {
    await check.run(rt, connectDeno);
    await ptyIdle();
  });
}

Deno.test("deno runtime: detectRuntime picks Deno", async () => {
  const detected = await detectRuntime();
  assertEquals(detected.name, "deno");
  assertEquals(detected.args(), Deno.args);
  assertEquals(detected.env("PATH"), Deno.env.get("PATH"));
  assertEquals(detected.env("TSSHD_SURELY_UNSET_VARIABLE"), undefined);
});

Deno.test("deno runtime: spawn with a missing cwd throws SpawnError ENOENT naming the cwd", () => {
  let error: unknown;
  try {
    rt.spawn({ file: "/bin/true", args: [], env: {}, cwd: "/nonexistent-tsshd-dir" });
  } catch (e) {
    error = e;
  }
  assert(error instanceof Error && error.name === "SpawnError", String(error));
  assert(error.message.includes("/nonexistent-tsshd-dir"), error.message);
});

Deno.test("deno runtime: unknown signal names are rejected", async () => {
  const child = rt.spawn({ file: "sleep", args: ["100"], env: { PATH: "/usr/bin:/bin" }, cwd: "/" });
  let error: unknown;
  try {
    child.kill("NOT_A_SIGNAL");
  } catch (e) {
    error = e;
  }
  child.kill("KILL");
  assertEquals((await child.exited).signal, "KILL");
  assert(error instanceof TypeError, String(error));
  for (let c = await child.read(); c; c = await child.read());
  for (let c = await child.readErr!(); c; c = await child.readErr!());
});
