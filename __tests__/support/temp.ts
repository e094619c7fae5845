// Temporary directories of one test process, all under one root so that a
// single afterAll(cleanupTempDirs) removes them (jest's sandboxed `process`
// does not run 'exit' listeners, so tests must call it).
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let root: string | undefined
const resetHooks: (() => void)[] = []

/** A fresh directory under this process's temp root. */
export function tempDir(prefix = 'tmp-'): string {
  root ??= mkdtempSync(join(tmpdir(), `setup-goproxy-test-${process.pid}-`))
  return mkdtempSync(join(root, prefix))
}

/** Runs when the temp root is removed (caches of paths under it). */
export function onTempCleanup(hook: () => void): void {
  resetHooks.push(hook)
}

/** rm -rf that also works on a module cache (whose directories are read-only). */
export function removeTree(dir: string): void {
  const makeWritable = (p: string) => {
    let st
    try {
      st = statSync(p)
    } catch {
      return
    }
    if (!st.isDirectory()) return
    chmodSync(p, 0o755)
    for (const e of readdirSync(p)) makeWritable(join(p, e))
  }
  makeWritable(dir)
  // A go process killed at a deadline may still be writing (telemetry, the
  // build cache) for a moment: retry rather than fail the cleanup.
  rmSync(dir, { recursive: true, force: true, maxRetries: 30, retryDelay: 100 })
}

/** Removes every directory made by tempDir (call from afterAll). */
export function cleanupTempDirs(): void {
  if (root) removeTree(root)
  root = undefined
  for (const hook of resetHooks) hook()
}
