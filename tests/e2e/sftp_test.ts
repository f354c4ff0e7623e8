/**
 * E2E: the built-in SFTP subsystem through tsshd with the real OpenSSH
 * `sftp` and `scp` (SFTP mode, the default since OpenSSH 9.0), plus
 * --sftp-root confinement and --sftp-only.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, run } from "./_harness.ts";
import { join } from "node:path";

async function sha256File(path: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(path)));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `sftp`/`scp` arguments from the harness's ssh arguments (`-F conf -p PORT user@host`). */
function clientArgs(sshArgs: string[]): { conf: string; port: string; target: string } {
  return { conf: sshArgs[1], port: sshArgs[3], target: sshArgs[4] };
}

eachFlavor(
  "sftp: batch of put/get/ls/mkdir/rename/chmod/symlink/rm with sha256 checks",
  async ({ ssh, ws }) => {
    const { conf, port, target } = clientArgs(ssh());
    const dir = join(ws.dir, "sftp-e2e");
    await Deno.mkdir(dir);
    const local = join(dir, "big file.bin");
    const data = new Uint8Array(5 * 1024 * 1024 + 7);
    for (let i = 0; i < data.length; i += 65536) {
      crypto.getRandomValues(data.subarray(i, Math.min(i + 65536, data.length)));
    }
    await Deno.writeFile(local, data);
    await Deno.writeFile(join(dir, "empty"), new Uint8Array());
    const remote = join(dir, "remote");
    const batch = join(dir, "batch");
    await Deno.writeTextFile(
      batch,
      [
        `mkdir ${remote}`,
        `cd ${remote}`,
        `put "${local}" "copy 1.bin"`,
        `put ${join(dir, "empty")} empty`,
        `rename "copy 1.bin" copy2.bin`,
        `chmod 600 copy2.bin`,
        `symlink copy2.bin link.bin`,
        `ls -l`,
        `get copy2.bin ${join(dir, "back.bin")}`,
        `get link.bin ${join(dir, "via-link.bin")}`,
        `df`,
        `rm empty`,
      ].join("\n") + "\n",
    );
    const r = await run("sftp", ["-F", conf, "-P", port, "-b", batch, target]);
    assertEquals(r.code, 0, r.stderr + r.text);
    assert(/-rw------- .* copy2\.bin/.test(r.text), r.text);
    // owner and group by name, as OpenSSH's sftp-server lists them
    assert(new RegExp(`-rw------- +\\S+ +${currentUser()} +\\S+ .*copy2\\.bin`).test(r.text), r.text);
    assert(/^l[rwx-]{9} .* link\.bin$/m.test(r.text), r.text);
    const want = await sha256File(local);
    assertEquals(await sha256File(join(dir, "back.bin")), want);
    assertEquals(await sha256File(join(dir, "via-link.bin")), want);
    assertEquals(await sha256File(join(remote, "copy2.bin")), want);
    assertEquals((await Deno.stat(join(remote, "copy2.bin"))).mode! & 0o777, 0o600);
    await assertMissing(join(remote, "empty"));
    // scp in its default SFTP mode, recursive with -p
    const tree = join(dir, "tree");
    await Deno.mkdir(join(tree, "sub dir"), { recursive: true });
    await Deno.writeTextFile(join(tree, "sub dir", "f.txt"), "hello\n");
    await Deno.chmod(join(tree, "sub dir", "f.txt"), 0o640);
    await Deno.utime(join(tree, "sub dir", "f.txt"), 1_000_000_000, 1_000_000_000);
    const out = join(dir, "scp-out");
    const s = await run("scp", ["-F", conf, "-P", port, "-r", "-p", tree, `${target}:${out}`]);
    assertEquals(s.code, 0, s.stderr);
    const copied = join(out, "sub dir", "f.txt");
    assertEquals(await Deno.readTextFile(copied), "hello\n");
    const st = await Deno.stat(copied);
    assertEquals(st.mode! & 0o777, 0o640);
    assertEquals(Math.round(st.mtime!.getTime() / 1000), 1_000_000_000);
  },
  [],
  { binary: true },
);

async function assertMissing(path: string): Promise<void> {
  let exists = true;
  try {
    await Deno.stat(path);
  } catch {
    exists = false;
  }
  assert(!exists, `${path} should not exist`);
}

const ROOT_DIR = Deno.makeTempDirSync({ prefix: "tsshd-sftp-root-" });
addEventListener("unload", () => Deno.removeSync(ROOT_DIR, { recursive: true }));

eachFlavor("sftp: --sftp-root confines the session; --sftp-only refuses shells", async ({ ssh, ws }) => {
  const { conf, port, target } = clientArgs(ssh());
  await Deno.writeTextFile(join(ROOT_DIR, "inside.txt"), "inside\n");
  const batch = join(ws.dir, "batch-root");
  await Deno.writeTextFile(
    batch,
    [
      "pwd",
      "get /inside.txt " + join(ws.dir, "got.txt"),
      "-get ../../../../etc/hostname " + join(ws.dir, "escape"),
      "ls /",
    ]
      .join("\n") + "\n",
  );
  const r = await run("sftp", ["-F", conf, "-P", port, "-b", batch, target]);
  assertEquals(r.code, 0, r.stderr + r.text);
  assert(r.text.includes("Remote working directory: /"), r.text);
  assertEquals(await Deno.readTextFile(join(ws.dir, "got.txt")), "inside\n");
  await assertMissing(join(ws.dir, "escape"));
  const shell = await run("ssh", [...ssh(), "echo should-not-run"]);
  assertEquals(shell.code, 1);
  assertEquals(shell.text, "");
  assert(shell.stderr.includes("This service allows sftp connections only."), shell.stderr);
}, ["--sftp-root", ROOT_DIR, "--sftp-only"]);
