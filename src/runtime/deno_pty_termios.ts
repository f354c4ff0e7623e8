/**
 * RFC 4254 §8 terminal modes (plus IUTF8 from RFC 8160) applied to a glibc
 * x86_64 `struct termios`, as a pure function over its bytes.
 *
 * Layout (60 bytes): `c_iflag` u32 @0, `c_oflag` u32 @4, `c_cflag` u32 @8,
 * `c_lflag` u32 @12, `c_line` u8 @16, `c_cc[32]` @17, `c_ispeed` u32 @52,
 * `c_ospeed` u32 @56. Speeds are not written here: the caller passes the
 * returned `speed_t` constants to `cfsetispeed`/`cfsetospeed`, which keep
 * glibc's private encoding consistent.
 *
 * @example
 * ```ts
 * const t = new Uint8Array(TERMIOS_SIZE); // filled by tcgetattr
 * const speeds = applyTerminalModes(t, new Map([[53, 0], [128, 38400]])); // ECHO off
 * speeds.ispeed; // 0o17 (B38400)
 * ```
 * @module
 */

/**
 * `sizeof(struct termios)` for glibc on x86_64.
 *
 * @example
 * ```ts
 * const termios = new Uint8Array(TERMIOS_SIZE);
 * ```
 */
export const TERMIOS_SIZE = 60;

/**
 * Byte offsets of the flag words and of `c_cc` in `struct termios`.
 *
 * @example
 * ```ts
 * new DataView(termios.buffer).getUint32(TermiosOffset.lflag, true) & 0o10; // ECHO
 * ```
 */
export const TermiosOffset = { iflag: 0, oflag: 4, cflag: 8, lflag: 12, cc: 17 } as const;

/** `_POSIX_VDISABLE` on Linux: a control character that is switched off. */
const VDISABLE = 0;

/** RFC 4254 character opcodes → Linux `c_cc` index (VDSUSP, VFLUSH, VSTATUS do not exist on Linux). */
const CHAR_MODES: ReadonlyMap<number, number> = new Map([
  [1, 0], // VINTR
  [2, 1], // VQUIT
  [3, 2], // VERASE
  [4, 3], // VKILL
  [5, 4], // VEOF
  [6, 11], // VEOL
  [7, 16], // VEOL2
  [8, 8], // VSTART
  [9, 9], // VSTOP
  [10, 10], // VSUSP
  [12, 12], // VREPRINT
  [13, 14], // VWERASE
  [14, 15], // VLNEXT
  [16, 7], // VSWTCH → VSWTC
  [18, 13], // VDISCARD
]);

type FlagWord = "iflag" | "oflag" | "cflag" | "lflag";

/** RFC 4254 flag opcodes → the termios word and Linux bit. CS7/CS8 are handled as a field. */
const FLAG_MODES: ReadonlyMap<number, readonly [FlagWord, number]> = new Map<number, readonly [FlagWord, number]>([
  [30, ["iflag", 0o4]], // IGNPAR
  [31, ["iflag", 0o10]], // PARMRK
  [32, ["iflag", 0o20]], // INPCK
  [33, ["iflag", 0o40]], // ISTRIP
  [34, ["iflag", 0o100]], // INLCR
  [35, ["iflag", 0o200]], // IGNCR
  [36, ["iflag", 0o400]], // ICRNL
  [37, ["iflag", 0o1000]], // IUCLC
  [38, ["iflag", 0o2000]], // IXON
  [39, ["iflag", 0o4000]], // IXANY
  [40, ["iflag", 0o10000]], // IXOFF
  [41, ["iflag", 0o20000]], // IMAXBEL
  [42, ["iflag", 0o40000]], // IUTF8 (RFC 8160)
  [50, ["lflag", 0o1]], // ISIG
  [51, ["lflag", 0o2]], // ICANON
  [52, ["lflag", 0o4]], // XCASE
  [53, ["lflag", 0o10]], // ECHO
  [54, ["lflag", 0o20]], // ECHOE
  [55, ["lflag", 0o40]], // ECHOK
  [56, ["lflag", 0o100]], // ECHONL
  [57, ["lflag", 0o200]], // NOFLSH
  [58, ["lflag", 0o400]], // TOSTOP
  [59, ["lflag", 0o100000]], // IEXTEN
  [60, ["lflag", 0o1000]], // ECHOCTL
  [61, ["lflag", 0o4000]], // ECHOKE
  [62, ["lflag", 0o40000]], // PENDIN
  [70, ["oflag", 0o1]], // OPOST
  [71, ["oflag", 0o2]], // OLCUC
  [72, ["oflag", 0o4]], // ONLCR
  [73, ["oflag", 0o10]], // OCRNL
  [74, ["oflag", 0o20]], // ONOCR
  [75, ["oflag", 0o40]], // ONLRET
  [92, ["cflag", 0o400]], // PARENB
  [93, ["cflag", 0o1000]], // PARODD
]);

