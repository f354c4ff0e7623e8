/**
 * Account lookup (`getent`/`id` with file fallbacks), groups, and sshd's
 * `allowed_user` account checks (locked, expired, shell), plus the shadow
 * status parser.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/accounts_test.ts`
 * (the NSS tests with a throwaway account are skipped when not root).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  accountGroups,
  accountProblem,
  type AccountSource,
  isPlausibleAccountName,
  lookupAccount,
  parsePasswdLine,
} from "../../src/ops/accounts.ts";
import { readShadowStatus, shadowStatus } from "../../src/ops/shadow_status.ts";
import { createDenoRuntime } from "../../src/runtime/deno.ts";
import type { Runtime, UserInfo } from "../../src/runtime/types.ts";
import { SpawnError } from "../../src/runtime/node_common.ts";
import { isRoot, withTempAccount } from "../_helpers/temp_account.ts";

const runtime = createDenoRuntime();
const DAY = 86_400_000;

/** A runtime whose tools are all missing, to exercise the file fallbacks. */
const noTools: Pick<Runtime, "spawn"> = {
  spawn(opts) {
    throw new SpawnError(`no ${opts.file}`, "ENOENT", opts.file);
  },
};

function withFiles(passwd: string, group: string, fn: (files: { passwd: string; group: string }) => Promise<void>) {
  return async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/passwd`, passwd);
      await Deno.writeTextFile(`${dir}/group`, group);
      await fn({ passwd: `${dir}/passwd`, group: `${dir}/group` });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
}

const PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "alice:x:1000:1000:Alice A,,,:/home/alice:/bin/zsh",
  "1001:x:1001:1001::/home/numeric:/bin/sh",
  "noshell:x:1002:1002::/home/noshell:",
  "broken:x:abc:1:::/bin/sh",
  "",
].join("\n");
const GROUP = [
  "root:x:0:",
  "alice:x:1000:",
  "sudo:x:27:alice,bob",
  "audio:x:29:bob, alice",
  "nameless:x:notanumber:alice",
  "",
].join("\n");

Deno.test("parsePasswdLine", () => {
  assertEquals(parsePasswdLine("alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"), {
    name: "alice",
    uid: 1000,
    gid: 1000,
    home: "/home/alice",
    shell: "/bin/bash",
  });
  assertEquals(parsePasswdLine("u:x:1:2:::")?.shell, "/bin/sh", "empty shell means /bin/sh");
  assertEquals(parsePasswdLine("u:x:1:2::/h"), undefined);
  assertEquals(parsePasswdLine("u:x:-1:2::/h:/bin/sh"), undefined);
  assertEquals(parsePasswdLine(":x:1:2::/h:/bin/sh"), undefined);
});

Deno.test("isPlausibleAccountName", () => {
  for (const ok of ["alice", "a.b-c_d", "user$", "1001", "x".repeat(255)]) assert(isPlausibleAccountName(ok), ok);
  for (const bad of ["", "-rf", "a:b", "a/b", "a\nb", "a\0", "x".repeat(256)]) {
    assert(!isPlausibleAccountName(bad), bad);
  }
});

Deno.test("lookupAccount: getent finds root; a uid is not a name", async () => {
  const source: AccountSource = { runtime };
  const root = await lookupAccount("root", source);
  assertEquals(root?.uid, 0);
  assertEquals(root?.home, "/root");
  assertEquals(await lookupAccount("0", source), undefined, "getent passwd 0 answers uid 0; the name must match");
  assertEquals(await lookupAccount("no-such-user-tsshd", source), undefined);
  assertEquals(await lookupAccount("--help", source), undefined);
});

Deno.test(
  "lookupAccount and accountGroups: file fallback without getent/id",
  withFiles(PASSWD, GROUP, async (files) => {
    for (const source of [{ runtime: noTools, files }, { runtime, files, filesOnly: true }]) {
      const alice = await lookupAccount("alice", source);
      assertEquals(alice, { name: "alice", uid: 1000, gid: 1000, home: "/home/alice", shell: "/bin/zsh" });
      assertEquals((await lookupAccount("1001", source))?.home, "/home/numeric");
      assertEquals(await lookupAccount("1000", source), undefined);
      assertEquals((await lookupAccount("noshell", source))?.shell, "/bin/sh");
      assertEquals(await lookupAccount("broken", source), undefined);
      assertEquals(await accountGroups(alice!, source), { gids: [1000, 27, 29], names: ["alice", "sudo", "audio"] });
      const bob: UserInfo = { name: "bob", uid: 5, gid: 4242, home: "/", shell: "/bin/sh" };
      assertEquals(await accountGroups(bob, source), { gids: [4242, 27, 29], names: ["sudo", "audio"] });
    }
  }),
);

Deno.test("accountGroups and lookupAccount through NSS for a real account (root only)", async () => {
  if (!isRoot()) {
    console.log("skipped: creating an account needs root");
    return;
  }
  await withTempAccount(["audio", "video"], async (a) => {
    const account = await lookupAccount(a.name, { runtime });
    assertEquals(account, { name: a.name, uid: a.uid, gid: a.gid, home: a.home, shell: "/bin/bash" });
    const groups = await accountGroups(account!, { runtime });
    assertEquals(groups.gids[0], a.gid, "primary group first");
    assertEquals([...groups.gids].sort(), [...a.gids].sort());
    assertEquals(groups.names.slice(1).sort(), ["audio", "video"]);
    assertEquals(groups.names[0], a.name);
    // A fresh useradd account has "!" in /etc/shadow: sshd without PAM calls it locked.
    assertEquals(await readShadowStatus(a.name), { locked: true, expired: false });
  });
});

Deno.test("shadowStatus: '!' locks, '*' does not; expiry is field 8 in days", () => {
  const now = Date.UTC(2024, 5, 1, 12);
  const today = Math.floor(now / DAY);
  assertEquals(shadowStatus("a:!$6$salt$hash:19000:0:99999:7:::", now), { locked: true, expired: false });
  assertEquals(shadowStatus("a:!:19000::::::", now), { locked: true, expired: false });
  assertEquals(shadowStatus("a:*:19000:0:99999:7:::", now), { locked: false, expired: false });
  assertEquals(shadowStatus("a:$y$j9T$x:19000:0:99999:7:::", now), { locked: false, expired: false });
  assertEquals(shadowStatus(`a:*:19000:0:99999:7::${today - 1}:`, now)?.expired, true);
  assertEquals(shadowStatus(`a:*:19000:0:99999:7::${today}:`, now)?.expired, false, "expires at the end of the day");
  assertEquals(shadowStatus("a:*:19000:0:99999:7::0:", now)?.expired, true, "chage -E 0");
  assertEquals(shadowStatus("a:*:19000", now), undefined);
});

Deno.test("readShadowStatus: by name from a file", async () => {
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, "alice:$6$x:19000:0:99999:7:::\nbob:!x:19000:0:99999:7:::\nalice2:!:1::::::\n");
    assertEquals(await readShadowStatus("alice", file), { locked: false, expired: false });
    assertEquals(await readShadowStatus("bob", file), { locked: true, expired: false });
    assertEquals(await readShadowStatus("carol", file), undefined);
    assertEquals(await readShadowStatus("alice", `${file}.missing`), undefined);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("accountProblem: allowed_user's locked, expired and shell checks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const base: UserInfo = { name: "bob", uid: 1001, gid: 1001, home: "/home/bob", shell: "/bin/sh" };
    assertEquals(await accountProblem(base), undefined);
    assertEquals(await accountProblem(base, { locked: false, expired: false }), undefined);
    assertEquals(
      await accountProblem(base, { locked: true, expired: false }),
      "User bob not allowed because account is locked",
    );
    assertEquals(
      await accountProblem(base, { locked: false, expired: true }),
      "User bob not allowed because account has expired",
    );
    assertEquals(
      await accountProblem({ ...base, shell: `${dir}/nope` }),
      `User bob not allowed because shell ${dir}/nope does not exist`,
    );
    await Deno.writeTextFile(`${dir}/noexec`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/noexec`, 0o644);
    assertEquals(
      await accountProblem({ ...base, shell: `${dir}/noexec` }),
      `User bob not allowed because shell ${dir}/noexec is not executable`,
    );
    await Deno.chmod(`${dir}/noexec`, 0o701);
    assertEquals(await accountProblem({ ...base, shell: `${dir}/noexec` }), undefined, "any x bit will do");
    assertEquals(
      await accountProblem({ ...base, shell: dir }),
      `User bob not allowed because shell ${dir} is not executable`,
      "a directory is not a shell",
    );
    assertEquals(await accountProblem({ ...base, shell: "" }), undefined, "empty shell is /bin/sh");
    if (await Deno.stat("/usr/sbin/nologin").catch(() => undefined)) {
      assertEquals(await accountProblem({ ...base, shell: "/usr/sbin/nologin" }), undefined, "like sshd");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
