/**
 * The real-disk SFTP backend (`src/ops/sftp_fs.ts`): every check of
 * `tests/fixtures/sftp_fs_checks.ts` as a Deno test, then the same checks under
 * Bun (where non-UTF-8 names are byte-exact), plus the pure helpers.
 */
import { fileURLToPath } from "node:url";
import { SFTP_FS_CHECKS } from "../fixtures/sftp_fs_checks.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { isDots, joinPath, pathBytes, splitPath } from "../../src/ops/sftp_path_bytes.ts";
import { errnoError } from "../../src/ops/sftp_errno.ts";
import { SFTP_STATUS } from "../../src/sftp/backend.ts";
import { parseGroups, parsePasswd } from "../../src/ops/sftp_users.ts";
import { RwLock } from "../../src/ops/sftp_lock.ts";

for (const check of SFTP_FS_CHECKS) Deno.test(`sftp_fs (deno): ${check.name}`, check.run);

const dec = new TextDecoder();

Deno.test("sftp path bytes: split, join, dots", () => {
  assertEquals(splitPath(pathBytes("/a//b/../c/")).map((c) => dec.decode(c)), ["a", "b", "..", "c"]);
  assertEquals(dec.decode(joinPath(pathBytes("/srv"), [pathBytes("a"), pathBytes("b")])), "/srv/a/b");
  assertEquals(dec.decode(joinPath(new Uint8Array(0), [])), "/");
  assert(isDots(pathBytes(".."), 2) && isDots(pathBytes("."), 1) && !isDots(pathBytes(".a"), 2));
});

Deno.test("sftp errno mapping follows OpenSSH", () => {
  assertEquals([errnoError("ENOENT").status, errnoError("ENOENT").message], [SFTP_STATUS.NO_SUCH_FILE, "No such file"]);
  assertEquals(errnoError("ELOOP").status, SFTP_STATUS.NO_SUCH_FILE);
  assertEquals([errnoError("EACCES").status, errnoError("EPERM").message], [3, "Permission denied"]);
  assertEquals([errnoError("ENOSPC").status, errnoError("ENOSPC").message], [4, "No space left on device"]);
  assertEquals(errnoError("EWHATEVER").message, "Failure (EWHATEVER)");
});

Deno.test("passwd/group parsing skips malformed lines", () => {
  assertEquals(parsePasswd("a:x:1:2:g:/h:/s\nbroken\nb:x:y:2:g:/h:/s\n"), [{ name: "a", uid: 1, gid: 2, home: "/h" }]);
  assertEquals([...parseGroups("g:x:5:\ng2:x:5:\nbad\n")], [[5, "g"]]);
});

Deno.test("RwLock: exclusive waits for readers, readers queue behind a waiting writer", async () => {
  const lock = new RwLock();
  const log: string[] = [];
  let release!: () => void;
  const r1 = lock.shared(() => new Promise<void>((r) => release = r).then(() => log.push("r1")));
  const w = lock.exclusive(() => Promise.resolve(log.push("w")));
  const r2 = lock.shared(() => Promise.resolve(log.push("r2")));
  await Promise.resolve();
  assertEquals(log, []);
  release();
  await Promise.all([r1, w, r2]);
  assertEquals(log, ["r1", "w", "r2"]);
});

const root = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("sftp_fs checks pass under Bun (raw non-UTF-8 names)", async () => {
  const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
    args: ["tests/fixtures/sftp_fs_bun_check.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = dec.decode(out.stdout);
  const failures = stdout.split("\n").filter((l) => l.startsWith("not ok"));
  assertEquals(failures.length, 0, `failed under Bun:\n${failures.join("\n")}\n${dec.decode(out.stderr)}`);
  assertEquals(out.code, 0, stdout);
  assert(stdout.includes(`summary: ${SFTP_FS_CHECKS.length}/${SFTP_FS_CHECKS.length}`), stdout);
  assert(stdout.includes("rawNames: true"), stdout);
});
