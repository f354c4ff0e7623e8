/**
 * Tests of the Deno FFI PTY (src/runtime/deno_pty*.ts). Needs `--allow-ffi`
 * (plus read/run/write for the checks): `deno test -A tests/unit/deno_pty_test.ts`.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import type { ChildProcess, PtySpawnOptions } from "../../src/runtime/types.ts";
import { LibcError, PtyClosedError, ptyIdle, SpawnError, spawnPtyDeno } from "../../src/runtime/deno_pty.ts";
import { applyTerminalModes, baudToSpeed, TERMIOS_SIZE, TermiosOffset } from "../../src/runtime/deno_pty_termios.ts";
import { decodeWaitStatus } from "../../src/runtime/deno_pty_wait_status.ts";
import { signalName, signalNumber } from "../../src/runtime/deno_pty_signals.ts";
import { PTY_LIMITS } from "../../src/runtime/deno_pty_session.ts";

const encoder = new TextEncoder();
const ENV = { PATH: "/usr/local/bin:/usr/bin:/bin", TERM: "xterm", HOME: "/tmp", LANG: "C" };
const PROMPT = "PTYTEST$ ";

/** Children of the running test, killed at its end even if it failed. */
const spawned = new Set<ChildProcess>();

function spawn(file: string, args: string[], extra: Partial<PtySpawnOptions> = {}): ChildProcess {
  const child = spawnPtyDeno({ file, args, env: ENV, cwd: "/tmp", cols: 100, rows: 30, ...extra });
  spawned.add(child);
  return child;
}

/** A PTY test: afterwards no child may be left, the hub must go idle and no zombie may remain. */
function ptyTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test(name, async () => {
    // A shell that refuses to exit would hang the test: kill everything after 30 s so it fails instead.
    const watchdog = setTimeout(() => spawned.forEach((c) => c.kill("KILL")), 30_000);
    try {
      await fn();
    } finally {
      clearTimeout(watchdog);
      for (const child of spawned) child.kill("KILL");
      spawned.clear();
      await ptyIdle();
    }
    assertEquals(zombieChildren(), []);
  });
}

/** An interactive bash with a fixed prompt and no rc files. */
function interactiveBash(): ChildProcess {
  return spawn("bash", ["--norc", "--noprofile", "-i"], { env: { ...ENV, PS1: PROMPT } });
}

/** Reads a child's output to the end in the background; lets a test wait for text to appear. */
class Screen {
  text = "";
  bytes = 0;
  readonly done: Promise<void>;
  #changed: (() => void)[] = [];
  #decoder = new TextDecoder();

