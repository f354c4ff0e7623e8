/**
 * The runtime-independent helpers of the runtime layer: the chunk queue
 * behind Bun's pull-style reads, RFC 4254 §8 terminal modes → Linux termios
 * bits, and the shared `node_common.ts` helpers.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/runtime_helpers_test.ts`
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { ChunkQueue } from "../../src/runtime/chunk_queue.ts";
import { applyTerminalModes, type TermiosFlags } from "../../src/runtime/tty_modes.ts";
import {
  argsWithoutArgv0,
  exitInfo,
  formatAddr,
  isSignalName,
  passwdEntry,
  signalWithPrefix,
  toListenError,
  toSpawnError,
} from "../../src/runtime/node_common.ts";
import { ListenError } from "../../src/runtime/types.ts";

const bytes = (n: number, fill = 0) => new Uint8Array(n).fill(fill);

Deno.test("ChunkQueue hands out chunks in order, then null after end", async () => {
  const q = new ChunkQueue();
  const pending = q.read();
  q.push(bytes(1, 1));
  q.push(bytes(2, 2));
  q.push(bytes(0));
  q.end();
  q.push(bytes(3, 3)); // after end: ignored
  assertEquals(await pending, bytes(1, 1));
  assertEquals(await q.read(), bytes(2, 2));
  assertEquals(await q.read(), null);
  assertEquals(await q.read(), null);
});

Deno.test("ChunkQueue signals high and low water exactly at the crossings", async () => {
  const events: string[] = [];
  const q = new ChunkQueue({ highWaterMark: 10, onHigh: () => events.push("high"), onLow: () => events.push("low") });
  q.push(bytes(6));
  q.push(bytes(4)); // 10: not above
  assertEquals(events, []);
  q.push(bytes(1)); // 11: above
  q.push(bytes(5)); // still above: no second event
  assertEquals(events, ["high"]);
  assertEquals(q.buffered, 16);
  await q.read(); // 10 left: back at the mark
  assertEquals(events, ["high", "low"]);
  await q.read();
  assertEquals(events, ["high", "low"]);
  assertEquals(q.buffered, 6);
});

Deno.test("ChunkQueue.discard drops unread chunks and ends", async () => {
  const q = new ChunkQueue();
  q.push(bytes(5));
  q.discard();
  assertEquals(q.buffered, 0);
  assertEquals(await q.read(), null);
});

/** Linux defaults of a fresh pty (as read from Bun.Terminal's flag getters). */
const DEFAULTS: TermiosFlags = { input: 0o66402, output: 0o5, local: 0o105073, control: 0o2277 };

Deno.test("terminal modes: RFC 4254 opcodes set and clear the Linux termios bits", () => {
  const { flags, unapplied } = applyTerminalModes(
    DEFAULTS,
    new Map([[53, 0], [72, 0], [36, 0], [42, 1], [51, 0], [59, 0], [70, 1], [38, 0], [92, 1]]),
  );
  assertEquals(flags.local, 0o105073 & ~0o10 & ~0o2 & ~0o100000); // -echo -icanon -iexten
  assertEquals(flags.output, 0o1); // opost -onlcr
  assertEquals(flags.input, (0o66402 & ~0o400 & ~0o2000) | 0o40000); // -icrnl -ixon iutf8
  assertEquals(flags.control, 0o2277 | 0o400); // parenb
  assertEquals(unapplied, []);
});

Deno.test("terminal modes: CS7/CS8 set the character size; control characters and speeds are left over", () => {
  const cs7 = applyTerminalModes(DEFAULTS, new Map([[91, 0], [90, 1]]));
  assertEquals(cs7.flags.control, (0o2277 & ~0o60) | 0o40);
  const cs8 = applyTerminalModes({ ...DEFAULTS, control: 0o2237 }, new Map([[90, 0], [91, 1]]));
  assertEquals(cs8.flags.control, 0o2277);
  const rest = applyTerminalModes(DEFAULTS, new Map([[129, 38400], [1, 3], [128, 38400], [200, 1]]));
  assertEquals(rest.flags, DEFAULTS);
  assertEquals(rest.unapplied, [1, 128, 129, 200]);
});

