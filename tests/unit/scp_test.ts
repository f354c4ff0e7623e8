/**
 * Legacy scp (rcp protocol) server side: the command parser, the record
 * codec, and the sink/source state machines against a scripted fake channel
 * on a real temporary directory — including the filename-injection cases
 * (CVE-2018-20685 / CVE-2019-6111 class) and malformed input.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { runScp, scpCommand } from "../../src/ops/scp.ts";
import {
  checkEntryName,
  formatEntry,
  formatError,
  formatTimes,
  parseControlLine,
  ScpProtocolError,
} from "../../src/ops/scp_protocol.ts";
import type { SessionChannel } from "../../src/ssh/ops.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A channel whose client side sends `input` (cut into `chunk`-byte pieces) and records what the server wrote. */
function fakeChannel(input: Uint8Array, chunk = 7): SessionChannel & { out(): Uint8Array; stderr: number } {
  let pos = 0;
  const written: Uint8Array[] = [];
  const ch = {
    stderr: 0,
    read: () => {
      if (pos >= input.length) return Promise.resolve(null);
      const c = input.slice(pos, pos + chunk);
      pos += chunk;
      return Promise.resolve(c);
    },
    write: (d: Uint8Array) => {
      written.push(d.slice());
      return Promise.resolve();
    },
    writeStderr: () => {
      ch.stderr++;
      return Promise.resolve();
    },
    eof() {},
    exit() {},
    close() {},
    closed: new Promise<void>(() => {}),
    out: () => {
      const all = new Uint8Array(written.reduce((n, w) => n + w.length, 0));
      let off = 0;
      for (const w of written) {
        all.set(w, off);
        off += w.length;
      }
      return all;
    },
  };
  return ch;
}

