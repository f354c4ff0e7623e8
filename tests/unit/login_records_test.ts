/**
 * utmp/wtmp/lastlog records: the x86_64 glibc layouts, and login/logout
 * accounting checked with util-linux's own readers (`utmpdump`, `last -f`,
 * `who FILE`) on temp files and, as root, `lastlog -u` on the real lastlog
 * for a throwaway account (its slot is restored afterwards).
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/login_records_test.ts`
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  decodeLastlog,
  decodeUtmp,
  encodeLastlog,
  encodeUtmp,
  LASTLOG_SIZE,
  UTMP_SIZE,
  UtmpType,
} from "../../src/ops/utmp_record.ts";
import {
  lastLogin,
  loginRecord,
  type LoginRecordFiles,
  type LoginSession,
  recordLogin,
  recordLogout,
} from "../../src/ops/login_records.ts";
import { isRoot, withTempAccount } from "../_helpers/temp_account.ts";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const session: LoginSession = {
  user: "alice",
  uid: 3,
  pid: 4242,
  ttyPath: "/dev/pts/7",
  host: "192.0.2.7",
  address: "::ffff:192.0.2.7",
};

function hasTool(name: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): string {
  const out = new Deno.Command(cmd, { args, env: { TZ: "UTC", LC_ALL: "C" }, stdout: "piped", stderr: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

/** `utmpdump FILE` as rows of fields. */
function utmpdump(path: string): string[][] {
  return run("utmpdump", [path]).split("\n").filter((l) => l.startsWith("[")).map((l) =>
    [...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1].trim())
  );
}

