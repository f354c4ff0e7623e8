/**
 * The Bun runtime (`src/runtime/bun.ts`), checked under Bun by
 * `tests/fixtures/runtime_bun_check.ts`: TCP listen and piped spawn (the
 * shared checks of `runtime_checks.ts`) and the Bun PTY.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/runtime_bun_test.ts`
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { PTY_CHECKS, TCP_AND_PIPE_CHECKS } from "../fixtures/runtime_checks.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("bun runtime: every check passes under Bun", async (t) => {
  const child = new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["tests/fixtures/runtime_bun_check.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
  const out = await child.output();
  clearTimeout(timer);
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const names = [...TCP_AND_PIPE_CHECKS, ...PTY_CHECKS].map((c) => c.name).concat("detectRuntime picks Bun");
  for (const name of names) {
    await t.step(name, () => {
      const line = stdout.split("\n").find((l) => l === `ok ${name}` || l.startsWith(`not ok ${name}:`));
      assert(line !== undefined, `check "${name}" did not run under Bun\n${stdout}\n${stderr}`);
      assertEquals(line, `ok ${name}`, stdout.slice(stdout.indexOf(line)));
    });
  }
  assert(stdout.includes(`summary: ${names.length}/${names.length}`), `${stdout}\n${stderr}`);
  assertEquals(out.code, 0, stderr);
});
