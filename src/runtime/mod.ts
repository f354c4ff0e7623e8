/**
 * The runtime layer's entry: detect Deno or Bun and load only that runtime's
 * implementation, plus the shared types.
 *
 * @module
 */
import type { Runtime } from "./types.ts";

export * from "./types.ts";
export { SpawnError } from "./node_common.ts";

/**
 * Load the {@link Runtime} for the JavaScript runtime this process runs on.
 * The other runtime's file is never imported. Throws on anything but Deno or
 * Bun.
 *
 * @example
 * ```ts
 * const rt = await detectRuntime();
 * console.log(rt.name); // "deno" or "bun"
 * ```
 */
export async function detectRuntime(): Promise<Runtime> {
  if ("Bun" in globalThis) {
    const { createBunRuntime } = await import("./bun.ts");
    return createBunRuntime();
  }
  if ("Deno" in globalThis) {
    const { createDenoRuntime } = await import("./deno.ts");
    return createDenoRuntime();
  }
  throw new Error("unsupported JavaScript runtime: tsshd runs on Deno or Bun");
}
