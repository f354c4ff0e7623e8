/**
 * E2E: SFTP edge cases with the real OpenSSH `sftp`/`scp` (and paramiko for
 * names the OpenSSH batch syntax cannot express): a 1 GiB file both ways, a
 * full disk, awkward and non-UTF-8 names, resumed transfers, and the batch
 * commands tests/e2e/sftp_test.ts leaves out (ln, chown/chgrp, df -h, rmdir,
 * ls -l owner names).
 *
 * Two of them guard server fixes that only showed on Bun, whose file writes
 * complete out of order: `scp` both ways (OpenSSH < 9.4 truncates the copy
 * when replies on a handle come back reordered; src/sftp/reply_order.ts) and
 * `reput` (APPEND writes must land in request order; src/ops/sftp_handles.ts).
 *
 * The 1 GiB case runs on one flavor per run (Deno when selected): the three
 * flavors share the transfer code, and 3 GiB per flavor would blow the suite's
 * time budget. Set TSSHD_E2E_BIG_ALL=1 to run it on every flavor.
 */
import { join } from "node:path";
import { statfs } from "node:fs/promises";
import { assert, assertEquals } from "../_helpers/assert.ts";
import {
  currentUser,
  eachFlavor,
  type Flavor,
  flavors,
  ROOT,
  run,
  type RunningServer,
  sshArgs,
  startServer,
  type Workspace,
  workspace,
} from "./_harness.ts";
import { runPeer, SYSTEM_PYTHON } from "./_peers.ts";
import {
  clientTarget,
  copyPrefix,
  sftpBatch,
  sha256File,
  sha256Of,
  writePatternedFile,
} from "../fixtures/sftp_files.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const enc = new TextEncoder();

/** Flavors that run the 1 GiB case: Deno (or the first selected) unless TSSHD_E2E_BIG_ALL is set. */
function bigFlavors(): Flavor[] {
  const all = flavors();
  if (Deno.env.get("TSSHD_E2E_BIG_ALL")) return all;
  return all.includes("deno") ? ["deno"] : all.slice(0, 1);
}

/** Like `eachFlavor`, for a chosen subset of flavors. */
function onFlavors(
  list: Flavor[],
  name: string,
  body: (ctx: { server: RunningServer; ws: Workspace; ssh: () => string[] }) => Promise<void>,
): void {
  for (const flavor of list) {
    Deno.test({
      name: `[${flavor}] ${name}`,
      sanitizeResources: false,
      sanitizeOps: false,
      async fn() {
        const ws = await workspace();
        const server = await startServer(flavor, ws).catch(async (e) => {
          await Deno.remove(ws.dir, { recursive: true });
          throw e;
        });
        try {
          await body({ server, ws, ssh: () => sshArgs(ws, server) });
        } catch (e) {
          console.error(`--- tsshd output (${flavor}) ---\n${server.output()}`);
          throw e;
        } finally {
          await server.stop();
          await Deno.remove(ws.dir, { recursive: true });
        }
      },
    });
  }
}

/** Seconds since `t0` with one decimal. */
function secs(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}

