/**
 * aes128-gcm@openssh.com / aes256-gcm@openssh.com (`src/ssh/crypto/aes_gcm.ts`):
 * packets cross-checked against WebCrypto AES-GCM with the IV each packet
 * must use (fixed ‖ counter, incremented with carry), tampering and ordering.
 */
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { GCM_CHECKS } from "../fixtures/cipher_checks.ts";

const provider = createCryptoProvider();

for (const check of GCM_CHECKS) {
  Deno.test(check.name, () => check.run(provider));
}
