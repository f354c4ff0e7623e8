/**
 * StrictModes (`strictModesProblem`, OpenSSH `safe_path`): temp trees whose
 * owners and modes are set with chown/chmod. The ownership cases need root.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/strict_modes_test.ts`
 */
import { assertEquals } from "../_helpers/assert.ts";
import { strictModesProblem } from "../../src/ops/strict_modes.ts";
import { isRoot } from "../_helpers/temp_account.ts";

const UID = 40_123;
const OTHER = 40_124;

/** base/home/.ssh/authorized_keys, all owned by UID, modes 755/700/600; /tmp above is world-writable. */
async function tree(
  fn: (p: { base: string; home: string; ssh: string; keys: string }) => Promise<void>,
): Promise<void> {
  const base = await Deno.realPath(await Deno.makeTempDir({ dir: "/tmp" }));
  const home = `${base}/home`;
  const ssh = `${home}/.ssh`;
  const keys = `${ssh}/authorized_keys`;
  try {
    await Deno.mkdir(ssh, { recursive: true });
    await Deno.writeTextFile(keys, "");
    await Deno.chmod(base, 0o755);
    await Deno.chmod(home, 0o755);
    await Deno.chmod(ssh, 0o700);
    await Deno.chmod(keys, 0o600);
    for (const p of [home, ssh, keys]) await Deno.chown(p, UID, UID);
    await fn({ base, home, ssh, keys });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function rootTest(name: string, fn: () => Promise<void>): void {
  Deno.test(name, async () => {
    if (!isRoot()) {
      console.log("skipped: chown to another uid needs root");
      return;
    }
    await fn();
  });
}

rootTest("a sound tree passes; the walk stops at the home directory", () =>
  tree(async ({ base, home, keys }) => {
    assertEquals(await strictModesProblem(keys, { uid: UID, home }), undefined);
    // Above home does not matter (the temp dir's parent /tmp is world-writable).
    await Deno.chmod(base, 0o777);
    assertEquals(await strictModesProblem(keys, { uid: UID, home }), undefined);
  }));

rootTest(
  "the file: group/world-writable or foreign owner is refused, root-owned is fine",
  () =>
    tree(async ({ home, keys }) => {
      const account = { uid: UID, home };
      await Deno.chmod(keys, 0o620);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for file ${keys}`);
      await Deno.chmod(keys, 0o602);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for file ${keys}`);
      await Deno.chmod(keys, 0o644);
      assertEquals(await strictModesProblem(keys, account), undefined, "group/world-readable is fine");
      await Deno.chown(keys, OTHER, UID);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for file ${keys}`);
      await Deno.chown(keys, 0, 0);
      assertEquals(await strictModesProblem(keys, account), undefined);
    }),
);

rootTest(
  "directories up to home: writable by others or foreign owner is refused",
  () =>
    tree(async ({ home, ssh, keys }) => {
      const account = { uid: UID, home };
      await Deno.chmod(ssh, 0o770);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for directory ${ssh}`);
      await Deno.chmod(ssh, 0o700);
      await Deno.chmod(home, 0o757);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for directory ${home}`);
      await Deno.chmod(home, 0o755);
      await Deno.chown(home, OTHER, OTHER);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for directory ${home}`);
      await Deno.chown(home, 0, 0);
      assertEquals(await strictModesProblem(keys, account), undefined, "a root-owned home is fine");
    }),
);

rootTest("outside home the walk goes up to /, where /tmp is world-writable", () =>
  tree(async ({ base, keys }) => {
    const elsewhere = { uid: UID, home: "/nonexistent-home" };
    assertEquals(await strictModesProblem(keys, elsewhere), `bad ownership or modes for directory /tmp`);
    await Deno.chown(base, UID, UID); // fixing base does not help: /tmp is still above it
    assertEquals(await strictModesProblem(keys, elsewhere), `bad ownership or modes for directory /tmp`);
  }));

rootTest(
  "symlinks are resolved; only the real path counts; not a regular file is refused",
  () =>
    tree(async ({ base, home, ssh, keys }) => {
      const account = { uid: UID, home };
      // A link in a sound place to a file in a world-writable directory is refused.
      const open = `${base}/open`;
      await Deno.mkdir(open);
      await Deno.chmod(open, 0o777);
      await Deno.writeTextFile(`${open}/keys`, "");
      await Deno.chown(`${open}/keys`, UID, UID);
      await Deno.chmod(`${open}/keys`, 0o600);
      await Deno.remove(keys);
      await Deno.symlink(`${open}/keys`, keys);
      assertEquals(await strictModesProblem(keys, account), `bad ownership or modes for directory ${open}`);
      await Deno.remove(keys);
      await Deno.mkdir(keys);
      assertEquals(await strictModesProblem(keys, account), `${keys} is not a regular file`);
      assertEquals((await strictModesProblem(`${ssh}/missing`, account))?.startsWith("realpath"), true);
    }),
);
