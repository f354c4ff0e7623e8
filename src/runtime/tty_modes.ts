/**
 * RFC 4254 §8 encoded terminal modes → Linux termios flag words.
 *
 * A PTY request carries the client's terminal modes as opcode/value pairs.
 * The flag-type opcodes (30–93) turn one termios bit on (value ≠ 0) or off
 * (value 0). The control-character opcodes (1–18) and the speeds (128, 129)
 * are not flags; {@link applyTerminalModes} lists them in `unapplied` so a
 * runtime that can set them (`tcsetattr`) does, and one that cannot reports it.
 *
 * Bit values are Linux's (`<asm-generic/termbits.h>`), in octal as there.
 *
 * @module
 */

/**
 * The four termios flag words.
 *
 * @example
 * ```ts
 * const linuxPtyDefaults: TermiosFlags = { input: 0o66402, output: 0o5, local: 0o105073, control: 0o2277 };
 * ```
 */
export interface TermiosFlags {
  /** `c_iflag` */
  input: number;
  /** `c_oflag` */
  output: number;
  /** `c_lflag` */
  local: number;
  /** `c_cflag` */
  control: number;
}

/**
 * Which flag word an opcode addresses, and its bit(s).
 *
 * @example
 * ```ts
 * const echo: FlagMode = { word: "local", bits: 0o10 };
 * ```
 */
export interface FlagMode {
  /** The flag word the opcode addresses. */
  word: keyof TermiosFlags;
  /** The bit (or, for CS7/CS8, the CSIZE value) the opcode sets. */
  bits: number;
}

/**
 * RFC 4254 §8 flag opcodes with their Linux bits.
 *
 * @example
 * ```ts
 * FLAG_MODES.get(53); // { word: "local", bits: 0o10 } (ECHO)
 * ```
 */
export const FLAG_MODES: ReadonlyMap<number, FlagMode> = new Map<number, FlagMode>([
  // c_iflag
  [30, { word: "input", bits: 0o4 }], // IGNPAR
  [31, { word: "input", bits: 0o10 }], // PARMRK
  [32, { word: "input", bits: 0o20 }], // INPCK
  [33, { word: "input", bits: 0o40 }], // ISTRIP
  [34, { word: "input", bits: 0o100 }], // INLCR
  [35, { word: "input", bits: 0o200 }], // IGNCR
  [36, { word: "input", bits: 0o400 }], // ICRNL
  [37, { word: "input", bits: 0o1000 }], // IUCLC
  [38, { word: "input", bits: 0o2000 }], // IXON
  [39, { word: "input", bits: 0o4000 }], // IXANY
  [40, { word: "input", bits: 0o10000 }], // IXOFF
  [41, { word: "input", bits: 0o20000 }], // IMAXBEL
  [42, { word: "input", bits: 0o40000 }], // IUTF8 (RFC 8160)
  // c_lflag
  [50, { word: "local", bits: 0o1 }], // ISIG
  [51, { word: "local", bits: 0o2 }], // ICANON
  [52, { word: "local", bits: 0o4 }], // XCASE
  [53, { word: "local", bits: 0o10 }], // ECHO
  [54, { word: "local", bits: 0o20 }], // ECHOE
  [55, { word: "local", bits: 0o40 }], // ECHOK
  [56, { word: "local", bits: 0o100 }], // ECHONL
  [57, { word: "local", bits: 0o200 }], // NOFLSH
  [58, { word: "local", bits: 0o400 }], // TOSTOP
  [59, { word: "local", bits: 0o100000 }], // IEXTEN
  [60, { word: "local", bits: 0o1000 }], // ECHOCTL
  [61, { word: "local", bits: 0o4000 }], // ECHOKE
  [62, { word: "local", bits: 0o40000 }], // PENDIN
  // c_oflag
  [70, { word: "output", bits: 0o1 }], // OPOST
  [71, { word: "output", bits: 0o2 }], // OLCUC
  [72, { word: "output", bits: 0o4 }], // ONLCR
  [73, { word: "output", bits: 0o10 }], // OCRNL
  [74, { word: "output", bits: 0o20 }], // ONOCR
  [75, { word: "output", bits: 0o40 }], // ONLRET
  // c_cflag
  [90, { word: "control", bits: 0o40 }], // CS7
  [91, { word: "control", bits: 0o60 }], // CS8
  [92, { word: "control", bits: 0o400 }], // PARENB
  [93, { word: "control", bits: 0o1000 }], // PARODD
]);

/** Linux `CSIZE` mask in `c_cflag`. */
const CSIZE = 0o60;

/**
 * Result of {@link applyTerminalModes}.
 *
 * @example
 * ```ts
 * const { flags, unapplied } = applyTerminalModes(current, modes);
 * ```
 */
export interface AppliedModes {
  /** The flag words with every flag-type opcode applied. */
  flags: TermiosFlags;
  /** Opcodes that are not flags (control characters, speeds) or unknown, in ascending order. */
  unapplied: number[];
}

/**
 * Apply decoded terminal modes to termios flag words, in ascending opcode
 * order. `CS7`/`CS8` set the character size (`CSIZE`) when on and are
 * ignored when off (off does not say which size to use instead).
 *
 * @example
 * ```ts
 * const { flags } = applyTerminalModes({ input: 0o2400, output: 0o5, local: 0o105073, control: 0o277 },
 *   new Map([[53, 0]])); // ECHO off
 * flags.local & 0o10; // 0
 * ```
 */
export function applyTerminalModes(current: TermiosFlags, modes: ReadonlyMap<number, number>): AppliedModes {
  const flags = { ...current };
  const unapplied: number[] = [];
  for (const opcode of [...modes.keys()].sort((a, b) => a - b)) {
    const value = modes.get(opcode) ?? 0;
    const mode = FLAG_MODES.get(opcode);
    if (!mode) {
      unapplied.push(opcode);
    } else if (mode.word === "control" && (mode.bits & CSIZE) === mode.bits) {
      if (value !== 0) flags.control = (flags.control & ~CSIZE) | mode.bits;
    } else if (value !== 0) {
      flags[mode.word] |= mode.bits;
    } else {
      flags[mode.word] &= ~mode.bits;
    }
  }
  return { flags, unapplied };
}
