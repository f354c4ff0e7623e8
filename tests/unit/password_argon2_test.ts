/**
 * Argon2 PHC strings: hashes made on this machine with the reference
 * implementation's CLI (Debian's `argon2` 0~20190702, `printf PW | argon2
 * SALT -id|-i|-d -t T -k M -p P [-l LEN] [-v 10] -e`), covering all three
 * types, both versions, p > 1 and output lengths 16‥64; parsing and
 * formatting; and new hashes.
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  ARGON2_DEFAULTS,
  argon2Hash,
  argon2Verify,
  formatArgon2Hash,
  parseArgon2Hash,
} from "../../src/ops/password/argon2.ts";
import { MalformedHashError } from "../../src/ops/password/errors.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** `argon2` CLI: [password, PHC string]. */
const REFERENCE: [string, string][] = [
  // -id -t 2 -k 19456 -p 1: the parameters tsshd writes
  ["password", "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQxNmJ5dGVzIQ$tPXA8KRaMxUDqoVFOkz5qceiysamiMSLxBrcC5sAtmo"],
  ["password", "$argon2id$v=19$m=4096,t=3,p=4$c29tZXNhbHQxNmJ5dGVzIQ$x1CzMpdVB1plj1vqucg5ub2SeLcDTfZrT+zicqJl/1g"],
  ["password", "$argon2i$v=19$m=1024,t=3,p=1$c29tZXNhbHQxNmJ5dGVzIQ$nUG6f0dJNYahMCpfRLgBBR6Ph/o+SMl61BWK2KtFaak"],
  ["password", "$argon2d$v=19$m=256,t=1,p=2$c29tZXNhbHQxNmJ5dGVzIQ$sVARfWdBaMcHY0nboTv8AQ"],
  ["password", "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$i9+ue6XpGfYDAtg+2KZOTdSIp8CF449iDcgiCK1FOvY"],
  [
    "password",
    "$argon2i$v=19$m=64,t=2,p=1$c29tZXNhbHQxNmJ5dGVzIQ$w5rEu8PT3QijRv2reQB0c+G2+xfwauvLPaXzeC7E4ZiJn+mHiRHuAX1D6+7sdj0+OKqlyTGY33iw0WB64r925g",
  ],
  ["p\u00e4ssw\u00f6rd", "$argon2id$v=19$m=32,t=1,p=1$c2FsdHNhbHRzYWx0$uOeLjcs+wO7R5bc3E3k/fYQBDobH7sz6sPT41vlx+F8"],
];

Deno.test("argon2: hashes from the reference implementation verify", async () => {
  for (const [password, phc] of REFERENCE) assert(await argon2Verify(enc(password), phc), phc);
});

Deno.test("argon2: a wrong password does not verify", async () => {
  for (const [password, phc] of REFERENCE) {
    assert(!(await argon2Verify(enc(password + "x"), phc)), phc);
    assert(!(await argon2Verify(enc(password.toUpperCase()), phc)), phc);
  }
});

Deno.test("argon2: a missing v= means version 0x10, as in the reference decoder", async () => {
  const v16 = REFERENCE[4][1];
  const bare = v16.replace("$v=16", "");
  assertEquals(parseArgon2Hash(bare).version, 0x10);
  assert(await argon2Verify(enc("password"), bare));
  assert(!(await argon2Verify(enc("password"), v16.replace("v=16", "v=19"))));
});

Deno.test("argon2: parse and format round trip", () => {
  for (const [, phc] of REFERENCE) assertEquals(formatArgon2Hash(parseArgon2Hash(phc)), phc);
  const h = parseArgon2Hash(REFERENCE[1][1]);
  assertEquals([h.type, h.version, h.m, h.t, h.p, h.salt.length, h.hash.length], [
    "argon2id",
    0x13,
    4096,
    3,
    4,
    16,
    32,
  ]);
});

Deno.test("argon2: malformed PHC strings are refused", () => {
  const good = REFERENCE[0][1];
  const bad = [
    good.replace("argon2id", "argon2x"),
    good.replace("v=19", "v=18"),
    good.replace("m=19456,t=2,p=1", "m=19456,t=2"),
    good.replace("m=19456,t=2,p=1", "t=2,m=19456,p=1"),
    good.replace("m=19456", "m=019456"),
    good.replace("t=2", "t=0"),
    good.replace("p=1", "p=0"),
    good.replace("m=19456,t=2,p=1", "m=8,t=1,p=2"), // m < 8p
    good.replace("m=19456", "m=2000000"), // over the 1 GiB cap
    good.replace("c29tZXNhbHQxNmJ5dGVzIQ", "c2FsdA"), // 4-byte salt
    good.replace("c29tZXNhbHQxNmJ5dGVzIQ", "c29tZXNhbHQxNmJ5dGVzIQ=="), // padding
    good.replace(/\$[^$]+$/, "$AAA"), // 2-byte hash
    good.replace(/\$[^$]+$/, "$tPXA8KRa!xUDqo"),
    good + "$",
    good.slice(0, good.lastIndexOf("$")),
    "$argon2id$",
    "",
  ];
  for (const phc of bad) assertThrows(() => parseArgon2Hash(phc), MalformedHashError, undefined);
});

Deno.test("argon2: new hashes use argon2id, 19 MiB, t=2, p=1 and a fresh salt", async () => {
  assertEquals(ARGON2_DEFAULTS, { type: "argon2id", version: 0x13, m: 19456, t: 2, p: 1 });
  const a = await argon2Hash(enc("correct horse"));
  const b = await argon2Hash(enc("correct horse"));
  assert(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/.test(a), a);
  assert(a !== b, "salt must be random");
  assert(await argon2Verify(enc("correct horse"), a));
  assert(!(await argon2Verify(enc("correct horsE"), a)));
  // The same salt and parameters reproduce the reference CLI's hash.
  const salt = enc("somesalt16bytes!");
  assertEquals(await argon2Hash(enc("password"), { salt }), REFERENCE[0][1]);
});
