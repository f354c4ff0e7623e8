/**
 * Runs the runtime-dependent KEX checks under Bun (`_kex_bun_checks.ts`):
 * Bun's node:crypto ECDH (BoringSSL), the bigint DH arithmetic under
 * JavaScriptCore, and a full exchange of every method through `serve()`.
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { KEX_BUN_CHECKS } from "./_kex_bun_checks.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("KEX checks pass under Bun", async () => {
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["tests/unit/_kex_bun_checks.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const failures = stdout.split("\n").filter((l) => l.startsWith("not ok"));
  assertEquals(failures, [], `failed under Bun:\n${failures.join("\n")}\n${stderr}`);
  assertEquals(out.code, 0, `bun exited ${out.code}\n${stdout}\n${stderr}`);
  assert(stdout.includes(`summary: ${KEX_BUN_CHECKS.length}/${KEX_BUN_CHECKS.length}`), stdout);
});
