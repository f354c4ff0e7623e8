/**
 * aes128/192/256-ctr with the HMAC MACs (`src/ssh/crypto/aes_ctr.ts`, `macs.ts`,
 * `cipher_with_mac.ts`): NIST/RFC vectors, openssl-computed packets, packets
 * composed from node:crypto, round trips through the packet codec, tampering.
 * The same checks run under Bun (its node:crypto is a different AES/HMAC backend).
 * Also the `--ciphers` / `--macs` flags and the configured defaults.
 */
import { ok, strictEqual } from "node:assert";
import { fileURLToPath } from "node:url";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { CTR_MAC_CHECKS } from "../fixtures/cipher_ctr_mac_checks.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { algorithmList, parseCli, UsageError } from "../../src/cli_args.ts";
import { DEFAULT_CIPHERS } from "../../src/ssh/crypto/ciphers.ts";
import { DEFAULT_MACS } from "../../src/ssh/crypto/macs.ts";
import { resolveConfig } from "../../src/ssh/config.ts";
import type { ServerOps } from "../../src/ssh/ops.ts";

const provider = createCryptoProvider();

for (const check of CTR_MAC_CHECKS) {
  Deno.test(check.name, () => check.run(provider));
}

const root = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("aes-ctr + MAC checks pass under Bun", async () => {
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["tests/fixtures/cipher_ctr_mac_checks.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const failures = stdout.split("\n").filter((l) => l.startsWith("not ok"));
  strictEqual(failures.length, 0, `failed under Bun:\n${failures.join("\n")}\n${stderr}`);
  strictEqual(out.code, 0, `bun exited ${out.code}\n${stdout}\n${stderr}`);
  ok(stdout.includes(`summary: ${CTR_MAC_CHECKS.length}/${CTR_MAC_CHECKS.length}`), stdout);
});

Deno.test("cli: --ciphers and --macs replace or ('+') extend the defaults; bad names are usage errors", () => {
  const s = parseCli(
    ["--macs", "+hmac-sha1-etm@openssh.com,hmac-sha2-256", "--ciphers", "aes256-ctr,aes128-ctr"],
    "/h",
  );
  assertEquals(s.macs, [...DEFAULT_MACS, "hmac-sha1-etm@openssh.com"]);
  assertEquals(s.ciphers, ["aes256-ctr", "aes128-ctr"]);
  assertEquals(parseCli([], "/h").macs, undefined, "no flag: the engine's default");
  assertEquals(parseCli(["--macs", "hmac-sha1"], "/h").macs, ["hmac-sha1"]);
  assertEquals(parseCli(["--ciphers", "+aes128-ctr"], "/h").ciphers, [...DEFAULT_CIPHERS]);
  assertThrows(() => parseCli(["--macs", "hmac-md5"], "/h"), UsageError, "--macs: unknown name 'hmac-md5'");
  assertThrows(() => parseCli(["--ciphers", "aes128-ctr,"], "/h"), UsageError, "--ciphers: empty name");
  assertThrows(() => parseCli(["--ciphers", "aes128-ctr,aes128-ctr"], "/h"), UsageError, "listed twice");
  assertEquals(algorithmList("x", "b", ["a"], new Map([["a", 1], ["b", 2]])), ["b"]);
});

Deno.test("config: the default MACs are DEFAULT_MACS, ciphers DEFAULT_CIPHERS", () => {
  const c = resolveConfig({ hostKeys: [], ops: {} as ServerOps, crypto: provider });
  assertEquals(c.macs, DEFAULT_MACS);
  assertEquals(c.ciphers, DEFAULT_CIPHERS);
});
