/**
 * Known-answer tests for the runtime crypto provider (`src/runtime/crypto.ts`),
 * with the WebAssembly (default), noble and, where this runtime has it, native ChaCha20.
 * The vectors and checks live in `tests/fixtures/` so Bun runs the same ones
 * (`crypto_bun_test.ts`).
 */
import { strictEqual } from "node:assert";
import { createCryptoProvider, hasNativeChaCha20 } from "../../src/runtime/crypto.ts";
import { PROVIDER_CHECKS } from "../fixtures/provider_checks.ts";

const providers = [createCryptoProvider(), createCryptoProvider({ chacha20: "noble", poly1305: "noble" })];
if (hasNativeChaCha20()) providers.push(createCryptoProvider({ chacha20: "native" }));

for (const provider of providers) {
  for (const check of PROVIDER_CHECKS) {
    Deno.test(`${check.name} [${provider.name}]`, () => check.run(provider));
  }
}

Deno.test("Deno's node:crypto has a raw chacha20 matching noble's; the WebAssembly ChaCha20/Poly1305 are the default", () => {
  strictEqual(hasNativeChaCha20(), true);
  strictEqual(createCryptoProvider().name, "node:crypto+wasm-chacha20+wasm-poly1305");
  strictEqual(createCryptoProvider({ chacha20: "native" }).name, "node:crypto+wasm-poly1305");
  strictEqual(createCryptoProvider({ chacha20: "noble" }).name, "node:crypto+noble-chacha20+wasm-poly1305");
});
