#!/usr/bin/env node
// Installs the pinned dependencies (Deno and Bun themselves come from npm) when
// node_modules is missing or older than package-lock.json, so that `npm start`
// and `npm test` work on a fresh checkout with nothing but Node and npm.
// It runs `npm install` with the committed lock rather than `npm ci`: the lock
// lacks Deno's other-platform optional packages (the registry here does not
// carry them), which `npm ci` refuses and `npm install` tolerates.
import { existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const marker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const bins = ["deno", "bun"].map((b) => join(root, "node_modules", ".bin", b));
const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs &&
  bins.every((b) => existsSync(b));
if (!fresh) {
  console.error("tsshd: installing pinned dependencies (npm install, from package-lock.json)…");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    console.error("tsshd: npm install failed");
    process.exit(r.status ?? 1);
  }
}