function bytes(...parts: (string | Uint8Array)[]): Uint8Array {
  const bs = parts.map((p) => typeof p === "string" ? enc(p) : p);
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let off = 0;
  for (const b of bs) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

async function scratch(): Promise<string> {
  return await mkdtemp(join(tmpdir(), "tsshd-scp-"));
}

async function runCmd(command: string, input: Uint8Array, cwd: string, chunk?: number) {
  const inv = scpCommand(command);
  assert(inv, `not an scp command: ${command}`);
  const ch = fakeChannel(input, chunk);
  const code = await runScp(inv, ch, { cwd, umask: 0o022 });
  return { code, out: dec(ch.out()), raw: ch.out() };
}

// ---------------------------------------------------------------- command parser

Deno.test("scpCommand: the forms OpenSSH's client sends", () => {
  assertEquals(scpCommand("scp -t -- ."), {
    mode: "sink",
    recursive: false,
    preserve: false,
    targetMustBeDir: false,
    verbose: false,
    args: [{ word: ".", tilde: false, glob: false }],
  });
  const up = scpCommand("scp -v -r -p -d -t 'my dir'")!;
  assertEquals([up.mode, up.recursive, up.preserve, up.targetMustBeDir, up.verbose], ["sink", true, true, true, true]);
  assertEquals(up.args, [{ word: "my dir", tilde: false, glob: false }]);
  const down = scpCommand("scp -rp -f a\\ b \"c d\" ~/x 'q*' dir/*.txt -- -lead")!;
  assertEquals(down.mode, "source");
  assertEquals(down.args.map((a) => [a.word, a.tilde, a.glob]), [
    ["a b", false, false],
    ["c d", false, false],
    ["~/x", true, false],
    ["q*", false, false],
    ["dir/*.txt", false, true],
    ["--", false, false],
    ["-lead", false, false],
  ]);
  assertEquals(scpCommand("scp -f -- -lead")!.args[0].word, "-lead");
  assertEquals(scpCommand("scp -q -t x")!.mode, "sink");
});

Deno.test("scpCommand: anything else is left for the shell", () => {
  for (
    const c of [
      "ls -l",
      "",
      "scp a b",
      "scp -t -f x",
      "scp -x -t x",
      "scp -t x; rm -rf ~",
      "scp -t x && id",
      "scp -f $(id)",
      "scp -f `id`",
      'scp -f "$HOME"',
      "scp -t x > y",
      "scp -t 'unterminated",
      "/usr/bin/scp -t x",
      "scp -t x\nid",
    ]
  ) assertEquals(scpCommand(c), undefined, c);
});

// ---------------------------------------------------------------- record codec

Deno.test("parseControlLine: C, D, T and E records", () => {
  assertEquals(parseControlLine(enc("C0644 5 hello.txt")), { kind: "C", mode: 0o644, size: 5, name: "hello.txt" });
  assertEquals(parseControlLine(enc("C4755 0 name with spaces ")), {
    kind: "C",
    mode: 0o4755,
    size: 0,
    name: "name with spaces ",
  });
  assertEquals(parseControlLine(enc("D0700 0 sub")), { kind: "D", mode: 0o700, size: 0, name: "sub" });
  assertEquals(parseControlLine(enc("T1700000000 0 1600000000 999999")), {
    kind: "T",
    mtime: 1700000000,
    atime: 1600000000,
  });
  assertEquals(parseControlLine(enc("E")), { kind: "E" });
  assertEquals(parseControlLine(enc("C0644 9007199254740991 big")), {
    kind: "C",
    mode: 0o644,
    size: Number.MAX_SAFE_INTEGER,
    name: "big",
  });
});

Deno.test("parseControlLine: injection names and malformed records are refused", () => {
  const bad = [
    "C0644 5 ../evil",
    "D0755 0 ..",
    "D0755 0 .",
    "C0644 5 a/b",
    "C0644 5 /etc/passwd",
    "C0644 5 ",
    "C0644 5 a\0b",
    "T12 x 3 0",
    "T1 0 2 1000000",
    "T1 0 2",
    "Tabc",
    "C644 5 a",
    "C0844 5 a",
    "C0644 -5 a",
    "C0644 5a a",
    "C0644 99999999999999999 a",
    "X0644 5 a",
    "E ",
    "",
  ];
  for (const line of bad) {
    let threw = false;
    try {
      parseControlLine(enc(line));
    } catch (e) {
      threw = e instanceof ScpProtocolError;
    }
    assert(threw, `accepted: ${JSON.stringify(line)}`);
  }
  assertThrows(() => parseControlLine(Uint8Array.of(0x43, 0x30, 0x36, 0x34, 0x34, 0x20, 0x31, 0x20, 0xff)));
  assertThrows(() => checkEntryName(".."), ScpProtocolError, "unexpected filename");
  checkEntryName("...");
  checkEntryName(".hidden");
});

Deno.test("formatting: C/D/T records and error lines", () => {
  assertEquals(dec(formatEntry({ kind: "C", mode: 0o100644, size: 5, name: "a b" })), "C0644 5 a b\n");
  assertEquals(dec(formatEntry({ kind: "D", mode: 0o755, size: 0, name: "d" })), "D0755 0 d\n");
  assertEquals(dec(formatTimes(1700000000.9, 12.2)), "T1700000000 0 12 0\n");
  assertEquals(dec(formatError("x: No such file or directory")), "\x01scp: x: No such file or directory\n");
  assertEquals(dec(formatError("a\nb", true)), "\x02scp: a?b\n");
});

// ---------------------------------------------------------------- sink (scp -t)

Deno.test("sink: a file into a directory, then one to a new name; modes get the umask", async () => {
  const dir = await scratch();
  try {
    let r = await runCmd("scp -t .", bytes("C0777 5 hello\n", "hello", "\0"), dir, 3);
    assertEquals([r.code, r.out], [0, "\0\0\0"]);
    assertEquals(await readFile(join(dir, "hello"), "utf8"), "hello");
    assertEquals((await stat(join(dir, "hello"))).mode & 0o7777, 0o755);
    r = await runCmd("scp -t renamed", bytes("C0600 0 whatever\n", "\0"), dir, 1);
    assertEquals([r.code, r.out], [0, "\0\0\0"]);
    assertEquals((await stat(join(dir, "renamed"))).size, 0);
    // An existing longer file is truncated to the new size.
    r = await runCmd("scp -t .", bytes("C0644 2 hello\n", "hi", "\0"), dir);
    assertEquals(await readFile(join(dir, "hello"), "utf8"), "hi");
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("sink: -r -p tree keeps modes and times; -d needs a directory", async () => {
  const dir = await scratch();
  try {
    const input = bytes(
      "T1600000000 0 1600000001 0\n",
      "D0750 0 tree\n",
      "T1500000000 0 1500000001 0\n",
      "C0604 3 a b\n",
      "abc",
      "\0",
      "D0700 0 sub\n",
      "C0644 1 z\n",
      "z",
      "\0",
      "E\n",
      "E\n",
    );
    const r = await runCmd("scp -r -p -d -t .", input, dir, 5);
    assertEquals([r.code, r.out], [0, "\0".repeat(11)]);
    const tree = join(dir, "tree");
    assertEquals((await stat(tree)).mode & 0o7777, 0o750);
    assertEquals((await stat(tree)).mtimeMs, 1600000000000);
    assertEquals((await stat(join(tree, "a b"))).mode & 0o7777, 0o604);
    assertEquals((await stat(join(tree, "a b"))).mtimeMs, 1500000000000);
    assertEquals((await stat(join(tree, "a b"))).atimeMs, 1500000001000);
    assertEquals(await readFile(join(tree, "sub", "z"), "utf8"), "z");
    const notDir = await runCmd("scp -d -t tree/a\\ b", bytes("C0644 1 x\n", "x", "\0"), dir);
    assertEquals([notDir.code, notDir.out], [1, "\x02scp: tree/a b: Not a directory\n"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("sink: injection names are fatal and nothing is written outside the target", async () => {
  const dir = await scratch();
  try {
    await mkdir(join(dir, "target"));
    const cases: [string, string][] = [
      ["scp -t target", "C0644 5 ../evil\n"],
      ["scp -r -t target", "D0755 0 ..\n"],
      ["scp -r -t target", "D0755 0 .\n"],
      ["scp -t target", "C0644 5 a/b\n"],
      ["scp -t target", "C0644 5 /tmp/evil\n"],
      ["scp -t target", "C0644 5 \n"],
    ];
    for (const [cmd, line] of cases) {
      const r = await runCmd(cmd, bytes(line, "hello\0"), dir);
      assertEquals(r.code, 1, line);
      assert(r.out.startsWith("\0\x02scp: error: unexpected filename"), JSON.stringify(r.out));
      assertEquals(r.out.split("\x02").length, 2);
    }
    assertEquals(await readdir(dir), ["target"]);
    assertEquals(await readdir(join(dir, "target")), []);
    // Inside a received directory too.
    const r = await runCmd("scp -r -t target", bytes("D0755 0 d\n", "C0644 5 ../../evil\n", "hello\0E\n"), dir);
    assertEquals([r.code, r.out], [1, "\0\0\x02scp: error: unexpected filename: ../../evil\n"]);
    assertEquals(await readdir(dir), ["target"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("sink: malformed input ends the transfer with \\2 and exit 1", async () => {
  const dir = await scratch();
  try {
    const cases: [string, string, string][] = [
      ["scp -t .", "T12 x 3 0\n", "protocol error: bad time record"],
      ["scp -t .", "D0755 0 d\nE\n", "protocol error: received directory without -r"],
      ["scp -t .", "\n", "protocol error: unexpected <newline>"],
      ["scp -t .", "hello\n", "protocol error: expected control record"],
      ["scp -t .", "C0644 5 short\nabc\0", "lost connection"], // size says 5, only 4 bytes come
      ["scp -t .", "C0644 5 long\nabcdefgh\0", "protocol error: bad acknowledgement"], // more than 5 bytes
      ["scp -t .", `C0644 1 ${"x".repeat(3000)}\n`, "protocol error: line too long"],
      ["scp -t a b", "", "ambiguous target"],
      ["scp -r -t .", "D0755 0 open\n", "lost connection"],
    ];
    for (const [cmd, input, msg] of cases) {
      const r = await runCmd(cmd, enc(input), dir);
      assertEquals(r.code, 1, input);
      assert(r.out.endsWith(`\x02scp: ${msg}\n`), `${JSON.stringify(input)} → ${JSON.stringify(r.out)}`);
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("sink: per-file errors are \\1 and the transfer goes on; client \\2 stops it", async () => {
  const dir = await scratch();
  try {
    await mkdir(join(dir, "clash"));
    const r = await runCmd("scp -t .", bytes("C0644 1 clash\n", "C0644 2 ok\n", "ok", "\0"), dir);
    assertEquals([r.code, r.out], [1, "\0\x01scp: ./clash: Is a directory\n\0\0"]);
    assertEquals(await readFile(join(dir, "ok"), "utf8"), "ok");
    const warned = await runCmd("scp -t .", bytes("\x01scp: local: oops\n", "C0644 1 w\n", "w", "\0"), dir);
    assertEquals([warned.code, warned.out], [1, "\0\0\0"]);
    const fatal = await runCmd("scp -t .", bytes("\x02scp: fatal\n", "C0644 1 f\n", "f", "\0"), dir);
    assertEquals([fatal.code, fatal.out], [1, "\0"]);
    assertEquals((await readdir(dir)).sort(), ["clash", "ok", "w"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------- source (scp -f)

Deno.test("source: files in order; a missing one is reported and the rest still go", async () => {
  const dir = await scratch();
  try {
    await writeFile(join(dir, "a b"), "hello");
    await writeFile(join(dir, "empty"), "");
    const r = await runCmd("scp -f 'a b' nope empty", enc("\0\0\0\0\0"), dir, 1);
    assertEquals(r.code, 1);
    assertEquals(
      r.out,
      "C0644 5 a b\nhello\0\x01scp: nope: No such file or directory\nC0644 0 empty\n\0",
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("source: -r -p sends T, D, entries and E; a directory without -r is refused", async () => {
  const dir = await scratch();
  try {
    await mkdir(join(dir, "tree", "sub"), { recursive: true, mode: 0o755 });
    await writeFile(join(dir, "tree", "sub", "f"), "xyz", { mode: 0o640 });
    await utimes(join(dir, "tree", "sub", "f"), 1500000001, 1500000000);
    await utimes(join(dir, "tree", "sub"), 1400000001, 1400000000);
    await utimes(join(dir, "tree"), 1300000001, 1300000000);
    const r = await runCmd("scp -r -p -f tree/", enc("\0".repeat(20)), dir);
    assertEquals(r.code, 0);
    assertEquals(
      r.out,
      "T1300000000 0 1300000001 0\nD0755 0 tree\n" +
        "T1400000000 0 1400000001 0\nD0755 0 sub\n" +
        "T1500000000 0 1500000001 0\nC0640 3 f\nxyz\0" +
        "E\nE\n",
    );
    const flat = await runCmd("scp -f tree", enc("\0\0"), dir);
    assertEquals([flat.code, flat.out], [1, "\x01scp: tree: not a regular file\n"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("source: a client refusal skips the data; globs and ~ expand like the shell", async () => {
  const dir = await scratch();
  try {
    await writeFile(join(dir, "one.txt"), "1");
    await writeFile(join(dir, "two.txt"), "22");
    await writeFile(join(dir, ".hidden.txt"), "h");
    await writeFile(join(dir, "x.bin"), "x");
    const refused = await runCmd("scp -f one.txt two.txt", bytes("\0", "\x01scp: no\n", "\0", "\0"), dir);
    assertEquals([refused.code, refused.out], [1, "C0644 1 one.txt\nC0644 2 two.txt\n22\0"]);
    const glob = await runCmd("scp -f ~/*.txt", enc("\0".repeat(10)), dir);
    assertEquals([glob.code, glob.out], [0, "C0644 1 one.txt\n1\0C0644 2 two.txt\n22\0"]);
    const none = await runCmd("scp -f '*.txt'", enc("\0\0"), dir);
    assertEquals([none.code, none.out], [1, "\x01scp: *.txt: No such file or directory\n"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("source and sink: a 1 MiB file streams through unchanged", async () => {
  const dir = await scratch();
  try {
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    await writeFile(join(dir, "big"), data);
    const down = await runCmd("scp -f big", enc("\0\0\0"), dir, 32768);
    const header = `C0644 ${data.length} big\n`;
    assertEquals(down.raw.length, header.length + data.length + 1);
    assertEquals(down.raw.subarray(header.length, header.length + data.length), data);
    await mkdir(join(dir, "up"));
    const up = await runCmd("scp -t up", bytes(header, data, "\0"), dir, 32768);
    assertEquals([up.code, up.out], [0, "\0\0\0"]);
    assertEquals(new Uint8Array(await readFile(join(dir, "up", "big"))), data);
  } finally {
    await rm(dir, { recursive: true });
  }
});