  constructor(child: ChildProcess) {
    this.done = (async () => {
      for (let c = await child.read(); c; c = await child.read()) {
        this.bytes += c.length;
        this.text += this.#decoder.decode(c, { stream: true });
        for (const f of this.#changed.splice(0)) f();
      }
      for (const f of this.#changed.splice(0)) f();
    })();
  }

  /** Waits until `pattern` matches the text after `from`; fails after `ms`. */
  async waitFor(pattern: RegExp, from = 0, ms = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.text.slice(from).match(pattern);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; screen: ${JSON.stringify(this.text)}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#changed.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }
}

/** `promise`, or a failure after `ms` (for waits that would otherwise hang a regression). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function send(child: ChildProcess, text: string): Promise<void> {
  await child.write(encoder.encode(text));
}

/** Runs `file args` to the end; returns all output and the exit. */
async function run(file: string, args: string[], extra: Partial<PtySpawnOptions> = {}) {
  const child = spawn(file, args, extra);
  const screen = new Screen(child);
  const [exit] = await Promise.all([child.exited, screen.done]);
  return { text: screen.text, bytes: screen.bytes, exit, child };
}

/** Children of this process that are zombies (state Z in /proc/<pid>/stat). */
function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // state ppid pgrp session tty_nr tpgid …
    if (fields[0] === "Z" && Number(fields[1]) === Deno.pid) zombies.push(Number(entry.name));
  }
  return zombies;
}

function assertMatch(text: string, pattern: RegExp): void {
  assert(pattern.test(text), `${pattern} does not match ${JSON.stringify(text)}`);
}

function openFdCount(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** Open pty masters of this process. */
function openPtmxCount(): number {
  let n = 0;
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${entry.name}`) === "/dev/ptmx") n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

// ---- pure parts: known answers from RFC 4254 §8 / Linux headers ----

Deno.test("termios: RFC 4254 opcodes map to Linux c_cc indices and flag bits", () => {
  const t = new Uint8Array(TERMIOS_SIZE);
  const v = new DataView(t.buffer);
  v.setUint32(TermiosOffset.lflag, 0o10 | 0o2, true); // ECHO | ICANON set initially
  v.setUint32(TermiosOffset.cflag, 0o60, true); // CS8
  const speeds = applyTerminalModes(
    t,
    new Map([
      [1, 3], // VINTR = ^C → c_cc[0]
      [2, 28], // VQUIT → c_cc[1]
      [3, 127], // VERASE → c_cc[2]
      [6, 255], // VEOL disabled → c_cc[11] = 0
      [7, 0x17], // VEOL2 → c_cc[16]
      [10, 26], // VSUSP → c_cc[10]
      [13, 23], // VWERASE → c_cc[14]
      [18, 15], // VDISCARD → c_cc[13]
      [11, 25], // VDSUSP: no Linux equivalent, ignored
      [36, 1], // ICRNL 0o400
      [42, 1], // IUTF8 0o40000
      [53, 0], // ECHO cleared
      [50, 1], // ISIG 1
      [59, 1], // IEXTEN 0o100000
      [72, 1], // ONLCR 4
      [70, 1], // OPOST 1
      [90, 1], // CS7 …
      [91, 0], // … and CS8 false: size becomes CS7
      [92, 1], // PARENB 0o400
      [128, 38400], // TTY_OP_ISPEED
      [129, 12345], // TTY_OP_OSPEED: no constant, ignored
      [159, 1], // unknown opcode, ignored
    ]),
  );
  assertEquals([t[17 + 0], t[17 + 1], t[17 + 2], t[17 + 11], t[17 + 16]], [3, 28, 127, 0, 0x17]);
  assertEquals([t[17 + 10], t[17 + 14], t[17 + 13]], [26, 23, 15]);
  assertEquals(v.getUint32(TermiosOffset.iflag, true), 0o400 | 0o40000);
  assertEquals(v.getUint32(TermiosOffset.oflag, true), 0o1 | 0o4);
  assertEquals(v.getUint32(TermiosOffset.lflag, true), 0o2 | 0o1 | 0o100000);
  assertEquals(v.getUint32(TermiosOffset.cflag, true), 0o40 | 0o400);
  assertEquals(speeds, { ispeed: 0o17, ospeed: null });
  assertEquals(baudToSpeed(115200), 0o10002);
});

Deno.test("termios: CS8 wins over CS7 and a false size changes nothing", () => {
  const t = new Uint8Array(TERMIOS_SIZE);
  const v = new DataView(t.buffer);
  v.setUint32(TermiosOffset.cflag, 0o40, true);
  applyTerminalModes(t, new Map([[91, 1], [90, 1]]));
  assertEquals(v.getUint32(TermiosOffset.cflag, true), 0o60);
  applyTerminalModes(t, new Map([[91, 0], [90, 0]]));
  assertEquals(v.getUint32(TermiosOffset.cflag, true), 0o60);
});

Deno.test("wait status: exit codes, signals and core dumps decode like the W* macros", () => {
  assertEquals(decodeWaitStatus(0), { code: 0, signal: null, coreDumped: false });
  assertEquals(decodeWaitStatus(42 << 8), { code: 42, signal: null, coreDumped: false });
  assertEquals(decodeWaitStatus(9), { code: null, signal: "KILL", coreDumped: false });
  assertEquals(decodeWaitStatus(0x80 | 11), { code: null, signal: "SEGV", coreDumped: true });
  assertEquals(decodeWaitStatus((19 << 8) | 0x7f), null); // WIFSTOPPED
  assertEquals(decodeWaitStatus(0xffff), null); // WIFCONTINUED
  assertEquals(signalNumber("TERM"), 15);
  assertEquals(signalNumber("SIGUSR2"), 12);
  assertEquals(signalNumber("BOGUS"), null);
  assertEquals(signalName(13), "PIPE");
  assertEquals(signalName(34), "RTMIN+0");
});

// ---- real ptys ----

ptyTest("pty: tty is the slave and the child leads its session with it as controlling tty", async () => {
  const child = spawn("bash", ["-c", "tty; read x"]);
  const screen = new Screen(child);
  const [, path] = await screen.waitFor(/^(\/dev\/pts\/\d+)\r$/m);
  assertEquals(path, child.ttyPath);
  const stat = Deno.readTextFileSync(`/proc/${child.pid}/stat`);
  const [, , , session, ttyNr, tpgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  assertEquals(session, child.pid); // setsid
  assert(ttyNr !== 0, "has a controlling tty");
  assertEquals(tpgid, child.pid); // foreground process group of that tty
  // Only fds 0–2 reach a child: not the eventfd, not the first child's master.
  const fds = await run("sh", ["-c", "ls /proc/$$/fd"]);
  assertEquals(fds.text.split(/\s+/).filter((name) => name !== ""), ["0", "1", "2"]);
  await send(child, "\n");
  assertEquals(await child.exited, { code: 0, signal: null, coreDumped: false });
  await screen.done;
});

ptyTest("pty: stty size follows the requested size and resize", async () => {
  const child = interactiveBash();
  const screen = new Screen(child);
  await screen.waitFor(/PTYTEST\$ $/);
  await send(child, "stty size\r");
  await screen.waitFor(/^30 100\r$/m);
  const mark = screen.text.length;
  child.resize(132, 43, 1056, 688);
  await send(child, "stty size\r");
  await screen.waitFor(/^43 132\r$/m, mark);
  await send(child, "exit 0\r");
  assertEquals((await child.exited).code, 0);
  await screen.done;
});

ptyTest("pty: resize sends SIGWINCH to the foreground process group", async () => {
  const child = spawn("bash", ["-c", "trap 'echo got-winch' WINCH; echo ready; while :; do sleep 0.02; done"]);
  const screen = new Screen(child);
  await screen.waitFor(/ready/);
  child.resize(80, 24);
  await screen.waitFor(/got-winch/);
  child.kill("TERM");
  assertEquals((await child.exited).signal, "TERM");
  await screen.done;
});

ptyTest("pty: ^C interrupts a foreground sleep in an interactive bash", async () => {
  const child = interactiveBash();
  const screen = new Screen(child);
  await screen.waitFor(/PTYTEST\$ $/);
  await send(child, "sleep 100\r");
  await screen.waitFor(/sleep 100\r\n/);
  await new Promise((r) => setTimeout(r, 200)); // let bash fork and exec sleep
  const mark = screen.text.length;
  const t0 = performance.now();
  await send(child, "\x03");
  await send(child, "echo after-$((40+2))\r");
  await screen.waitFor(/after-42/, mark, 3000);
  assert(performance.now() - t0 < 3000, "sleep 100 was interrupted");
  await send(child, "exit 3\r");
  assertEquals(await child.exited, { code: 3, signal: null, coreDumped: false });
  await screen.done;
});

ptyTest("pty: job control — background jobs are listed and ^Z stops the foreground job", async () => {
  const child = interactiveBash();
  const screen = new Screen(child);
  await screen.waitFor(/PTYTEST\$ $/);
  assert(!screen.text.includes("no job control"), screen.text);
  await send(child, "sleep 100 &\r");
  await screen.waitFor(/\[1\] \d+/);
  let mark = screen.text.length;
  await send(child, "jobs\r");
  await screen.waitFor(/\[1\]\+\s+Running\s+sleep 100 &/, mark);
  mark = screen.text.length;
  await send(child, "sleep 50\r");
  await screen.waitFor(/sleep 50\r\n/, mark);
  await new Promise((r) => setTimeout(r, 200));
  await send(child, "\x1a");
  await screen.waitFor(/\[2\]\+\s+Stopped\s+sleep 50/, mark);
  // Resume it with fg and interrupt it: a shell with a stopped job refuses the first `exit`.
  mark = screen.text.length;
  await send(child, "kill -KILL %1; fg\r");
  await screen.waitFor(/fg\r\n[\s\S]*sleep 50\r\n/, mark);
  await new Promise((r) => setTimeout(r, 200));
  await send(child, "\x03");
  await screen.waitFor(/PTYTEST\$ $/, screen.text.length - PROMPT.length);
  await send(child, "exit 0\r");
  assertEquals((await child.exited).code, 0);
  await screen.done;
});

ptyTest("pty: exit code and all output of `echo hi; exit 3` arrive", async () => {
  for (let i = 0; i < 10; i++) {
    const { text, exit } = await run("bash", ["-c", "echo hi; exit 3"]);
    assertEquals(text, "hi\r\n");
    assertEquals(exit, { code: 3, signal: null, coreDumped: false });
  }
  // A larger last burst right before exit is not cut off either.
  const { bytes, exit } = await run("bash", ["-c", "head -c 300000 /dev/zero | base64 -w 99; exit 5"]);
  assertEquals(bytes, 400000 + 2 * Math.ceil(400000 / 99));
  assertEquals(exit.code, 5);
});

ptyTest("pty: a signal death is reported as the signal; kill() sends signals by name", async () => {
  const { exit } = await run("bash", ["-c", "kill -9 $$"]);
  assertEquals(exit, { code: null, signal: "KILL", coreDumped: false });

  const child = spawn("sleep", ["100"]);
  const screen = new Screen(child);
  child.kill("TERM");
  assertEquals(await child.exited, { code: null, signal: "TERM", coreDumped: false });
  child.kill("KILL"); // after exit: ignored
  assertThrows(() => child.kill("NOSUCHSIGNAL"), TypeError);
  await screen.done;
});

ptyTest("pty: signals start at default (SIGPIPE kills `yes`)", async () => {
  const { text } = await run("bash", ["-c", "yes | head -1 >/dev/null; echo status=${PIPESTATUS[*]}"]);
  assertEquals(text, "status=141 0\r\n");
});

ptyTest("pty: the environment is exactly opts.env, argv0 and cwd are honoured", async () => {
  const env = { FOO: "bar baz", PATH: "/usr/bin:/bin", EMPTY: "" };
  const { text } = await run("env", [], { env });
  assertEquals(
    new Set(text.split("\r\n").filter((l) => l !== "")),
    new Set(["FOO=bar baz", "PATH=/usr/bin:/bin", "EMPTY="]),
  );

  const argv = await run("cat", ["/proc/self/cmdline"], { argv0: "-my-argv0" });
  assertEquals(argv.text, "-my-argv0\0/proc/self/cmdline\0");

  const cwd = await run("pwd", [], { cwd: "/usr/share" });
  assertEquals(cwd.text, "/usr/share\r\n");
});

ptyTest("pty: spawn failures throw LibcError and leak no fds", () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/plain`, "not a program\n", { mode: 0o644 });
  Deno.writeTextFileSync(`${dir}/junk`, "\x7fELF junk\n", { mode: 0o755 });
  const before = openFdCount();
  const code = (fn: () => unknown) => {
    const e = assertThrows(fn, SpawnError) as SpawnError;
    assert(e.cause instanceof LibcError);
    return `${e.code}/${e.cause.code}`;
  };
  assertEquals(code(() => spawn("no-such-program-xyz", [])), "ENOENT/ENOENT");
  assertEquals(code(() => spawn("true", [], { cwd: "/no/such/dir" })), "ENOENT/ENOENT");
  assertEquals(code(() => spawn(`${dir}/plain`, [])), "EACCES/EACCES");
  assertEquals(code(() => spawn("plain", [], { env: { PATH: dir } })), "EACCES/EACCES");
  assertEquals(code(() => spawn(`${dir}/junk`, [])), "OTHER/ENOEXEC");
  assertEquals((assertThrows(() => spawn("true", ["nul\0inside"]), SpawnError).cause as Error).name, "TypeError");
  assertEquals(openFdCount(), before);
  Deno.removeSync(dir, { recursive: true });
});

