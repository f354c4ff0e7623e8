/**
 * E2E: the real OpenSSH `scp -O` (the legacy rcp protocol over
 * `exec scp -t/-f`) against tsshd, which answers it itself without any `scp`
 * binary: files of 0 B, 1 B and 5 MiB both ways (sha256 checked), `-r -p`
 * trees (modes and mtimes kept), names with spaces, a missing source, and a
 * hand-made upload that tries to write outside its target.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { eachFlavor, run } from "./_harness.ts";

/** scp's arguments from the harness's ssh arguments (`-F conf -p PORT user@host`): scp takes the port as -P. */
function scpParts(ssh: string[]): { opts: string[]; host: string } {
  const conf = ssh[ssh.indexOf("-F") + 1];
  const port = ssh[ssh.indexOf("-p") + 1];
  return { opts: ["-O", "-F", conf, "-P", port], host: ssh[ssh.length - 1] };
}

async function sha(path: string): Promise<string> {
  return (await run("sha256sum", [path])).text.split(" ")[0];
}

async function randomFile(path: string, size: number): Promise<void> {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(size, i + 65536)));
  await Deno.writeFile(path, data);
}

eachFlavor("scp -O: 0 B, 1 B and 5 MiB files up and down, byte-exact", async ({ ws, ssh }) => {
  const { opts, host } = scpParts(ssh());
  const local = join(ws.dir, "local");
  const remote = join(ws.dir, "remote");
  const back = join(ws.dir, "back");
  for (const d of [local, remote, back]) await Deno.mkdir(d);
  const sizes: Record<string, number> = { f0: 0, f1: 1, f5m: 5 * 1024 * 1024 };
  for (const [name, size] of Object.entries(sizes)) await randomFile(join(local, name), size);
  const names = Object.keys(sizes);
  const up = await run("scp", [...opts, ...names.map((n) => join(local, n)), `${host}:${remote}/`]);
  assertEquals(up.code, 0, up.stderr);
  const down = await run("scp", [...opts, ...names.map((n) => `${host}:${remote}/${n}`), back]);
  assertEquals(down.code, 0, down.stderr);
  for (const [name, size] of Object.entries(sizes)) {
    assertEquals((await Deno.stat(join(remote, name))).size, size);
    const want = await sha(join(local, name));
    assertEquals(await sha(join(remote, name)), want, name);
    assertEquals(await sha(join(back, name)), want, name);
  }
});

eachFlavor("scp -O -r -p: a tree with spaces in names keeps modes and mtimes both ways", async ({ ws, ssh }) => {
  const { opts, host } = scpParts(ssh());
  const tree = join(ws.dir, "my tree");
  await Deno.mkdir(join(tree, "sub dir"), { recursive: true });
  await Deno.writeTextFile(join(tree, "a file"), "alpha\n");
  await Deno.writeTextFile(join(tree, "sub dir", "x"), "x\n");
  await Deno.chmod(join(tree, "a file"), 0o640);
  await Deno.chmod(join(tree, "sub dir", "x"), 0o600);
  await Deno.chmod(join(tree, "sub dir"), 0o750);
  await Deno.utime(join(tree, "a file"), 1500000000, 1500000000);
  await Deno.utime(join(tree, "sub dir", "x"), 1400000000, 1400000000);
  await Deno.utime(join(tree, "sub dir"), 1300000000, 1300000000);
  const remote = join(ws.dir, "remote");
  await Deno.mkdir(remote);
  // Legacy scp hands the remote path to the server's "shell": spaces must be quoted for it.
  const up = await run("scp", [...opts, "-r", "-p", tree, `${host}:${remote}`]);
  assertEquals(up.code, 0, up.stderr);
  const back = join(ws.dir, "back");
  await Deno.mkdir(back);
  const down = await run("scp", [...opts, "-r", "-p", `${host}:'${remote}/my tree'`, back]);
  assertEquals(down.code, 0, down.stderr);
  for (const root of [join(remote, "my tree"), join(back, "my tree")]) {
    assertEquals(await Deno.readTextFile(join(root, "a file")), "alpha\n");
    assertEquals(await Deno.readTextFile(join(root, "sub dir", "x")), "x\n");
    const st = async (p: string) => await Deno.stat(join(root, p));
    assertEquals(((await st("a file")).mode ?? 0) & 0o7777, 0o640, root);
    assertEquals(((await st("sub dir/x")).mode ?? 0) & 0o7777, 0o600, root);
    assertEquals(((await st("sub dir")).mode ?? 0) & 0o7777, 0o750, root);
    assertEquals((await st("a file")).mtime?.getTime(), 1500000000000, root);
    assertEquals((await st("sub dir/x")).mtime?.getTime(), 1400000000000, root);
    assertEquals((await st("sub dir")).mtime?.getTime(), 1300000000000, root);
  }
});

eachFlavor("scp -O: a missing source is reported, the others still arrive, exit 1", async ({ ws, ssh }) => {
  const { opts, host } = scpParts(ssh());
  const remote = join(ws.dir, "remote");
  const back = join(ws.dir, "back");
  await Deno.mkdir(remote);
  await Deno.mkdir(back);
  await Deno.writeTextFile(join(remote, "here"), "here\n");
  const r = await run("scp", [...opts, `${host}:${remote}/nope ${remote}/here`, back]);
  assertEquals(r.code, 1, r.stderr);
  assert(r.stderr.includes(`scp: ${remote}/nope: No such file or directory`), r.stderr);
  assertEquals(await Deno.readTextFile(join(back, "here")), "here\n");
  const d = await run("scp", [...opts, join(remote, "here"), `${host}:${remote}/no/such/dir/`]);
  assertEquals(d.code, 1, d.stderr);
  assert(d.stderr.includes("No such file or directory"), d.stderr);
});

eachFlavor(
  "scp -t: an upload naming ../ or a/b is refused and nothing lands outside the target",
  async ({ ws, ssh }) => {
    const target = join(ws.dir, "target");
    await Deno.mkdir(target);
    for (const name of ["../evil", "a/b", ".."]) {
      const input = join(ws.dir, "input");
      await Deno.writeTextFile(input, `${name === ".." ? "D0755 0" : "C0644 5"} ${name}\nhello\0`);
      const r = await run("ssh", [...ssh(), `scp -r -t ${target}`], { stdinFile: input });
      assertEquals(r.code, 1, r.stderr);
      assertEquals(r.text, `\0\x02scp: error: unexpected filename: ${name}\n`);
    }
    assertEquals([...Deno.readDirSync(target)].length, 0);
    assert(!(await Deno.stat(join(ws.dir, "evil")).catch(() => undefined)));
    // Other commands still go to the shell.
    const sh = await run("ssh", [...ssh(), "echo scp -t is not run here"]);
    assertEquals(sh.text, "scp -t is not run here\n");
  },
);
