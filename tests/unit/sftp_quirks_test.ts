/**
 * The SFTP client quirk table (src/sftp/client_quirks.ts): which
 * identification strings send SSH_FXP_SYMLINK in the draft's
 * (linkpath, targetpath) order, and that `serveSftp` reads the two paths the
 * right way round for each (checked with READLINK on the memory backend).
 */
import { assertEquals } from "../_helpers/assert.ts";
import { NO_SFTP_QUIRKS, SFTP_CLIENT_QUIRKS, sftpClientQuirks } from "../../src/sftp/client_quirks.ts";
import { FXP } from "../../src/sftp/codec.ts";
import { memoryBackend } from "../../src/sftp/memory_backend.ts";
import { serveSftp } from "../../src/sftp/server.ts";
import { RawClient } from "../integration/sftp_raw_client.ts";

Deno.test("sftp quirks: only ssh2js and WinSCP send SYMLINK link-first, and only to non-OpenSSH servers", () => {
  const linkFirst = (client: string, server?: string) => sftpClientQuirks(client, server).symlinkLinkFirst;
  // Clients that send OpenSSH's (targetpath, linkpath) to every server.
  assertEquals(linkFirst("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"), false);
  assertEquals(linkFirst("SSH-2.0-PuTTY_Release_0.78"), false);
  assertEquals(linkFirst("SSH-2.0-paramiko_2.12.0"), false);
  assertEquals(linkFirst("SSH-2.0-Go"), false);
  assertEquals(linkFirst(""), false);
  // The npm ssh2 client: draft order unless the server calls itself OpenSSH or dropbear.
  assertEquals(linkFirst("SSH-2.0-ssh2js1.17.0"), true);
  assertEquals(linkFirst("SSH-2.0-ssh2js1.17.0", "SSH-2.0-tsshd_0.1.0"), true);
  assertEquals(linkFirst("SSH-2.0-ssh2js1.17.0", "SSH-2.0-OpenSSH_9.9"), false);
  assertEquals(linkFirst("SSH-2.0-ssh2js1.17.0", "SSH-2.0-dropbear_2022.83"), false);
  assertEquals(linkFirst("SSH-2.0-ssh2js0.4.15"), true);
  // Only at the start of the ident (a comment mentioning ssh2js is not the ssh2 client).
  assertEquals(linkFirst("SSH-2.0-OpenSSH_9.6 ssh2js"), false);
  // WinSCP: draft order unless the server is OpenSSH, Sun SSH or ProFTPD's mod_sftp.
  assertEquals(linkFirst("SSH-2.0-WinSCP-release-6.3.5"), true);
  assertEquals(linkFirst("SSH-2.0-WinSCP_release_5.21.8"), true);
  assertEquals(linkFirst("SSH-2.0-WinSCP-release-6.3.5", "SSH-2.0-OpenSSH_8.0"), false);
  assertEquals(linkFirst("SSH-2.0-WinSCP-release-6.3.5", "SSH-2.0-mod_sftp"), false);
  assertEquals(sftpClientQuirks("SSH-2.0-OpenSSH_9.6"), NO_SFTP_QUIRKS);
  for (const rule of SFTP_CLIENT_QUIRKS) assertEquals(rule.source.length > 0, true, rule.client);
});

/** Send SYMLINK(first, second) as `clientVersion` and read back where the link is and what it points to. */
async function symlinkAs(clientVersion: string, first: string, second: string): Promise<[string, string]> {
  const backend = memoryBackend();
  const c = new RawClient();
  const done = serveSftp(c.channel, backend, { clientVersion });
  await c.init();
  const dec = new TextDecoder();
  const st = await c.call(FXP.SYMLINK, 1, (w) => w.string(first).string(second));
  assertEquals([st.type, st.r.uint32()], [FXP.STATUS, 0]);
  let found: [string, string] | undefined;
  for (const path of [first, second]) {
    const rl = await c.call(FXP.READLINK, 2, (w) => w.string(path));
    if (rl.type !== FXP.NAME) continue;
    rl.r.uint32();
    found = [path, dec.decode(rl.r.string())];
  }
  c.channel.push(null);
  await done;
  if (!found) throw new Error("no symlink was created");
  return found;
}

Deno.test("sftp quirks: serveSftp reads SYMLINK in OpenSSH's order, and in the draft's for ssh2js", async () => {
  // OpenSSH: (targetpath, linkpath) → /link points at target.txt.
  assertEquals(await symlinkAs("SSH-2.0-OpenSSH_9.2p1", "target.txt", "/link"), ["/link", "target.txt"]);
  assertEquals(await symlinkAs("SSH-2.0-paramiko_2.12.0", "target.txt", "/link"), ["/link", "target.txt"]);
  // ssh2js: (linkpath, targetpath) → the same link.
  assertEquals(await symlinkAs("SSH-2.0-ssh2js1.17.0", "/link", "target.txt"), ["/link", "target.txt"]);
});
