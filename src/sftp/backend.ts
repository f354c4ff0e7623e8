/**
 * The SFTP filesystem backend: what the SFTP subsystem (`src/sftp/server.ts`)
 * asks of a filesystem. The default backend serves the real disk
 * (`src/ops/sftp_fs.ts`); library users can serve virtual filesystems.
 *
 * Paths are bytes, exactly as the client sent them (SFTP v3 filenames are not
 * guaranteed UTF-8): backends decode them as they need. Every method may
 * throw {@link SftpError} with a status; anything else becomes SSH_FX_FAILURE.
 *
 * @example
 * ```ts
 * const backend: SftpBackend = memoryBackend();
 * const h = await backend.open(utf8("/hello.txt"), { read: true }, {});
 * const data = await h.read(0, 32768); // Uint8Array, or null at EOF
 * await h.close();
 * ```
 * @module
 */

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7). */
export const SFTP_STATUS = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** A status code value. */
export type SftpStatusCode = typeof SFTP_STATUS[keyof typeof SFTP_STATUS];

/** A failed filesystem operation, reported to the client as an SSH_FXP_STATUS. */
export class SftpError extends Error {
  constructor(readonly status: SftpStatusCode, message: string) {
    super(message);
    this.name = "SftpError";
  }
}

/** File attributes (§5). Absent fields are not set / not known. */
export interface SftpAttrs {
  size?: bigint;
  uid?: number;
  gid?: number;
  /** Mode bits including the file type bits (S_IFREG, S_IFDIR, …). */
  permissions?: number;
  /** Seconds since the epoch. */
  atime?: number;
  mtime?: number;
  /** Link count, used only for READDIR longnames (not sent in ATTRS). */
  nlink?: number;
}

/** How a file is opened (SSH_FXF_* pflags). */
export interface OpenFlags {
  read?: boolean;
  write?: boolean;
  append?: boolean;
  create?: boolean;
  truncate?: boolean;
  /** Fail if the file exists (with `create`). */
  exclusive?: boolean;
}

/** An open file. */
export interface SftpFileHandle {
  /** Up to `length` bytes at `offset`; `null` at end of file. */
  read(offset: bigint, length: number): Promise<Uint8Array | null>;
  /** Write all of `data` at `offset` (ignored for append-mode handles: data goes at the end). */
  write(offset: bigint, data: Uint8Array): Promise<void>;
  stat(): Promise<SftpAttrs>;
  setstat(attrs: SftpAttrs): Promise<void>;
  /** fsync@openssh.com */
  sync?(): Promise<void>;
  close(): Promise<void>;
}

/** One directory entry for SSH_FXP_NAME. */
export interface SftpDirEntry {
  filename: Uint8Array;
  /** `ls -l` style line (the server fills it in from `attrs` when empty). */
  longname?: Uint8Array;
  attrs: SftpAttrs;
}

/** An open directory. */
export interface SftpDirHandle {
  /** The next batch of entries (at most `max`), or `null` when the listing is done. */
  next(max: number): Promise<SftpDirEntry[] | null>;
  close(): Promise<void>;
}

/** statvfs@openssh.com results. */
export interface SftpStatVfs {
  bsize: bigint;
  frsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  favail: bigint;
  fsid: bigint;
  flag: bigint;
  namemax: bigint;
}

/** The filesystem operations of SFTP v3 and the OpenSSH extensions. Optional ones answer OP_UNSUPPORTED when absent. */
export interface SftpBackend {
  open(path: Uint8Array, flags: OpenFlags, attrs: SftpAttrs): Promise<SftpFileHandle>;
  opendir(path: Uint8Array): Promise<SftpDirHandle>;
  stat(path: Uint8Array): Promise<SftpAttrs>;
  lstat(path: Uint8Array): Promise<SftpAttrs>;
  setstat(path: Uint8Array, attrs: SftpAttrs): Promise<void>;
  /** lsetstat@openssh.com: like setstat without following a final symlink. */
  lsetstat?(path: Uint8Array, attrs: SftpAttrs): Promise<void>;
  remove(path: Uint8Array): Promise<void>;
  mkdir(path: Uint8Array, attrs: SftpAttrs): Promise<void>;
  rmdir(path: Uint8Array): Promise<void>;
  /** SSH_FXP_RENAME fails if `to` exists; posix-rename@openssh.com (`posix: true`) replaces it. */
  rename(from: Uint8Array, to: Uint8Array, options: { posix: boolean }): Promise<void>;
  readlink(path: Uint8Array): Promise<Uint8Array>;
  /** Creates `linkPath` pointing at `target` (note OpenSSH sends them as target, link). */
  symlink(target: Uint8Array, linkPath: Uint8Array): Promise<void>;
  /** Canonical absolute path (§6.9); "." is the home/start directory. */
  realpath(path: Uint8Array): Promise<Uint8Array>;
  /** hardlink@openssh.com */
  hardlink?(existing: Uint8Array, linkPath: Uint8Array): Promise<void>;
  /** statvfs@openssh.com */
  statvfs?(path: Uint8Array): Promise<SftpStatVfs>;
  /** expand-path@openssh.com (`~`, `~user`). */
  expandPath?(path: Uint8Array): Promise<Uint8Array>;
  /** home-directory extension. */
  homeDirectory?(user: Uint8Array): Promise<Uint8Array>;
  /** users-groups-by-id@openssh.com: names for ids ("" when unknown). */
  usersGroupsById?(uids: number[], gids: number[]): Promise<{ users: string[]; groups: string[] }>;
}
