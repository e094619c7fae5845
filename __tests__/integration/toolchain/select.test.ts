// Which toolchain go switches to (src/toolchain: local-go + select) against
// the real go command. With GOPROXY=off go cannot download anything, but it
// says what it tried: `go: downloading go1.X.Y (os/arch)` for a switch that
// downloads, `cannot find "go1.X.Y" in PATH` for GOTOOLCHAIN=path forms, its
// own version when it stays local, an error when the setting is invalid.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspectLocalGo } from '../../../src/toolchain/local-go.js'
import { selectToolchain } from '../../../src/toolchain/select.js'
import { runGo } from '../../support/go.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

// undefined: not in the environment; '': set but empty, which go treats as unset.
const GOTOOLCHAINS = [
  undefined,
  '',
  'auto',
  'path',
  'local',
  'go1.99.0',
  'go1.99.0+auto',
  'go1.99.0+path',
  'local+auto',
  'local+path',
  'go1.21+auto',
  'go1.20.1+auto',
  'go1.30rc1+auto',
  'go1.28.0-custom+auto',
  'bogus',
  'go1.99.0+bogus',
  'auto+auto'
]
const GOENV_FILES = [
  undefined,
  'GOTOOLCHAIN=auto\n',
  'GOTOOLCHAIN=go1.31.2+auto\n# a comment\n',
  'GOTOOLCHAIN=path\nGOTOOLCHAIN=local\n',
  'GOTOOLCHAIN=\n',
  'GOTOOLCHAIN=auto\r\n',
  ' GOTOOLCHAIN=auto\n'
]
const GO_LINES = [
  undefined,
  'go 1.20',
  'go 1.21',
  'go 1.22',
  'go 1.26.8',
  'go 1.27',
  'go 1.30rc1',
  'go 1.99.0 // comment',
  'go\t1.99',
  'go 1.27.0-custom'
]
const TOOLCHAIN_LINES = [
  undefined,
  'toolchain go1.99.0',
  'toolchain go1.30.1',
  'toolchain go1.26.8',
  'toolchain default',
  'toolchain go1.27rc2',
  'toolchain bogus',
  'toolchain go1.28.0-custom',
  'toolchain go1.21'
]
const MODULE_MODES = [undefined, 'on', 'off', 'auto']

function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s / 0x80000000
  }
}
const pick = <T>(r: () => number, a: T[]): T => a[Math.floor(r() * a.length)]

type Observed =
  | { kind: 'local' }
  | { kind: 'switch'; toolchain: string; pathOnly: boolean }
  | { kind: 'invalid' }

function observe(
  stdout: string,
  stderr: string,
  code: number | null
): Observed {
  const dl = /^go: downloading (\S+) \(/m.exec(stderr)
  if (dl) return { kind: 'switch', toolchain: dl[1], pathOnly: false }
  const path = /^go: cannot find "(\S+)" in PATH/m.exec(stderr)
  if (path) return { kind: 'switch', toolchain: path[1], pathOnly: true }
  if (code === 0 && /^go version go1\.26\.8 /.test(stdout))
    return { kind: 'local' }
  return { kind: 'invalid' }
}

describe('toolchain selection', () => {
  it('predicts what the real go switches to, over GOTOOLCHAIN, GOENV files, go.mod and go.work lines', async () => {
    const r = random(1129)
    const mismatches: string[] = []
    for (let i = 0; i < 160; i++) {
      const root = tempDir('select-')
      const mod = join(root, 'My-Project_x')
      const sub = join(mod, 'cmd', 'Tool')
      mkdirSync(sub, { recursive: true })
      const goLine = pick(r, GO_LINES)
      const tcLine = pick(r, TOOLCHAIN_LINES)
      writeFileSync(
        join(mod, 'go.mod'),
        ['module example.test/My-Project_x', '', goLine, tcLine]
          .filter((l) => l !== undefined)
          .join('\n') + '\n'
      )
      const work = r() < 0.3
      if (work)
        writeFileSync(
          join(root, 'go.work'),
          ['go 1.21', pick(r, TOOLCHAIN_LINES), 'use ./My-Project_x']
            .filter((l) => l !== undefined)
            .join('\n') + '\n'
        )
      const goenvText = pick(r, GOENV_FILES)
      const goenvFile = join(root, 'goenv')
      if (goenvText !== undefined) writeFileSync(goenvFile, goenvText)
      const gotoolchain = pick(r, GOTOOLCHAINS)
      const mode = pick(r, MODULE_MODES)
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: root,
        GOPROXY: 'off',
        GOMODCACHE: join(root, 'modcache'),
        GOFLAGS: '',
        GOENV: goenvText === undefined ? 'off' : goenvFile
      }
      if (mode !== undefined) env.GO111MODULE = mode
      // -modfile must not change which go.mod the switch reads.
      if (r() < 0.2) {
        writeFileSync(
          join(mod, 'alt.mod'),
          'module example.test/alt\n\ngo 1.98.0\n'
        )
        env.GOFLAGS = `-modfile=${join(mod, 'alt.mod')}`
      }
      if (work && r() < 0.3) env.GOWORK = 'off'
      const cwd = r() < 0.5 ? mod : sub
      const local = await inspectLocalGo(
        { ...env, GOTOOLCHAIN: gotoolchain },
        cwd
      )
      if ('error' in local) throw new Error(local.error)
      const d = selectToolchain(local.select)
      const ours: Observed =
        d.kind === 'switch'
          ? { kind: 'switch', toolchain: d.toolchain, pathOnly: d.pathOnly }
          : { kind: d.kind }
      const g = await runGo(['version'], {
        cwd,
        env,
        gotoolchain: gotoolchain ?? '',
        goenv: env.GOENV
      })
      const theirs = observe(g.stdout, g.stderr, g.code)
      if (JSON.stringify(ours) !== JSON.stringify(theirs))
        mismatches.push(
          JSON.stringify({
            gotoolchain,
            goenvText,
            goLine,
            tcLine,
            work,
            mode,
            gowork: env.GOWORK,
            goflags: env.GOFLAGS,
            cwd: cwd === sub,
            ours,
            theirs,
            stderr: g.stderr
          })
        )
    }
    expect(mismatches).toEqual([])
  }, 300_000)
})
