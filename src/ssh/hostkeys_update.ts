/**
 * Host key rotation support (OpenSSH PROTOCOL §2.5): after authentication the
 * server announces all its host keys with `hostkeys-00@openssh.com`, and the
 * client may ask it to prove possession of the ones it did not know with
 * `hostkeys-prove-00@openssh.com`, so clients with `UpdateHostKeys` learn them.
 *
 * @module
 */
import type { HostKey } from "./keys/host_key.ts";
import { MSG } from "./messages.ts";
import { SshReader, SshWriter, timingSafeEqual } from "./wire.ts";

/**
 * The announcement: GLOBAL_REQUEST "hostkeys-00@openssh.com", want_reply false, one string per key.
 *
 * @example
 * ```ts
 * transport.send(hostkeysAnnouncement(transport.hostKeys));
 * ```
 */
export function hostkeysAnnouncement(keys: readonly HostKey[]): Uint8Array {
  const w = new SshWriter(1024).byte(MSG.GLOBAL_REQUEST).string("hostkeys-00@openssh.com").boolean(false);
  for (const k of keys) w.string(k.publicBlob);
  return w.bytes();
}

/**
 * Answer a `hostkeys-prove-00@openssh.com` request whose body (after the
 * want_reply flag) is in `r`: REQUEST_SUCCESS with one signature per asked key
 * over `string "hostkeys-prove-00@openssh.com" ‖ string session_id ‖ string key`,
 * or REQUEST_FAILURE if any asked key is not ours. RSA keys sign with the
 * RSA algorithm negotiated in KEX when there was one, else rsa-sha2-512.
 *
 * @example
 * ```ts
 * transport.send(proveHostkeys(reader, transport.hostKeys, sessionId, negotiatedHostKeyAlg));
 * ```
 */
export function proveHostkeys(
  r: SshReader,
  keys: readonly HostKey[],
  sessionId: Uint8Array,
  negotiatedAlg: string | undefined,
): Uint8Array {
  const reply = new SshWriter(2048).byte(MSG.REQUEST_SUCCESS);
  let count = 0;
  while (r.remaining > 0) {
    const blob = r.string();
    const key = keys.find((k) => timingSafeEqual(k.publicBlob, blob));
    if (!key || ++count > 64) return new Uint8Array([MSG.REQUEST_FAILURE]);
    const alg = negotiatedAlg && key.algorithms.includes(negotiatedAlg) ? negotiatedAlg : key.algorithms[0];
    const data = new SshWriter(blob.length + 128).string("hostkeys-prove-00@openssh.com").string(sessionId).string(
      blob,
    ).bytes();
    reply.string(key.sign(alg, data));
  }
  return count === 0 ? new Uint8Array([MSG.REQUEST_FAILURE]) : reply.bytes();
}
