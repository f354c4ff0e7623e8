/**
 * verifyPassword / checkPassword / hashPassword: dispatch on the prefix for
 * every scheme (one libxcrypt or reference-CLI vector each), wrong
 * passwords, locked, empty and malformed hashes (false, never a throw),
 * NUL bytes, raw-byte passwords, and the same checks under Bun.
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { checkPassword, hashProblem, hashScheme, verifyDecoy, verifyPassword } from "../../src/ops/password/verify.ts";
import { hashPassword } from "../../src/ops/password/hash.ts";

/** One hash of "correct horse" per scheme (libxcrypt 4.4.33's crypt(3), mkpasswd, the argon2 CLI). */
const HASHES: Record<string, string> = {
  "argon2": "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$MmvBYrAqCC986rmwQ7KaVeIEZg6o09wdeQsLWBCqmzQ",
  "yescrypt": "$y$j75$rAmTfChiJKqmIfBSU0yav0$cgOu44TIvUA4SDD.lAqAiK.ikN4PlYbnLllx5KjAJDD",
  "scrypt": "$7$96..../....saltysaltysalt$R48gBrIq5aZwq2JHxwVAzpIfUHTxjJ76tqKl.O79fXA",
  "sha512-crypt":
    "$6$rounds=1000$$MAtKCwSDBQcRsZx4EQFNZcdGeqdhR4..Fvk.aVF69HxiT.DIHWXc7OXyxT7BpUzTA/i1BYyzedxa6z55z119y0",
  "sha256-crypt": "$5$saltsalt#%&()+$3.4iW7fq0jqF2I5zOUQgXMVpzFxTL7bls91rEiXqHTC",
  "bcrypt": "$2b$05$RHYhwZkxxMk7ZrUIqkCsPefryU4wtYwNJHwm.YbpgUxdWHU.NiIce",
};
const PASSWORD = "correct horse";

/** Hashes that must never match, each with what checkPassword should report. */
const UNUSABLE: [string, string][] = [
  ["", "empty hash"],
  ["!", "locked"],
  ["*", "locked"],
  ["!!", "locked"],
  ["*LK*", "locked"],
  ["!" + HASHES["sha512-crypt"], "locked"],
  ["!" + HASHES["argon2"], "locked"],
  ["$1$ZAU8dUPr$3fv.v.iR3xahBTHszg9N31", "unsupported hash scheme"], // MD5-crypt
  ["D/SErOdcd.K06", "unsupported hash scheme"], // DES crypt
  ["$gy$j9T$salt$hash", "unsupported hash scheme"],
  [
    "$6$rounds=10$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.",
    "rounds",
  ],
  ["$6$saltsalt$short", "malformed digest"],
  [HASHES["sha256-crypt"] + "x", "malformed digest"],
  ["$2b$03$RHYhwZkxxMk7ZrUIqkCsPefryU4wtYwNJHwm.YbpgUxdWHU.NiIce", "cost"],
  ["$2b$05$RHYhwZkxxMk7ZrUIqkCsPefryU4wtYwNJHwm.YbpgUxdWHU.NiIc", "malformed digest"],
  ["$y$j9T$salt", "malformed digest"],
  ["$y$jFT$dtwty36WTuAoJuY/lKIOE.$TfZO3gGDkG1vd2uXeCYCtrmq09ll/ZmMPMSMuArBC50", "memory"], // 1 GiB
  ["$y$j9T3..$dtwty36WTuAoJuY/lKIOE.$TfZO3gGDkG1vd2uXeCYCtrmq09ll/ZmMPMSMuArBC50", "upgrades"],
  ["$argon2id$v=19$m=64,t=1$c29tZXNhbHQxNmJ5dGVzIQ$MmvBYrAqCC986rmwQ7KaVeIEZg6o09wdeQsLWBCqmzQ", "PHC"],
  ["$argon2id$v=19$m=4000000,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$MmvBYrAqCC986rmwQ7KaVeIEZg6o09wdeQsLWBCqmzQ", "memory"],
  ["$argon2id$", "PHC"],
  ["$", "unsupported hash scheme"],
  [" " + HASHES["bcrypt"], "unsupported hash scheme"],
  ["\u00e9\u0000\n", "unsupported hash scheme"],
];

