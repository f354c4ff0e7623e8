/**
 * Longnames in the layout of OpenSSH's sftp-server (`ls_file`), checked
 * against lines written out by hand in that format.
 */
import { assertEquals } from "../_helpers/assert.ts";
import { longname, longnameText, modeString } from "../../src/sftp/longname.ts";

Deno.test("sftp longname: mode strings like strmode(3)", () => {
  assertEquals(modeString(0o100644), "-rw-r--r--");
  assertEquals(modeString(0o040755), "drwxr-xr-x");
  assertEquals(modeString(0o120777), "lrwxrwxrwx");
  assertEquals(modeString(0o104755), "-rwsr-xr-x");
  assertEquals(modeString(0o102644), "-rw-r-Sr--");
  assertEquals(modeString(0o041777), "drwxrwxrwt");
  assertEquals(modeString(0o041776), "drwxrwxrwT");
  assertEquals(modeString(0o020620), "crw--w----");
  assertEquals(modeString(0o060660), "brw-rw----");
  assertEquals(modeString(0o010600), "prw-------");
  assertEquals(modeString(0o140755), "srwxr-xr-x");
});

Deno.test("sftp longname: recent and old dates, names, padding", () => {
  const now = Date.UTC(2024, 5, 15, 12, 0, 0) / 1000;
  const names = {
    user: (u: number) => (u === 0 ? "root" : undefined),
    group: (g: number) => (g === 0 ? "wheel" : undefined),
  };
  assertEquals(
    longnameText("file.txt", { permissions: 0o100644, uid: 0, gid: 0, size: 612n, mtime: now - 3600 }, { now, names }),
    "-rw-r--r--    1 root     wheel         612 Jun 15 11:00 file.txt",
  );
  assertEquals(
    longnameText("old", { permissions: 0o040755, uid: 1000, gid: 1000, size: 4096n, mtime: 0, nlink: 12 }, {
      now,
      names,
    }),
    "drwxr-xr-x   12 1000     1000         4096 Jan  1  1970 old",
  );
  assertEquals(
    longnameText(
      "x",
      { permissions: 0o100600, uid: 5, gid: 5, size: 123456789012n, mtime: now },
      { now, names: { user: () => "averylongusername", group: () => "g" } },
    ),
    "-rw-------    1 averylongusername g        123456789012 Jun 15 12:00 x",
  );
});

Deno.test("sftp longname: the filename's bytes are kept exactly", () => {
  const b = longname(new Uint8Array([0x66, 0xff, 0x0a]), { permissions: 0o100600, mtime: 0 }, { now: 0 });
  assertEquals([...b.subarray(b.length - 3)], [0x66, 0xff, 0x0a]);
  assertEquals(
    new TextDecoder().decode(b.subarray(0, b.length - 3)),
    "-rw-------    1 0        0               0 Jan  1 00:00 ",
  );
});
