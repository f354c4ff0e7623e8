/**
 * KEX methods by SSH name, and the default server preference order.
 *
 * @module
 */
import type { KexMethod } from "./method.ts";
import { curve25519Kex } from "./curve25519.ts";

const METHODS: ReadonlyMap<string, KexMethod> = new Map([
  ["curve25519-sha256", curve25519Kex("curve25519-sha256")],
  ["curve25519-sha256@libssh.org", curve25519Kex("curve25519-sha256@libssh.org")],
]);

/** Default KEX preference, strongest first. */
export const DEFAULT_KEX: readonly string[] = ["curve25519-sha256", "curve25519-sha256@libssh.org"];

/** The method for `name`, or undefined. */
export function kexMethod(name: string): KexMethod | undefined {
  return METHODS.get(name);
}

/** Every KEX name this build implements. */
export function supportedKex(): string[] {
  return [...METHODS.keys()];
}