ptyTest("pty: terminal modes — ECHO=0 disables echo; stty -a shows the others", async () => {
  const script = ["-c", 'read x; echo "got:$x"'];
  const echoOff = spawn("sh", script, { modes: new Map([[53, 0]]) });
  const off = new Screen(echoOff);
  await send(echoOff, "secret\n");
  await off.done;
  assertEquals(off.text, "got:secret\r\n");

  const echoOn = spawn("sh", script, { modes: new Map([[53, 1]]) });
  const on = new Screen(echoOn);
  await send(echoOn, "secret\n");
  await on.done;
  assertEquals(on.text, "secret\r\ngot:secret\r\n");

  const modes = new Map([[1, 0x18], [53, 0], [42, 1], [91, 1], [128, 9600], [129, 9600], [72, 0]]);
  const { text } = await run("stty", ["-a"], { modes });
  assertMatch(text, /speed 9600 baud/);
  assertMatch(text, /intr = \^X;/);
  assertMatch(text, /(^|\s)-echo(\s|$)/m);
  assertMatch(text, /(^|\s)iutf8(\s|$)/m);
  assertMatch(text, /(^|\s)cs8(\s|$)/m);
  assertMatch(text, /(^|\s)-onlcr(\s|$)/m);
  await echoOff.exited;
  await echoOn.exited;
});

