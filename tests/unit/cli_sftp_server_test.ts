/**
 * `tsshd internal-sftp-server` (src/cli_sftp_server.ts): option parsing, the
 * stream-backed channel, and OpenSSH's `sftp -D` client driving the
 * subcommand on Deno and Bun, and (as root) as a throwaway user through
 * setpriv, as multi-user mode would spawn it.
 *
 * Run: `node_modules/.bin/deno test -A tests/unit/cli_sftp_server_test.ts`
 */
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { PassThrough } from "node:stream";
import { parseSftpServerArgs, SftpServerUsageError, streamChannel } from "../../src/cli_sftp_server.ts";
import { isRoot, withTempAccount } from "../_helpers/temp_account.ts";

const root = new URL("../../", import.meta.url).pathname;
const DENO = `${root}node_modules/.bin/deno`;
const BUN = `${root}node_modules/.bin/bun`;

Deno.test("parseSftpServerArgs", () => {
  assertEquals(parseSftpServerArgs([], "/home/a"), {
    home: "/home/a",
    root: undefined,
    umask: 0o022,
    clientVersion: undefined,
  });
  assertEquals(
    parseSftpServerArgs(["--home", "/h", "--root", "/srv", "--umask", "0027", "--client-version", "SSH-2.0-X"], "/"),
    { home: "/h", root: "/srv", umask: 0o027, clientVersion: "SSH-2.0-X" },
  );
  assertThrows(() => parseSftpServerArgs(["--umask", "9"], "/"), SftpServerUsageError);
  assertThrows(() => parseSftpServerArgs(["--bogus"], "/"), SftpServerUsageError);
  assertThrows(() => parseSftpServerArgs(["positional"], "/"), SftpServerUsageError);
});

Deno.test("streamChannel: reads input chunks, writes output, exit flushes and resolves the status", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  const { channel, status } = streamChannel(input, output, errors);
  input.write(new Uint8Array([1, 2, 3]));
  assertEquals(await channel.read(), new Uint8Array([1, 2, 3]));
  const got: Uint8Array[] = [];
  output.on("data", (d: Uint8Array) => got.push(new Uint8Array(d)));
  await channel.write(new Uint8Array([4, 5]));
  channel.exit({ code: 3 });
  assertEquals(await status, 3);
  await channel.closed;
  assertEquals(got, [new Uint8Array([4, 5])]);
  await channel.write(new Uint8Array([6])); // after the end: dropped, like a closed channel
  const second = streamChannel(new PassThrough(), new PassThrough(), new PassThrough());
  second.channel.close();
  assertEquals(await second.status, 0);
  const third = streamChannel(new PassThrough(), new PassThrough(), new PassThrough());
  third.channel.exit({ signal: "KILL", coreDumped: false });
  assertEquals(await third.status, 1);
});

Deno.test("streamChannel: end of input reads as null", async () => {
  const input = new PassThrough();
  const { channel } = streamChannel(input, new PassThrough(), new PassThrough());
  input.end(new Uint8Array([9]));
  assertEquals(await channel.read(), new Uint8Array([9]));
  assertEquals(await channel.read(), null);
  channel.close();
});

function hasSftp(): boolean {
  try {
    return new Deno.Command("sftp", { args: ["-h"], stderr: "null" }).outputSync().code !== 127;
  } catch {
    return false;
  }
}

/** Run an sftp batch against `server` (a shell command line); returns the transcript. */
async function sftpBatch(server: string, batch: string[], cwd: string): Promise<string> {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, batch.join("\n") + "\n");
  await Deno.chmod(file, 0o644);
  try {
    const out = await new Deno.Command("sftp", {
      args: ["-b", file, "-D", server],
      cwd,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, text);
    return text;
  } finally {
    await Deno.remove(file);
  }
}

for (const [runtime, command] of [["deno", `${DENO} run -A ${root}cli.ts`], ["bun", `${BUN} ${root}cli.ts`]]) {
  Deno.test(`sftp -D drives 'tsshd internal-sftp-server' (${runtime})`, async () => {
    if (!hasSftp()) {
      console.log("skipped: OpenSSH sftp client not installed");
      return;
    }
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/local.txt`, "hello sftp\n");
      const text = await sftpBatch(`${command} internal-sftp-server --home ${dir} --umask 077`, [
        "pwd",
        `put ${dir}/local.txt remote.txt`,
        "mkdir sub",
        "rename remote.txt sub/moved.txt",
        "ls sub",
      ], dir);
      assert(text.includes(`Remote working directory: ${dir}`), text);
      assert(text.includes("sub/moved.txt"), text);
      assertEquals(await Deno.readTextFile(`${dir}/sub/moved.txt`), "hello sftp\n");
      assertEquals((await Deno.stat(`${dir}/sub`)).mode! & 0o777, 0o700, "--umask 077 applies");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("internal-sftp-server as a throwaway user via setpriv: the kernel checks that user", async () => {
  if (!isRoot() || !hasSftp()) {
    console.log("skipped: needs root and the OpenSSH sftp client");
    return;
  }
  await withTempAccount([], async (a) => {
    const drop = `env -i HOME=${a.home} PATH=/usr/bin:/bin setpriv --reuid=${a.uid} --regid=${a.gid} --init-groups --`;
    const text = await sftpBatch(`${drop} ${DENO} run -A ${root}cli.ts internal-sftp-server`, [
      "pwd",
      "put /etc/hostname mine.txt",
      "-put /etc/hostname /root/not-mine.txt",
    ], "/");
    assert(text.includes(`Remote working directory: ${a.home}`), text);
    const st = await Deno.stat(`${a.home}/mine.txt`);
    assertEquals([st.uid, st.gid], [a.uid, a.gid]);
    assert(/not-mine\.txt.*(Permission denied|Failure)/.test(text), text);
    assertEquals(await Deno.stat("/root/not-mine.txt").catch(() => undefined), undefined);
  });
});
