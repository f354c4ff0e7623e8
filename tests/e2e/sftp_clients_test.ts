/**
 * E2E: tsshd's SFTP subsystem with clients other than OpenSSH's (those are in
 * sftp_test.ts), on every flavor:
 *
 * - PuTTY `psftp -b` (mkdir, put, get, reget, reput, mget with a wildcard, mv,
 *   ls/dir, chmod, rm, rmdir; psftp 0.78 has no symlink command, which is
 *   checked too) and `pscp` (SFTP, its default: single files both ways, a
 *   remote wildcard, and `-r -p` both ways with modes and times kept);
 * - paramiko's `SFTPClient` (tests/fixtures/peers/sftp_paramiko_client.py):
 *   put/get, listdir_attr, stat/lstat/fstat, chmod, utime, truncate, rename,
 *   posix_rename, symlink/readlink, mkdir/rmdir/remove, append, prefetching
 *   and readv reads, and the errors of the usual mistakes;
 * - the npm `ssh2` client under node (tests/fixtures/peers/sftp_ssh2_client.mjs):
 *   fastPut/fastGet, readdir, and `symlink(target, path)`, which ssh2 sends in
 *   the draft's (linkpath, targetpath) order to a server that is not OpenSSH
 *   — the quirk src/sftp/client_quirks.ts handles.
 *
 * Every transfer moves files of 0 bytes, 1 byte and 3 MiB + 3 whose names
 * hold spaces, and is checked by SHA-256; every symlink is checked on disk
 * with `Deno.readLink`, so a link pointing the wrong way fails.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { currentUser, eachFlavor, ROOT, type Workspace } from "./_harness.ts";
import {
  assertAlgorithmsMeet,
  hostKeyFingerprint,
  hostKeyLine,
  requireProgram,
  runPeer,
  runScriptClient,
  type ScriptReport,
  sha256Hex,
  SYSTEM_PYTHON,
  tapKexInit,
} from "./_peers.ts";

const BIG = "big file.bin";
const ONE = "one byte";
const EMPTY = "empty file";
const BIG_SIZE = 3 * 1024 * 1024 + 3;

/** The payloads in a fresh `local` directory of the workspace: name → SHA-256. */
async function payloads(ws: Workspace): Promise<{ dir: string; sha: Record<string, string> }> {
  const dir = join(ws.dir, "local");
  await Deno.mkdir(dir);
  const big = new Uint8Array(BIG_SIZE);
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, Math.min(big.length, i + 65536)));
  const files: Record<string, Uint8Array> = { [BIG]: big, [ONE]: Uint8Array.of(0x7a), [EMPTY]: new Uint8Array() };
  const sha: Record<string, string> = {};
  for (const [name, data] of Object.entries(files)) {
    await Deno.writeFile(join(dir, name), data);
    sha[name] = await sha256Hex(data);
  }
  return { dir, sha };
}

