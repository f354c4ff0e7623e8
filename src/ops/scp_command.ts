/**
 * Recognise the remote half of a legacy `scp -O` transfer: the command line
 * OpenSSH's client asks the server to run (`scp -t [-r] [-p] [-d] TARGET` to
 * upload, `scp -f [-r] [-p] SOURCE…` to download), split into words the way
 * a POSIX shell would (quotes, backslashes, a leading `~`, globs in the last
 * path component). Anything else — other programs, other flags, shell
 * operators — is left for the user's shell.
 *
 * @module
 */

/** One path argument of an scp command, as the shell would have seen it. */
export interface ScpArg {
  /** The word after quote removal (a leading `~` still in place when {@link tilde}). */
  word: string;
  /** Starts with an unquoted `~` or `~/`: relative to the home directory. */
  tilde: boolean;
  /** The last path component holds an unquoted `*`, `?` or `[` (a pattern to expand). */
  glob: boolean;
}

/** A parsed `scp -t` / `scp -f` command. */
export interface ScpInvocation {
  /** `sink` for `-t` (the server receives), `source` for `-f` (the server sends). */
  mode: "sink" | "source";
  /** `-r`: directories allowed (D/E records). */
  recursive: boolean;
  /** `-p`: modes and times preserved (T records). */
  preserve: boolean;
  /** `-d`: the target must be an existing directory. */
  targetMustBeDir: boolean;
  /** `-v` was given (accepted, no effect). */
  verbose: boolean;
  /** Target (sink: exactly one expected) or sources. */
  args: ScpArg[];
}

/** Characters that make a command more than a plain `scp` invocation for the shell. */
const SHELL_OPERATORS = new Set([";", "&", "|", "<", ">", "(", ")", "$", "`", "\n", "\r"]);
const GLOB_CHARS = new Set(["*", "?", "["]);
const FLAG_LETTERS = new Set(["t", "f", "r", "p", "d", "v", "q"]);

interface Word {
  text: string;
  /** Index in `text` of every character that was outside quotes and not backslash-escaped. */
  unquoted: Set<number>;
}

/** Split a command into shell words; `undefined` when it uses anything beyond quoting. */
function shellWords(command: string): Word[] | undefined {
  const words: Word[] = [];
  let cur: Word | undefined;
  const push = (ch: string, unquoted: boolean) => {
    cur ??= { text: "", unquoted: new Set() };
    if (unquoted) cur.unquoted.add(cur.text.length);
    cur.text += ch;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === " " || c === "\t") {
      if (cur) words.push(cur);
      cur = undefined;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur ??= { text: "", unquoted: new Set() };
      cur.text += command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      cur ??= { text: "", unquoted: new Set() };
      for (i++;; i++) {
        if (i >= command.length) return undefined;
        const d = command[i];
        if (d === '"') break;
        if (d === "$" || d === "`") return undefined;
        if (d === "\\" && i + 1 < command.length && '"\\$`\n'.includes(command[i + 1])) {
          i++;
          if (command[i] === "\n") continue;
        }
        push(command[i], false);
      }
    } else if (c === "\\") {
      if (i + 1 >= command.length) return undefined;
      i++;
      if (command[i] === "\n") continue;
      push(command[i], false);
    } else if (SHELL_OPERATORS.has(c) || (c === "#" && !cur)) {
      return undefined;
    } else {
      push(c, true);
    }
  }
  if (cur) words.push(cur);
  return words;
}

function toArg(w: Word): ScpArg {
  const tilde = w.unquoted.has(0) && w.text[0] === "~" && (w.text.length === 1 || w.text[1] === "/");
  const lastSlash = w.text.lastIndexOf("/");
  let glob = false;
  for (const i of w.unquoted) if (i > lastSlash && GLOB_CHARS.has(w.text[i])) glob = true;
  return { word: w.text, tilde, glob };
}

/**
 * Parse `command` as the remote side of a legacy scp transfer.
 * Returns `undefined` for anything else, so it can go to the shell.
 *
 * @example
 * ```ts
 * const inv = scpCommand("scp -r -p -t -- 'my dir'");
 * // { mode: "sink", recursive: true, preserve: true, targetMustBeDir: false, verbose: false,
 * //   args: [{ word: "my dir", tilde: false, glob: false }] }
 * scpCommand("ls -l"); // undefined
 * ```
 */
export function scpCommand(command: string): ScpInvocation | undefined {
  const words = shellWords(command);
  if (!words || words.length === 0 || words[0].text !== "scp" || words[0].unquoted.size !== 3) return undefined;
  const flags = new Set<string>();
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i].text;
    if (w === "--") {
      i++;
      break;
    }
    if (!w.startsWith("-") || w === "-") break;
    for (const letter of w.slice(1)) {
      if (!FLAG_LETTERS.has(letter)) return undefined;
      flags.add(letter);
    }
  }
  if (flags.has("t") === flags.has("f")) return undefined;
  return {
    mode: flags.has("t") ? "sink" : "source",
    recursive: flags.has("r"),
    preserve: flags.has("p"),
    targetMustBeDir: flags.has("d"),
    verbose: flags.has("v"),
    args: words.slice(i).map(toArg),
  };
}