onFlavors(
  bigFlavors(),
  "sftp: 1 GiB put and get, and scp up, with sha256 on both sides",
  async ({ ssh, ws, server }) => {
    const t = clientTarget(ssh());
    const local = join(ws.dir, "big.bin");
    const remote = join(ws.dir, "remote.bin");
    const back = join(ws.dir, "back.bin");
    let t0 = performance.now();
    const want = await writePatternedFile(local, GiB);
    const timings = [`generate ${secs(t0)}s`];

    t0 = performance.now();
    const put = await sftpBatch(t, join(ws.dir, "batch-put"), [`put ${local} ${remote}`]);
    assertEquals(put.code, 0, put.stderr + put.text);
    timings.push(`put ${secs(t0)}s`);
    assertEquals((await Deno.stat(remote)).size, GiB);
    assertEquals(await sha256File(remote), want, "server-side copy after put");

    t0 = performance.now();
    const get = await sftpBatch(t, join(ws.dir, "batch-get"), [`get ${remote} ${back}`]);
    assertEquals(get.code, 0, get.stderr + get.text);
    timings.push(`get ${secs(t0)}s`);
    assertEquals(await sha256File(back), want, "client-side copy after get");
    await Deno.remove(back);
    await Deno.remove(remote);

    t0 = performance.now();
    const scpDest = join(ws.dir, "scp.bin");
    const scp = await run("scp", ["-F", t.conf, "-P", t.port, local, `${t.target}:${scpDest}`], { timeoutMs: 120_000 });
    assertEquals(scp.code, 0, scp.stderr);
    timings.push(`scp ${secs(t0)}s`);
    assertEquals(await sha256File(scpDest), want, "server-side copy after scp");
    console.log(`1 GiB on ${server.flavor}: ${timings.join(", ")}`);
  },
);

eachFlavor(
  "scp (SFTP mode): 64 MiB up and down arrive whole (no truncation at a reordered ack)",
  async ({ ssh, ws }) => {
    // OpenSSH < 9.4 scp truncates the copy at the last in-order WRITE/READ reply (src/sftp/reply_order.ts).
    const t = clientTarget(ssh());
    const local = join(ws.dir, "mid.bin");
    const want = await writePatternedFile(local, 64 * MiB);
    const up = join(ws.dir, "up.bin");
    const down = join(ws.dir, "down.bin");
    const a = await run("scp", ["-F", t.conf, "-P", t.port, local, `${t.target}:${up}`]);
    assertEquals(a.code, 0, a.stderr);
    assertEquals((await Deno.stat(up)).size, 64 * MiB, "scp upload was truncated");
    assertEquals(await sha256File(up), want);
    const b = await run("scp", ["-F", t.conf, "-P", t.port, `${t.target}:${up}`, down]);
    assertEquals(b.code, 0, b.stderr);
    assertEquals((await Deno.stat(down)).size, 64 * MiB, "scp download was truncated");
    assertEquals(await sha256File(down), want);
  },
);

/** Mount a tmpfs of `size` at `dir`; false (after saying why) when that is not possible here. */
async function mountTmpfs(dir: string, size: string): Promise<boolean> {
  if (Deno.uid() !== 0) {
    console.log(`SKIP full-disk checks: not root (uid ${Deno.uid()}), cannot mount a small tmpfs`);
    return false;
  }
  const m = await new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir] }).output();
  if (!m.success) {
    console.log(`SKIP full-disk checks: mount -t tmpfs failed: ${new TextDecoder().decode(m.stderr).trim()}`);
    return false;
  }
  return true;
}

async function unmount(dir: string): Promise<void> {
  const u = await new Deno.Command("umount", { args: [dir] }).output();
  if (!u.success) await new Deno.Command("umount", { args: ["-l", dir] }).output();
}

/** Observations of tests/fixtures/peers/sftp_full_disk.py. */
interface FullDiskReport {
  error?: string;
  writeError: string | null;
  closeError: string | null;
  written: number;
  statSize: number;
  alive: string;
}