async function shaOf(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The psftp/pscp options: the test key as .ppk and the host key pinned by fingerprint. */
async function puttyBase(ws: Workspace, port: number): Promise<string[]> {
  const ppk = join(ws.dir, "client_ed25519.ppk");
  const conv = await runPeer("puttygen", [ws.ids.ed25519, "-o", ppk, "-O", "private"], { home: ws.dir });
  assertEquals(conv.code, 0, `puttygen: ${conv.stderr}`);
  return ["-batch", "-P", String(port), "-i", ppk, "-hostkey", await hostKeyFingerprint(ws)];
}

eachFlavor(
  "sftp clients: PuTTY psftp -b batch (put/get/reget/reput/mget/mv/chmod/rm…) and pscp (files, wildcard, -r -p)",
  async ({ server, ws }) => {
    for (const p of ["psftp", "pscp", "puttygen"]) await requireProgram(p, "putty-tools");
    const base = await puttyBase(ws, server.port);
    const target = `${currentUser()}@127.0.0.1`;
    const { dir: local, sha } = await payloads(ws);
    const remote = join(ws.dir, "remote psftp");
    const sub = join(remote, "sub dir");
    // reget/reput resume from what is already there: a local and a remote prefix of the big file.
    const big = await Deno.readFile(join(local, BIG));
    const partialLocal = join(ws.dir, "partial local");
    const partialRemote = join(ws.dir, "partial remote");
    await Deno.writeFile(partialLocal, big.subarray(0, 1_000_000));
    await Deno.writeFile(partialRemote, big.subarray(0, 1_000_001));
    const mgetDir = join(ws.dir, "mget here");
    await Deno.mkdir(mgetDir);

    const batch = join(ws.dir, "psftp batch");
    await Deno.writeTextFile(
      batch,
      [
        `mkdir "${remote}"`,
        `cd "${remote}"`,
        `mkdir "sub dir"`,
        `cd "sub dir"`,
        `put "${join(local, BIG)}" "big up.bin"`,
        `put "${join(local, ONE)}" "${ONE} up"`,
        `put "${join(local, EMPTY)}" "${EMPTY} up"`,
        `chmod 600 "big up.bin"`,
        `mv "big up.bin" "${BIG}"`,
        `ls`,
        `dir "${sub}"`,
        `get "${BIG}" "${join(local, BIG)} down"`,
        `get "${ONE} up" "${join(local, ONE)} down"`,
        `get "${EMPTY} up" "${join(local, EMPTY)} down"`,
        `reget "${BIG}" "${partialLocal}"`,
        `reput "${join(local, BIG)}" "${partialRemote}"`,
        `lcd "${mgetDir}"`,
        `mget "* up"`,
        `mkdir "gone dir"`,
        `put "${join(local, ONE)}" "gone dir/junk"`,
        `rm "gone dir/junk"`,
        `rmdir "gone dir"`,
        `pwd`,
      ].join("\n") + "\n",
    );
    const r = await runPeer("psftp", [...base, "-b", batch, target], { home: ws.dir });
    assertEquals(r.code, 0, `psftp failed:\n${r.text}\n${r.stderr}`);
    assert(r.text.includes(`Remote directory is now ${sub}`), r.text);
    assert(r.text.includes(`${sub}/big up.bin: 0644 -> 0600`), r.text);
    // Both listings (ls in the cwd, dir with a path) show the renamed file with its new mode and size.
    const listed = r.text.match(new RegExp(`^-rw------- .* ${BIG_SIZE} .* big file\\.bin$`, "gm")) ?? [];
    assertEquals(listed.length, 2, r.text);
    assert(new RegExp(`^-rw-r--r-- .* 1 \\w{3} .* ${ONE} up$`, "m").test(r.text), r.text);
    assert(new RegExp(`^-rw-r--r-- .* 0 \\w{3} .* ${EMPTY} up$`, "m").test(r.text), r.text);
    for (const name of [BIG, ONE, EMPTY]) assertEquals(await shaOf(join(local, `${name} down`)), sha[name], name);
    assertEquals(await shaOf(join(sub, BIG)), sha[BIG]);
    assertEquals((await Deno.stat(join(sub, BIG))).mode! & 0o777, 0o600);
    assertEquals(await exists(join(sub, "big up.bin")), false);
    assertEquals(await exists(join(sub, "gone dir")), false);
    assert(r.text.includes("reget: restarting at file position 1000000"), r.text);
    assert(r.text.includes("reput: restarting at file position 1000001"), r.text);
    assertEquals(await shaOf(partialLocal), sha[BIG]);
    assertEquals(await shaOf(partialRemote), sha[BIG]);
    assertEquals([...Deno.readDirSync(mgetDir)].map((e) => e.name).sort(), [`${EMPTY} up`, `${ONE} up`]);
    for (const name of [ONE, EMPTY]) assertEquals(await shaOf(join(mgetDir, `${name} up`)), sha[name]);

    // psftp (0.78, Debian 12) has no command to make a symlink: it refuses "ln" without sending anything.
    // Should a later PuTTY add one, the link must point the way the user asked.
    const lnBatch = join(ws.dir, "psftp ln");
    await Deno.writeTextFile(lnBatch, `cd "${sub}"\nln -s "${BIG}" "link to big"\n`);
    const ln = await runPeer("psftp", [...base, "-b", lnBatch, target], { home: ws.dir });
    if (/unknown command "ln"/.test(ln.stderr + ln.text)) {
      assertEquals(await exists(join(sub, "link to big")), false);
    } else {
      assertEquals(ln.code, 0, ln.stderr);
      assertEquals(await Deno.readLink(join(sub, "link to big")), BIG);
    }

    // pscp: one file each way (SFTP is its default; -v says which protocol it used).
    const up = await runPeer("pscp", ["-v", ...base, join(local, BIG), `${target}:${remote}/pscp up.bin`], {
      home: ws.dir,
    });
    assertEquals(up.code, 0, up.stderr);
    assert(/^Using SFTP$/m.test(up.stderr), `pscp did not use SFTP:\n${up.stderr}`);
    assertEquals(await shaOf(join(remote, "pscp up.bin")), sha[BIG]);
    const down = await runPeer("pscp", [...base, `${target}:${remote}/pscp up.bin`, join(local, "pscp down.bin")], {
      home: ws.dir,
    });
    assertEquals(down.code, 0, down.stderr);
    assertEquals(await shaOf(join(local, "pscp down.bin")), sha[BIG]);
    // A remote wildcard: pscp lists the directory and fetches what matches.
    const wild = join(ws.dir, "pscp wildcard");
    await Deno.mkdir(wild);
    const w = await runPeer("pscp", [...base, `${target}:${sub}/* up`, wild], { home: ws.dir });
    assertEquals(w.code, 0, w.stderr);
    assertEquals([...Deno.readDirSync(wild)].map((e) => e.name).sort(), [`${EMPTY} up`, `${ONE} up`]);
    for (const name of [ONE, EMPTY]) assertEquals(await shaOf(join(wild, `${name} up`)), sha[name]);

    // pscp -r -p: a tree with a 0-, 1- and 3 MiB-byte file, modes and times kept both ways.
    const tree = join(ws.dir, "tree");
    await Deno.mkdir(join(tree, "sub dir"), { recursive: true });
    const stamps: Record<string, [number, number]> = { [BIG]: [0o640, 1_000_000_000], [ONE]: [0o600, 1_100_000_000] };
    stamps[EMPTY] = [0o604, 1_200_000_000];
    for (const [name, [mode, time]] of Object.entries(stamps)) {
      const p = join(tree, "sub dir", name);
      await Deno.copyFile(join(local, name), p);
      await Deno.chmod(p, mode);
      await Deno.utime(p, time, time);
    }
    // pscp -r into a directory that does not exist yet fails (with OpenSSH's sshd too): give it one.
    const treeUp = join(ws.dir, "pscp tree");
    await Deno.mkdir(treeUp);
    const rUp = await runPeer("pscp", [...base, "-r", "-p", tree, `${target}:${treeUp}`], { home: ws.dir });
    assertEquals(rUp.code, 0, rUp.stderr);
    const treeBack = join(ws.dir, "tree back");
    const rDown = await runPeer("pscp", [...base, "-r", "-p", `${target}:${treeUp}/tree`, treeBack], { home: ws.dir });
    assertEquals(rDown.code, 0, rDown.stderr);
    for (const copy of [join(treeUp, "tree", "sub dir"), join(treeBack, "sub dir")]) {
      for (const [name, [mode, time]] of Object.entries(stamps)) {
        const p = join(copy, name);
        assertEquals(await shaOf(p), sha[name], p);
        const st = await Deno.stat(p);
        assertEquals(st.mode! & 0o777, mode, p);
        assertEquals(Math.round(st.mtime!.getTime() / 1000), time, p);
      }
    }
  },
);

interface ParamikoSftpReport extends ScriptReport {
  subMode: number;
  puts: Record<string, number>;
  listdir: { filename: string; longname: string; size: number; mode: number }[];
  chmod: number;
  renameOntoExisting: [string, number | null, string] | null;
  afterPosixRename: { oneByteUp: [string, number | null, string] | null; emptyFileUp: number };
  readlink: string;
  readlinkDangling: string;
  statLink: { size: number; mode: number };
  lstatLink: { size: number; mode: number };
  lstatIsLink: boolean;
  statDangling: [string, number | null, string] | null;
  prefetch: { size: number; sha256: string };
  readv: string[];
  fstat: number;
  written: number;
  utime: [number, number];
  rmdirNotEmpty: [string, number | null, string] | null;
  statRemoved: [string, number | null, string] | null;
  removeMissing: [string, number | null, string] | null;
  mkdirExisting: [string, number | null, string] | null;
  normalize: string;
}

const S_IFMT = 0o170000;

eachFlavor("sftp clients: paramiko SFTPClient — transfers, attributes, renames, symlinks, prefetch", async (t) => {
  const { server, ws } = t;
  await requireProgram(SYSTEM_PYTHON, "python3");
  const { dir: local, sha } = await payloads(ws);
  const remote = join(ws.dir, "remote paramiko");
  const sub = join(remote, "sub dir");
  const tap = tapKexInit(server);
  let rep: ParamikoSftpReport;
  try {
    const knownHosts = join(ws.dir, "known_hosts_paramiko");
    await Deno.writeTextFile(knownHosts, `[127.0.0.1]:${tap.port} ${await hostKeyLine(ws)}\n`);
    const script = join(ROOT, "tests", "fixtures", "peers", "sftp_paramiko_client.py");
    const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, knownHosts, local, remote];
    rep = await runScriptClient<ParamikoSftpReport>("paramiko", SYSTEM_PYTHON, args, tap, ws);
    assertAlgorithmsMeet(tap, "paramiko");
  } finally {
    await tap.close();
  }
  const notFound = (e: [string, number | null, string] | null, what: string) =>
    assertEquals(e?.slice(0, 2), ["FileNotFoundError", 2], `${what}: ${JSON.stringify(e)}`);
  const failed = (e: [string, number | null, string] | null, what: string) =>
    assert(e !== null && e[0] === "OSError", `${what} should have failed: ${JSON.stringify(e)}`);

  assertEquals(rep.subMode, 0o40750);
  assertEquals(rep.puts, { [BIG]: BIG_SIZE, [ONE]: 1, [EMPTY]: 0 });
  for (const name of [BIG, ONE, EMPTY]) assertEquals(await shaOf(join(local, `${name} down`)), sha[name], name);
  assertEquals(rep.listdir.map((e) => [e.filename, e.size, e.mode]), [
    [`${BIG} up`, BIG_SIZE, 0o100644],
    [`${EMPTY} up`, 0, 0o100644],
    [`${ONE} up`, 1, 0o100644],
  ]);
  for (const e of rep.listdir) assert(e.longname.startsWith("-rw-r--r-- ") && e.longname.endsWith(` ${e.filename}`));
  assertEquals(rep.chmod, 0o100600);
  failed(rep.renameOntoExisting, "rename onto an existing file");
  notFound(rep.afterPosixRename.oneByteUp, "posix_rename source");
  assertEquals(rep.afterPosixRename.emptyFileUp, 1);
  assertEquals(await shaOf(join(sub, `${EMPTY} up`)), sha[ONE]);
  assertEquals(await shaOf(join(sub, BIG)), sha[BIG]);

  // paramiko's symlink(source, dest) sends OpenSSH's order; the link must be at dest, pointing at source.
  assertEquals(await Deno.readLink(join(remote, "absolute link")), join(sub, BIG));
  assertEquals(rep.readlink, BIG);
  assertEquals(await Deno.readLink(join(sub, "link to big")), BIG);
  assertEquals(rep.readlinkDangling, "../sub dir/one byte down");
  assertEquals(await Deno.readLink(join(remote, "dangling link")), "../sub dir/one byte down");
  assertEquals([rep.statLink.size, rep.statLink.mode], [BIG_SIZE, 0o100600]);
  assertEquals([rep.lstatLink.size, rep.lstatLink.mode & S_IFMT], [BIG.length, 0o120000]);
  assertEquals(rep.lstatIsLink, true);
  notFound(rep.statDangling, "stat of a dangling link");

  assertEquals(rep.prefetch, { size: BIG_SIZE, sha256: sha[BIG] });
  const big = await Deno.readFile(join(local, BIG));
  const half = Math.floor(BIG_SIZE / 2);
  const want = [big.subarray(0, 10), big.subarray(BIG_SIZE - 5), big.subarray(half, half + 70000)];
  assertEquals(rep.readv, await Promise.all(want.map(sha256Hex)));
  assertEquals(rep.fstat, BIG_SIZE);
  assertEquals(rep.written, 4);
  assertEquals(await Deno.readTextFile(join(sub, "written.bin")), "xy\0\0");
  assertEquals(rep.utime, [1_000_000_000, 1_100_000_000]);

  failed(rep.rmdirNotEmpty, "rmdir of a non-empty directory");
  notFound(rep.statRemoved, "stat after rmdir");
  notFound(rep.removeMissing, "remove of a missing file");
  failed(rep.mkdirExisting, "mkdir of an existing directory");
  assertEquals(await exists(join(remote, "gone dir")), false);
  assertEquals(rep.normalize, sub);
});

