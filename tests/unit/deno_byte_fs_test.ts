/**
 * The Deno byte-path file system (`src/runtime/deno_byte_fs.ts`, glibc via
 * FFI): names with bytes that are not UTF-8 reach the kernel unchanged, stat
 * fields match `node:fs`, failures carry errno names; and the SFTP disk
 * backend given it serves such names byte for byte while UTF-8 names never
 * touch it.
 */
import * as fsp from "node:fs/promises";
import { constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDenoByteFs } from "../../src/runtime/deno_byte_fs.ts";
import type { ByteFs } from "../../src/runtime/byte_fs.ts";
import { diskBackend } from "../../src/ops/sftp_fs.ts";
import { SFTP_STATUS, type SftpBackend, SftpError } from "../../src/sftp/backend.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = constants;
const enc = new TextEncoder();
const dec = new TextDecoder();
const bfs = createDenoByteFs();

/** Concatenates strings (as UTF-8) and byte lists. */
function bytes(...parts: Array<string | number[]>): Uint8Array {
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : Uint8Array.from(p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const sortedHex = (names: Uint8Array[]) => names.map(hex).sort();

async function withTemp(fn: (dir: string, dirBytes: Uint8Array) => Promise<void> | void): Promise<void> {
  const dir = await fsp.realpath(await fsp.mkdtemp(join(tmpdir(), "byte-fs-")));
  try {
    await fn(dir, enc.encode(dir));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** The names in `dir` as another program (Python, bytes API) sees them, hex-encoded and sorted. */
async function pythonListing(dir: string): Promise<string[]> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import os,sys; print(' '.join(sorted(n.hex() for n in os.listdir(sys.argv[1].encode()))))", dir],
    stdout: "piped",
  }).output();
  assertEquals(out.code, 0);
  return dec.decode(out.stdout).trim().split(" ").filter((s) => s !== "");
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return "no error";
}

const BAD = bytes("bad", [0xff], "name");
const LATIN1 = bytes([0xc3, 0x28], " caf", [0xe9]);

Deno.test("deno byte fs: a \\xff name is created, written, read and listed byte for byte", () =>
  withTemp(async (dir, d) => {
    const path = bytes(dir, "/", [...BAD]);
    const fd = bfs.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o640);
    const data = enc.encode("..hello, bytes!..");
    try {
      // Writes and reads from the middle of a larger buffer (FFI passes the view's own start).
      assertEquals(bfs.pwrite(fd, data.subarray(2, 16), 0), 14);
      assertEquals(bfs.pwrite(fd, enc.encode("B"), 7), 1);
      bfs.fsync(fd);
    } finally {
      bfs.close(fd);
    }
    assertEquals(sortedHex(bfs.readdir(d)), [hex(BAD)]);
    assertEquals(await pythonListing(dir), [hex(BAD)]);
    // What Deno's own APIs would have named instead does not exist.
    assertEquals(code(() => Deno.lstatSync(`${dir}/bad\ufffdname`)), "ENOENT");

    const r = bfs.open(path, O_RDONLY, 0);
    try {
      const into = new Uint8Array(20).fill(0x2e);
      assertEquals(bfs.pread(r, into.subarray(3, 13), 0), 10);
      assertEquals(dec.decode(into), "...hello, Byt.......");
      assertEquals(bfs.pread(r, new Uint8Array(8), 10), 4);
      assertEquals(bfs.pread(r, new Uint8Array(8), 14), 0); // end of file
      assertEquals(bfs.fstat(r).size, 14);
    } finally {
      bfs.close(r);
    }
    const st = bfs.lstat(path);
    assertEquals([st.size, st.mode, st.nlink], [14, 0o100640, 1]);
    assert(st.isFile() && !st.isDirectory() && !st.isSymbolicLink());
  }));

