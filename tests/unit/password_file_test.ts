/**
 * tsshd's password file: parsing (comments, blank lines, CRLF, extra
 * fields, locked users), FILE:LINE warnings for unusable lines, lookups,
 * duplicate users, and the atomic add/replace with mode 0600.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  findPasswordEntry,
  parsePasswordFile,
  PasswordFile,
  setPasswordHash,
  userNameProblem,
  withPasswordHash,
} from "../../src/ops/password/password_file.ts";

const SHA = "$6$rounds=1000$$MAtKCwSDBQcRsZx4EQFNZcdGeqdhR4..Fvk.aVF69HxiT.DIHWXc7OXyxT7BpUzTA/i1BYyzedxa6z55z119y0";
const Y = "$y$j75$rAmTfChiJKqmIfBSU0yav0$cgOu44TIvUA4SDD.lAqAiK.ikN4PlYbnLllx5KjAJDD";
const A = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQxNmJ5dGVzIQ$MmvBYrAqCC986rmwQ7KaVeIEZg6o09wdeQsLWBCqmzQ";

async function tempDir(): Promise<string> {
  return await mkdtemp(join(tmpdir(), "tsshd-pwfile-"));
}

Deno.test("password file: entries, comments, CRLF, extra fields, locked users", () => {
  const text = [
    "# tsshd passwords",
    "",
    "alice:" + SHA,
    "   # indented comment",
    "bob:" + Y + ":19800:0:99999:7:::\r",
    "carol:!" + A,
    "\t",
    "dave:" + A,
  ].join("\n");
  const { entries, warnings } = parsePasswordFile(text, "pw");
  assertEquals(warnings, []);
  assertEquals(entries.map((e) => [e.user, e.line]), [["alice", 3], ["bob", 5], ["carol", 6], ["dave", 8]]);
  assertEquals(findPasswordEntry(entries, "bob")?.hash, Y);
  assertEquals(findPasswordEntry(entries, "carol")?.hash, "!" + A);
  assertEquals(findPasswordEntry(entries, "eve"), undefined);
  assertEquals(findPasswordEntry(entries, "Alice"), undefined);
});

Deno.test("password file: unusable lines are FILE:LINE warnings; the rest still work", () => {
  const text = [
    "alice:" + SHA,
    "no colon here",
    ":" + SHA,
    "bad user:" + SHA,
    "frank:",
    "grace:$1$ZAU8dUPr$3fv.v.iR3xahBTHszg9N31",
    "heidi:$6$rounds=10$salt$xyz",
    "alice:" + A,
    "ivan:" + Y,
  ].join("\n");
  const { entries, warnings } = parsePasswordFile(text, "/etc/tsshd/passwords");
  assertEquals(entries.map((e) => e.user), ["alice", "ivan"]);
  assertEquals(findPasswordEntry(entries, "alice")?.hash, SHA, "the first line for a user wins");
  assertEquals(warnings.length, 7, warnings.join("\n"));
  const expected = [
    "/etc/tsshd/passwords:2: expected user:hash",
    "/etc/tsshd/passwords:3: empty user name",
    "/etc/tsshd/passwords:4: user name contains whitespace",
    "/etc/tsshd/passwords:5: empty hash",
    "/etc/tsshd/passwords:6: unsupported hash scheme",
    "/etc/tsshd/passwords:7: rounds=10",
    "/etc/tsshd/passwords:8: duplicate entry for alice; line 1 is used",
  ];
  for (let i = 0; i < expected.length; i++) {
    assert(warnings[i].startsWith(expected[i]), `${warnings[i]} ≠ ${expected[i]}`);
  }
});

Deno.test("password file: user names", () => {
  assertEquals(userNameProblem("alice"), undefined);
  assertEquals(userNameProblem("svc-backup.01@example"), undefined);
  for (const bad of ["", "a:b", "a b", "a\tb", "a\nb", "#x", "a\u0000"]) assert(userNameProblem(bad), bad);
});

Deno.test("password file: withPasswordHash replaces the first line or appends, keeping the rest", () => {
  const text = "# mine\nalice:old:extra:fields\nbob:" + SHA + "\n#alice:commented\nalice:second\n";
  const replaced = withPasswordHash(text, "alice", "NEW");
  assertEquals(replaced, {
    text: "# mine\nalice:NEW:extra:fields\nbob:" + SHA + "\n#alice:commented\nalice:second\n",
    replaced: true,
  });
  assertEquals(withPasswordHash(text, "carol", "H"), { text: text + "carol:H\n", replaced: false });
  assertEquals(withPasswordHash("", "carol", "H"), { text: "carol:H\n", replaced: false });
  assertEquals(withPasswordHash("bob:x", "carol", "H").text, "bob:x\ncarol:H\n");
  assertEquals(withPasswordHash("bob:x\r\n", "bob", "H").text, "bob:H\n");
});

Deno.test("password file: setPasswordHash creates (0700 dir, 0600 file), replaces, leaves no temp file", async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, "sub", "passwords");
    assertEquals(await setPasswordHash(path, "alice", SHA), false);
    assertEquals((await stat(path)).mode & 0o777, 0o600);
    assertEquals((await stat(join(dir, "sub"))).mode & 0o777, 0o700);
    assertEquals(await setPasswordHash(path, "bob", Y), false);
    assertEquals(await setPasswordHash(path, "alice", A), true);
    assertEquals(await readFile(path, "utf8"), `alice:${A}\nbob:${Y}\n`);
    assertEquals(await readdir(join(dir, "sub")), ["passwords"]);
    // An existing file with a looser mode comes back 0600, comments intact.
    await writeFile(path, "# keep me\nalice:" + SHA + "\n", { mode: 0o644 });
    assertEquals(await setPasswordHash(path, "alice", Y), true);
    assertEquals(await readFile(path, "utf8"), "# keep me\nalice:" + Y + "\n");
    assertEquals((await stat(path)).mode & 0o777, 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("password file: setPasswordHash refuses what it cannot store", async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, "passwords");
    await assertRejects(() => setPasswordHash(path, "a:b", SHA), RangeError);
    await assertRejects(() => setPasswordHash(path, "alice", "a:b"), RangeError);
    await assertRejects(() => setPasswordHash(path, "alice", "two\nlines"), RangeError);
    await assertRejects(() => setPasswordHash(path, "alice", ""), RangeError);
    assertEquals(await readdir(dir), []);
    await writeFile(path, "");
    await assertRejects(() => setPasswordHash(join(path, "x"), "alice", SHA)); // a file, not a directory
    assertEquals(await readdir(dir), ["passwords"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("password file: PasswordFile re-reads on each lookup and warns once per problem", async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, "passwords");
    const warned: string[] = [];
    const logger = { info() {}, debug() {}, warn: (m: string) => warned.push(m) };
    const file = new PasswordFile(path, logger);
    assertEquals(await file.lookup("alice"), undefined);
    assertEquals(await file.lookup("alice"), undefined);
    assertEquals(warned.length, 1);
    assert(warned[0].startsWith(`cannot read password file ${path}`), warned[0]);
    await writeFile(path, `alice:${SHA}\nbroken line\n`);
    assertEquals((await file.lookup("alice"))?.hash, SHA);
    await file.lookup("alice");
    assertEquals(warned.slice(1), [`${path}:2: expected user:hash`]);
    await setPasswordHash(path, "alice", Y);
    assertEquals((await file.lookup("alice"))?.hash, Y);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
