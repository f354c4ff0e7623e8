/**
 * The KEX checks that depend on the runtime (node:crypto ECDH, bigint speed,
 * noble under JavaScriptCore), for `bun tests/unit/_kex_bun_checks.ts`: one
 * `ok - <name>` / `not ok - <name>: <error>` line per check, then
 * `summary: <passed>/<total>`; exits non-zero if any failed. Driven by
 * `kex_bun_test.ts`.
 *
 * @module
 */
import process from "node:process";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { kexMethod } from "../../src/ssh/crypto/kex/registry.ts";
import { MODP_2048, MODP_4096, MODP_8192 } from "../../src/ssh/crypto/kex/dh_groups.ts";
import { modPow } from "../../src/ssh/crypto/kex/bigint.ts";
import type { NistCurve } from "../../src/ssh/crypto/provider.ts";
import {
  type ClientOutcome,
  type ClientPeer,
  ecdhClient,
  ffdhClient,
  gexClient,
  hex,
  mlkemClient,
  powMod,
  runExchange,
  unhex,
} from "./_kex_client.ts";
import { RFC5903 } from "./_kex_vectors.ts";

const crypto = createCryptoProvider();

function check(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

const exchanges: [string, (peer: ClientPeer) => Promise<ClientOutcome>][] = [
  ["mlkem768x25519-sha256", mlkemClient()],
  ["ecdh-sha2-nistp256", ecdhClient("P-256")],
  ["ecdh-sha2-nistp384", ecdhClient("P-384")],
  ["ecdh-sha2-nistp521", ecdhClient("P-521")],
  ["diffie-hellman-group14-sha256", ffdhClient(MODP_2048.p, 2n, "sha256")],
  ["diffie-hellman-group16-sha512", ffdhClient(MODP_4096.p, 2n, "sha512")],
  ["diffie-hellman-group18-sha512", ffdhClient(MODP_8192.p, 2n, "sha512")],
  ["diffie-hellman-group-exchange-sha256", gexClient({ min: 2048, n: 3072, max: 8192 })],
  ["diffie-hellman-group-exchange-sha256", gexClient({ min: 0, n: 2048, max: 0, old: true })],
];

/** Every check this runner executes, in order. */
export const KEX_BUN_CHECKS: { name: string; run(): void | Promise<void> }[] = [
  ...(["P-256", "P-384", "P-521"] as NistCurve[]).map((curve) => ({
    name: `ECDH ${curve}: RFC 5903 vectors, and an off-curve point refused`,
    run() {
      const v = RFC5903[curve];
      const gi = unhex("04" + v.gix + v.giy);
      const gr = unhex("04" + v.grx + v.gry);
      check(hex(crypto.ecdh(curve, unhex(v.i), gr)) === v.girx.toLowerCase(), "i·g^r");
      check(hex(crypto.ecdh(curve, unhex(v.r), gi)) === v.girx.toLowerCase(), "r·g^i");
      const pair = crypto.ecdhGenerate(curve);
      check(
        hex(crypto.ecdh(curve, unhex(v.r), pair.publicKey)) === hex(crypto.ecdh(curve, pair.privateKey, gr)),
        "pair",
      );
      const bad = gr.slice();
      bad[bad.length - 1] ^= 1;
      let refused = false;
      try {
        crypto.ecdh(curve, pair.privateKey, bad);
      } catch {
        refused = true;
      }
      check(refused, "off-curve point accepted");
    },
  })),
  {
    name: "bigint modPow agrees with square-and-multiply",
    run() {
      const e = 0xfedc_ba98_7654_3210_0123_4567_89ab_cdefn;
      check(modPow(3n, e, MODP_4096.p) === powMod(3n, e, MODP_4096.p), "modPow");
    },
  },
  ...exchanges.map(([name, client], i) => ({
    name: `${name} #${i}: full exchange through serve()`,
    async run() {
      const { server, client: c } = await runExchange(kexMethod(name)!, crypto, client);
      check(hex(server.sharedSecret) === hex(c.k), "K differs");
      check(hex(server.exchangeHash) === hex(c.h), "H differs");
      check(c.signatureOk, "signature over H does not verify");
    },
  })),
];

async function main(): Promise<number> {
  let passed = 0;
  for (const c of KEX_BUN_CHECKS) {
    try {
      await c.run();
      passed++;
      console.log(`ok - ${c.name}`);
    } catch (e) {
      console.log(`not ok - ${c.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
  console.log(`summary: ${passed}/${KEX_BUN_CHECKS.length}`);
  return passed === KEX_BUN_CHECKS.length ? 0 : 1;
}

if (import.meta.main) process.exitCode = await main();
