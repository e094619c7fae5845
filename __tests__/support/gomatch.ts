// Builds and runs gomatch/ (Go's own path.Match and x/mod's
// MatchPrefixPatterns) for differential tests of src/patterns.ts.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SHARED_GOCACHE } from './go.js'

const SRC = fileURLToPath(new URL('./gomatch', import.meta.url))
// Gitignored; the binary's name carries a hash of its sources, so an edit
// rebuilds it and an unchanged tree builds it once.
const BIN_DIR = join(SRC, '.bin')

export interface GoMatchQuestion {
  globs: string
  target: string
}

export interface GoMatchAnswer {
  /** module.MatchPrefixPatterns(globs, target) */
  match: boolean
  /** Per glob of globs.split(','): false where path.Match reports ErrBadPattern. */
  valid: boolean[]
  /** path.Match(globs, target): [matched, malformed]. */
  pathMatch: [boolean, boolean]
}

/**
 * The gomatch binary, built on first use. Building a tool may fetch
 * golang.org/x/mod from the module proxy (the go.sum pins it); nothing the
 * tests exercise goes past loopback.
 */
export function goMatchBinary(): string {
  const hash = createHash('sha256')
  for (const f of ['main.go', 'go.mod', 'go.sum']) {
    hash.update(readFileSync(join(SRC, f)))
  }
  const bin = join(BIN_DIR, `gomatch-${hash.digest('hex').slice(0, 12)}`)
  if (existsSync(bin)) return bin
  mkdirSync(BIN_DIR, { recursive: true })
  const tmp = `${bin}.${process.pid}.tmp`
  const res = spawnSync('go', ['build', '-o', tmp, '.'], {
    cwd: SRC,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/local/go/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? BIN_DIR,
      GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org,direct',
      GOMODCACHE: join(BIN_DIR, 'modcache'),
      GOCACHE: SHARED_GOCACHE,
      GOFLAGS: '-mod=mod -modcacherw',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      GOWORK: 'off'
    }
  })
  if (res.status !== 0) {
    throw new Error(`building gomatch failed: ${res.stderr || res.error}`)
  }
  // Concurrent test processes may build at once; rename is atomic.
  renameSync(tmp, bin)
  return bin
}

/** Asks Go about many (globs, target) pairs in one process run. */
export function askGo(questions: readonly GoMatchQuestion[]): GoMatchAnswer[] {
  const res = spawnSync(goMatchBinary(), {
    input: questions.map((q) => JSON.stringify(q)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
  if (res.status !== 0) throw new Error(`gomatch failed: ${res.stderr}`)
  const answers = res.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as GoMatchAnswer)
  if (answers.length !== questions.length) {
    throw new Error(`gomatch answered ${answers.length} of ${questions.length}`)
  }
  return answers
}