const OP_CS7 = 90;
const OP_CS8 = 91;
const CSIZE = 0o60;
const CS7 = 0o40;
const CS8 = 0o60;
const OP_ISPEED = 128;
const OP_OSPEED = 129;

/** Baud rate → glibc `speed_t` constant (`B9600` …). */
const SPEEDS: ReadonlyMap<number, number> = new Map([
  [0, 0o0],
  [50, 0o1],
  [75, 0o2],
  [110, 0o3],
  [134, 0o4],
  [150, 0o5],
  [200, 0o6],
  [300, 0o7],
  [600, 0o10],
  [1200, 0o11],
  [1800, 0o12],
  [2400, 0o13],
  [4800, 0o14],
  [9600, 0o15],
  [19200, 0o16],
  [38400, 0o17],
  [57600, 0o10001],
  [115200, 0o10002],
  [230400, 0o10003],
  [460800, 0o10004],
  [500000, 0o10005],
  [576000, 0o10006],
  [921600, 0o10007],
  [1000000, 0o10010],
  [1152000, 0o10011],
  [1500000, 0o10012],
  [2000000, 0o10013],
  [2500000, 0o10014],
  [3000000, 0o10015],
  [3500000, 0o10016],
  [4000000, 0o10017],
]);

/**
 * The glibc `speed_t` constant for a baud rate, or `null` for a rate Linux has no constant for.
 *
 * @example
 * ```ts
 * baudToSpeed(9600); // 0o15 (B9600)
 * baudToSpeed(12345); // null
 * ```
 */
export function baudToSpeed(baud: number): number | null {
  return SPEEDS.get(baud) ?? null;
}

/**
 * Input and output speeds requested by the modes, as `speed_t` constants (`null` = leave as is).
 *
 * @example
 * ```ts
 * const speeds: SpeedRequest = { ispeed: 0o15, ospeed: null }; // B9600 in, output unchanged
 * ```
 */
export interface SpeedRequest {
  /** For `cfsetispeed`. */
  ispeed: number | null;
  /** For `cfsetospeed`. */
  ospeed: number | null;
}

/**
 * Applies decoded RFC 4254 terminal modes (opcode → value) to the bytes of a
 * glibc x86_64 `struct termios` in place. Flags are set for a non-zero value
 * and cleared for zero; a control character of 255 means "disabled". Opcodes
 * Linux has no equivalent for, and unknown opcodes, are ignored. CS7/CS8 set
 * the character size (CS8 wins if both are true; false values change nothing).
 *
 * @example
 * ```ts
 * const t = new Uint8Array(TERMIOS_SIZE);
 * applyTerminalModes(t, new Map([[1, 3], [53, 1]])); // VINTR = ^C, ECHO on
 * t[TermiosOffset.cc + 0]; // 3
 * ```
 */
export function applyTerminalModes(termios: Uint8Array, modes: ReadonlyMap<number, number>): SpeedRequest {
  if (termios.length < TERMIOS_SIZE) throw new RangeError(`termios buffer is ${termios.length} bytes, need 60`);
  const view = new DataView(termios.buffer, termios.byteOffset, TERMIOS_SIZE);
  const speeds: SpeedRequest = { ispeed: null, ospeed: null };
  for (const [op, value] of modes) {
    const cc = CHAR_MODES.get(op);
    if (cc !== undefined) {
      termios[TermiosOffset.cc + cc] = value === 255 ? VDISABLE : value & 0xff;
      continue;
    }
    const flag = FLAG_MODES.get(op);
    if (flag) {
      const offset = TermiosOffset[flag[0]];
      const word = view.getUint32(offset, true);
      view.setUint32(offset, (value !== 0 ? word | flag[1] : word & ~flag[1]) >>> 0, true);
      continue;
    }
    if (op === OP_ISPEED) speeds.ispeed = baudToSpeed(value);
    else if (op === OP_OSPEED) speeds.ospeed = baudToSpeed(value);
  }
  const size = modes.get(OP_CS8) ? CS8 : modes.get(OP_CS7) ? CS7 : null;
  if (size !== null) {
    const cflag = view.getUint32(TermiosOffset.cflag, true);
    view.setUint32(TermiosOffset.cflag, ((cflag & ~CSIZE) | size) >>> 0, true);
  }
  return speeds;
}
