// Go helper programs of the tests (gomatch, sumdb-server), built once per
// version of their sources. Building one may fetch its dependencies from the
// module proxy (its go.sum pins them); nothing the tests exercise goes past
// loopback.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SHARED_GOCACHE } from './go.js'

// Gitignored; a binary's name carries a hash of its sources, so an edit
// rebuilds it and an unchanged tree builds it once.
const TMP = fileURLToPath(new URL('../../.tmp', import.meta.url))

/** The binary built from the Go module in `src` (main.go, go.mod, go.sum). */
export function goHelperBinary(src: string, name: string): string {
  const hash = createHash('sha256')
  for (const f of ['main.go', 'go.mod', 'go.sum'])
    hash.update(readFileSync(join(src, f)))
  const bin = join(TMP, 'bin', `${name}-${hash.digest('hex').slice(0, 12)}`)
  if (existsSync(bin)) return bin
  mkdirSync(join(TMP, 'bin'), { recursive: true })
  const tmp = `${bin}.${process.pid}.tmp`
  const res = spawnSync('go', ['build', '-o', tmp, '.'], {
    cwd: src,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/local/go/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? TMP,
      GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct',
      GOMODCACHE: join(TMP, 'gomodcache'),
      GOCACHE: SHARED_GOCACHE,
      GOFLAGS: '-mod=mod -modcacherw',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      GOWORK: 'off'
    }
  })
  if (res.status !== 0)
    throw new Error(`building ${name} failed: ${res.stderr || res.error}`)
  // Concurrent test processes may build at once; rename is atomic.
  renameSync(tmp, bin)
  return bin
}