ptyTest("pty: 40 concurrent sessions all answer (no deadlock in the FFI pool)", async () => {
  const n = 40;
  const fdsBefore = openFdCount();
  const children = Array.from({ length: n }, () => spawn("bash", ["-c", 'read x; echo "n=$x"; exit $x']));
  const screens = children.map((c) => new Screen(c));
  // Every child is alive and blocked on its own input before any gets an answer.
  await Promise.all(children.map((c, i) => send(c, `${i + 1}\n`)));
  const exits = await Promise.all(children.map((c) => c.exited));
  await Promise.all(screens.map((s) => s.done));
  exits.forEach((e, i) => assertEquals(e.code, i + 1));
  screens.forEach((s, i) => assertMatch(s.text, new RegExp(`^n=${i + 1}\\r$`, "m")));
  await ptyIdle();
  assertEquals(openFdCount(), fdsBefore); // masters and the eventfd are closed
});

ptyTest("pty: 10 MB of base64 output arrives complete", async () => {
  const t0 = performance.now();
  const child = spawn("bash", ["-c", "head -c 10000000 /dev/zero | base64"]);
  let bytes = 0;
  let last: Uint8Array = new Uint8Array(0);
  for (let c = await child.read(); c; c = await child.read()) {
    bytes += c.length;
    last = c;
  }
  const seconds = (performance.now() - t0) / 1000;
  const chars = 13_333_336; // base64 of 10^7 bytes
  assertEquals(bytes, chars + 2 * Math.ceil(chars / 76)); // 76-column lines ending in \r\n (ONLCR)
  assertEquals(new TextDecoder().decode(last.subarray(-6)), "AA==\r\n");
  assertEquals((await child.exited).code, 0);
  console.log(`    ${(bytes / 1e6 / seconds).toFixed(0)} MB/s through the pty (base64 included)`);
});

