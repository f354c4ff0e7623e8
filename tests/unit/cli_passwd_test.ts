/**
 * `tsshd passwd USER [--password-file FILE]`:
 *
 * - in-process with a scripted terminal and stdin: add, replace, mismatch,
 *   cancel, empty password, usage errors, an unwritable file, the default
 *   path under ~/.config/tsshd;
 * - through cli.ts on Deno and Bun as users run it: the password piped on
 *   stdin, and typed at a real terminal (a pty from util-linux `script`),
 *   where nothing typed may be echoed.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { defaultPasswordFile, type PasswdIo, runPasswdCommand } from "../../src/cli_passwd.ts";
import { findPasswordEntry, parsePasswordFile } from "../../src/ops/password/password_file.ts";
import { verifyPassword } from "../../src/ops/password/verify.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");

interface Scripted {
  io: PasswdIo;
  out: string[];
  err: string[];
  prompts: string[];
}

/** An io whose terminal answers `typed` in turn (`undefined` = ^C), or whose stdin holds `stdin`. */
function scripted(home: string, opts: { typed?: (string | undefined)[]; stdin?: string }): Scripted {
  const s: Scripted = { out: [], err: [], prompts: [], io: undefined as unknown as PasswdIo };
  const typed = [...(opts.typed ?? [])];
  s.io = {
    out: (l) => s.out.push(l),
    err: (l) => s.err.push(l),
    home,
    stdinIsTerminal: opts.typed !== undefined,
    readHidden: (prompt) => {
      s.prompts.push(prompt);
      return Promise.resolve(typed.shift());
    },
    readLine: () => {
      if (opts.stdin === undefined) return Promise.resolve(undefined);
      const line = opts.stdin.split("\n")[0];
      return Promise.resolve(line.endsWith("\r") ? line.slice(0, -1) : line);
    },
  };
  return s;
}

async function hashOf(file: string, user: string): Promise<string | undefined> {
  const { entries, warnings } = parsePasswordFile(await readFile(file, "utf8"), file);
  assertEquals(warnings, []);
  return findPasswordEntry(entries, user)?.hash;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tsshd-passwd-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("tsshd passwd: terminal, asked twice; add then replace", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "pw");
    const a = scripted(dir, { typed: ["first pass", "first pass"] });
    assertEquals(await runPasswdCommand(["alice", "--password-file", file], a.io), 0, a.err.join("\n"));
    assertEquals(a.prompts, ["New password for alice: ", "Retype new password: "]);
    assertEquals(a.out, [`Added password for alice in ${file}`]);
    const first = await hashOf(file, "alice");
    assert(first?.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), first);
    assert(first !== undefined && (await verifyPassword("first pass", first)));
    assertEquals((await stat(file)).mode & 0o777, 0o600);

    const b = scripted(dir, { typed: ["second \u2713", "second \u2713"] });
    assertEquals(await runPasswdCommand(["--password-file", file, "alice"], b.io), 0);
    assertEquals(b.out, [`Updated password for alice in ${file}`]);
    const second = await hashOf(file, "alice");
    assert(second !== undefined && (await verifyPassword("second \u2713", second)));
    assert(!(await verifyPassword("first pass", second)));
  });
});

Deno.test("tsshd passwd: stdin that is not a terminal gives the password once", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "pw");
    await writeFile(file, "# keep\nbob:!locked\n");
    const s = scripted(dir, { stdin: "piped secret\r\nignored second line\n" });
    assertEquals(await runPasswdCommand(["carol", "--password-file", file], s.io), 0, s.err.join("\n"));
    assertEquals(s.prompts, []);
    const hash = await hashOf(file, "carol");
    assert(hash !== undefined && (await verifyPassword("piped secret", hash)));
    assert((await readFile(file, "utf8")).startsWith("# keep\nbob:!locked\ncarol:$argon2id$"));
  });
});

