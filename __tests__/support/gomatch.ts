// Builds and runs gomatch/ (Go's own path.Match and x/mod's
// MatchPrefixPatterns) for differential tests of src/patterns.ts.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { goHelperBinary } from './go-helper.js'

const SRC = fileURLToPath(new URL('./gomatch', import.meta.url))

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

export function goMatchBinary(): string {
  return goHelperBinary(SRC, 'gomatch')
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
