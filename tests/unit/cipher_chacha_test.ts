/**
 * chacha20-poly1305@openssh.com (`src/ssh/crypto/chacha20_poly1305.ts`):
 * OpenSSL-computed packets, a cross-check against the construction composed
 * from @noble/ciphers primitives, round trips, tampering, wrong sequence
 * numbers and tag-before-decrypt. Run with the WebAssembly (default, whole
 * packet per call), noble and, where this runtime has it, native ChaCha20.
 */
import { createCryptoProvider, hasNativeChaCha20 } from "../../src/runtime/crypto.ts";
import { CHACHA_CHECKS } from "../fixtures/cipher_checks.ts";

const providers = [createCryptoProvider(), createCryptoProvider({ chacha20: "noble", poly1305: "noble" })];
if (hasNativeChaCha20()) providers.push(createCryptoProvider({ chacha20: "native" }));

for (const provider of providers) {
  for (const check of CHACHA_CHECKS) {
    Deno.test(`${check.name} [${provider.name}]`, () => check.run(provider));
  }
}