interface Ssh2SftpReport extends ScriptReport {
  readdir: { filename: string; longname: string; size: number; mode: number }[];
  readlink: string;
  statLink: number;
  lstatIsLink: boolean;
}

eachFlavor("sftp clients: npm ssh2 under node — fastPut/fastGet, readdir, symlink in the draft's order", async (t) => {
  const { server, ws } = t;
  await requireProgram("node", "nodejs");
  const { dir: local, sha } = await payloads(ws);
  const remote = join(ws.dir, "remote ssh2");
  const tap = tapKexInit(server);
  let rep: Ssh2SftpReport;
  try {
    const script = join(ROOT, "tests", "fixtures", "peers", "sftp_ssh2_client.mjs");
    const args = [script, "127.0.0.1", String(tap.port), currentUser(), ws.ids.ed25519, await hostKeyLine(ws)];
    rep = await runScriptClient<Ssh2SftpReport>("ssh2", "node", [...args, local, remote], tap, ws);
    // The quirk is chosen by this banner: make sure the client still sends it.
    const banner = assertAlgorithmsMeet(tap, "ssh2").clientBanner;
    assert(banner.startsWith("SSH-2.0-ssh2js"), `unexpected ssh2 banner ${banner}`);
  } finally {
    await tap.close();
  }
  for (const name of [BIG, ONE, EMPTY]) {
    assertEquals(await shaOf(join(remote, `${name} up`)), sha[name], `${name} up`);
    assertEquals(await shaOf(join(local, `${name} down`)), sha[name], `${name} down`);
  }
  assertEquals(rep.readdir.map((e) => [e.filename, e.size, e.mode]), [
    [`${BIG} up`, BIG_SIZE, 0o100644],
    [`${EMPTY} up`, 0, 0o100644],
    [`${ONE} up`, 1, 0o100644],
  ]);
  for (const e of rep.readdir) assert(e.longname.endsWith(` ${e.filename}`), e.longname);
  // symlink("big file.bin up", "<remote>/link to big") must make "link to big" point at the file.
  assertEquals(await Deno.readLink(join(remote, "absolute link")), join(remote, `${BIG} up`));
  assertEquals(await Deno.readLink(join(remote, "link to big")), `${BIG} up`);
  assertEquals(rep.readlink, `${BIG} up`);
  assertEquals(rep.statLink, BIG_SIZE);
  assertEquals(rep.lstatIsLink, true);
});
