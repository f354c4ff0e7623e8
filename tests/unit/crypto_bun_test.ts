/**
 * Runs the same crypto vectors under Bun (`tests/fixtures/crypto_bun_check.ts`):
 * Bun's node:crypto has no ChaCha20, so this is where the WebAssembly ChaCha20 and
 * Bun's native AES-GCM/X25519/Ed25519/ECDSA/RSA are checked.
 */
import { ok, strictEqual } from "node:assert";
import { fileURLToPath } from "node:url";
import { ALL_CHECKS } from "../fixtures/crypto_bun_check.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("crypto vectors pass under Bun (WebAssembly ChaCha20/Poly1305)", async () => {
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["tests/fixtures/crypto_bun_check.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const failures = stdout.split("\n").filter((l) => l.startsWith("not ok"));
  strictEqual(failures.length, 0, `failed under Bun:\n${failures.join("\n")}\n${stderr}`);
  strictEqual(out.code, 0, `bun exited ${out.code}\n${stdout}\n${stderr}`);
  ok(stdout.includes(`summary: ${ALL_CHECKS.length}/${ALL_CHECKS.length}`), stdout);
  ok(
    stdout.includes("provider: node:crypto+wasm-chacha20+wasm-poly1305"),
    "Bun should use the WebAssembly ChaCha20/Poly1305",
  );
});
