/**
 * Encoded terminal modes (RFC 4254 §8): a byte stream of `opcode uint32`
 * pairs ended by TTY_OP_END (0). Opcodes 160 and above have unknown
 * argument formats, so parsing stops there, as the RFC says.
 *
 * @module
 */

/** Well-known opcodes. */
export const TTY_OP = {
  END: 0,
  VINTR: 1,
  VQUIT: 2,
  VERASE: 3,
  VKILL: 4,
  VEOF: 5,
  VEOL: 6,
  VEOL2: 7,
  VSTART: 8,
  VSTOP: 9,
  VSUSP: 10,
  VDSUSP: 11,
  VREPRINT: 12,
  VWERASE: 13,
  VLNEXT: 14,
  VFLUSH: 15,
  VSWTCH: 16,
  VSTATUS: 17,
  VDISCARD: 18,
  IGNPAR: 30,
  PARMRK: 31,
  INPCK: 32,
  ISTRIP: 33,
  INLCR: 34,
  IGNCR: 35,
  ICRNL: 36,
  IUCLC: 37,
  IXON: 38,
  IXANY: 39,
  IXOFF: 40,
  IMAXBEL: 41,
  IUTF8: 42,
  ISIG: 50,
  ICANON: 51,
  XCASE: 52,
  ECHO: 53,
  ECHOE: 54,
  ECHOK: 55,
  ECHONL: 56,
  NOFLSH: 57,
  TOSTOP: 58,
  IEXTEN: 59,
  ECHOCTL: 60,
  ECHOKE: 61,
  PENDIN: 62,
  OPOST: 70,
  OLCUC: 71,
  ONLCR: 72,
  OCRNL: 73,
  ONOCR: 74,
  ONLRET: 75,
  CS7: 90,
  CS8: 91,
  PARENB: 92,
  PARODD: 93,
  TTY_OP_ISPEED: 128,
  TTY_OP_OSPEED: 129,
} as const;

/**
 * Decode terminal modes; malformed trailing bytes end the list (never throws).
 *
 * @example
 * ```ts
 * decodeTerminalModes(new Uint8Array([53, 0, 0, 0, 0, 0])).get(TTY_OP.ECHO); // 0
 * ```
 */
export function decodeTerminalModes(b: Uint8Array): Map<number, number> {
  const modes = new Map<number, number>();
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 0;
  while (i < b.length) {
    const op = b[i++];
    if (op === TTY_OP.END || op >= 160 || i + 4 > b.length) break;
    modes.set(op, dv.getUint32(i));
    i += 4;
  }
  return modes;
}
