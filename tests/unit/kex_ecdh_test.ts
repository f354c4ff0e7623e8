/**
 * ecdh-sha2-nistp256/384/521 (RFC 5656): the provider's ECDH against the
 * RFC 5903 §8 vectors, point validation, and full exchanges through `serve()`
 * with a noble client.
 */
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { kexMethod } from "../../src/ssh/crypto/kex/registry.ts";
import type { NistCurve } from "../../src/ssh/crypto/provider.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import { assertDisconnect, ecdhClient, hex, runExchange, serveScripted, unhex } from "./_kex_client.ts";
import { RFC5903 } from "./_kex_vectors.ts";

const crypto = createCryptoProvider();
const NOBLE = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;

const CURVES: [NistCurve, string][] = [
  ["P-256", "ecdh-sha2-nistp256"],
  ["P-384", "ecdh-sha2-nistp384"],
  ["P-521", "ecdh-sha2-nistp521"],
];

function point(x: string, y: string): Uint8Array {
  return unhex("04" + x + y);
}

for (const [curve] of CURVES) {
  Deno.test(`ECDH ${curve}: RFC 5903 §8 vectors through the provider, both directions`, () => {
    const v = RFC5903[curve];
    const gi = point(v.gix, v.giy);
    const gr = point(v.grx, v.gry);
    // The vectors are self-consistent (g^i really is i·G), checked with noble.
    assertEquals(hex(NOBLE[curve].getPublicKey(unhex(v.i), false)), hex(gi));
    assertEquals(hex(crypto.ecdh(curve, unhex(v.i), gr)), v.girx.toLowerCase());
    assertEquals(hex(crypto.ecdh(curve, unhex(v.r), gi)), v.girx.toLowerCase());
  });

  Deno.test(`ECDH ${curve}: generated pairs are valid, and points off the curve are refused`, () => {
    const pair = crypto.ecdhGenerate(curve);
    const size = { "P-256": 32, "P-384": 48, "P-521": 66 }[curve];
    assertEquals([pair.privateKey.length, pair.publicKey.length, pair.publicKey[0]], [size, 1 + 2 * size, 4]);
    assertEquals(hex(NOBLE[curve].getPublicKey(pair.privateKey, false)), hex(pair.publicKey));
    const v = RFC5903[curve];
    const gr = point(v.grx, v.gry);
    // Our pair agrees with noble on a shared secret.
    assertEquals(
      hex(crypto.ecdh(curve, pair.privateKey, gr)),
      hex(NOBLE[curve].getSharedSecret(unhex(v.r), pair.publicKey).subarray(1)),
    );
    const offCurve = gr.slice();
    offCurve[offCurve.length - 1] ^= 1;
    const p = NOBLE[curve].Point.CURVE().p;
    const xTooBig = gr.slice();
    xTooBig.set(unhex(p.toString(16).padStart(2 * size, "0")), 1); // x = p: out of the field
    const bad: Record<string, Uint8Array> = {
      "off the curve": offCurve,
      "x = p": xTooBig,
      "the origin (0, 0)": unhex("04" + "00".repeat(2 * size)),
      "compressed": NOBLE[curve].getPublicKey(unhex(v.r), true),
      "hybrid prefix 06": Uint8Array.of(6, ...gr.subarray(1)),
      "truncated": gr.subarray(0, gr.length - 1),
      "empty": new Uint8Array(0),
    };
    for (const [what, q] of Object.entries(bad)) {
      let refused = false;
      try {
        crypto.ecdh(curve, pair.privateKey, q);
      } catch {
        refused = true;
      }
      assert(refused, `${curve}: a public key that is ${what} was accepted`);
    }
  });
}

for (const [curve, name] of CURVES) {
  Deno.test(`${name}: full exchange through serve() agrees with an independent client`, async () => {
    const method = kexMethod(name)!;
    assertEquals(method.hash, { "P-256": "sha256", "P-384": "sha384", "P-521": "sha512" }[curve]);
    // K is an mpint, which differs from the bare x-coordinate when x has its top bit set (P-256,
    // P-384) or a leading zero byte (P-521's top byte is 0 or 1): exchange until that has been seen.
    const size = { "P-256": 32, "P-384": 48, "P-521": 66 }[curve];
    let differs = false;
    for (let i = 0; i < 64 && !differs; i++) {
      const { server, client } = await runExchange(method, crypto, ecdhClient(curve));
      assertEquals(hex(server.sharedSecret), hex(client.k));
      assertEquals(hex(server.exchangeHash), hex(client.h));
      assert(client.signatureOk, "host key signature over H does not verify");
      differs = server.sharedSecret.length !== 4 + size;
    }
    assert(differs, "never saw an mpint K differ from the raw x-coordinate");
  });

  Deno.test(`${name}: bad client values end in KEY_EXCHANGE_FAILED, bad messages in PROTOCOL_ERROR`, async () => {
    const method = kexMethod(name)!;
    const v = RFC5903[curve];
    const good = point(v.grx, v.gry);
    const init = (q: Uint8Array) => new SshWriter().byte(30).string(q).bytes();
    const offCurve = good.slice();
    offCurve[5] ^= 0x40;
    const other = curve === "P-256"
      ? point(RFC5903["P-384"].grx, RFC5903["P-384"].gry)
      : point(v.grx, v.gry).subarray(0, 65);
    for (
      const q of [good.subarray(1), offCurve, other, NOBLE[curve].getPublicKey(unhex(v.r), true), new Uint8Array(0)]
    ) {
      await assertDisconnect(serveScripted(method, crypto, [init(q)]), DISCONNECT.KEY_EXCHANGE_FAILED);
    }
    const truncated = init(good).subarray(0, 20);
    await assertDisconnect(serveScripted(method, crypto, [truncated]), DISCONNECT.PROTOCOL_ERROR, "malformed");
    const trailing = Uint8Array.of(...init(good), 0);
    await assertDisconnect(serveScripted(method, crypto, [trailing]), DISCONNECT.PROTOCOL_ERROR, "trailing");
    await assertDisconnect(serveScripted(method, crypto, [Uint8Array.of(31)]), DISCONNECT.PROTOCOL_ERROR);
    await assertDisconnect(serveScripted(method, crypto, [Uint8Array.of(30)]), DISCONNECT.PROTOCOL_ERROR);
  });
}
