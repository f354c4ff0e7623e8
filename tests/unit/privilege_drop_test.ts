/**
 * Running children as another account (`SpawnOptions.user`): the argv
 * built around setpriv, the PTY ownership rules, and, as root, real spawns
 * (piped and PTY) as a throwaway account on Deno and under Bun.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/privilege_drop_test.ts`
 * (the spawning tests are skipped, with a message, when not root).
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { needsPrivilegeDrop, resolveProgram, runAsArgv, withArgv0 } from "../../src/runtime/privilege_drop.ts";
import { ptyOwnership, ttyGroupId } from "../../src/runtime/pty_owner.ts";
import { SpawnError } from "../../src/runtime/node_common.ts";
import { createDenoRuntime } from "../../src/runtime/deno.ts";
import { ptyIdle } from "../../src/runtime/deno_pty.ts";
import { PRIVILEGE_CHECKS } from "../fixtures/privilege_drop_checks.ts";
import { isRoot, withTempAccount } from "../_helpers/temp_account.ts";

const root = new URL("../../", import.meta.url).pathname;
const alice = { uid: 1000, gid: 1001, name: "alice" };

Deno.test("withArgv0: login shells go through bash exec -a, other argv0s are dropped", () => {
  assertEquals(withArgv0("/bin/bash", ["-i"], "-bash"), [
    "/bin/bash",
    "-c",
    'exec -a "$0" "$@"',
    "-bash",
    "/bin/bash",
    "-i",
  ]);
  assertEquals(withArgv0("/bin/sh", ["-c", "id"], "sh"), ["/bin/sh", "-c", "id"]);
  assertEquals(withArgv0("/bin/sh", ["-c", "id"]), ["/bin/sh", "-c", "id"]);
  assertEquals(withArgv0("/bin/sh", [], "/bin/sh"), ["/bin/sh"]);
});

Deno.test("runAsArgv: setpriv with uid, gid and the group option, then --", () => {
  const setpriv = runAsArgv(alice, "/usr/bin/id", [])[0];
  assert(setpriv.endsWith("/setpriv"), setpriv);
  assertEquals(runAsArgv(alice, "/usr/bin/id", ["-G"]).slice(1), [
    "--reuid=1000",
    "--regid=1001",
    "--init-groups",
    "--",
    "/usr/bin/id",
    "-G",
  ]);
  assertEquals(runAsArgv({ ...alice, groups: [1001, 27] }, "/usr/bin/id", [])[3], "--groups=1001,27");
  assertEquals(runAsArgv({ ...alice, groups: [] }, "/usr/bin/id", [])[3], "--clear-groups");
  // An option-looking program name stays after "--".
  assertEquals(runAsArgv(alice, "-x", []).slice(4), ["--", "-x"]);
});

Deno.test("needsPrivilegeDrop: only with a user; as root always", () => {
  assertEquals(needsPrivilegeDrop(undefined, "sh"), false);
  if (Deno.uid() === 0) assertEquals(needsPrivilegeDrop(alice, "sh"), true);
  else assertEquals(needsPrivilegeDrop({ ...alice, uid: Deno.uid() ?? -1 }, "sh"), false);
});

Deno.test("resolveProgram: PATH lookup with SpawnError codes", () => {
  assertEquals(resolveProgram("sh", { PATH: "/nonexistent:/bin" }, "/"), "/bin/sh");
  assertEquals(resolveProgram("./x", { PATH: "/bin" }, "/"), "./x");
  const e = assertThrows(() => resolveProgram("no-such-tsshd", { PATH: "/bin" }, "/"), SpawnError);
  assertEquals((e as SpawnError).code, "ENOENT");
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/plain`, "x");
    Deno.chmodSync(`${dir}/plain`, 0o644);
    const denied = assertThrows(() => resolveProgram("plain", { PATH: dir }, "/"), SpawnError);
    // root may execute any file with an x bit only: 0644 is refused for everyone.
    assertEquals((denied as SpawnError).code, "EACCES");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ptyOwnership and ttyGroupId: user:tty 0620, or user:group 0600 without a tty group", () => {
  assertEquals(ptyOwnership(alice, 5), { uid: 1000, gid: 5, mode: 0o620 });
  assertEquals(ptyOwnership(alice, undefined), { uid: 1000, gid: 1001, mode: 0o600 });
  const file = Deno.makeTempFileSync();
  try {
    Deno.writeTextFileSync(file, "root:x:0:\nttyfoo:x:9:\ntty:x:77:alice\n");
    assertEquals(ttyGroupId(file), 77);
    Deno.writeTextFileSync(file, "root:x:0:\n");
    assertEquals(ttyGroupId(file), undefined);
    assertEquals(ttyGroupId(`${file}.missing`), undefined);
  } finally {
    Deno.removeSync(file);
  }
});

Deno.test("spawn and spawnPty as another user (Deno and Bun)", async (t) => {
  if (!isRoot()) {
    console.log("skipped: switching users needs root");
    return;
  }
  await withTempAccount(["audio", "video"], async (account) => {
    assert(account.gids.length === 3, `expected 3 groups, got ${account.gids}`);
    const rt = createDenoRuntime();
    for (const check of PRIVILEGE_CHECKS) {
      await t.step(`deno: ${check.name}`, async () => {
        try {
          await check.run(rt, account);
        } finally {
          await ptyIdle();
        }
      });
    }
    const out = await new Deno.Command(`${root}node_modules/.bin/bun`, {
      args: ["tests/fixtures/privilege_drop_bun_check.ts", JSON.stringify(account)],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    for (const check of PRIVILEGE_CHECKS) {
      await t.step(`bun: ${check.name}`, () => {
        const line = stdout.split("\n").find((l) => l === `ok ${check.name}` || l.startsWith(`not ok ${check.name}:`));
        assert(line !== undefined, `check "${check.name}" did not run under Bun\n${stdout}\n${stderr}`);
        assertEquals(line, `ok ${check.name}`, stdout.slice(stdout.indexOf(line)));
      });
    }
    assertEquals(out.code, 0, stderr);
  });
});