Deno.test("argsWithoutArgv0 adds -l after leading long options for a login argv0", () => {
  assertEquals(argsWithoutArgv0({ file: "bash", args: ["--noprofile", "-c", "id"], argv0: "-bash" }), [
    "--noprofile",
    "-l",
    "-c",
    "id",
  ]);
  assertEquals(argsWithoutArgv0({ file: "sh", args: [], argv0: "-sh" }), ["-l"]);
  assertEquals(argsWithoutArgv0({ file: "sh", args: ["--", "x"], argv0: "-sh" }), ["-l", "--", "x"]);
  assertEquals(argsWithoutArgv0({ file: "sh", args: ["-c", "x"], argv0: "sh" }), ["-c", "x"]);
  assertEquals(argsWithoutArgv0({ file: "sh", args: ["-c", "x"] }), ["-c", "x"]);
});

Deno.test("exitInfo: a signal wins over the shell-style code and loses its SIG prefix", () => {
  assertEquals(exitInfo(137, "SIGKILL"), { code: null, signal: "KILL", coreDumped: false });
  assertEquals(exitInfo(null, "TERM", true), { code: null, signal: "TERM", coreDumped: true });
  assertEquals(exitInfo(7, null), { code: 7, signal: null, coreDumped: false });
});

Deno.test("signal names are checked against the platform's list", () => {
  assert(isSignalName("INT"));
  assert(!isSignalName("SIGINT"));
  assert(!isSignalName("constructor"));
  assertEquals(signalWithPrefix("WINCH"), "SIGWINCH");
  assertThrows(() => signalWithPrefix("BOGUS"), TypeError, "BOGUS");
});

Deno.test("toListenError maps codes and names the address", () => {
  const sysError = (code: string) => Object.assign(new Error(`x ${code}`), { code });
  const inUse = toListenError(sysError("EADDRINUSE"), { hostname: "0.0.0.0", port: 22 });
  assert(inUse instanceof ListenError);
  assertEquals(inUse.code, "EADDRINUSE");
  assert(inUse.message.includes("0.0.0.0:22"), inUse.message);
  assertEquals(toListenError(sysError("EACCES"), { hostname: "::", port: 22 }).code, "EACCES");
  assert(toListenError(sysError("EACCES"), { hostname: "::", port: 22 }).message.includes("[::]:22"));
  assertEquals(toListenError(sysError("EADDRNOTAVAIL"), { hostname: "10.9.9.9", port: 1 }).code, "EADDRNOTAVAIL");
  assertEquals(toListenError(new Error("dns"), { hostname: "x.invalid", port: 1 }).code, "OTHER");
  assertEquals(formatAddr({ hostname: "127.0.0.1", port: 2222 }), "127.0.0.1:2222");
});

Deno.test("toSpawnError keeps the cause and names file and cwd", () => {
  const cause = Object.assign(new Error("No such file"), { code: "ENOENT" });
  const error = toSpawnError(cause, "/bin/nope", "/tmp");
  assertEquals([error.name, error.code, error.file, error.cause], ["SpawnError", "ENOENT", "/bin/nope", cause]);
  assert(error.message.includes('"/bin/nope"') && error.message.includes('"/tmp"'), error.message);
  assertEquals(toSpawnError(new Error("?"), "x", "/").code, "OTHER");
});

Deno.test("passwdEntry finds the line for a uid", async () => {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(
      path,
      "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/usr/bin/zsh\nbroken:line\n",
    );
    assertEquals(passwdEntry(1000, path), { name: "alice", home: "/home/alice", shell: "/usr/bin/zsh" });
    assertEquals(passwdEntry(0, path), { name: "root", home: "/root", shell: "/bin/bash" });
    assertEquals(passwdEntry(4242, path), undefined);
    assertEquals(passwdEntry(0, `${path}.missing`), undefined);
  } finally {
    await Deno.remove(path);
  }
});