Deno.test("verifyPassword: every scheme, right and wrong password", async () => {
  for (const [scheme, hash] of Object.entries(HASHES)) {
    assertEquals(hashScheme(hash), scheme);
    assertEquals(hashProblem(hash), undefined, hash);
    assert(await verifyPassword(PASSWORD, hash), `${scheme} should match`);
    assert(!(await verifyPassword(PASSWORD + " ", hash)), `${scheme}: wrong password matched`);
    assert(!(await verifyPassword("Correct horse", hash)), `${scheme}: wrong password matched`);
    assert(!(await verifyPassword("", hash)), `${scheme}: empty password matched`);
    assertEquals(await checkPassword(PASSWORD + "!", hash), { match: false });
  }
});

Deno.test("verifyPassword: raw bytes as the client sent them", async () => {
  const bytes = new TextEncoder().encode(PASSWORD);
  for (const hash of Object.values(HASHES)) assert(await verifyPassword(bytes, hash), hash);
  // UTF-8 of a non-ASCII password (libxcrypt vector): string and bytes agree.
  const utf8 =
    "$6$rounds=1000$BjGIL3Y1BtiGmDvH$nvT8.8T3eaYI/zmIwvHxzQLOCy.ur2iDgKCyHFn4DMCTz.kZDbd7o1gOCsQ.O0EfFNvKSAvP6ax36XxE.EgLD0";
  assert(await verifyPassword("p\u00e4ssw\u00f6rd \u20ac \u2713", utf8));
  assert(await verifyPassword(new TextEncoder().encode("p\u00e4ssw\u00f6rd \u20ac \u2713"), utf8));
  assert(!(await verifyPassword(new Uint8Array([0x70, 0xe4]), utf8)));
});

Deno.test("verifyPassword: unusable hashes never match and never throw", async () => {
  for (const [hash, why] of UNUSABLE) {
    assert(!(await verifyPassword(PASSWORD, hash)), JSON.stringify(hash));
    const r = await checkPassword(PASSWORD, hash);
    assertEquals(r.match, false);
    assert(r.problem?.includes(why), `${JSON.stringify(hash)}: problem "${r.problem}" should mention "${why}"`);
  }
  assertEquals(hashScheme("!$y$j9T$x$y"), "locked");
  assertEquals(hashScheme(""), "empty");
  assertEquals(hashScheme("$1$x$y"), "unknown");
});

Deno.test("verifyPassword: a NUL byte never matches a crypt(3) hash", async () => {
  // crypt() would see only "correct horse"; refusing is the safe reading.
  for (const scheme of ["sha512-crypt", "bcrypt", "yescrypt"]) {
    assert(!(await verifyPassword(PASSWORD + "\u0000tail", HASHES[scheme])), scheme);
  }
  // bcrypt's key is the password and its NUL, repeated to 72 bytes: without this rule the
  // repetition itself, sent as the password, would match.
  assert(!(await verifyPassword((PASSWORD + "\u0000").repeat(6), HASHES["bcrypt"])));
});

Deno.test("hashPassword: argon2id that verifies, with a fresh salt each time", async () => {
  const h = await hashPassword("s3cret \u2713", { m: 64, t: 1 });
  assert(h.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), h);
  assert(await verifyPassword("s3cret \u2713", h));
  assert(!(await verifyPassword("s3cret", h)));
  assert((await hashPassword("s3cret \u2713", { m: 64, t: 1 })) !== h);
  assert((await hashPassword("x")).startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
});

Deno.test("verifyDecoy: false, after about the work of a default verification", async () => {
  const t0 = performance.now();
  assertEquals(await verifyDecoy(PASSWORD), false);
  assertEquals(await verifyDecoy(new Uint8Array(0)), false);
  assert(performance.now() - t0 > 20, "the decoy should cost a real argon2id computation");
});

Deno.test("verifyPassword: the same checks under Bun", async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const script = `
    import { verifyPassword } from "./src/ops/password/verify.ts";
    const hashes = ${JSON.stringify(Object.values(HASHES))};
    const bad = [];
    for (const h of hashes) {
      if (!(await verifyPassword(${JSON.stringify(PASSWORD)}, h))) bad.push("no match: " + h);
      if (await verifyPassword("wrong", h)) bad.push("wrong password matched: " + h);
    }
    for (const h of ${JSON.stringify(UNUSABLE.map(([h]) => h))}) {
      if (await verifyPassword(${JSON.stringify(PASSWORD)}, h)) bad.push("unusable matched: " + h);
    }
    console.log(JSON.stringify(bad));
  `;
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["-e", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), [], stderr);
});
