/**
 * diffie-hellman-group-exchange-sha256 (RFC 4419): the moduli file parser,
 * the group choice, and full exchanges through `serve()` with an independent
 * client (new and old request forms, a moduli file with generator 5), plus
 * the requests and messages that must end the connection.
 */
import { getDiffieHellman } from "node:crypto";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createCryptoProvider } from "../../src/runtime/crypto.ts";
import { MODP_2048, MODP_3072, MODP_8192 } from "../../src/ssh/crypto/kex/dh_groups.ts";
import type { DhGroup } from "../../src/ssh/crypto/kex/dh_groups.ts";
import { dhGexKex } from "../../src/ssh/crypto/kex/dh_gex.ts";
import { BUILTIN_MODULI, chooseModulus, parseModuli } from "../../src/ssh/crypto/kex/moduli.ts";
import { kexMethod, kexRegistry } from "../../src/ssh/crypto/kex/registry.ts";
import { DISCONNECT } from "../../src/ssh/messages.ts";
import { SshWriter } from "../../src/ssh/wire.ts";
import {
  assertDisconnect,
  big,
  type ClientOutcome,
  gexClient,
  hex,
  mpint,
  powMod,
  runExchange,
  serveScripted,
} from "./_kex_client.ts";

const crypto = createCryptoProvider();
const NAME = "diffie-hellman-group-exchange-sha256";
const openssl = (name: string) => big(getDiffieHellman(name).getPrime());

function line(
  g: DhGroup,
  fields: Partial<Record<"time" | "type" | "tests" | "tries" | "size" | "gen" | "p", string>> = {},
) {
  return [
    fields.time ?? "20240101000000",
    fields.type ?? "2",
    fields.tests ?? "6",
    fields.tries ?? "100",
    fields.size ?? String(g.bits - 1),
    fields.gen ?? g.g.toString(16),
    fields.p ?? g.p.toString(16).toUpperCase(),
  ].join(" ");
}

Deno.test("moduli: OpenSSH's format, malformed lines skipped with a warning naming the line", () => {
  const text = [
    "# Time Type Tests Tries Size Generator Modulus",
    "",
    line(MODP_2048),
    "   " + line(MODP_3072, { gen: "5" }) + "  ",
    line(MODP_2048, { type: "4" }), // 5: not a safe prime
    line(MODP_2048, { tests: "7" }), // 6: marked composite
    line(MODP_2048, { tests: "0" }), // 7: untested
    line(MODP_2048, { tries: "0" }), // 8
    line(MODP_2048, { size: "2046" }), // 9: wrong size
    line(MODP_2048, { gen: "1" }), // 10
    line(MODP_2048, { gen: "zz" }), // 11
    line(MODP_2048, { p: "FF00" }), // 12: even, wrong size
    line(MODP_2048, { p: "not-hex" }), // 13
    line(MODP_2048).split(" ").slice(0, 6).join(" "), // 14: six fields
    line(MODP_2048, { time: "yesterday" }), // 15
    line(MODP_2048, { size: "x" }), // 16
  ].join("\n");
  const { moduli, warnings } = parseModuli(text);
  assertEquals(moduli.map((g) => [g.bits, g.g]), [[2048, 2n], [3072, 5n]]);
  assertEquals(moduli[0].p, MODP_2048.p);
  assertEquals(warnings.map((w) => Number(/^moduli line (\d+): /.exec(w)?.[1])), [
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    16,
  ]);
  assert(warnings[0].includes("safe prime"), warnings[0]);
  assertEquals(warnings[4], "moduli line 9: modulus has 2048 bits, the line says 2047");
  assertEquals(parseModuli("").moduli.length, 0);
});

Deno.test("moduli: the system's /etc/ssh/moduli parses cleanly (when present)", async () => {
  let text: string;
  try {
    text = await Deno.readTextFile("/etc/ssh/moduli");
  } catch {
    return; // no OpenSSH server installed
  }
  const { moduli, warnings } = parseModuli(text);
  assertEquals(warnings, []);
  assert(moduli.length > 100, `${moduli.length} moduli`);
  assert(moduli.some((g) => g.g === 5n) && moduli.some((g) => g.g === 2n));
  assert(moduli.every((g) => g.p.toString(2).length === g.bits));
});

Deno.test("moduli: choice of group for (min, n, max) as OpenSSH's choose_dh makes it", () => {
  const size = (min: number, n: number, max: number) => chooseModulus(BUILTIN_MODULI, min, n, max)?.bits;
  assertEquals(size(2048, 3072, 8192), 3072); // exactly n
  assertEquals(size(2048, 7680, 8192), 8192); // the smallest above n
  assertEquals(size(2048, 5000, 8192), 6144);
  assertEquals(size(2048, 8192, 4096), 4096); // none above n in range: the largest below
  assertEquals(size(3072, 2048, 8192), 3072);
  assertEquals(size(2500, 2500, 2600), undefined);
  // Several groups of the chosen size: one at random (the picker gets how many there are).
  const a = { bits: 4096, p: 1n, g: 2n };
  const b = { bits: 4096, p: 3n, g: 5n };
  const counts: number[] = [];
  assertEquals(chooseModulus([MODP_2048, a, b], 2048, 4096, 8192, (n) => (counts.push(n), 1)), b);
  assertEquals(chooseModulus([MODP_2048, a, b], 2048, 4096, 8192, () => 0), a);
  assertEquals(counts, [2]);
  // A moduli set with nothing in range falls back to the built-in groups.
  assertEquals(chooseModulus([MODP_2048], 3072, 3072, 8192)?.p, MODP_3072.p);
});

