/**
 * SFTP v3 subsystem: the server, its wire codec, the backend interface and an
 * in-memory backend.
 *
 * @example
 * ```ts
 * import { memoryBackend, serveSftp } from "./src/sftp/mod.ts";
 * await serveSftp(channel, memoryBackend());
 * ```
 * @module
 */
export * from "./backend.ts";
export { serveSftp, type SftpServerOptions } from "./server.ts";
export {
  SFTP_CLIENT_QUIRKS,
  type SftpClientQuirkRule,
  type SftpClientQuirks,
  sftpClientQuirks,
} from "./client_quirks.ts";
export { memoryBackend, type MemoryBackendOptions } from "./memory_backend.ts";
export { type IdNames, longname, longnameText, modeString } from "./longname.ts";