Deno.test("deno byte fs: stat fields match node:fs for the same file", () =>
  withTemp(async (dir, d) => {
    await fsp.writeFile(join(dir, "plain"), "12345");
    await fsp.utimes(join(dir, "plain"), 1_600_000_000.25, 1_700_000_000.5);
    const mine = bfs.stat(bytes(dir, "/plain"));
    const node = await fsp.stat(join(dir, "plain"));
    for (
      const k of ["dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "blksize", "blocks"] as const
    ) assertEquals(mine[k], node[k], k);
    assertEquals([mine.atimeMs, mine.mtimeMs], [1_600_000_000_250, 1_700_000_000_500]);
    assertEquals(Math.floor(mine.ctimeMs / 1000), Math.floor(node.ctimeMs / 1000)); // Deno's node:fs keeps whole seconds
    const dirStat = bfs.stat(d);
    assert(dirStat.isDirectory() && !dirStat.isFile());
    const vfs = bfs.statvfs(d);
    const nodeVfs = await fsp.statfs(dir, { bigint: true });
    assertEquals([vfs.bsize, vfs.blocks, vfs.files, vfs.namemax], [nodeVfs.bsize, nodeVfs.blocks, nodeVfs.files, 255n]);
  }));

Deno.test("deno byte fs: rename, link, symlink, readlink, realpath, unlink", () =>
  withTemp((dir, d) => {
    const at = (name: Uint8Array) => bytes(dir, "/", [...name]);
    bfs.close(bfs.open(at(BAD), O_WRONLY | O_CREAT, 0o644));
    bfs.rename(at(BAD), at(LATIN1));
    assertEquals(sortedHex(bfs.readdir(d)), [hex(LATIN1)]);
    bfs.link(at(LATIN1), at(BAD));
    assertEquals(bfs.lstat(at(BAD)).nlink, 2);
    const link = bytes("ln", [0x80]);
    bfs.symlink(LATIN1, at(link)); // a relative target with a bad byte, stored as given
    assertEquals(hex(bfs.readlink(at(link))), hex(LATIN1));
    assert(bfs.lstat(at(link)).isSymbolicLink());
    assert(bfs.stat(at(link)).isFile()); // stat follows it
    assertEquals(hex(bfs.realpath(at(link))), hex(at(LATIN1)));
    bfs.mkdir(at(bytes("sub", [0xfe])), 0o755);
    assertEquals(hex(bfs.realpath(bytes(dir, "/./sub", [0xfe], "/../", [...link]))), hex(at(LATIN1)));
    assertEquals(code(() => bfs.realpath(bytes(dir, "/", [...link], "/x"))), "ENOTDIR");
    bfs.rmdir(at(bytes("sub", [0xfe])));
    // A long target takes the bigger readlink buffer.
    const long = new Uint8Array(4095).fill(0x61);
    bfs.symlink(long, at(bytes("long", [0xfe])));
    assertEquals(bfs.readlink(at(bytes("long", [0xfe]))).length, 4095);
    for (const n of [BAD, LATIN1, link, bytes("long", [0xfe])]) bfs.unlink(at(n));
    assertEquals(bfs.readdir(d), []);
  }));

Deno.test("deno byte fs: mkdir, rmdir, chmod, chown, utimes, truncate, fd calls", () =>
  withTemp((dir, d) => {
    const sub = bytes(dir, "/dir", [0xff]);
    bfs.mkdir(sub, 0o750);
    assertEquals(bfs.lstat(sub).mode, 0o040750);
    const file = bytes(dir, "/dir", [0xff], "/f", [0xfe]);
    const fd = bfs.open(file, O_RDWR | O_CREAT, 0o600);
    try {
      bfs.ftruncate(fd, 10);
      bfs.fchmod(fd, 0o604);
      bfs.fchown(fd, 65534, 65534);
      bfs.futimes(fd, 1000.5, 2000);
      const st = bfs.fstat(fd);
      assertEquals([st.size, st.mode & 0o7777, st.uid, st.gid, st.atimeMs, st.mtimeMs], [
        10,
        0o604,
        65534,
        65534,
        1000500,
        2000000,
      ]);
    } finally {
      bfs.close(fd);
    }
    bfs.truncate(file, 3);
    bfs.chmod(file, 0o640);
    bfs.chown(file, 0, 0, true);
    bfs.utimes(file, 5, 6.25, true);
    const st = bfs.lstat(file);
    assertEquals([st.size, st.mode & 0o7777, st.uid, st.atimeMs, st.mtimeMs], [3, 0o640, 0, 5000, 6250]);
    // Not following: the link itself changes, its target does not.
    const link = bytes(dir, "/lnk", [0xfd]);
    bfs.symlink(file, link);
    bfs.utimes(link, 7, 8, false);
    bfs.chown(link, 65534, 65534, false);
    assertEquals([bfs.lstat(link).mtimeMs, bfs.lstat(link).uid, bfs.stat(link).mtimeMs, bfs.stat(link).uid], [
      8000,
      65534,
      6250,
      0,
    ]);
    bfs.unlink(link);
    bfs.unlink(file);
    bfs.rmdir(sub);
    assertEquals(bfs.readdir(d), []);
  }));

Deno.test("deno byte fs: failures carry errno names", () =>
  withTemp((dir, d) => {
    const at = (...parts: Array<string | number[]>) => bytes(dir, "/", ...parts);
    assertEquals(code(() => bfs.lstat(at("missing", [0xff]))), "ENOENT");
    bfs.mkdir(at("d", [0xff]), 0o755);
    assertEquals(code(() => bfs.mkdir(at("d", [0xff]), 0o755)), "EEXIST");
    bfs.close(bfs.open(at("d", [0xff], "/f"), O_WRONLY | O_CREAT, 0o644));
    assertEquals(code(() => bfs.open(at("d", [0xff], "/f"), O_WRONLY | O_CREAT | O_EXCL, 0o644)), "EEXIST");
    assertEquals(code(() => bfs.rmdir(at("d", [0xff]))), "ENOTEMPTY");
    assertEquals(code(() => bfs.readdir(at("d", [0xff], "/f"))), "ENOTDIR");
    assertEquals(code(() => bfs.unlink(at("d", [0xff]))), "EISDIR");
    bfs.symlink(enc.encode("loop"), at("loop"));
    assertEquals(code(() => bfs.stat(at("loop"))), "ELOOP");
    assertEquals(code(() => bfs.close(987654)), "EBADF");
    assertEquals(code(() => bfs.lstat(Uint8Array.of(0x61, 0, 0x62))), "EINVAL"); // NUL never reaches the kernel
    assertThrows(() => bfs.readlink(d)); // not a link: EINVAL
    const err = (() => {
      try {
        bfs.rmdir(at("d", [0xff]));
      } catch (e) {
        return e as Error;
      }
    })();
    assert(err !== undefined && !err.message.includes(dir), "messages name the call, never the path");
  }));

Deno.test("deno byte fs: EACCES when permission bits refuse (no DAC override)", async () => {
  await withTemp(async (dir) => {
    const locked = join(dir, "locked");
    await fsp.mkdir(locked, { mode: 0o700 });
    await fsp.writeFile(join(locked, "f"), "x", { mode: 0o000 });
    await fsp.chmod(join(locked, "f"), 0o000);
    const script = `import { createDenoByteFs } from ${
      JSON.stringify(new URL("../../src/runtime/deno_byte_fs.ts", import.meta.url).href)
    };
      try { createDenoByteFs().open(new TextEncoder().encode(${
      JSON.stringify(join(locked, "f"))
    }), 0, 0); console.log("opened"); }
      catch (e) { console.log(e.code); }`;
    // As root, drop the capabilities that override permission bits (setpriv from util-linux).
    const root = Deno.uid() === 0;
    const file = root ? "setpriv" : Deno.execPath();
    const args = [
      ...(root ? ["--bounding-set=-dac_override,-dac_read_search", Deno.execPath()] : []),
      "eval",
      "--no-config",
      script,
    ];
    const out = await new Deno.Command(file, { args, stdout: "piped", stderr: "piped" }).output();
    assertEquals(dec.decode(out.stdout).trim(), "EACCES", dec.decode(out.stderr));
  });
});

/** A ByteFs that counts its calls, to show which operations use it. */
function counting(inner: ByteFs): { fs: ByteFs; calls: string[] } {
  const calls: string[] = [];
  const fs = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return v.apply(target, args);
      };
    },
  });
  return { fs, calls };
}

