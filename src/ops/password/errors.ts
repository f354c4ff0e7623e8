/**
 * The one error type of the password-hash modules.
 *
 * @module
 */

/**
 * A hash string (or crypt(3) "setting") that cannot be used: unknown prefix,
 * bad parameter, bad salt or digest encoding, parameters too costly to run.
 * {@link verifyPassword} turns it into `false`; the hashing functions throw it.
 *
 * @example
 * ```ts
 * try {
 *   shaCrypt(password, "$6$rounds=12$salt");
 * } catch (e) {
 *   if (e instanceof MalformedHashError) console.error(e.message); // "rounds=12 is out of range 1000..999999999"
 * }
 * ```
 */
export class MalformedHashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedHashError";
  }
}
