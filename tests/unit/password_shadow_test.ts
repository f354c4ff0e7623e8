/**
 * /etc/shadow entries: locked (`!`, `*`, `!!`), empty, account expiry
 * (field 8) and password aging (lastchg 0, max, inactive) as pam_unix
 * judges them, on fixed days; and a real lookup through a file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { findShadowEntry, parseShadowLine, readShadowEntry, shadowDay } from "../../src/ops/password/shadow.ts";

const Y = "$y$j9T$dtwty36WTuAoJuY/lKIOE.$TfZO3gGDkG1vd2uXeCYCtrmq09ll/ZmMPMSMuArBC50";
const TODAY = 20000;

Deno.test("shadow: status of an entry", () => {
  const cases: [string, string][] = [
    [`alice:${Y}:19990:0:99999:7:::`, "ok"],
    [`alice:${Y}:19990::::::`, "ok"],
    [`alice:${Y}`, "ok"],
    [`alice:!${Y}:19990:0:99999:7:::`, "locked"],
    [`alice:!!:19990:0:99999:7:::`, "locked"],
    [`alice:*:19990:0:99999:7:::`, "locked"],
    [`alice:!*:19990:0:99999:7:::`, "locked"],
    [`alice::19990:0:99999:7:::`, "no-password"],
    [`alice:${Y}:19990:0:99999:7::20001:`, "ok"], // expires tomorrow
    [`alice:${Y}:19990:0:99999:7::20000:`, "expired"], // expires today
    [`alice:${Y}:19990:0:99999:7::1:`, "expired"],
    [`alice:${Y}:19990:0:99999:7::0:`, "expired"], // pam_unix reads 0 as 1970-01-01
    [`alice:${Y}:0:0:99999:7:::`, "password-expired"], // passwd -e: must change
    [`alice:${Y}:19900:0:90:7:::`, "password-expired"], // 100 days old, max 90
    [`alice:${Y}:19910:0:90:7:::`, "ok"], // exactly 90 days
    [`alice:${Y}:19900:0:90:7:30::`, "password-expired"], // still inside the inactive period
    [`alice:${Y}:19800:0:90:7:30::`, "expired"], // 200 days: max + inactive passed
    [`alice:${Y}:19800:0::7:30::`, "ok"], // no max: no aging
    [`alice:!${Y}:19800:0:90:7:30:1:`, "locked"], // locked wins
  ];
  for (const [line, status] of cases) assertEquals(parseShadowLine(line, TODAY)?.status, status, line);
  assertEquals(parseShadowLine(`alice:!${Y}:19990:0:99999:7:::`, TODAY)?.hash, "!" + Y);
  assertEquals(parseShadowLine(`alice:${Y}:19990:0:99999:7::20001:`, TODAY)?.expireDay, 20001);
});

Deno.test("shadow: lines that are not entries", () => {
  for (const line of ["", "alice", "+nisuser::::::::", "-", ":x:1"]) {
    assertEquals(parseShadowLine(line, TODAY), undefined);
  }
});

Deno.test("shadow: finding a user", () => {
  const text = `root:*:19990:0:99999:7:::\nal:${Y}:1:0:99999:7:::\nalice:${Y}:19990:0:99999:7:::\nalice:*:1::::::\n`;
  assertEquals(findShadowEntry(text, "alice", TODAY), { user: "alice", hash: Y, status: "ok" });
  assertEquals(findShadowEntry(text, "ali", TODAY), undefined);
  assertEquals(findShadowEntry(text, "root", TODAY)?.status, "locked");
});

Deno.test("shadow: readShadowEntry reads a file as of a given day", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tsshd-shadow-"));
  try {
    const path = join(dir, "shadow");
    await writeFile(path, `alice:${Y}:19990:0:99999:7::19724:\n`, { mode: 0o600 });
    const before = await readShadowEntry("alice", { path, now: new Date("2024-01-01T23:59:59Z") });
    assertEquals(before?.status, "ok");
    const after = await readShadowEntry("alice", { path, now: new Date("2024-01-02T00:00:00Z") });
    assertEquals(after?.status, "expired");
    assertEquals(await readShadowEntry("bob", { path }), undefined);
    await assertRejects(() => readShadowEntry("alice", { path: join(dir, "missing") }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assertEquals(shadowDay(new Date("2024-01-01T12:00:00Z")), 19723);
  assertEquals(shadowDay(new Date(0)), 0);
});
