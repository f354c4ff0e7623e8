/**
 * The tree stays formatted and lint-clean (deno fmt / deno lint with the
 * settings in deno.json), so CI catches what a developer forgot.
 */
import { assert } from "../_helpers/assert.ts";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const deno = join(root, "node_modules", ".bin", "deno");

for (const [name, args] of [["fmt --check", ["fmt", "--check"]], ["lint", ["lint"]]] as const) {
  Deno.test(`style: deno ${name} is clean`, () => {
    const out = new Deno.Command(deno, { args: [...args], cwd: root, stdout: "piped", stderr: "piped" }).outputSync();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert(out.success, `deno ${name} failed:\n${text.slice(0, 4000)}`);
  });
}
