/**
 * yescrypt (`$y$`) and libxcrypt's scrypt (`$7$`).
 *
 * - The KDF against the reference implementation's own expected output
 *   (`TESTS-OK` of openwall/yescrypt): classic scrypt (flags 0, which
 *   includes RFC 7914's vectors 1‥3), WORM (flags 1) and
 *   YESCRYPT_DEFAULTS (182) with t = 0‥3 and output lengths 1‥64.
 * - Whole `$y$`/`$7$` hashes of "pleaseletmein" from the same file: p up to
 *   9, WORM, salts of every length mod 4. Three take 1.5‥2.5 s each in JS
 *   and run only with TSSHD_SLOW_TESTS=1.
 * - Hashes made on this machine by libxcrypt 4.4.33 (`crypt_gensalt("$y$",
 *   cost)` + `crypt`, through Python's ctypes, and `mkpasswd -m yescrypt`),
 *   including Debian's default `$y$j9T$` (N = 4096, r = 32).
 */
import { assert, assertEquals, assertNotEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { yescryptKdf } from "../../src/ops/password/yescrypt_kdf.ts";
import { parseYescryptSetting, yescryptCrypt } from "../../src/ops/password/yescrypt.ts";
import { decodeCrypt64, encodeCrypt64 } from "../../src/ops/password/crypt_base64.ts";
import { MalformedHashError } from "../../src/ops/password/errors.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** TESTS-OK: [password, salt, flags, N, r, p, t, expected output (hex; its length is dkLen)]. */
const KDF: [string, string, number, number, number, number, number, string][] = [
  [
    "",
    "",
    0,
    16,
    1,
    1,
    0,
    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
  ],
  [
    "password",
    "NaCl",
    0,
    1024,
    8,
    16,
    0,
    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
  ],
  [
    "pleaseletmein",
    "SodiumChloride",
    0,
    16384,
    8,
    1,
    0,
    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887",
  ],
  [
    "",
    "",
    0,
    16,
    1,
    1,
    0,
    "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
  ],
  ["", "", 0, 16, 1, 1, 0, "77d6576238657b20"],
  [
    "",
    "",
    0,
    4,
    1,
    1,
    0,
    "efad0c23314cb572bc3cfb1543da42f8a8b073004c866b64ab5055a4f09fa5f571142ebfe7e05a3b92c432f31dea95ad5f9c854b6456462f4bd0f732b7cdc549",
  ],
  [
    "",
    "",
    1,
    4,
    1,
    1,
    0,
    "85dda48c9ec9de2f7f1ae8b4dfeda51f8b6d56f3081be1a7c0833ba2719a36ab02885dae36557d342686b17ba75f2c217792de0970ab1d07a9c750936d31426f",
  ],
  ["", "", 1, 4, 1, 1, 0, "85dda48c9ec9de2f"],
  [
    "",
    "",
    1,
    4,
    1,
    1,
    1,
    "4baa8cd8608ba91f3e3439d9ec4fae8f9fc092d9ca22b7377e31ae5b9ad7877c1168691162dd0e5ef049e570650cbed4384ad60534fb0cbed19ff3f033c94b0c",
  ],
  [
    "",
    "",
    1,
    4,
    1,
    1,
    2,
    "e6e8bba09b6412ffb0b3cc35e37d0b782a47fbaadc57a076d7c6cc2e70919a1b8d4738c4f83355690742d9bed71c3b8fb0d7eb086ab134c5e55707c2c13c75ef",
  ],
  [
    "",
    "",
    1,
    4,
    1,
    1,
    3,
    "acd9a4201cf4a476ecf7baa6113d86fb65cd07102b4004e4f9d99cd34255a108997d70ae0a64bf0a4d96c173abf88279c1a94ad9bdf168edfbbd90f66ed5c80d",
  ],
  ["", "", 1, 4, 1, 1, 3, "acd9a4201cf4a476ecf7baa6113d86fb65cd07102b4004e4f9d99cd34255a10899"],
  ["", "", 1, 4, 1, 1, 3, "acd9a4201cf4a476ecf7baa6113d86fb65cd07102b4004e4f9d99cd34255a108"],
  ["", "", 1, 4, 1, 1, 3, "acd9a4201cf4a476ecf7baa6113d86fb65cd07102b4004e4f9d99cd34255a1"],
  ["", "", 1, 4, 1, 1, 3, "ac"],
  [
    "",
    "",
    182,
    4,
    1,
    1,
    0,
    "0cd5af76eb241df8119a9a122ae36920bcc7f414b9c0d58f45008060dade46b0c80922bdcc16a3ab5d201d4c6140c671be1f75272ca904739d5ad1ff672b0c21",
  ],
  ["", "", 182, 4, 1, 1, 0, "0cd5af76"],
  [
    "",
    "",
    182,
    4,
    1,
    1,
    1,
    "23b6adf0b60c9a997f58583d80cda48c638cdc2f289edf93a70807725a0d35c468ca362c5557cc04b6811e2e730841f526d8f4f7acfbfa9e06fe1f383a71155e",
  ],
  ["", "", 182, 4, 1, 1, 1, "23b6adf0b60c9a997f58583d80cda48c638cdc2f289edf93a70807725a0d35c468"],
  ["", "", 182, 4, 1, 1, 1, "23b6adf0b60c9a997f58583d80cda48c638cdc2f289edf93a70807725a0d35c4"],
  ["", "", 182, 4, 1, 1, 1, "23b6adf0b60c9a997f58583d80cda48c638cdc2f289edf93a70807725a0d35"],
  ["", "", 182, 4, 1, 1, 1, "23"],
  ["p", "s", 182, 16, 8, 1, 10, "e1f981733a94052fcd7acb1405df0bbde8e499b6a1331b775909b48c2f516c40dcc8301635b7237b"],
  ["p", "s", 1, 16, 8, 1, 10, "9e7a4097644284cf3b73b60450ff230cdcb6b1b19b1509eeb482f696c4f1c705c00f740216183a12"],
  ["p", "s", 182, 16, 8, 1, 0, "c8c7ff1122b0b291c3f2608948782cd689cc45579017aaa5ff8baa74a632ec99c3d66930fb2023bb"],
  ["p", "s", 1, 16, 8, 1, 0, "9dd636c2d0bb92345286efdaf8a68cfc1b4ffdc4b1adaccc7d864b9a6787b85d6ae0f5280da8889f"],
  ["p", "s", 182, 16, 8, 1, 0, "c8c7ff1122b0b291c3f2608948782cd689cc45579017aaa5ff8baa74a632ec99"],
  ["p", "s", 182, 16, 8, 1, 0, "c8c7ff1122b0b291"],
];

/** TESTS-OK: hashes of "pleaseletmein". */
const REFERENCE_HASHES: string[] = [
  "$y$/A2$LdJMENpBABJJ3hIHj/$5IEld1eWdmh5lylrqHLF5dvA3ISpimEM9J1Dd05n/.3",
  "$y$j91.5$LdJMENpBABJJ3hIH$ebKnn23URD5vyLgF9cP2EvVosrUXf7UErGRV0KmC6e6",
  "$y$j80$LdJMENpBABJJ3h2$ysXVVJwuaVlI1BWoEKt/Bz3WNDDmdOWz/8KTQaHL1cC",
  "$y$/7/.4$LdJMENpBABJJ3/$lXHleh7bIZMGNtJVxGVrsIWkEIXfBedlfPui/PITflC",
  "$y$/6.$LdJMENpBABJJ$zQITmYSih5.CTY47x0IuE4wl.b3HzYGKKCSggakaQ22",
  "$y$j5..3$LdJMENpBAB3$xi27PTUNd8NsChHeLOz85JFnUOyibRHkWzprowRlR5/",
  "$y$j4/$LdJMENpBA/$tHlkpTQ8V/eEnTVau1uW36T97LIXlfPrEzdeV5SE5K7",
  "$y$/3..2$LdJMENpB$tNczXFuNUd3HMqypStCRsEaL4e4KF7ZYLBe8Hbeg0B7",
  "$y$/2/$LdJMEN3$RRorHhfsw1/P/WR6Aurg4U72e9Q7qt9vFPURdyfiqK8",
  "$y$j2..1$LdJME/$iLEt6kuTwHch6XdCxtTHfsQzYwWFmpUwgl6Ax8RH4d1",
  "$y$j0/$LdJM$k7BXzSDuoGHW56SY3HxROCiA0gWRscZe2aA0q5oHPM0",
  "$y$//..0$Ld3$6BJXezMFxaMiO5wsuoEmztvtCs/79085dZO56ADlV5B",
  "$y$///$L/$Rrrkp6OVljrIk0kcwkCDhAiHJiSthh3cKeIGHUW7Z0C",
  "$y$j1../$LdJMENpBABJJ3hIHjB1Bi.$L8OQFc8mxJPd7CpUFgkS7KqJM2I9jGXu3BdqX2D.647",
  "$y$j//$LdJMENpBABJJ3hIHjB1B$U8a2MaK.yesqWySK8Owk6PWeWmp/XuagMbpP45q1/q1",
  "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D",
  "$7$06..../....SodiumChloride$ENlyo6fGw4PCcDBOFepfSZjFUnVatHzCcW55.ZGz3B0",
];

/** TESTS-OK hashes with N = 2¹⁴‥2¹⁶ (16‥64 MiB): correct, but 1.5‥2.5 s each here. */
const SLOW_REFERENCE_HASHES: string[] = [
  "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6",
  "$y$jC4$LdJMENpBABJJ3hIHjB1B$jVg4HoqqpbmQv/NCpin.QCMagJ8o4QX7lXdzvVV0xFC",
  "$y$/B3.6$LdJMENpBABJJ3hIHjB1$h8sE4hJo.BsdlfJr0.d8bNJNPZymH7Y3kLj4aY1Rfc8",
];

/** libxcrypt 4.4.33: [password, hash]. */
const LIBXCRYPT: [string, string][] = [
  ["", "$y$j75$VEgByZ4Ot2F2gA7xnAYAcNtcgWRV8AvUEW/jYCzYDAB$A/ai7BNLq8Cs6zRmGmlBl9NbVcbjZzfQf683HvU5kdB"],
  ["", "$y$j7T$DwhAl0D4itmYLxB.bBt406vykgjLx5PVF3NPqxDJsY0$Iw5jHOK/rWILXxjn.P1GUy3rGRr6b31ePdTiQYKFgA9"],
  ["x", "$y$j75$vLndq0Hn8n0qAsPOPOsqL7wRf1I2mSuHaLeJh1yUq/2$X2Q94qnF2Xd/pf0Xq0rlaM9Hu9vwv5SIn3vYOgDRDy9"],
  ["x", "$y$j7T$fmSSWVcaDxYTb8fIsR8M2G1JoE4lBhYaMuBXYRXBDa4$eZ5zByI6iQpfY0XJjp8qQNPTunqxhTG7dzr/0A3APs3"],
  [
    "p\u00e4ssw\u00f6rd \u20ac \u2713",
    "$y$j75$4rS24kwrlRNv9UoUD9.TQTRRplpDcrBc38XpwlAI.WB$MYsr3WSys/dWg6yreQS2I2noQoLK70I5LXWXV/ID/jB",
  ],
  [
    "p\u00e4ssw\u00f6rd \u20ac \u2713",
    "$y$j7T$rbi0Frpd3QgyqA/Uj7ZNmCHucBD0xyeodjaL6vXhQ26$2L3vmgZMy4XHP6WFQu25G.2n.aXnZphEr6uA2wJU2Q8",
  ],
  ["c".repeat(72), "$y$j75$ACAnTMU7KTBh5SXQPqAQ6nCPI7o6W/zQ8FvojP7EkL9$KdmZUaknnHMLZRGV.g5HomOekbc0H9dUTbMsWYMKKJ."],
  ["c".repeat(72), "$y$j7T$pV6k/exLq5kXrqbaYKDyPjGiChNlRgWd5/v/3g47K06$ZsZGcwPIFT7quo3tuWJryk1GTAC1Eg9iDZwqcRF5mzD"],
  ["d".repeat(200), "$y$j75$nYoRTRSgCdanJt0aZpTPc.yCwQcprRYwwrlxjboyyxD$rlzOFZSoyCjMKGZ5N9yJzKBPczKKiNGqzcLFBw7uKGB"],
  ["d".repeat(200), "$y$j7T$IBUIYyizLuyjOPh7QVf18QFekQDy73FPI1Ifkgffmj4$mcBn7KN3r8TW1ZL5zIByS7MLNe7NFfm9BS9SQtIhzfA"],
  ["correct horse", "$y$j9T$Kyzu0e/23wl/cQwbTGJyS28jU1TJ8hHiHJBx3TyWeK7$LtKSQ1Y4RGOFvbscc37MmZqPephNVGexo08TjlywdnB"],
  ["correct horse", "$7$96..../....saltysaltysalt$R48gBrIq5aZwq2JHxwVAzpIfUHTxjJ76tqKl.O79fXA"],
  ["", "$7$8/..../....empty$DXKFvUDMwugSmnUEpKITP7qhYV5EAYlwM1uucHEz/e5"],
  ["correct horse", "$y$j9T$dtwty36WTuAoJuY/lKIOE.$TfZO3gGDkG1vd2uXeCYCtrmq09ll/ZmMPMSMuArBC50"],
  ["correct horse", "$y$j75$rAmTfChiJKqmIfBSU0yav0$cgOu44TIvUA4SDD.lAqAiK.ikN4PlYbnLllx5KjAJDD"],
  ["correct horse", "$y$j7T$v8GHJdbj.hMnSZAIvE/301$PV1fp4cmGwUfR.0WpGJRsyCmm9SAsAUlVf4o8Y1ktx5"],
  ["correct horse", "$y$j3l.$abcdefghijklmnop$F/nJTYXfMBZXQb1WZ37nnj3eGZ4BE8.HW2MRwNwbGV8"], // r = 113 (2 characters)
  ["correct horse", "$y$j75/0$abcdefghijklmnop$JRcqO03GRoG0Aq2YFeHXzVCTyK.g8uVQ93mvpzQQZJ4"], // t = 3
  ["correct horse", "$y$j75..$abcdefghijklmnop$FHLf8fb5AKlhsQXT/LfmlWINiUmureWVIQVnGgpij3C"], // p = 2
  ["correct horse", "$y$/75/.$abcdefghijklmnop$LZCaWXNcTJs18Hd/3Jz9h1TPcOUPEvk2fx4wmtj4Hw3"], // WORM, t = 1
  ["correct horse", "$y$.75$abcdefghijklmnop$SDHrdwDIYHNA1zobFCnxKfR2mRr/tuZ46clOZ9mYW08"], // classic scrypt
  ["correct horse", "$y$j75$$6BUZ57Ppq1XCOI8LGmraG8XOzb1ERDdNMwVQ/ANg0pD"], // empty salt
  ["correct horse", "$y$j8kD$abcdefghijklmnop$ifvSm3wIlHcsnnQK9CXTvO2AVPnnrvp7igFvRlfJV51"], // N = 2048, r = 64: pre-hashed
  ["pw", "$y$j9T$abcdefghijklmnop$wRwvHNqzMkHLG74uLLCRVTwaZ.a1aIothEUeYGf9oED"],
];

Deno.test("yescrypt KDF: the reference implementation's vectors", async () => {
  for (const [pw, salt, flags, N, r, p, t, expected] of KDF) {
    const out = await yescryptKdf(enc(pw), enc(salt), { flags, N, r, p, t }, expected.length / 2);
    assertEquals(toHex(out), expected, `yescrypt("${pw}", "${salt}", ${flags}, ${N}, ${r}, ${p}, ${t})`);
  }
});

Deno.test("yescrypt: the reference implementation's $y$ and $7$ hashes", async () => {
  for (const hash of REFERENCE_HASHES) assertEquals(await yescryptCrypt(enc("pleaseletmein"), hash), hash, hash);
});

Deno.test({
  name: "yescrypt: the reference implementation's large hashes (TSSHD_SLOW_TESTS=1)",
  ignore: Deno.env.get("TSSHD_SLOW_TESTS") !== "1",
  async fn() {
    for (const hash of SLOW_REFERENCE_HASHES) {
      assertEquals(await yescryptCrypt(enc("pleaseletmein"), hash), hash, hash);
    }
  },
});

Deno.test("yescrypt: vectors from libxcrypt and mkpasswd", async () => {
  for (const [password, hash] of LIBXCRYPT) assertEquals(await yescryptCrypt(enc(password), hash), hash, hash);
});

Deno.test("yescrypt: a wrong password gives another hash", async () => {
  for (const [password, hash] of LIBXCRYPT.slice(0, 6)) {
    assertNotEquals(await yescryptCrypt(enc(password + "x"), hash), hash);
  }
  assertNotEquals(await yescryptCrypt(enc("pleaseletmeiN"), REFERENCE_HASHES[1]), REFERENCE_HASHES[1]);
});

Deno.test("yescrypt: $y$ parameters decode as libxcrypt's", () => {
  const debian = parseYescryptSetting("$y$j9T$dtwty36WTuAoJuY/lKIOE.$TfZO3gGDkG1vd2uXeCYCtrmq09ll/ZmMPMSMuArBC50");
  assertEquals(debian.params, { flags: 0xb6, N: 4096, r: 32, p: 1, t: 0 });
  assertEquals(debian.salt.length, 16);
  assertEquals(debian.prefix, "$y$j9T$dtwty36WTuAoJuY/lKIOE.");
  // p = 9 (have bit 1), WORM, t = 3, the multi-character number form, an empty salt.
  assertEquals(parseYescryptSetting("$y$j91.5$LdJMENpBABJJ3hIH").params, { flags: 0xb6, N: 4096, r: 4, p: 9, t: 0 });
  assertEquals(parseYescryptSetting("$y$/7/.4$..").params.flags, 1);
  assertEquals(parseYescryptSetting("$y$jA2/0$").params.t, 3);
  assertEquals(parseYescryptSetting("$y$jAl.$").params.r, 113); // 'l' = 49 > 47 starts a 2-character number
  assertEquals(parseYescryptSetting("$y$j9T$$hash").salt.length, 0);
  assertEquals(parseYescryptSetting("$7$C6..../....SodiumChloride$x").params, { flags: 0, N: 16384, r: 8, p: 1, t: 0 });
});

Deno.test("yescrypt: malformed or unsupported settings are refused", async () => {
  const bad = [
    "$y$",
    "$y$j",
    "$y$j9",
    "$y$j9T",
    "$y$j9T$a$" + "A".repeat(43), // a 1-character salt is not whole bytes
    "$y$j9T$ab!d$" + "A".repeat(43),
    "$y$j9T$" + "a".repeat(87) + "$x", // salt over 64 bytes
    "$y$j9T2..$salt$x", // have = 5: p and g (hash upgrades)
    "$y$j9T3....$salt$x", // have = 6: t and g
    "$y$j9T5.$salt$x", // have = 8: NROM (a ROM)
    "$y$j75/.Xsalt$x", // something other than "$" after the parameters
    "$y$jz9T$salt$x", // N = 2^(huge)
    "$y$jZT$salt$x", // N = 2^38
    "$y$k.9T$salt$x", // RW flavor other than the default
    "$y$.9T/.$salt$x", // classic scrypt with t = 1
    "$y$jFT$salt$x", // N = 2^18, r = 32: 1 GiB is over the memory cap
    "$7$", // too short
    "$7$C6..../...", // p cut short
    "$7$.6..../....salt$x", // N_log2 = 0
    "$x$j9T$salt$x",
    "",
  ];
  for (const s of bad) {
    await assertRejects(() => yescryptCrypt(enc("pw"), s), MalformedHashError, undefined);
  }
  assertThrows(() => parseYescryptSetting("$y$j9T$ab!d$x"), MalformedHashError);
});

Deno.test("yescrypt KDF: parameter checks", async () => {
  const kdf = (flags: number, N: number, r: number, p: number, t = 0) =>
    yescryptKdf(enc("p"), enc("s"), { flags, N, r, p, t }, 32);
  for (const N of [0, 1, 3, 6]) await assertRejects(() => kdf(0xb6, N, 8, 1), MalformedHashError);
  await assertRejects(() => kdf(0xb6, 16, 0, 1), MalformedHashError);
  await assertRejects(() => kdf(0xb6, 16, 8, 0), MalformedHashError);
  await assertRejects(() => kdf(0xb6, 4, 8, 4), MalformedHashError); // N/p must exceed 1
  await assertRejects(() => kdf(3, 16, 8, 1), MalformedHashError);
  await assertRejects(() => kdf(0, 16, 8, 1, 1), MalformedHashError);
  await assertRejects(
    () => yescryptKdf(enc("p"), enc("s"), { flags: 0xb6, N: 1024, r: 8, p: 1, t: 0 }, 32, 1 << 20),
    MalformedHashError,
    "memory",
  );
  assertEquals((await kdf(0xb6, 4, 1, 1)).length, 32);
});

Deno.test("crypt base-64: libxcrypt's encoding and strict decoding", () => {
  assertEquals(encodeCrypt64(new Uint8Array([0xff])), "z1");
  assertEquals(encodeCrypt64(new Uint8Array([0x00, 0x00, 0x00])), "....");
  assertEquals(encodeCrypt64(new Uint8Array(32)).length, 43);
  const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 53 + 7) & 0xff);
  for (let n = 0; n <= 64; n++) assertEquals(decodeCrypt64(encodeCrypt64(bytes.subarray(0, n))), bytes.subarray(0, n));
  assertEquals(decodeCrypt64("a"), undefined); // a lone character is not a byte
  assertEquals(decodeCrypt64("a$"), undefined);
  assertEquals(decodeCrypt64("zz"), undefined); // high bits of a short group must be zero
  assert(decodeCrypt64("z1") !== undefined);
});