async function exchange(spec: Parameters<typeof gexClient>[0], method = kexMethod(NAME)!) {
  let offered: [bigint, bigint] | undefined;
  const { server, client } = await runExchange(
    method,
    crypto,
    gexClient({ ...spec, checkGroup: (p, g) => (offered = [p, g]) }),
  );
  return { server, client, offered: offered! };
}

function agree(server: { sharedSecret: Uint8Array; exchangeHash: Uint8Array }, client: ClientOutcome): void {
  assertEquals(hex(server.sharedSecret), hex(client.k));
  assertEquals(hex(server.exchangeHash), hex(client.h));
  assert(client.signatureOk, "host key signature over H does not verify");
}

Deno.test("dh-gex: full exchanges (new and old request) agree with an independent client", async () => {
  assertEquals(kexMethod(NAME)!.hash, "sha256");
  const r1 = await exchange({ min: 2048, n: 3072, max: 8192 });
  agree(r1.server, r1.client);
  assertEquals(r1.offered, [openssl("modp15"), 2n]);
  const r2 = await exchange({ min: 0, n: 4096, max: 0, old: true }); // only n is sent and hashed
  agree(r2.server, r2.client);
  assertEquals(r2.offered, [openssl("modp16"), 2n]);
  // Sizes beyond 2048–8192 are clamped for the choice but hashed as sent.
  const r3 = await exchange({ min: 1024, n: 16384, max: 65536 });
  agree(r3.server, r3.client);
  assertEquals(r3.offered[0], MODP_8192.p);
});

Deno.test("dh-gex: groups from a moduli file, including generator 5", async () => {
  const g5 = { bits: 2048, p: MODP_2048.p, g: 5n };
  const { moduli } = parseModuli(line(g5) + "\n");
  const method = dhGexKex(moduli);
  assertEquals(method.name, NAME);
  const r = await exchange({ min: 2048, n: 2048, max: 4096 }, method);
  agree(r.server, r.client);
  assertEquals(r.offered, [MODP_2048.p, 5n]);
  const viaRegistry = kexRegistry({ moduli }).get(NAME)!;
  const r4 = await exchange({ min: 2048, n: 2048, max: 8192 }, viaRegistry);
  assertEquals(r4.offered[1], 5n);
});

Deno.test("dh-gex: impossible requests → KEY_EXCHANGE_FAILED; malformed or out-of-order → PROTOCOL_ERROR", async () => {
  const method = kexMethod(NAME)!;
  const req = (min: number, n: number, max: number) =>
    new SshWriter().byte(34).uint32(min).uint32(n).uint32(max).bytes();
  for (const [min, n, max] of [[4096, 3072, 2048], [3072, 2048, 8192], [2048, 8192, 4096], [1024, 1024, 1024]]) {
    await assertDisconnect(serveScripted(method, crypto, [req(min, n, max)]), DISCONNECT.KEY_EXCHANGE_FAILED, "range");
  }
  for (const [min, n, max] of [[2500, 2500, 2600], [9000, 9000, 9000]]) {
    await assertDisconnect(serveScripted(method, crypto, [req(min, n, max)]), DISCONNECT.KEY_EXCHANGE_FAILED, "group");
  }
  const ok = req(2048, 2048, 8192);
  const p = MODP_2048.p;
  const init = (e: bigint) => new SshWriter().byte(32).raw(mpint(e)).bytes();
  for (const e of [1n, p - 1n, p]) {
    await assertDisconnect(serveScripted(method, crypto, [ok, init(e)]), DISCONNECT.KEY_EXCHANGE_FAILED);
  }
  const goodInit = init(powMod(2n, 987654321987654321n, p));
  const protocol: Uint8Array[][] = [
    [new SshWriter().byte(32).uint32(1).bytes()], // GEX_INIT before a request
    [ok.subarray(0, 9)], // truncated request
    [Uint8Array.of(...ok, 0)], // trailing byte
    [Uint8Array.of(30, 0, 0)], // truncated old request
    [ok, Uint8Array.of(30, ...goodInit.subarray(1))], // wrong message instead of GEX_INIT
    [ok, goodInit.subarray(0, 12)], // truncated GEX_INIT
  ];
  for (const msgs of protocol) {
    await assertDisconnect(serveScripted(method, crypto, msgs), DISCONNECT.PROTOCOL_ERROR);
  }
});