ptyTest("pty: output back-pressure — a consumer that does not read stops the child", async () => {
  const dir = Deno.makeTempDirSync();
  const child = spawn("bash", ["-c", `head -c 2000000 /dev/zero | base64; touch ${dir}/done`]);
  await new Promise((r) => setTimeout(r, 500));
  assertThrows(() => Deno.statSync(`${dir}/done`), Deno.errors.NotFound);
  let bytes = 0;
  let biggest = 0;
  for (let c = await child.read(); c; c = await child.read()) {
    bytes += c.length;
    biggest = Math.max(biggest, c.length);
  }
  assertEquals(bytes, 2_666_668 + 2 * Math.ceil(2_666_668 / 76));
  assert(biggest <= PTY_LIMITS.output);
  Deno.statSync(`${dir}/done`);
  await child.exited;
  Deno.removeSync(dir, { recursive: true });
});

ptyTest("pty: once the child exited, the master is closed even if nobody reads", async () => {
  const ptmxBefore = openPtmxCount();
  // 70000 bytes: more than PTY_LIMITS.output, less than that plus what the kernel buffers (~15 KiB).
  const child = spawn("bash", ["-c", "head -c 52500 /dev/zero | base64 -w 0; exit 6"]);
  assertEquals(openPtmxCount(), ptmxBefore + 1);
  assertEquals((await child.exited).code, 6);
  await within(ptyIdle(), 5000, "hub idle without a reader"); // grace period, final drain, close
  assertEquals(openPtmxCount(), ptmxBefore);
  let bytes = 0;
  for (let c = await child.read(); c; c = await child.read()) bytes += c.length;
  assertEquals(bytes, 70000);
});