eachFlavor(
  "sftp: a full disk fails the put with the errno text, leaves the partial file, session and server live on",
  async ({ ssh, ws }) => {
    const t = clientTarget(ssh());
    const full = join(ws.dir, "full");
    await Deno.mkdir(full);
    if (!(await mountTmpfs(full, "2m"))) return;
    try {
      const local = join(ws.dir, "five.bin");
      await writePatternedFile(local, 5 * MiB);
      const dest = join(full, "five.bin");
      // "-" lets the batch go on after the failing put, as an interactive user would.
      const r = await sftpBatch(t, join(ws.dir, "batch-full"), [`-put ${local} ${dest}`, `ls -l ${full}`, "pwd"]);
      assertEquals(r.code, 0, r.stderr + r.text);
      // OpenSSH's sftp prints the status name (fx2txt), not the server's message text.
      assert(r.stderr.includes(`write remote "${dest}": Failure`), r.stderr);
      assert(r.text.includes("Remote working directory: "), `session did not go on after the failed put:\n${r.text}`);
      assert(/five\.bin$/m.test(r.text), r.text);
      // The partial file stays, as OpenSSH's sftp-server leaves it, and holds a true prefix.
      const partial = (await Deno.stat(dest)).size;
      assert(partial > 0 && partial < 5 * MiB, `partial size ${partial}`);
      assertEquals(await sha256File(dest), await sha256File(local, partial), "partial file is not a prefix");
      // Without "-" the batch stops at the failure with exit status 1.
      const strict = await sftpBatch(t, join(ws.dir, "batch-full2"), [`put ${local} ${dest}`, "pwd"]);
      assertEquals(strict.code, 1, strict.text);
      assert(!strict.text.includes("Remote working directory"), strict.text);

      // paramiko shows the status text: FAILURE with strerror(ENOSPC).
      await Deno.remove(dest);
      const script = join(ROOT, "tests", "fixtures", "peers", "sftp_full_disk.py");
      const target = join(full, "paramiko.bin");
      const p = await runPeer(SYSTEM_PYTHON, [
        script,
        "127.0.0.1",
        t.port,
        currentUser(),
        ws.ids.ed25519,
        ws.knownHosts,
        target,
        String(5 * MiB),
      ], { home: ws.dir });
      const rep: FullDiskReport = JSON.parse(p.text || "{}");
      assertEquals(rep.error, undefined, p.text + p.stderr);
      assertEquals(rep.writeError, "No space left on device");
      assert(rep.written > 0 && rep.written < 5 * MiB, `written ${rep.written}`);
      assert(rep.statSize > 0, `stat after ENOSPC: ${rep.statSize}`);
      assert(rep.alive.length > 0);

      // The server is still there for a new session, and the space can be used again.
      await Deno.remove(target);
      const small = join(ws.dir, "small.txt");
      await Deno.writeTextFile(small, "fits\n");
      const ok = await sftpBatch(t, join(ws.dir, "batch-full3"), [
        `put ${small} ${join(full, "ok.txt")}`,
        `get ${join(full, "ok.txt")} ${join(ws.dir, "ok-back.txt")}`,
      ]);
      assertEquals(ok.code, 0, ok.stderr);
      assertEquals(await Deno.readTextFile(join(ws.dir, "ok-back.txt")), "fits\n");
    } finally {
      await unmount(full);
    }
  },
);

/** One attempt of tests/fixtures/peers/sftp_names.py: a value, or the server's status text. */
type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

