// A toolchain named by GOTOOLCHAIN=<name>+path is taken from PATH only as
// exec.LookPath finds it: an executable file, never a directory of that
// name (such as an unpacked `go1.99.0/` SDK). The plan's verdict is checked
// against the real go, which under +path never downloads.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { planToolchain } from '../../../src/toolchain/prepare.js'
import { runGo } from '../../support/go.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

const NAME = 'go1.99.0'

const ENTRIES: [string, (file: string) => void][] = [
  ['a directory', (f) => mkdirSync(join(f, 'bin'), { recursive: true })],
  [
    'an executable file',
    (f) => writeFileSync(f, '#!/bin/sh\necho stand-in ran\n', { mode: 0o755 })
  ],
  [
    'a file that is not executable',
    (f) => writeFileSync(f, '#!/bin/sh\necho stand-in ran\n', { mode: 0o644 })
  ]
]

describe(`GOTOOLCHAIN=${NAME}+path with PATH holding ${NAME} as`, () => {
  it.each(ENTRIES)('%s: the plan agrees with go', async (_what, make) => {
    const root = tempDir('path-toolchain-')
    const sdk = join(root, 'sdk')
    mkdirSync(sdk)
    make(join(sdk, NAME))
    const mod = join(root, 'mod')
    mkdirSync(mod)
    writeFileSync(join(mod, 'go.mod'), 'module example.test/m\n\ngo 1.21\n')
    const env = {
      PATH: `${sdk}${delimiter}${process.env.PATH ?? ''}`,
      HOME: root,
      GOPROXY: 'off',
      GOMODCACHE: join(root, 'modcache'),
      GOFLAGS: '',
      GOENV: 'off'
    }
    const g = await runGo(['version'], {
      cwd: mod,
      env,
      gotoolchain: `${NAME}+path`
    })
    // Either go ran the file, or it said it found nothing to run.
    const goRuns = g.stdout.includes('stand-in ran')
    expect(goRuns || g.stderr.includes(`cannot find "${NAME}" in PATH`)).toBe(
      true
    )

    const plan = await planToolchain(
      { ...env, GOTOOLCHAIN: `${NAME}+path` },
      mod,
      '.'
    )
    expect(plan.report.note).toBe(
      goRuns
        ? `go runs ${NAME} from ${join(sdk, NAME)}.`
        : `GOTOOLCHAIN allows only PATH, which has no ${NAME}.`
    )
  })
})