async function withLogFiles(fn: (files: LoginRecordFiles, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  const files = { utmp: [`${dir}/missing-utmp`, `${dir}/utmp`], wtmp: `${dir}/wtmp`, lastlog: `${dir}/lastlog` };
  try {
    for (const f of [files.utmp[1], files.wtmp, files.lastlog]) await Deno.writeFile(f, new Uint8Array());
    await fn(files, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("encodeUtmp: struct utmp field offsets (x86_64 glibc)", () => {
  const bytes = encodeUtmp({
    ...loginRecord(session, T0, false),
    session: 0x01020304,
    exit: { termination: 5, exit: 6 },
  });
  const v = new DataView(bytes.buffer);
  assertEquals(bytes.length, 384);
  assertEquals(v.getInt16(0, true), 7, "ut_type USER_PROCESS");
  assertEquals(v.getInt32(4, true), 4242, "ut_pid");
  assertEquals(new TextDecoder().decode(bytes.subarray(8, 13)), "pts/7");
  assertEquals(bytes[13], 0, "ut_line NUL-padded");
  assertEquals(new TextDecoder().decode(bytes.subarray(40, 44)), "ts/7", "ut_id: last 4 bytes of the line");
  assertEquals(new TextDecoder().decode(bytes.subarray(44, 49)), "alice");
  assertEquals(new TextDecoder().decode(bytes.subarray(76, 85)), "192.0.2.7");
  assertEquals([v.getInt16(332, true), v.getInt16(334, true)], [5, 6], "ut_exit");
  assertEquals(v.getInt32(336, true), 0x01020304, "ut_session");
  assertEquals(v.getInt32(340, true), Math.floor(T0 / 1000), "tv_sec");
  assertEquals(v.getInt32(344, true), 678_000, "tv_usec");
  assertEquals([...bytes.subarray(348, 364)], [192, 0, 2, 7, ...new Array(12).fill(0)], "v4-mapped → ut_addr_v6[0]");
  assertEquals(bytes.subarray(364).every((b) => b === 0), true, "reserved");
});

Deno.test("utmp and lastlog records round-trip; full fields need no NUL", () => {
  const long = { ...loginRecord({ ...session, user: "u".repeat(40), host: "h".repeat(300) }, T0, false) };
  const back = decodeUtmp(encodeUtmp(long));
  assertEquals(back.user, "u".repeat(32));
  assertEquals(back.host, "h".repeat(256));
  assertEquals(back.timeMs, T0);
  assertEquals(back.type, UtmpType.USER_PROCESS);
  const logout = decodeUtmp(encodeUtmp(loginRecord(session, T0, true)));
  assertEquals([logout.type, logout.user, logout.host, logout.line, logout.id], [8, "", "", "pts/7", "ts/7"]);
  const ll = encodeLastlog({ timeMs: T0, line: "pts/7", host: "192.0.2.7" });
  assertEquals(ll.length, 292);
  assertEquals(new DataView(ll.buffer).getInt32(0, true), Math.floor(T0 / 1000));
  assertEquals(new TextDecoder().decode(ll.subarray(4, 9)), "pts/7");
  assertEquals(new TextDecoder().decode(ll.subarray(36, 45)), "192.0.2.7");
  assertEquals(decodeLastlog(ll), { timeMs: Math.floor(T0 / 1000) * 1000, line: "pts/7", host: "192.0.2.7" });
  assertEquals([UTMP_SIZE, LASTLOG_SIZE], [384, 292]);
});

Deno.test("login and logout as utmpdump, last and who read them", async () => {
  if (!hasTool("utmpdump") || !hasTool("last")) {
    console.log("skipped: util-linux utmpdump/last not installed");
    return;
  }
  await withLogFiles(async (files) => {
    const second = { ...session, pid: 5, ttyPath: "/dev/pts/8", host: "2001:db8::1", address: "2001:db8::1" };
    assertEquals((await recordLogin(session, files, T0)).written, [files.utmp[1], files.wtmp, files.lastlog]);
    await recordLogin(second, files, T0 + 60_000);
    assertEquals((await recordLogout(session, files, T0 + 3_600_000)).written, [files.utmp[1], files.wtmp]);

    const utmp = utmpdump(files.utmp[1]);
    assertEquals(utmp.length, 2, "the logout replaced the login's utmp slot");
    assertEquals(utmp[0], ["8", "04242", "ts/7", "", "pts/7", "", "0.0.0.0", "2024-01-02T04:04:05,678000+00:00"]);
    assertEquals(utmp[1], ["7", "00005", "ts/8", "alice", "pts/8", "2001:db8::1", "2001:db8::1", utmp[1][7]]);
    const wtmp = utmpdump(files.wtmp);
    assertEquals(wtmp.map((r) => r[0]), ["7", "7", "8"]);
    assertEquals(wtmp[0].slice(3, 8), ["alice", "pts/7", "192.0.2.7", "192.0.2.7", "2024-01-02T03:04:05,678000+00:00"]);

    const last = run("last", ["-f", files.wtmp, "--time-format", "iso"]);
    assert(/alice +pts\/8 +2001:db8::1 .*still logged in|gone - no logout/.test(last), last);
    assert(/alice +pts\/7 +192\.0\.2\.7 +2024-01-02T03:04:05\+00:00 - 2024-01-02T04:04:05\+00:00/.test(last), last);
    if (hasTool("who")) {
      const who = run("who", [files.utmp[1]]);
      assert(/^alice +pts\/8 /m.test(who) && !who.includes("pts/7"), who);
    }

    // A new login on the same line reuses the DEAD slot.
    await recordLogin({ ...session, pid: 6 }, files, T0 + 7_200_000);
    assertEquals(utmpdump(files.utmp[1]).map((r) => [r[0], r[1]]), [["7", "00006"], ["7", "00005"]]);
  });
});

Deno.test("lastlog: the uid's slot, read back by lastLogin", async () => {
  await withLogFiles(async (files) => {
    assertEquals(await lastLogin(3, files), undefined);
    await recordLogin(session, files, T0);
    assertEquals((await Deno.stat(files.lastlog)).size, 4 * 292);
    assertEquals(await lastLogin(3, files), { timeMs: Math.floor(T0 / 1000) * 1000, line: "pts/7", host: "192.0.2.7" });
    assertEquals(await lastLogin(2, files), undefined);
    assertEquals(await lastLogin(99, files), undefined);
  });
});

Deno.test("missing files are skipped; other failures are reported", async () => {
  await withLogFiles(async (files, dir) => {
    const none = { utmp: [`${dir}/a`], wtmp: `${dir}/b`, lastlog: `${dir}/c` };
    assertEquals(await recordLogin(session, none, T0), { written: [], errors: [] });
    assertEquals(await recordLogout(session, none, T0), { written: [], errors: [] });
    await Deno.remove(files.wtmp);
    await Deno.mkdir(files.wtmp);
    const r = await recordLogin(session, files, T0);
    assertEquals(r.written, [files.utmp[1], files.lastlog]);
    assertEquals(r.errors.map((e) => e.path), [files.wtmp]);
  });
});

Deno.test("wtmp: a torn tail is overwritten by the next whole record", async () => {
  await withLogFiles(async (files) => {
    await Deno.writeFile(files.wtmp, new Uint8Array(UTMP_SIZE + 100));
    await recordLogin(session, files, T0);
    const bytes = await Deno.readFile(files.wtmp);
    assertEquals(bytes.length, 2 * UTMP_SIZE);
    assertEquals(decodeUtmp(bytes.subarray(UTMP_SIZE)).user, "alice");
  });
});

Deno.test("lastlog -u reads what recordLogin wrote to /var/log/lastlog (root only)", async () => {
  const path = "/var/log/lastlog";
  if (!isRoot() || !hasTool("lastlog") || !(await Deno.stat(path).catch(() => undefined))) {
    console.log("skipped: needs root, lastlog(8) and /var/log/lastlog");
    return;
  }
  await withTempAccount([], async (a) => {
    const original = await Deno.readFile(path);
    const files = { utmp: [], wtmp: "/nonexistent/wtmp", lastlog: path };
    try {
      const r = await recordLogin({ ...session, user: a.name, uid: a.uid }, files, T0);
      assertEquals(r, { written: [path], errors: [] });
      const out = run("lastlog", ["-u", a.name]);
      assert(new RegExp(`^${a.name} +pts/7 +192\\.0\\.2\\.7 +Tue Jan  2 03:04:05 \\+0000 2024`, "m").test(out), out);
    } finally {
      // Put the file back as it was (the slot was beyond its end or empty).
      await Deno.truncate(path, original.length);
      const fh = await Deno.open(path, { write: true });
      try {
        await fh.write(original);
      } finally {
        fh.close();
      }
    }
  });
});
