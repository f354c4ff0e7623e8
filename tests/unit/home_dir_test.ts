/**
 * Session working directory (`sessionDirectory`): the home when the user may
 * enter it, else `/` with sshd's message. Ownership cases need root.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/home_dir_test.ts`
 */
import { assertEquals } from "../_helpers/assert.ts";
import { sessionDirectory } from "../../src/ops/home_dir.ts";
import { isRoot } from "../_helpers/temp_account.ts";

const UID = 40_321;
const GID = 40_322;

Deno.test("sessionDirectory: missing, relative and non-directory homes fall back to /", async () => {
  const who = { uid: UID, gids: [GID] };
  assertEquals(await sessionDirectory({ ...who, home: "/nonexistent/tsshd" }), {
    cwd: "/",
    message: "Could not chdir to home directory /nonexistent/tsshd: No such file or directory\n",
  });
  assertEquals((await sessionDirectory({ ...who, home: "relative" })).cwd, "/");
  const file = await Deno.makeTempFile();
  try {
    assertEquals(
      (await sessionDirectory({ ...who, home: file })).message,
      `Could not chdir to home directory ${file}: Not a directory\n`,
    );
  } finally {
    await Deno.remove(file);
  }
  assertEquals(await sessionDirectory({ ...who, home: "/" }), { cwd: "/" });
});

Deno.test("sessionDirectory: search permission as the user, by owner, group or other bits", async () => {
  if (!isRoot()) {
    console.log("skipped: chown to another uid needs root");
    return;
  }
  const base = await Deno.makeTempDir({ dir: "/tmp" });
  const home = `${base}/home`;
  try {
    await Deno.mkdir(home);
    await Deno.chmod(base, 0o755);
    await Deno.chown(home, UID, GID);
    const who = { uid: UID, gids: [GID], home };
    await Deno.chmod(home, 0o700);
    assertEquals(await sessionDirectory(who), { cwd: home });
    await Deno.chmod(home, 0o600);
    assertEquals(await sessionDirectory(who), {
      cwd: "/",
      message: `Could not chdir to home directory ${home}: Permission denied\n`,
    });
    await Deno.chown(home, 0, GID);
    await Deno.chmod(home, 0o710);
    assertEquals((await sessionDirectory(who)).cwd, home, "group bit");
    assertEquals((await sessionDirectory({ ...who, gids: [1] })).cwd, "/", "not in the group");
    await Deno.chmod(home, 0o701);
    assertEquals((await sessionDirectory({ ...who, gids: [1] })).cwd, home, "other bit");
    await Deno.chmod(home, 0o755);
    await Deno.chmod(base, 0o700);
    assertEquals((await sessionDirectory(who)).cwd, "/", "a parent the user cannot search");
    assertEquals((await sessionDirectory({ ...who, uid: 0 })).cwd, home, "root searches everything");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
