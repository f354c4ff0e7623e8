/**
 * Our longnames against OpenSSH's own sftp-server: list a temp directory with
 * `/usr/lib/openssh/sftp-server` and rebuild each line from the returned attrs
 * with `longnameText` (TZ=UTC for both).
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { FXP, readAttrs } from "../../src/sftp/codec.ts";
import { longnameText } from "../../src/sftp/longname.ts";
import { PacketReader } from "../../src/sftp/packet_reader.ts";
import { SshReader } from "../../src/ssh/wire.ts";
import { frame } from "./sftp_raw_client.ts";

const SERVER = "/usr/lib/openssh/sftp-server";
const present = (() => {
  try {
    return Deno.statSync(SERVER).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "sftp longname: matches OpenSSH sftp-server's READDIR longnames",
  ignore: !present,
  async fn() {
    const dir = Deno.makeTempDirSync({ prefix: "sftp_longname_" });
    Deno.writeTextFileSync(`${dir}/file`, "hello");
    Deno.chmodSync(`${dir}/file`, 0o640);
    Deno.mkdirSync(`${dir}/sub`);
    Deno.symlinkSync("file", `${dir}/link`);
    Deno.utimeSync(`${dir}/file`, 0, 86400 * 400);
    const child = new Deno.Command(SERVER, { cwd: dir, stdin: "piped", stdout: "piped", env: { TZ: "UTC" } }).spawn();
    const w = child.stdin.getWriter();
    const rd = child.stdout.getReader();
    const reader = new PacketReader(async () => {
      const r = await rd.read();
      return r.done ? null : r.value;
    }, 1 << 20);
    try {
      await w.write(frame(FXP.INIT, (x) => x.uint32(3)));
      assertEquals((await reader.next())![0], FXP.VERSION);
      await w.write(frame(FXP.OPENDIR, (x) => x.uint32(1).string(dir)));
      const h = new SshReader((await reader.next())!, 5).string().slice();
      const names = new Map<string, [string, string]>();
      for (;;) {
        await w.write(frame(FXP.READDIR, (x) => x.uint32(2).string(h)));
        const p = (await reader.next())!;
        if (p[0] !== FXP.NAME) break;
        const r = new SshReader(p, 5);
        for (let n = r.uint32(); n > 0; n--) {
          const name = r.utf8();
          const long = r.utf8();
          const attrs = readAttrs(r);
          const st = Deno.lstatSync(`${dir}/${name}`);
          const ours = longnameText(name, { ...attrs, nlink: st.nlink ?? 1 }, {
            names: { user: (u) => (u === 0 ? "root" : undefined), group: (g) => (g === 0 ? "root" : undefined) },
          });
          names.set(name, [long, ours]);
        }
      }
      for (const n of ["file", "sub", "link"]) {
        const [theirs, ours] = names.get(n)!;
        assertEquals(ours, theirs);
      }
      assert(names.get("file")![0].includes("Feb  5  1971 file"), names.get("file")![0]);
    } finally {
      await w.close();
      await child.status;
      rd.releaseLock();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