ptyTest("pty: input larger than the kernel buffer is queued until the child reads it", async () => {
  const child = spawn("bash", ["-c", "stty raw -echo; echo READY; head -c 300000 | wc -c"]);
  const screen = new Screen(child);
  await screen.waitFor(/READY/);
  await child.write(new Uint8Array(300000).fill(0x61));
  await screen.waitFor(/300000/);
  assertEquals((await child.exited).code, 0);
  await screen.done;
  await assertRejects(() => child.write(encoder.encode("late")), PtyClosedError);
  child.resize(10, 10); // no-op once closed
});

ptyTest("pty: Deno.Command children keep their own exit statuses", async () => {
  const ptys = Array.from({ length: 5 }, () => spawn("bash", ["-c", "sleep 0.2; exit 4"]));
  const screens = ptys.map((c) => new Screen(c));
  const outputs = await Promise.all(
    Array.from({ length: 5 }, (_, i) => new Deno.Command("sh", { args: ["-c", `sleep 0.1; exit ${10 + i}`] }).output()),
  );
  outputs.forEach((o, i) => assertEquals(o.code, 10 + i));
  for (const c of ptys) assertEquals((await c.exited).code, 4);
  await Promise.all(screens.map((s) => s.done));
});

Deno.test("pty: nothing keeps the process alive once the sessions are over", async () => {
  const module = new URL("../../src/runtime/deno_pty.ts", import.meta.url).href;
  const script = `
    import { spawnPtyDeno } from ${JSON.stringify(module)};
    const child = spawnPtyDeno({ file: "sh", args: ["-c", "echo bye"], env: {}, cwd: "/", cols: 80, rows: 24 });
    let text = "";
    for (let c = await child.read(); c; c = await child.read()) text += new TextDecoder().decode(c);
    console.log(JSON.stringify(text), (await child.exited).code);
  `;
  const command = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--allow-ffi", script],
    stdout: "piped",
    stderr: "piped",
  });
  const proc = command.spawn();
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const out = await proc.output();
  clearTimeout(timer);
  assertEquals(new TextDecoder().decode(out.stderr), "");
  assertEquals(new TextDecoder().decode(out.stdout), '"bye\\r\\n" 0\n');
  assertEquals(out.code, 0);
});