Deno.test("tsshd passwd: failures change nothing and are one line each", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "pw");
    const cases: [string[], { typed?: (string | undefined)[]; stdin?: string }, number, string][] = [
      [["alice", "--password-file", file], { typed: ["one", "two"] }, 1, "passwords do not match"],
      [["alice", "--password-file", file], { typed: [undefined] }, 1, "cancelled"],
      [["alice", "--password-file", file], { typed: ["one", undefined] }, 1, "cancelled"],
      [["alice", "--password-file", file], { typed: [""] }, 1, "empty password"],
      [["alice", "--password-file", file], { stdin: "\n" }, 1, "empty password"],
      [["alice", "--password-file", file], {}, 1, "no password on stdin"],
      [["--password-file", file], { stdin: "x" }, 2, "exactly one USER"],
      [["alice", "bob", "--password-file", file], { stdin: "x" }, 2, "exactly one USER"],
      [["al:ice", "--password-file", file], { stdin: "x" }, 2, "invalid user name"],
      [["alice", "--bogus"], { stdin: "x" }, 2, "--bogus"],
      [["alice", "--password-file"], { stdin: "x" }, 2, "password-file"],
    ];
    for (const [args, input, code, text] of cases) {
      const s = scripted(dir, input);
      assertEquals(await runPasswdCommand(args, s.io), code, `${args.join(" ")}: ${s.err.join("\n")}`);
      assertEquals(s.err.length, 1, s.err.join("\n"));
      assert(s.err[0].startsWith("tsshd passwd: ") && s.err[0].includes(text), `${s.err[0]} should say "${text}"`);
      assertEquals(s.out, []);
    }
    await assertMissing(file);
    await writeFile(join(dir, "file"), "");
    const s = scripted(dir, { stdin: "pw" });
    assertEquals(await runPasswdCommand(["alice", "--password-file", join(dir, "file", "pw")], s.io), 1);
    assert(s.err[0].includes(`cannot update ${join(dir, "file", "pw")}`), s.err[0]);
  });
});

async function assertMissing(path: string): Promise<void> {
  try {
    await stat(path);
  } catch {
    return;
  }
  throw new Error(`${path} should not exist`);
}

Deno.test("tsshd passwd: --help and the default file under ~/.config/tsshd", async () => {
  await withDir(async (home) => {
    const h = scripted(home, {});
    assertEquals(await runPasswdCommand(["--help"], h.io), 0);
    assert(h.out[0].startsWith("Usage: tsshd passwd USER"), h.out[0]);
    assertEquals(defaultPasswordFile(home), join(home, ".config", "tsshd", "passwords"));
    const s = scripted(home, { stdin: "pw" });
    assertEquals(await runPasswdCommand(["dave"], s.io), 0, s.err.join("\n"));
    const file = join(home, ".config", "tsshd", "passwords");
    assert(await verifyPassword("pw", (await hashOf(file, "dave")) ?? ""));
    assertEquals((await stat(join(home, ".config", "tsshd"))).mode & 0o777, 0o700);
  });
});

/** util-linux script(1), which gives the command a pty; the terminal tests need it. */
const HAVE_SCRIPT = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

/** The command line of `tsshd` for a runtime, as the README runs it. */
function tsshd(runtime: "deno" | "bun"): string[] {
  return runtime === "deno" ? [join(BIN, "deno"), "run", "-A", "cli.ts"] : [join(BIN, "bun"), "cli.ts"];
}

for (const runtime of ["deno", "bun"] as const) {
  Deno.test(`tsshd passwd on ${runtime}: password piped on stdin`, async () => {
    await withDir(async (dir) => {
      const file = join(dir, "pw");
      const [cmd, ...args] = tsshd(runtime);
      const child = new Deno.Command(cmd, {
        args: [...args, "passwd", "erin", "--password-file", file],
        cwd: ROOT,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode("pip\u00e9d pw\r\nnot the password\n"));
      await w.close();
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, stderr);
      assertEquals(new TextDecoder().decode(out.stdout), `Added password for erin in ${file}\n`);
      assert(await verifyPassword("pip\u00e9d pw", (await hashOf(file, "erin")) ?? ""));
    });
  });

  Deno.test({
    name: `tsshd passwd on ${runtime}: typed at a terminal, never echoed`,
    ignore: !HAVE_SCRIPT,
  }, async () => {
    await withDir(async (dir) => {
      const file = join(dir, "pw");
      const line = [...tsshd(runtime), "passwd", "frank", "--password-file", file].map((a) => `'${a}'`).join(" ");
      // util-linux script(1) runs the command on a new pty and relays our pipe to it.
      const child = new Deno.Command("script", {
        args: ["-qfec", line, "/dev/null"],
        cwd: ROOT,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      const reader = child.stdout.getReader();
      let screen = "";
      const waitFor = async (text: string) => {
        while (!screen.includes(text)) {
          const r = await reader.read();
          if (r.done) throw new Error(`output ended before "${text}":\n${screen}`);
          screen += new TextDecoder().decode(r.value);
        }
      };
      const type = (s: string) => writer.write(new TextEncoder().encode(s));
      await waitFor("New password for frank: ");
      await type("s3cr\u00e9t\x7f\x7fet\r"); // two backspaces erase "é" and "t" → "s3cret"
      await waitFor("Retype new password: ");
      await type("s3cret\r");
      await waitFor("Added password for frank");
      await writer.close();
      while (!(await reader.read()).done) { /* drain */ }
      const status = await child.status;
      assertEquals(status.code, 0, screen);
      assert(!screen.includes("s3cr"), `the password was echoed:\n${screen}`);
      assert(await verifyPassword("s3cret", (await hashOf(file, "frank")) ?? ""));
    });
  });
}
