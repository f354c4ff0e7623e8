/**
 * `serveSftp` + the memory backend driven by a raw client: every request type,
 * the extensions, out-of-order answers, and the bad inputs of issue 4
 * (unknown type, bogus handle, malformed packets, oversized packet, 4 GiB READ,
 * a client that stops reading replies).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { FXF, FXP, readAttrs } from "../../src/sftp/codec.ts";
import { SFTP_STATUS, type SftpBackend } from "../../src/sftp/backend.ts";
import { memoryBackend } from "../../src/sftp/memory_backend.ts";
import { serveSftp } from "../../src/sftp/server.ts";
import { RawClient, type Reply } from "./sftp_raw_client.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function start(backend: SftpBackend = memoryBackend(), opts = {}): { c: RawClient; done: Promise<void> } {
  const c = new RawClient();
  return { c, done: serveSftp(c.channel, backend, opts) };
}

function status(r: Reply): [number, string] {
  assertEquals(r.type, FXP.STATUS, `expected STATUS, got ${r.type}`);
  return [r.r.uint32(), r.r.utf8()];
}

async function openFile(c: RawClient, id: number, path: string, pflags: number): Promise<Uint8Array> {
  const r = await c.call(FXP.OPEN, id, (w) => w.string(path).uint32(pflags).uint32(0));
  assertEquals(r.type, FXP.HANDLE);
  return r.r.string().slice();
}

async function finish(c: RawClient, done: Promise<void>): Promise<void> {
  c.channel.push(null);
  await done;
}

Deno.test("sftp: VERSION advertises the extensions the memory backend supports", async () => {
  const { c, done } = start();
  const ext = await c.init();
  assertEquals([...ext], [
    ["posix-rename@openssh.com", "1"],
    ["statvfs@openssh.com", "2"],
    ["fstatvfs@openssh.com", "2"],
    ["hardlink@openssh.com", "1"],
    ["fsync@openssh.com", "1"],
    ["lsetstat@openssh.com", "1"],
    ["limits@openssh.com", "1"],
    ["expand-path@openssh.com", "1"],
    ["copy-data", "1"],
    ["home-directory", "1"],
    ["users-groups-by-id@openssh.com", "1"],
  ]);
  await finish(c, done);
  assertEquals(c.channel.exitStatus, { code: 0 });
});

Deno.test("sftp: a minimal backend advertises only the built-in extensions", async () => {
  const full = memoryBackend();
  const minimal: SftpBackend = {
    open: full.open,
    opendir: full.opendir,
    stat: full.stat,
    lstat: full.lstat,
    setstat: full.setstat,
    remove: full.remove,
    mkdir: full.mkdir,
    rmdir: full.rmdir,
    rename: full.rename,
    readlink: full.readlink,
    symlink: full.symlink,
    realpath: full.realpath,
  };
  const { c, done } = start(minimal);
  assertEquals([...(await c.init()).keys()], [
    "posix-rename@openssh.com",
    "fsync@openssh.com",
    "limits@openssh.com",
    "copy-data",
  ]);
  const r = await c.call(FXP.EXTENDED, 1, (w) => w.string("statvfs@openssh.com").string("/"));
  assertEquals(status(r)[0], SFTP_STATUS.OP_UNSUPPORTED);
  await finish(c, done);
});

Deno.test("sftp: file and directory operations round trip", async () => {
  const { c, done } = start();
  await c.init();
  const h = await openFile(c, 1, "/a.txt", FXF.WRITE | FXF.CREAT | FXF.TRUNC);
  assertEquals(status(await c.call(FXP.WRITE, 2, (w) => w.string(h).uint64(0n).string("hello world"))), [0, "Success"]);
  assertEquals(status(await c.call(FXP.CLOSE, 3, (w) => w.string(h)))[0], 0);
  const rh = await openFile(c, 4, "/a.txt", FXF.READ);
  const d = await c.call(FXP.READ, 5, (w) => w.string(rh).uint64(6n).uint32(100));
  assertEquals(d.type, FXP.DATA);
  assertEquals(dec.decode(d.r.string()), "world");
  assertEquals(status(await c.call(FXP.READ, 6, (w) => w.string(rh).uint64(11n).uint32(100))), [1, "End of file"]);
  const fs = await c.call(FXP.FSTAT, 7, (w) => w.string(rh));
  assertEquals(fs.type, FXP.ATTRS);
  const attrs = readAttrs(fs.r);
  assertEquals(attrs.size, 11n);
  assertEquals(attrs.permissions, 0o100644);
  assertEquals(status(await c.call(FXP.MKDIR, 8, (w) => w.string("/d").uint32(4).uint32(0o700)))[0], 0);
  assertEquals(status(await c.call(FXP.RENAME, 9, (w) => w.string("/a.txt").string("/d/b.txt")))[0], 0);
  // OpenSSH order: targetpath, linkpath.
  assertEquals(status(await c.call(FXP.SYMLINK, 10, (w) => w.string("d/b.txt").string("/l")))[0], 0);
  const rl = await c.call(FXP.READLINK, 11, (w) => w.string("/l"));
  assertEquals(rl.type, FXP.NAME);
  assertEquals(rl.r.uint32(), 1);
  assertEquals(dec.decode(rl.r.string()), "d/b.txt");
  assertEquals(readAttrs(await c.call(FXP.STAT, 12, (w) => w.string("/l")).then((x) => x.r)).size, 11n);
  assertEquals(readAttrs(await c.call(FXP.LSTAT, 13, (w) => w.string("/l")).then((x) => x.r)).permissions, 0o120777);
  assertEquals(status(await c.call(FXP.SETSTAT, 14, (w) => w.string("/d/b.txt").uint32(4).uint32(0o600)))[0], 0);
  const rp = await c.call(FXP.REALPATH, 15, (w) => w.string("/d/../d/./b.txt"));
  rp.r.uint32();
  assertEquals(dec.decode(rp.r.string()), "/d/b.txt");
  const dh = (await c.call(FXP.OPENDIR, 16, (w) => w.string("/d"))).r.string().slice();
  const names = await c.call(FXP.READDIR, 17, (w) => w.string(dh));
  assertEquals(names.type, FXP.NAME);
  const count = names.r.uint32();
  const listed: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = dec.decode(names.r.string());
    const long = dec.decode(names.r.string());
    readAttrs(names.r);
    listed.push(n);
    if (n === "b.txt") assert(long.startsWith("-rw-------    1 0        0              11 "), long);
  }
  assertEquals(listed, [".", "..", "b.txt"]);
  assertEquals(status(await c.call(FXP.READDIR, 18, (w) => w.string(dh)))[0], SFTP_STATUS.EOF);
  assertEquals(status(await c.call(FXP.CLOSE, 19, (w) => w.string(dh)))[0], 0);
  assertEquals(status(await c.call(FXP.RMDIR, 20, (w) => w.string("/d")))[0], SFTP_STATUS.FAILURE);
  assertEquals(status(await c.call(FXP.REMOVE, 21, (w) => w.string("/d/b.txt")))[0], 0);
  assertEquals(status(await c.call(FXP.RMDIR, 22, (w) => w.string("/d")))[0], 0);
  assertEquals(status(await c.call(FXP.STAT, 23, (w) => w.string("/d")))[0], SFTP_STATUS.NO_SUCH_FILE);
  await finish(c, done);
});

Deno.test("sftp: extensions — limits, statvfs, posix-rename, hardlink, copy-data, expand-path, ids", async () => {
  const { c, done } = start(memoryBackend({ userName: (u) => (u === 0 ? "root" : undefined) }));
  await c.init();
  const lim = await c.call(FXP.EXTENDED, 1, (w) => w.string("limits@openssh.com"));
  assertEquals(lim.type, FXP.EXTENDED_REPLY);
  assertEquals([lim.r.uint64(), lim.r.uint64(), lim.r.uint64(), lim.r.uint64()], [262144n, 261120n, 261120n, 256n]);
  const vfs = await c.call(FXP.EXTENDED, 2, (w) => w.string("statvfs@openssh.com").string("/"));
  assertEquals(vfs.type, FXP.EXTENDED_REPLY);
  assertEquals(vfs.r.remaining, 88);
  const a = await openFile(c, 3, "/a", FXF.READ | FXF.WRITE | FXF.CREAT);
  await c.call(FXP.WRITE, 4, (w) => w.string(a).uint64(0n).string("0123456789"));
  const b = await openFile(c, 5, "/b", FXF.WRITE | FXF.CREAT);
  const fvfs = await c.call(FXP.EXTENDED, 6, (w) => w.string("fstatvfs@openssh.com").string(a));
  assertEquals(fvfs.type, FXP.EXTENDED_REPLY);
  const cp = await c.call(
    FXP.EXTENDED,
    7,
    (w) => w.string("copy-data").string(a).uint64(2n).uint64(0n).string(b).uint64(1n),
  );
  assertEquals(status(cp)[0], 0);
  const overlap = await c.call(
    FXP.EXTENDED,
    8,
    (w) => w.string("copy-data").string(a).uint64(0n).uint64(5n).string(a).uint64(2n),
  );
  assertEquals(status(overlap)[0], SFTP_STATUS.FAILURE);
  assertEquals(status(await c.call(FXP.EXTENDED, 9, (w) => w.string("fsync@openssh.com").string(b)))[0], 0);
  await c.call(FXP.CLOSE, 10, (w) => w.string(b));
  const rb = await openFile(c, 11, "/b", FXF.READ);
  const data = await c.call(FXP.READ, 12, (w) => w.string(rb).uint64(0n).uint32(100));
  assertEquals(data.r.string(), new Uint8Array([0, ...enc.encode("23456789")]));
  assertEquals(status(await c.call(FXP.RENAME, 13, (w) => w.string("/a").string("/b")))[0], SFTP_STATUS.FAILURE);
  const pr = await c.call(FXP.EXTENDED, 14, (w) => w.string("posix-rename@openssh.com").string("/a").string("/b"));
  assertEquals(status(pr)[0], 0);
  const hl = await c.call(FXP.EXTENDED, 15, (w) => w.string("hardlink@openssh.com").string("/b").string("/c"));
  assertEquals(status(hl)[0], 0);
  assertEquals(readAttrs((await c.call(FXP.STAT, 16, (w) => w.string("/c"))).r).size, 10n);
  const ex = await c.call(FXP.EXTENDED, 17, (w) => w.string("expand-path@openssh.com").string("~/c"));
  ex.r.uint32();
  assertEquals(dec.decode(ex.r.string()), "/c");
  const ids = await c.call(
    FXP.EXTENDED,
    18,
    (w) => w.string("users-groups-by-id@openssh.com").string(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 7])).string(""),
  );
  assertEquals(ids.type, FXP.EXTENDED_REPLY);
  const users = ids.r.string();
  assertEquals(users, new Uint8Array([0, 0, 0, 4, ...enc.encode("root"), 0, 0, 0, 0]));
  assertEquals(ids.r.string().length, 0);
  assertEquals(status(await c.call(FXP.EXTENDED, 19, (w) => w.string("nope@example.com")))[0], 8);
  await finish(c, done);
});

Deno.test("sftp: unknown packet type → OP_UNSUPPORTED; bogus handle → FAILURE; truncated body → BAD_MESSAGE", async () => {
  const { c, done } = start();
  await c.init();
  assertEquals(status(await c.call(99, 1)), [SFTP_STATUS.OP_UNSUPPORTED, "Operation unsupported"]);
  const bogus = new Uint8Array(16).fill(7);
  assertEquals(status(await c.call(FXP.READ, 2, (w) => w.string(bogus).uint64(0n).uint32(10)))[0], 4);
  assertEquals(status(await c.call(FXP.CLOSE, 3, (w) => w.string("x")))[0], 4);
  assertEquals(status(await c.call(FXP.WRITE, 4, (w) => w.string(bogus).uint64(0n).string("x")))[0], 4);
  // A handle from another session is just as unknown here.
  const other = start();
  await other.c.init();
  const foreign = await openFile(other.c, 1, "/f", FXF.WRITE | FXF.CREAT);
  assertEquals(status(await c.call(FXP.FSTAT, 5, (w) => w.string(foreign)))[0], 4);
  await finish(other.c, other.done);
  assertEquals(status(await c.call(FXP.OPEN, 6, (w) => w.uint32(1000)))[0], SFTP_STATUS.BAD_MESSAGE);
  assertEquals(status(await c.call(FXP.STAT, 7, (w) => w.uint32(5).byte(0x2f)))[0], SFTP_STATUS.BAD_MESSAGE);
  await finish(c, done);
  assertEquals(c.channel.exitStatus, { code: 0 });
});

Deno.test("sftp: a READ for 4 GiB is clamped to the max read length", async () => {
  const backend = memoryBackend();
  const { c, done } = start(backend);
  await c.init();
  const h = await openFile(c, 1, "/big", FXF.READ | FXF.WRITE | FXF.CREAT);
  const chunk = new Uint8Array(200_000).fill(1);
  for (let i = 0; i < 3; i++) {
    await c.call(FXP.WRITE, 2 + i, (w) => w.string(h).uint64(BigInt(i * 200_000)).string(chunk));
  }
  const r = await c.call(FXP.READ, 9, (w) => w.string(h).uint64(0n).uint32(0xffffffff));
  assertEquals(r.type, FXP.DATA);
  assertEquals(r.r.string().length, 261120);
  await finish(c, done);
});

Deno.test("sftp: a packet longer than the limit ends the subsystem with exit status 1", async () => {
  const { c, done } = start();
  await c.init();
  c.send(new Uint8Array([0x00, 0x04, 0x00, 0x01, FXP.STAT]));
  await done;
  assertEquals(c.channel.exitStatus, { code: 1 });
});

Deno.test("sftp: a packet too short to hold an id ends the subsystem", async () => {
  const { c, done } = start();
  await c.init();
  c.send(new Uint8Array([0, 0, 0, 2, FXP.STAT, 0]));
  await done;
  assertEquals(c.channel.exitStatus, { code: 1 });
});

Deno.test("sftp: packets split across and packed within chunks", async () => {
  const { c, done } = start();
  const init = new Uint8Array([0, 0, 0, 5, FXP.INIT, 0, 0, 0, 3]);
  const stat = (id: number) => new Uint8Array([0, 0, 0, 10, FXP.STAT, 0, 0, 0, id, 0, 0, 0, 1, 0x2f]);
  const all = new Uint8Array([...init, ...stat(1), ...stat(2), ...stat(3)]);
  for (const piece of [all.subarray(0, 3), all.subarray(3, 12), all.subarray(12, 13), all.subarray(13)]) {
    c.send(piece);
  }
  assertEquals((await c.reply())!.type, FXP.VERSION);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await c.reply())!.id);
  assertEquals(ids.sort(), [1, 2, 3]);
  await finish(c, done);
});

Deno.test("sftp: requests are answered out of order as they finish", async () => {
  const base = memoryBackend();
  let releaseSlow!: () => void;
  const slow = new Promise<void>((r) => (releaseSlow = r));
  const backend: SftpBackend = {
    ...base,
    async stat(path) {
      if (dec.decode(path) === "/slow") await slow;
      return base.stat(enc.encode("/"));
    },
  };
  const { c, done } = start(backend);
  await c.init();
  c.request(FXP.STAT, 1, (w) => w.string("/slow"));
  c.request(FXP.STAT, 2, (w) => w.string("/fast"));
  assertEquals((await c.reply())!.id, 2);
  releaseSlow();
  assertEquals((await c.reply())!.id, 1);
  await finish(c, done);
});

Deno.test("sftp: replies on one handle keep request order even when the backend finishes out of order", async () => {
  // OpenSSH < 9.4 scp truncates an upload at the last in-order WRITE ack (seen with Bun's node:fs).
  const base = memoryBackend();
  const backend: SftpBackend = {
    ...base,
    async open(p, f, a) {
      const file = await base.open(p, f, a);
      return {
        ...file,
        async write(offset, data) {
          // The earlier the offset, the later the write completes.
          await new Promise((r) => setTimeout(r, 40 - Number(offset) / 10));
          return file.write(offset, data);
        },
      };
    },
  };
  const { c, done } = start(backend);
  await c.init();
  const a = await openFile(c, 1, "/a", FXF.WRITE | FXF.CREAT);
  const b = await openFile(c, 2, "/b", FXF.WRITE | FXF.CREAT);
  for (let i = 0; i < 4; i++) c.request(FXP.WRITE, 10 + i, (w) => w.string(a).uint64(BigInt(i * 100)).string("x"));
  c.request(FXP.WRITE, 20, (w) => w.string(b).uint64(300n).string("y"));
  c.request(FXP.STAT, 21, (w) => w.string("/"));
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push((await c.reply())!.id);
  const onA = ids.filter((id) => id < 20);
  assertEquals(onA, [10, 11, 12, 13], `replies on one handle came as ${ids}`);
  assert(ids.indexOf(20) < ids.indexOf(10) && ids.indexOf(21) < ids.indexOf(10), `other handles wait: ${ids}`);
  await finish(c, done);
});

Deno.test("sftp: a client that stops reading replies stops the server reading requests (bounded)", async () => {
  const { c, done } = start(memoryBackend(), { maxInFlight: 16 });
  await c.init();
  const h = await openFile(c, 1, "/f", FXF.READ | FXF.WRITE | FXF.CREAT);
  await c.call(FXP.WRITE, 2, (w) => w.string(h).uint64(0n).string(new Uint8Array(100_000)));
  let open!: () => void;
  c.channel.gate = new Promise<void>((r) => (open = r));
  for (let i = 0; i < 1000; i++) c.request(FXP.READ, 100 + i, (w) => w.string(h).uint64(0n).uint32(65536));
  await new Promise((r) => setTimeout(r, 50));
  const readBefore = c.channel.reads;
  assert(c.channel.unread > 900, `server read ${readBefore} chunks while no reply could be sent`);
  open();
  c.channel.gate = undefined;
  let n = 0;
  while (n < 1000) {
    const r = await c.reply();
    assertEquals(r!.type, FXP.DATA);
    n++;
  }
  await finish(c, done);
});

Deno.test("sftp: the pending-bytes cap bounds in-flight READs", async () => {
  let concurrent = 0, peak = 0;
  const base = memoryBackend();
  const backend: SftpBackend = {
    ...base,
    async open(p, f, a) {
      const file = await base.open(p, f, a);
      return {
        ...file,
        async read(o, l) {
          peak = Math.max(peak, ++concurrent);
          await new Promise((r) => setTimeout(r, 1));
          concurrent--;
          return file.read(o, l);
        },
      };
    },
  };
  const { c, done } = start(backend, { maxPendingBytes: 1024 * 1024 });
  await c.init();
  const h = await openFile(c, 1, "/f", FXF.READ | FXF.WRITE | FXF.CREAT);
  await c.call(FXP.WRITE, 2, (w) => w.string(h).uint64(0n).string(new Uint8Array(10)));
  for (let i = 0; i < 64; i++) c.request(FXP.READ, 10 + i, (w) => w.string(h).uint64(0n).uint32(261120));
  for (let i = 0; i < 64; i++) await c.reply();
  assert(peak <= 5, `peak concurrent reads ${peak}`);
  await finish(c, done);
});

Deno.test("sftp: too many open handles → FAILURE, and handles are closed at session end", async () => {
  let closes = 0;
  const base = memoryBackend();
  const backend: SftpBackend = {
    ...base,
    async open(p, f, a) {
      const file = await base.open(p, f, a);
      return { ...file, close: () => (closes++, file.close()) };
    },
  };
  const { c, done } = start(backend, { maxOpenHandles: 3 });
  await c.init();
  for (let i = 0; i < 3; i++) await openFile(c, i, `/f${i}`, FXF.WRITE | FXF.CREAT);
  const r = await c.call(FXP.OPEN, 9, (w) => w.string("/g").uint32(FXF.WRITE | FXF.CREAT).uint32(0));
  assertEquals(status(r)[0], SFTP_STATUS.FAILURE);
  await finish(c, done);
  assertEquals(closes, 3);
});

Deno.test("sftp: non-UTF-8 names with spaces and newlines keep their bytes; APPEND writes at the end", async () => {
  const { c, done } = start();
  await c.init();
  const name = new Uint8Array([0x2f, 0x66, 0xff, 0x20, 0x0a, 0x80]);
  const h = (await c.call(FXP.OPEN, 1, (w) => w.string(name).uint32(FXF.WRITE | FXF.CREAT).uint32(0))).r.string()
    .slice();
  await c.call(FXP.WRITE, 2, (w) => w.string(h).uint64(0n).string("abc"));
  await c.call(FXP.CLOSE, 3, (w) => w.string(h));
  const ah = (await c.call(FXP.OPEN, 4, (w) => w.string(name).uint32(FXF.WRITE | FXF.APPEND).uint32(0))).r.string()
    .slice();
  await c.call(FXP.WRITE, 5, (w) => w.string(ah).uint64(0n).string("de"));
  assertEquals(readAttrs((await c.call(FXP.FSTAT, 6, (w) => w.string(ah))).r).size, 5n);
  const dh = (await c.call(FXP.OPENDIR, 7, (w) => w.string("/"))).r.string().slice();
  const names = await c.call(FXP.READDIR, 8, (w) => w.string(dh));
  const found: Uint8Array[] = [];
  for (let n = names.r.uint32(); n > 0; n--) {
    found.push(names.r.string().slice());
    names.r.string();
    readAttrs(names.r);
  }
  assertEquals(found[2], name.subarray(1));
  const ex = await c.call(FXP.OPEN, 9, (w) => w.string(name).uint32(FXF.WRITE | FXF.CREAT | FXF.EXCL).uint32(0));
  assertEquals(status(ex)[0], SFTP_STATUS.FAILURE);
  const none = await c.call(FXP.OPEN, 10, (w) => w.string("/nope").uint32(FXF.READ).uint32(0));
  assertEquals(status(none)[0], SFTP_STATUS.NO_SUCH_FILE);
  await finish(c, done);
});