async function readAll(be: SftpBackend, path: Uint8Array): Promise<string> {
  const h = await be.open(path, { read: true }, {});
  let text = "";
  for (let off = 0n;;) {
    const chunk = await h.read(off, 5);
    if (chunk === null) break;
    text += dec.decode(chunk);
    off += BigInt(chunk.length);
  }
  await h.close();
  return text;
}

async function listing(be: SftpBackend, path: Uint8Array) {
  const d = await be.opendir(path);
  const out: Array<{ name: string; size?: bigint }> = [];
  for (let batch = await d.next(2); batch; batch = await d.next(2)) {
    for (const e of batch) {
      if (e.filename.length > 2 || e.filename[0] !== 0x2e) out.push({ name: hex(e.filename), size: e.attrs.size });
    }
  }
  await d.close();
  return out.sort((a, b) => a.name < b.name ? -1 : 1);
}

for (const confined of [false, true]) {
  Deno.test(`sftp disk backend with the Deno byte fs (${confined ? "confined" : "unconfined"}): non-UTF-8 names round-trip`, () =>
    withTemp(async (dir, d) => {
      const { fs, calls } = counting(bfs);
      const be = diskBackend({ home: dir, root: confined ? dir : undefined, rawNames: false, byteFs: fs });
      // UTF-8 names never reach the byte fs (the node:fs fast path).
      const h0 = await be.open(enc.encode("plain \u00e9.txt"), { write: true, create: true }, {});
      await h0.write(0n, enc.encode("plain"));
      await h0.close();
      await be.mkdir(enc.encode("sub"), {});
      await be.rename(enc.encode("plain \u00e9.txt"), enc.encode("sub/p.txt"), { posix: false });
      assertEquals(await readAll(be, enc.encode("sub/p.txt")), "plain");
      await listing(be, enc.encode("sub"));
      await be.remove(enc.encode("sub/p.txt"));
      await be.rmdir(enc.encode("sub"));
      assertEquals(calls, []);

      const h = await be.open(BAD, { write: true, create: true }, { permissions: 0o600 });
      await h.write(0n, enc.encode("hello "));
      await h.write(6n, enc.encode("bytes"));
      await h.setstat({ mtime: 1234 });
      assertEquals((await h.stat()).mtime, 1234);
      await h.close();
      assert(calls.includes("open") && calls.includes("pwrite"), calls.join());
      assertEquals(await pythonListing(dir), [hex(BAD)]);
      assertEquals(await readAll(be, BAD), "hello bytes");
      const attrs = await be.stat(BAD);
      assertEquals([attrs.size, attrs.permissions], [11n, 0o100600]);
      await be.setstat(BAD, { permissions: 0o640, atime: 10, mtime: 20 });
      assertEquals([(await be.lstat(BAD)).permissions, (await be.lstat(BAD)).mtime], [0o100640, 20]);

      // A name made outside the server is listed with its exact bytes and attributes.
      await new Deno.Command("/usr/bin/python3", {
        args: ["-c", "import sys; open(sys.argv[1].encode() + b'/seed\\xfe\\n', 'wb').write(b'seed')", dir],
      }).output();
      const seed = bytes("seed", [0xfe, 0x0a]);
      assertEquals(await listing(be, enc.encode(".")), [
        { name: hex(BAD), size: 11n },
        { name: hex(seed), size: 4n },
      ]);
      assertEquals(await readAll(be, seed), "seed");
      await be.remove(seed);

      await be.mkdir(bytes("dir", [0xff]), { permissions: 0o700 });
      await be.rename(BAD, bytes("dir", [0xff], "/", [...LATIN1]), { posix: false });
      await be.symlink(bytes("dir", [0xff], "/", [...LATIN1]), bytes("ln", [0x80]));
      assertEquals(hex(await be.readlink(bytes("ln", [0x80]))), hex(bytes("dir", [0xff], "/", [...LATIN1])));
      assertEquals(await readAll(be, bytes("ln", [0x80])), "hello bytes");
      const real = await be.realpath(bytes("dir", [0xff], "/../ln", [0x80]));
      assertEquals(hex(real), hex(bytes(confined ? "" : dir, "/dir", [0xff], "/", [...LATIN1])));
      await be.hardlink!(bytes("dir", [0xff], "/", [...LATIN1]), bytes("hard", [0xfe]));
      assertEquals((await be.lstat(bytes("hard", [0xfe]))).nlink, 2);
      assert((await be.statvfs!(bytes("dir", [0xff]))).bsize > 0n);
      assertEquals(
        await listing(be, bytes("dir", [0xff])),
        [{ name: hex(LATIN1), size: 11n }],
      );
      // Errors keep OpenSSH's statuses.
      const status = async (p: Promise<unknown>) => {
        try {
          await p;
        } catch (e) {
          return (e as SftpError).status;
        }
      };
      assertEquals(await status(be.rmdir(bytes("dir", [0xff]))), SFTP_STATUS.FAILURE); // not empty
      assertEquals(await status(be.stat(bytes("gone", [0xff]))), SFTP_STATUS.NO_SUCH_FILE);
      assertEquals(await status(be.mkdir(bytes("dir", [0xff]), {})), SFTP_STATUS.FAILURE);
      await be.remove(bytes("ln", [0x80]));
      await be.remove(bytes("hard", [0xfe]));
      await be.remove(bytes("dir", [0xff], "/", [...LATIN1]));
      await be.rmdir(bytes("dir", [0xff]));
      assertEquals(bfs.readdir(d), []);
    }));
}
