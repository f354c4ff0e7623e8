import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { decodeTerminalModes, TTY_OP } from "../../src/ssh/terminal_modes.ts";
import { parseCli, parseRekeyLimit, UsageError } from "../../src/cli_args.ts";
import { isAcceptedEnv, sessionEnv } from "../../src/ops/session_env.ts";

Deno.test("terminal modes: opcode/value pairs until TTY_OP_END; 160+ stops parsing", () => {
  const m = decodeTerminalModes(new Uint8Array([1, 0, 0, 0, 3, 53, 0, 0, 0, 0, 128, 0, 0, 0x96, 0, 0, 53, 0, 0, 0, 1]));
  assertEquals(m.get(TTY_OP.VINTR), 3);
  assertEquals(m.get(TTY_OP.ECHO), 0);
  assertEquals(m.get(TTY_OP.TTY_OP_ISPEED), 38400);
  assertEquals(m.size, 3);
  assertEquals(decodeTerminalModes(new Uint8Array([160, 0, 0, 0, 1, 53, 0, 0, 0, 1])).size, 0);
  assertEquals(decodeTerminalModes(new Uint8Array([53, 0, 0])).size, 0); // truncated value
});

Deno.test("cli: defaults, repeated keys, and one-line usage errors", () => {
  const d = parseCli([], "/home/me");
  assertEquals(d.port, 2200);
  assertEquals(d.listen, "0.0.0.0");
  assertEquals(d.hostKeys, ["/home/me/.config/tsshd/ssh_host_ed25519_key"]);
  assertEquals(d.authorizedKeys, ".ssh/authorized_keys"); // relative to each user's home, as sshd
  const s = parseCli(["-p", "2222", "-k", "a", "--key", "b", "-a", "ak", "-b", "::", "-vv"], "/h");
  assertEquals([s.port, s.hostKeys, s.authorizedKeys, s.listen, s.verbose], [2222, ["a", "b"], "ak", "::", 2]);
  assertThrows(() => parseCli(["--nope"], "/h"), UsageError, "unknown option '--nope'");
  assertThrows(() => parseCli(["-p", "x"], "/h"), UsageError, "invalid port 'x'");
  assertThrows(() => parseCli(["-p"], "/h"), UsageError);
  assertThrows(() => parseCli(["extra"], "/h"), UsageError);
});

Deno.test("session env: AcceptEnv LANG LC_*, and OpenSSH's variables", () => {
  assert(isAcceptedEnv("LANG") && isAcceptedEnv("LC_ALL") && isAcceptedEnv("LC_TIME"));
  assert(!isAcceptedEnv("LD_PRELOAD") && !isAcceptedEnv("PATH") && !isAcceptedEnv("LC_") && !isAcceptedEnv("lc_all"));
  const env = sessionEnv({
    user: { name: "me", uid: 1000, gid: 1000, home: "/home/me", shell: "/bin/bash" },
    conn: {
      user: "me",
      peer: { address: "10.0.0.2", port: 5555, localAddress: "10.0.0.1", localPort: 22 },
      permissions: {},
      clientVersion: "SSH-2.0-x",
      sessionId: new Uint8Array(),
    },
    shell: "/bin/bash",
    clientEnv: new Map([["LANG", "C.UTF-8"], ["USER", "evil"]]),
    term: "xterm",
    tty: "/dev/pts/3",
  });
  assertEquals(env.USER, "me"); // a client value never overrides the server's
  assertEquals(env.SSH_CONNECTION, "10.0.0.2 5555 10.0.0.1 22");
  assertEquals(env.SSH_CLIENT, "10.0.0.2 5555 22");
  assertEquals(env.SSH_TTY, "/dev/pts/3");
  assertEquals(env.TERM, "xterm");
  assertEquals(env.LANG, "C.UTF-8");
  assertEquals(env.PATH, "/usr/local/bin:/usr/bin:/bin:/usr/games");
});

Deno.test("cli: --rekey-limit uses sshd's RekeyLimit syntax; keepalive flags are whole seconds", () => {
  assertEquals(parseRekeyLimit("1G 1h"), { bytes: 1024 ** 3, ms: 3_600_000 });
  assertEquals(parseRekeyLimit("512M"), { bytes: 512 * 1024 ** 2, ms: 3_600_000 });
  assertEquals(parseRekeyLimit("default none"), { bytes: 1024 ** 3, ms: 0 });
  assertEquals(parseRekeyLimit("64K 30m"), { bytes: 65536, ms: 1_800_000 });
  assertThrows(() => parseRekeyLimit("8"), UsageError, "at least 16");
  assertThrows(() => parseRekeyLimit("1X"), UsageError);
  assertThrows(() => parseRekeyLimit("1G 1y"), UsageError);
  assertThrows(() => parseRekeyLimit("1G 1h extra"), UsageError);
  const s = parseCli(
    ["--client-alive-interval", "15", "--client-alive-count-max", "4", "--rekey-limit", "1M 10s"],
    "/h",
  );
  assertEquals([s.clientAliveIntervalMs, s.clientAliveCountMax, s.rekeyBytes, s.rekeyIntervalMs], [
    15000,
    4,
    1048576,
    10000,
  ]);
  assertThrows(() => parseCli(["--client-alive-interval", "1.5"], "/h"), UsageError, "whole number");
});