interface NamesReport {
  error?: string;
  seed: {
    listing: Attempt<string[]>;
    stat: Attempt<number>;
    get: Attempt<{ size: number; sha256: string }>;
    remove: Attempt<null>;
    leftOnDisk: boolean;
  };
  results: Array<{
    name: string;
    put: Attempt<number>;
    stat: Attempt<number>;
    get: Attempt<{ size: number; sha256: string }>;
    want: { size: number; sha256: string };
    remove: Attempt<null>;
  }>;
  listing: Attempt<string[]>;
  disk: string[];
  after: Attempt<string[]>;
  alive: Attempt<string>;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (...parts: Array<string | number[]>) => {
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : Uint8Array.from(p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

/** Names OpenSSH's batch syntax cannot write: a newline, a carriage return, a tab, bytes that are not UTF-8. */
const UTF8_NAMES = [bytes("with space.txt"), bytes("new\nline.txt"), bytes("cr\rtab\t.txt"), bytes(" lead and trail ")];
const RAW_NAMES = [bytes("bad", [0xff], "name"), bytes([0xc3, 0x28], " latin1 caf", [0xe9])];
const UTF8_TEXT = "\u00fcn\u00ef \u20ac \u{1f600}.txt";

eachFlavor(
  "sftp: awkward names (spaces, newline, non-UTF-8 bytes) via paramiko and OpenSSH sftp",
  async ({ ssh, ws, server }) => {
    const t = clientTarget(ssh());
    const dir = join(ws.dir, "names");
    await Deno.mkdir(dir);
    const seed = bytes("seed", [0xfe, 0x0a], "x");
    const script = join(ROOT, "tests", "fixtures", "peers", "sftp_names.py");
    const all = [...UTF8_NAMES, ...RAW_NAMES, enc.encode(UTF8_TEXT)];
    const p = await runPeer(SYSTEM_PYTHON, [
      script,
      "127.0.0.1",
      t.port,
      currentUser(),
      ws.ids.ed25519,
      ws.knownHosts,
      dir,
      hex(seed),
      ...all.map(hex),
    ], { home: ws.dir });
    let rep: NamesReport;
    try {
      rep = JSON.parse(p.text);
    } catch {
      throw new Error(`sftp_names.py printed no report (exit ${p.code}):\n${p.text}\n${p.stderr}`);
    }
    assertEquals(rep.error, undefined, p.stderr);
    // Every flavor keeps names byte for byte (Deno through its FFI byte-path file calls).
    for (const r of rep.results) {
      const label = `name ${JSON.stringify(r.name)} on ${server.flavor}`;
      assertEquals(r.put, { ok: true, value: r.want.size }, label);
      assertEquals(r.stat, { ok: true, value: r.want.size }, label);
      assertEquals(r.get, { ok: true, value: r.want }, label);
      assertEquals(r.remove, { ok: true, value: null }, label);
    }
    const stored = all.map(hex).sort();
    assertEquals(rep.disk, stored, "names on disk");
    assertEquals(rep.listing, { ok: true, value: stored }, "READDIR names");
    assertEquals(rep.after, { ok: true, value: [] }, "READDIR after the removes");
    assert(rep.alive.ok, "session did not answer at the end");

    // A non-UTF-8 name already on disk: listed with its exact bytes, read and removed.
    assertEquals(rep.seed.listing, { ok: true, value: [hex(seed)] });
    assertEquals(rep.seed.stat, { ok: true, value: "content of ".length + 2 * seed.length + 1 });
    assertEquals(rep.seed.get.ok && rep.seed.get.value.size, "content of ".length + 2 * seed.length + 1);
    assertEquals(rep.seed.remove, { ok: true, value: null });
    assert(!rep.seed.leftOnDisk);

    // The names OpenSSH's sftp batch syntax can quote: spaces, quotes, a leading dash, UTF-8.
    const local = join(ws.dir, "src.txt");
    await Deno.writeTextFile(local, "same content\n");
    const quoted = ["two  spaces.txt", `it's "quoted".txt`, "-dash.txt", UTF8_TEXT, "back\\slash.txt"];
    // Quoted, backslash-escaped, and behind "./" so a leading "-" is not read as a flag.
    const esc = (n: string) => `"./${n.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
    const r = await sftpBatch(t, join(ws.dir, "batch-names"), [
      `cd ${dir}`,
      ...quoted.map((n) => `put ${local} ${esc(n)}`),
      "ls -1",
      ...quoted.map((n, i) => `get ${esc(n)} ${join(ws.dir, `back${i}`)}`),
      ...quoted.map((n) => `rm ${esc(n)}`),
    ]);
    assertEquals(r.code, 0, r.stderr + r.text);
    const listed = r.text.split("\n").filter((l) => !l.startsWith("sftp>") && l !== "");
    assertEquals(listed.sort(), [...quoted].sort());
    for (let i = 0; i < quoted.length; i++) {
      assertEquals(await Deno.readTextFile(join(ws.dir, `back${i}`)), "same content\n");
    }
    assertEquals([...Deno.readDirSync(dir)].length, 0);
  },
);

eachFlavor("sftp: reput and reget append to an existing prefix", async ({ ssh, ws }) => {
  const t = clientTarget(ssh());
  const size = 8 * MiB + 12345;
  const cut = 3 * MiB + 7;
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(i + 65536, size)));
  const want = sha256Of(data);
  // A prefix that differs from the source: the result shows that only the tail was sent.
  const marker = new Uint8Array(cut).fill(0x5a);
  const markedWant = sha256Of(marker, data.subarray(cut));
  const source = join(ws.dir, "source.bin");
  await Deno.writeFile(source, data);
  const up = join(ws.dir, "up.bin");
  const upMarked = join(ws.dir, "up-marked.bin");
  const down = join(ws.dir, "down.bin");
  const downMarked = join(ws.dir, "down-marked.bin");
  await copyPrefix(source, up, cut);
  await copyPrefix(source, down, cut);
  await Deno.writeFile(upMarked, marker);
  await Deno.writeFile(downMarked, marker);
  const r = await sftpBatch(t, join(ws.dir, "batch-resume"), [
    `reput ${source} ${up}`,
    `reput ${source} ${upMarked}`,
    `reget ${source} ${down}`,
    `reget ${source} ${downMarked}`,
    // Nothing left to resume: the client refuses, the session goes on.
    `-reput ${source} ${up}`,
    "pwd",
  ]);
  assertEquals(r.code, 0, r.stderr + r.text);
  assert(r.text.includes("Remote working directory"), r.text);
  for (const [path, sha] of [[up, want], [upMarked, markedWant], [down, want], [downMarked, markedWant]]) {
    assertEquals((await Deno.stat(path)).size, size, path);
    assertEquals(await sha256File(path), sha, path);
  }
});

/** The name of `id` in an /etc/passwd- or /etc/group-style file, else the number. */
async function nameOf(file: string, id: number): Promise<string> {
  for (const line of (await Deno.readTextFile(file)).split("\n")) {
    const f = line.split(":");
    if (f.length > 2 && Number(f[2]) === id) return f[0];
  }
  return String(id);
}

eachFlavor("sftp: ln (hard link), chown/chgrp, df -h, rmdir and ls -l owner names", async ({ ssh, ws }) => {
  const t = clientTarget(ssh());
  const remote = join(ws.dir, "cmds");
  const local = join(ws.dir, "twelve.txt");
  await Deno.writeTextFile(local, "twelve bytes");
  await Deno.chmod(local, 0o644);
  const root = Deno.uid() === 0;
  if (!root) console.log(`SKIP chown/chgrp checks: not root (uid ${Deno.uid()})`);
  const r = await sftpBatch(t, join(ws.dir, "batch-cmds"), [
    `mkdir ${remote}`,
    `cd ${remote}`,
    `put ${local} a.txt`,
    "ln a.txt hard.txt",
    "-ln missing.txt nowhere.txt",
    "mkdir empty",
    "rmdir empty",
    "mkdir full",
    `put ${local} full/x`,
    "-rmdir full",
    "-rmdir nonexistent",
    ...(root ? ["chown 65534 a.txt", "chgrp 65534 hard.txt"] : []),
    "ls -l",
    "df -h",
    "df -hi",
  ]);
  assertEquals(r.code, 0, r.stderr + r.text);
  const a = await Deno.stat(join(remote, "a.txt"));
  const hard = await Deno.stat(join(remote, "hard.txt"));
  assertEquals(hard.ino, a.ino, "ln did not make a hard link");
  assertEquals(a.nlink, 2);
  await assertMissingPath(join(remote, "empty"));
  await assertMissingPath(join(remote, "nowhere.txt"));
  assertEquals(await Deno.readTextFile(join(remote, "full", "x")), "twelve bytes");
  // Failures the client reports with the status name; the session went on.
  // (rmdir of a non-empty directory is ENOTEMPTY: FAILURE, as OpenSSH's sftp-server answers).
  const dirQ = (name: string) => `"${join(remote, name)}"`;
  assert(r.stderr.includes(`remote rmdir ${dirQ("full")}: Failure`), r.stderr);
  assert(r.stderr.includes(`remote rmdir ${dirQ("nonexistent")}: No such file or directory`), r.stderr);
  assert(
    r.stderr.includes(`remote link ${dirQ("missing.txt")} to ${dirQ("nowhere.txt")}: No such file or directory`),
    r.stderr,
  );

  const lines = r.text.split("\n");
  const long = (cmd: string) => {
    const start = lines.indexOf(`sftp> ${cmd}`);
    const end = lines.findIndex((l, i) => i > start && l.startsWith("sftp> "));
    return lines.slice(start + 1, end < 0 ? undefined : end);
  };
  const uid = Deno.uid() ?? 0, gid = Deno.gid() ?? 0;
  const owner = await nameOf("/etc/passwd", uid);
  const ownerGroup = await nameOf("/etc/group", gid);
  // a.txt and hard.txt share the inode that chown and chgrp changed.
  const fileUser = root ? await nameOf("/etc/passwd", 65534) : owner;
  const fileGroup = root ? await nameOf("/etc/group", 65534) : ownerGroup;
  const ls = long("ls -l");
  const row = (name: string) => ls.find((l) => l.endsWith(` ${name}`)) ?? `(no ${name} in ${ls.join(" | ")})`;
  const date = String.raw`[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d| \d{4})`;
  const lsRow = (mode: string, user: string, group: string, size: string, name: string) =>
    new RegExp(`^${mode} +\\S+ ${user} +${group} +${size} ${date} ${name}$`);
  for (const name of ["a.txt", "hard.txt"]) {
    const re = lsRow("-rw-r--r--", fileUser, fileGroup, "12", name.replace(".", "\\."));
    assert(re.test(row(name)), `${row(name)} !~ ${re}`);
  }
  assert(lsRow("drwxr-xr-x", owner, ownerGroup, "\\d+", "full").test(row("full")), row("full"));
  if (root) {
    assertEquals(a.uid, 65534);
    assertEquals(a.gid, 65534, "chgrp on the hard link changes the shared inode");
    // (`ls -ln` is left out: OpenSSH 9.2 prints names there too once the server has users-groups-by-id.)
  }
  // df -h: OpenSSH's header and one row (Size, Used, Avail, (root), %Capacity) that agrees with statfs(2).
  const fs = await statfs(remote);
  const df = long("df -h");
  assert(/^\s*Size\s+Used\s+Avail\s+\(root\)\s+%Capacity$/.test(df[0] ?? ""), df.join("\n"));
  const cells = (df[1] ?? "").trim().split(/\s+/);
  assertEquals(cells.length, 5, df.join("\n"));
  assert(/^\d+%$/.test(cells[4]), df.join("\n"));
  const size = scaled(cells[0]);
  const want = fs.blocks * fs.bsize;
  assert(Math.abs(size - want) <= want * 0.01, `df -h Size ${cells[0]} vs statfs ${want}`);
  const dfi = long("df -hi");
  assert(/^\s*Inodes\s+Used\s+Avail\s+\(root\)\s+%Capacity$/.test(dfi[0] ?? ""), dfi.join("\n"));
  assertEquals(Number((dfi[1] ?? "").trim().split(/\s+/)[0]), fs.files, dfi.join("\n"));
});

/** Bytes of a size as OpenSSH's fmt_scaled prints it ("252GB", "23.4GB", "512B"). */
function scaled(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]?)B?$/.exec(text);
  if (!m) throw new Error(`not a scaled size: ${text}`);
  return Number(m[1]) * 1024 ** ("_KMGTPE".indexOf(m[2] || "_"));
}

async function assertMissingPath(path: string): Promise<void> {
  const exists = await Deno.lstat(path).then(() => true, () => false);
  assert(!exists, `${path} should not exist`);
}
