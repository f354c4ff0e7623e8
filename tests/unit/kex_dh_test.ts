/**
 * diffie-hellman-group14-sha256, -group16-sha512, -group18-sha512 (RFC 8268):
 * the server half with a fixed exponent against values computed here, range
 * checks on e, and full exchanges through `serve()` with an independent client
 * that takes its primes from OpenSSL's table, not from ours.
 */
import { getDiffieHellman } from "node:crypto";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { MODP_2048, MODP_4096 } from "../../src/ssh/crypto/kex/dh_groups.ts";
import { DH_EXPONENT_BITS, ffdhRespond } from "../../src/ssh/crypto/kex/ffdh.ts";
import { kexMethod, OPTIONAL_KEX } from "../../src/ssh/crypto/kex/registry.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import {
  assertDisconnect,
  big,
  bytesOf,
  ffdhClient,
  hex,
  mpint,
  powMod,
  runExchange,
  serveScripted,
} from "./_kex_client.ts";

const crypto = createCryptoProvider();

const FIXED: [string, string, string][] = [
  ["diffie-hellman-group14-sha256", "modp14", "sha256"],
  ["diffie-hellman-group16-sha512", "modp16", "sha512"],
  ["diffie-hellman-group18-sha512", "modp18", "sha512"],
];

Deno.test("ffdh: fixed-exponent known answers (f = g^y, K = e^y mod p) computed independently", () => {
  const y = big(crypto.hash("sha512", new TextEncoder().encode("tsshd ffdh kat"))); // a fixed 512-bit exponent
  const x = 0x1234_5678_9abc_def0_1122_3344_5566_7788n;
  const p = MODP_2048.p;
  const e = powMod(2n, x, p);
  const v = ffdhRespond(MODP_2048, mpint(e).subarray(4), y);
  assertEquals(hex(v.e), hex(bytesOf(e)));
  assertEquals(hex(v.f), hex(bytesOf(powMod(2n, y, p))));
  assertEquals(hex(v.k), hex(bytesOf(powMod(e, y, p))));
  assertEquals(hex(v.k), hex(bytesOf(powMod(powMod(2n, y, p), x, p)))); // the client's view: f^x
  // A generator other than 2 (moduli files often list 5), and a leading 0x00 on e.
  const g5 = { bits: 2048, p, g: 5n };
  const w = ffdhRespond(g5, Uint8Array.of(0, 0, ...bytesOf(e)), y);
  assertEquals(hex(w.f), hex(bytesOf(powMod(5n, y, p))));
  assertEquals(hex(w.e), hex(bytesOf(e)));
  // With no exponent given, a fresh one each time.
  const a = ffdhRespond(MODP_2048, mpint(e).subarray(4));
  const b = ffdhRespond(MODP_2048, mpint(e).subarray(4));
  assert(hex(a.f) !== hex(b.f));
  assertEquals(DH_EXPONENT_BITS, 512);
});

Deno.test("ffdh: e must satisfy 1 < e < p − 1, be non-negative, and not be a power of two", () => {
  const p = MODP_4096.p;
  const mp = (v: bigint) => mpint(v).subarray(4);
  const bad: [string, Uint8Array][] = [
    ["0", mp(0n)],
    ["1", mp(1n)],
    ["p − 1", mp(p - 1n)],
    ["p", mp(p)],
    ["p + 1", mp(p + 1n)],
    ["2^4095", mp(1n << 4095n)],
    ["2", mp(2n)],
    ["negative", Uint8Array.of(0x80, 1, 2, 3)],
    ["longer than p", Uint8Array.of(1, ...new Uint8Array(512))],
  ];
  for (const [what, e] of bad) {
    let reason = 0;
    try {
      ffdhRespond(MODP_4096, e);
    } catch (err) {
      reason = (err as { reason?: number }).reason ?? -1;
    }
    assertEquals(reason, DISCONNECT.KEY_EXCHANGE_FAILED, `e = ${what}`);
  }
  ffdhRespond(MODP_4096, mp(3n)); // the smallest acceptable value
  ffdhRespond(MODP_4096, mp(p - 2n)); // the largest
});

for (const [name, openssl, hash] of FIXED) {
  Deno.test(`${name}: full exchange through serve() agrees with an independent client`, async () => {
    const method = kexMethod(name)!;
    assertEquals(method.hash, hash);
    assert(OPTIONAL_KEX.includes(name), "finite-field DH is supported but off by default");
    const p = big(getDiffieHellman(openssl).getPrime());
    const { server, client } = await runExchange(method, crypto, ffdhClient(p, 2n, hash));
    assertEquals(hex(server.sharedSecret), hex(client.k));
    assertEquals(hex(server.exchangeHash), hex(client.h));
    assert(client.signatureOk, "host key signature over H does not verify");
  });

  Deno.test(`${name}: out-of-range e → KEY_EXCHANGE_FAILED, malformed KEXDH_INIT → PROTOCOL_ERROR`, async () => {
    const method = kexMethod(name)!;
    const p = big(getDiffieHellman(openssl).getPrime());
    const init = (e: Uint8Array) => new SshWriter().byte(30).raw(e).bytes();
    for (const e of [0n, 1n, p - 1n, p]) {
      await assertDisconnect(serveScripted(method, crypto, [init(mpint(e))]), DISCONNECT.KEY_EXCHANGE_FAILED, "e");
    }
    const good = mpint(powMod(2n, 12345678901234567890n, p));
    await assertDisconnect(serveScripted(method, crypto, [init(good.subarray(0, 10))]), DISCONNECT.PROTOCOL_ERROR);
    await assertDisconnect(serveScripted(method, crypto, [init(Uint8Array.of(...good, 7))]), DISCONNECT.PROTOCOL_ERROR);
    await assertDisconnect(serveScripted(method, crypto, [Uint8Array.of(34, ...good)]), DISCONNECT.PROTOCOL_ERROR);
  });
}
