/**
 * The real OpenSSH `sftp` client against `serveSftp` + the memory backend,
 * connected directly over stdio with `sftp -D` (no SSH transport in between):
 * put/get of 0 B, 1 B and 5 MiB files (sha256 compared), ls -l, mkdir, rename,
 * chmod, symlink, ln, rm, rmdir, df, reput and reget resume.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { createHash } from "node:crypto";

const server = new URL("../fixtures/sftp_stdio_server.ts", import.meta.url).pathname;
const deno = Deno.execPath();
const hasSftp = (() => {
  try {
    return Deno.statSync("/usr/bin/sftp").isFile;
  } catch {
    return false;
  }
})();

function sha256(path: string): string {
  return createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
}

async function runBatch(dir: string, batch: string): Promise<{ code: number; out: string; err: string }> {
  Deno.writeTextFileSync(`${dir}/batch`, batch);
  const cmd = new Deno.Command("sftp", {
    args: ["-D", `${deno} run -A ${server}`, "-b", "batch"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  });
  const r = await cmd.output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout), err: new TextDecoder().decode(r.stderr) };
}

Deno.test({
  name: "sftp (OpenSSH client): put/get/ls/mkdir/rename/chmod/symlink/ln/rm/rmdir/df/resume",
  ignore: !hasSftp,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "sftp_openssh_" });
    try {
      const big = crypto.getRandomValues(new Uint8Array(65536));
      const five = new Uint8Array(5 * 1024 * 1024);
      for (let i = 0; i < five.length; i += big.length) five.set(big.subarray(0, five.length - i), i);
      five[12345] ^= 0x5a;
      Deno.writeFileSync(`${dir}/big`, five);
      Deno.writeFileSync(`${dir}/one`, new Uint8Array([0x78]));
      Deno.writeFileSync(`${dir}/zero`, new Uint8Array(0));
      Deno.writeFileSync(`${dir}/part`, five.subarray(0, 1_000_000));
      Deno.writeFileSync(`${dir}/partget`, five.subarray(0, 777_777));
      const r = await runBatch(
        dir,
        [
          "put big",
          "put one",
          "put zero",
          "mkdir sub",
          "rename big sub/big2",
          "get sub/big2 big.back",
          "get one one.back",
          "get zero zero.back",
          "chmod 600 one",
          "symlink one lnk",
          "ln one hard",
          "ls -l",
          "df",
          "put part resumed",
          "reput big resumed",
          "get resumed resumed.back",
          "reget sub/big2 partget",
          "rm hard",
          "rm lnk",
          "rm sub/big2",
          "rmdir sub",
          "ls -la",
        ].join("\n") + "\n",
      );
      assertEquals(r.code, 0, r.err + r.out);
      const want = sha256(`${dir}/big`);
      assertEquals(sha256(`${dir}/big.back`), want);
      assertEquals(sha256(`${dir}/resumed.back`), want);
      assertEquals(sha256(`${dir}/partget`), want);
      assertEquals(Deno.readFileSync(`${dir}/one.back`), new Uint8Array([0x78]));
      assertEquals(Deno.readFileSync(`${dir}/zero.back`).length, 0);
      const lines = r.out.split("\n");
      const line = (name: string, after: string) => {
        const start = lines.indexOf(`sftp> ${after}`);
        return lines.slice(start).find((l) => l.endsWith(` ${name}`)) ?? "";
      };
      assert(/^-rw-------\s.*\s1 \w{3} \d\d \d\d:\d\d one$/.test(line("one", "ls -l")), line("one", "ls -l"));
      assert(line("hard", "ls -l").startsWith("-rw-------"), r.out);
      assert(line("lnk", "ls -l").startsWith("lrwxrwxrwx"), r.out);
      assert(line("sub", "ls -l").startsWith("drwxr-xr-x"), r.out);
      assert(/^\s+1048576\s+524288\s+524288\s+524288\s+50%$/m.test(r.out), r.out);
      const final = lines.slice(lines.indexOf("sftp> ls -la") + 1).filter((l) => l).map((l) => l.split(/\s+/).pop());
      assertEquals(final.sort(), [".", "..", "one", "resumed", "zero"]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "sftp (OpenSSH client): errors are reported, not fatal",
  ignore: !hasSftp,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "sftp_openssh_" });
    try {
      const r = await runBatch(dir, "-get nosuch\n-rmdir nosuch\n-mkdir a\n-mkdir a\nls\n");
      assertEquals(r.code, 0, r.err);
      assert(/not found|No such file/.test(r.err), r.err);
      assert(/a\s*$/m.test(r.out), r.out);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
