/**
 * Known-answer tests for the runtime crypto provider (`src/runtime/crypto.ts`),
 * with both ChaCha20 backends where this runtime has the native one.
 * The vectors and checks live in `tests/fixtures/` so Bun runs the same ones
 * (`crypto_bun_test.ts`).
 */
import { strictEqual } from "node:assert";
import { createCryptoProvider, hasNativeChaCha20 } from "../../src/runtime/crypto.ts";
import { PROVIDER_CHECKS } from "../fixtures/provider_checks.ts";

const providers = [createCryptoProvider()];
if (hasNativeChaCha20()) providers.push(createCryptoProvider({ chacha20: "noble" }));

for (const provider of providers) {
  for (const check of PROVIDER_CHECKS) {
    Deno.test(`${check.name} [${provider.name}]`, () => check.run(provider));
  }
}

Deno.test("Deno's node:crypto has a raw chacha20 matching noble's chacha20orig, and it is chosen by default", () => {
  strictEqual(hasNativeChaCha20(), true);
  strictEqual(createCryptoProvider().name, "node:crypto");
  strictEqual(createCryptoProvider({ chacha20: "noble" }).name, "node:crypto+noble-chacha20");
});
