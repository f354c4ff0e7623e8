/**
 * bcrypt: the classic `$2a$`/`$2x$`/`$2y$`/`$2b$` vectors of Openwall's
 * crypt_blowfish (which libxcrypt ships; each one checked against this
 * machine's libxcrypt 4.4.33 before being written here), covering the
 * sign-extension bug (`$2x$`), `$2a$`'s anti-collision tweak for `\xff`
 * bytes and the 72-byte limit; and `$2b$`/`$2y$`/`$2a$` hashes made with
 * libxcrypt's crypt(3) for passwords of 0‥200 bytes.
 */
import { assertEquals, assertNotEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { bcryptCrypt, decodeBcrypt64, encodeBcrypt64, parseBcryptSetting } from "../../src/ops/password/bcrypt.ts";
import { MalformedHashError } from "../../src/ops/password/errors.ts";

const ascii = (s: string) => new TextEncoder().encode(s);
const hex = (h: string) => new Uint8Array(h.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
const concat = (a: Uint8Array, b: Uint8Array) => new Uint8Array([...a, ...b]);

/** crypt_blowfish's test vectors (wrapper.c): [password bytes, hash]. */
const OPENWALL: [Uint8Array, string][] = [
  [ascii("U*U"), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"],
  [ascii("U*U*"), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"],
  [ascii("U*U*U"), "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"],
  [
    ascii("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored"),
    "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
  ],
  [hex("a3"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"],
  [hex("ffffa3"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"],
  [hex("ffffa3"), "$2y$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"],
  [hex("ffffa3"), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nqd1wy.pTMdcvrRWxyiGL2eMz.2a85."],
  [hex("ffffa3"), "$2b$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e"],
  [hex("a3"), "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"],
  [hex("a3"), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq"],
  [hex("31a3333435"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi"],
  [hex("ffa3333435"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi"],
  [hex("ffa33334ffffffa3333435"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi"],
  [hex("ffa33334ffffffa3333435"), "$2y$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi"],
  [hex("ffa33334ffffffa3333435"), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.ZC1JEJ8Z4gPfpe1JOr/oyPXTWl9EFd."],
  [hex("ffa3333435"), "$2y$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e"],
  [hex("ffa3333435"), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.nRht2l/HRhr6zmCp9vYUvvsqynflf9e"],
  [hex("a36162"), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.6IflQkJytoRVc1yuaNtHfiuq.FRlSIS"],
  [hex("a36162"), "$2x$05$/OK.fbVrR/bpIqNJ5ianF.6IflQkJytoRVc1yuaNtHfiuq.FRlSIS"],
  [hex("a36162"), "$2y$05$/OK.fbVrR/bpIqNJ5ianF.6IflQkJytoRVc1yuaNtHfiuq.FRlSIS"],
  [hex("d191"), "$2x$05$6bNw2HLQYeqHYyBfLMsv/OiwqTymGIGzFsA4hOTWebfehXHNprcAS"],
  [hex("d0c1d2cfccd8"), "$2x$05$6bNw2HLQYeqHYyBfLMsv/O9LIGgn8OMzuDoHfof8AQimSGfcSWxnS"],
  [
    concat(hex("aa".repeat(72)), ascii("chars after 72 are ignored as usual")),
    "$2a$05$/OK.fbVrR/bpIqNJ5ianF.swQOIzjOiJ9GHEPuhEkvqrUyvWhEMx6",
  ],
  [hex("aa55".repeat(36)), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.R9xrDjiycxMbQE2bp.vgqlYpW5wx2yy"],
  [hex("55aaff".repeat(24)), "$2a$05$/OK.fbVrR/bpIqNJ5ianF.9tQZzcJfm3uj2NvJ/n5xkhpqLrMpWCe"],
  [hex(""), "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"],
];

/** libxcrypt 4.4.33 crypt(password, crypt_gensalt(...)): [password, hash]. */
const LIBXCRYPT: [string, string][] = [
  ["", "$2b$04$H4Asq95nGw8I6gCdlsQPvOHapC2/Dz/xTzcEqf6MfXQw.WaURT3D."],
  ["x", "$2b$04$7dcdIyiyp2dzSernsSqLk.H3MvaU9wolNbK60MTojqOCAyMgeQzFW"],
  ["p\u00e4ssw\u00f6rd \u20ac \u2713", "$2b$04$zyHLAcDb.ivWQNG7F4Z1LeBds7P0IWU1SbhV4s7vDK0g/6gg6d1ay"],
  ["a".repeat(31), "$2b$04$hfzb0QUHAA0DIlCgfx5m/OC0rV30Nn7LNimZrSjc5QwSfj16ygIZ."],
  ["a".repeat(32), "$2b$04$JmarQauTwOsXk1apR6ck9OVxzFpjOl0jIN2ZPGl0L3zmx9TU76SYS"],
  ["a".repeat(33), "$2b$04$hxk4bt52wOvP.dtkx3nGzOdbMB8EIrcRtoR/gAUMVcdQFixcv8BRu"],
  ["b".repeat(63), "$2b$04$tGPlArNCy0t.goyd9242O.1vq0MTCVmw/BNOmOH8aKBNTS6HaYjb6"],
  ["b".repeat(64), "$2b$04$9UYdW1ZsaWcVL9zdathTF.WbK2r4Gqq4w27tnFegnlQ/HUk.MdQTe"],
  ["b".repeat(65), "$2b$04$eLx6O93b/HrLcIch45imXOEmrBjSQVJLz/x.eeA0zLcnPyw52Ed2u"],
  ["c".repeat(71), "$2b$04$C0eDn7E8Vn6lY/B77wBOKuyq/bO1YB1s8lxxX/SuSII02xggtGVT6"],
  ["c".repeat(72), "$2b$04$z3z90ac63M/ZAuF45lhi4etDmTaFEbq9CSE296iOd7OfWAIFUESlK"],
  ["c".repeat(73), "$2b$04$RHRbzZmWO9nyDuqZ.ZUZLe8W/EEB.OIqqHpI.ypFCNIIjKBA2GBNu"],
  ["d".repeat(200), "$2b$04$oFpA6NCBBb71lUxGHzbIC.5cTdR8XpB3cPDksUejfScJ3r7YanlUq"],
  ["correct horse", "$2y$05$WdKcuCqoZ/RoURLaCrax/epCEOMi4HiA..WqTcPkW7oKIhOG2l9U2"],
  ["p\u00e4ssw\u00f6rd", "$2a$04$x8Og/6XN67KyItDqROdY.eEyGv/qwB9G2oDDtgHIG29/JbwHzo7r."],
];

Deno.test("bcrypt: crypt_blowfish's vectors ($2a$, $2b$, $2x$, $2y$)", async () => {
  for (const [password, hash] of OPENWALL) assertEquals(await bcryptCrypt(password, hash), hash, hash);
});

Deno.test("bcrypt: vectors from libxcrypt", async () => {
  for (const [password, hash] of LIBXCRYPT) assertEquals(await bcryptCrypt(ascii(password), hash), hash, hash);
});

Deno.test("bcrypt: a wrong password gives another hash", async () => {
  for (const [password, hash] of LIBXCRYPT) {
    if (password.length >= 72) continue; // only the first 72 bytes count
    assertNotEquals(await bcryptCrypt(ascii(password + "x"), hash), hash);
  }
  const [password, hash] = OPENWALL[0];
  assertNotEquals(await bcryptCrypt(password.subarray(1), hash), hash);
});

Deno.test("bcrypt: only the first 72 bytes of a password count", async () => {
  const setting = "$2b$04$" + "a".repeat(22);
  const h72 = await bcryptCrypt(ascii("c".repeat(72)), setting);
  assertEquals(await bcryptCrypt(ascii("c".repeat(73)), setting), h72);
  assertEquals(await bcryptCrypt(ascii("c".repeat(72) + "anything"), setting), h72);
  assertNotEquals(await bcryptCrypt(ascii("c".repeat(71)), setting), h72);
});

Deno.test("bcrypt: the salt's spare bits are written back canonical, as libxcrypt does", async () => {
  // The 22nd salt character carries 2 bits; 'a' and 'b' differ only in the spare ones, 'O' is canonical.
  const expected = "$2b$04$aaaaaaaaaaaaaaaaaaaaaOqgHHdKuqfi7AP.TwHblFR2ASFq1GtMe"; // libxcrypt, for both
  assertEquals(await bcryptCrypt(ascii("pw"), "$2b$04$" + "a".repeat(22)), expected);
  assertEquals(await bcryptCrypt(ascii("pw"), "$2b$04$" + "a".repeat(21) + "b"), expected);
});

Deno.test("bcrypt: malformed settings are refused", async () => {
  const bad = [
    "$2b$03$" + "a".repeat(22),
    "$2b$32$" + "a".repeat(22),
    "$2b$5$" + "a".repeat(22),
    "$2c$05$" + "a".repeat(22),
    "$2$05$" + "a".repeat(22),
    "$2b$05$" + "a".repeat(21),
    "$2b$05$" + "a".repeat(21) + "!",
    "$2b$05$" + "a".repeat(21) + "+",
    "$3b$05$" + "a".repeat(22),
    "",
  ];
  for (const s of bad) {
    assertThrows(() => parseBcryptSetting(s), MalformedHashError);
    await assertRejects(() => bcryptCrypt(ascii("pw"), s), MalformedHashError);
  }
  assertEquals(parseBcryptSetting("$2y$31$" + "a".repeat(22)).cost, 31);
});

Deno.test("bcrypt: base-64 round trip", () => {
  const bytes = Uint8Array.from({ length: 23 }, (_, i) => (i * 37 + 11) & 0xff);
  const text = encodeBcrypt64(bytes);
  assertEquals(text.length, 31);
  assertEquals(decodeBcrypt64(text, 23), bytes);
  assertEquals(encodeBcrypt64(new Uint8Array(16)), ".".repeat(22));
  assertEquals(encodeBcrypt64(new Uint8Array([0xff, 0xff, 0xff])), "9999");
});
