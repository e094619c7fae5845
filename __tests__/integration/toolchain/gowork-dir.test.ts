// GOWORK naming a directory: go stats it (it exists, so it is not the
// not-yet-created file of `go work init`), fails to read it, and refuses to
// run, before any switch. The plan reports go's own error and fetches
// nothing, rather than falling back to go.mod's line.
import { afterAll, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { planToolchain } from '../../../src/toolchain/prepare.js'
import { runGo } from '../../support/go.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

it('GOWORK naming a directory: go refuses to run, and the plan says why', async () => {
  const root = tempDir('gowork-dir-')
  const mod = join(root, 'mod')
  const workDir = join(root, 'work')
  mkdirSync(mod)
  mkdirSync(workDir)
  writeFileSync(join(mod, 'go.mod'), 'module example.test/m\n\ngo 1.99\n')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: root,
    GOPROXY: 'off',
    GOMODCACHE: join(root, 'modcache'),
    GOFLAGS: '',
    GOENV: 'off',
    GOWORK: workDir
  }
  const g = await runGo(['version'], { cwd: mod, env, gotoolchain: 'auto' })
  expect(g.code).not.toBe(0)
  expect(g.stderr).not.toContain('downloading')
  const goError = g.stderr.trim().replace(/^go: /, '')

  const plan = await planToolchain({ ...env, GOTOOLCHAIN: 'auto' }, mod, '.')
  expect(plan.moduleVersion).toBeUndefined()
  expect(plan.report.note).toBe(`go will refuse to run: ${goError}`)
})
