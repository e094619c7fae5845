// Small Go programs the tests use (checksum database, version oracle), each
// in its own directory here, built once into .tmp/ and rebuilt when their
// sources change. Their dependencies come from the Go module proxy, pinned
// and verified by the committed go.sum: they are tools, not test subjects.
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runGo } from './go.js'

// Benches run this file compiled elsewhere and say where the sources are.
const REPO_ROOT =
  process.env.BENCH_REPO_ROOT ??
  fileURLToPath(new URL('../..', import.meta.url))

export async function buildGoTool(name: string): Promise<string> {
  const source = join(REPO_ROOT, '__tests__', 'support', name)
  const binary = join(REPO_ROOT, '.tmp', name)
  const newest = Math.max(
    ...readdirSync(source).map((f) => statSync(join(source, f)).mtimeMs)
  )
  if (existsSync(binary) && statSync(binary).mtimeMs >= newest) return binary
  // Built beside its place and renamed: test processes may build at once.
  const out = `${binary}.${process.pid}`
  const r = await runGo(['build', '-o', out, '.'], {
    cwd: source,
    env: {
      GOPROXY: 'https://proxy.golang.org',
      GOMODCACHE: join(REPO_ROOT, '.tmp', 'tools-gomodcache'),
      GOFLAGS: '-mod=readonly -modcacherw',
      GOSUMDB: 'sum.golang.org'
    },
    timeoutMs: 300_000
  })
  if (r.code !== 0) throw new Error(`building ${name}: ${r.stderr}`)
  renameSync(out, binary)
  return binary
}
