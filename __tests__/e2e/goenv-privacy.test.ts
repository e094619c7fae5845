// Private patterns set with `go env -w` (the GOENV file) together with the
// `private` input: the probe never offers those paths to a mirror, and the
// exported GOPRIVATE keeps both, as the real go command confirms.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../support/modules.js'
import { goTempDir, runGo } from '../support/go.js'
import { createRunnerContext, runActionStep } from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'

const FILE_PATTERN = 'github.com/my-org'
const INPUT_PATTERN = 'git.my-corp.test/My_Team'

let tree: ProxyTree
let mirror: Mirror

beforeAll(async () => {
  tree = buildProxyTree([
    { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.1.0'] },
    { path: 'example.test/Gamma-Z', versions: ['v0.3.0'] },
    { path: 'github.com/my-org/tool-x', versions: ['v1.2.0'] },
    { path: 'github.com/my-org/Lib_Y', versions: ['v0.2.0'] },
    { path: 'git.my-corp.test/My_Team/svc', versions: ['v1.0.0'] }
  ])
  // It proxies the checksum database, so `sumdb: auto` stays on loopback.
  mirror = await startMirror(tree, { sumdbSupported: 200 })
})

afterAll(async () => {
  await mirror.close()
  cleanupTempDirs()
})

describe('patterns from the GOENV file', () => {
  it('are merged with the private input, never probed, and go agrees', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    // The user's own `go env -w`, into the default location under HOME.
    const goenvOf = (extra: Record<string, string> = {}) => ({
      HOME: ctx.home,
      GOPROXY: 'off',
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '',
      ...extra
    })
    const w = await runGo(['env', '-w', `GOPRIVATE=${FILE_PATTERN}`], {
      env: goenvOf(),
      goenv: ''
    })
    expect(w.code).toBe(0)
    expect(
      readFileSync(join(ctx.home, '.config', 'go', 'env'), 'utf8')
    ).toContain(FILE_PATTERN)

    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: mirror.url,
        private: INPUT_PATTERN,
        cache: 'false',
        download: 'false'
      },
      env: { GOENV: '' }
    })
    expect(res.commands.filter((c) => c.command === 'error')).toEqual([])
    expect(res.code).toBe(0)

    const paths = mirror.requests.map((r) => r.path)
    // The probe did run on this project's public modules...
    expect(paths.some((p) => p.startsWith('/example.test/alpha/@v/'))).toBe(
      true
    )
    // ...and never on a private one.
    expect(
      paths.filter((p) => p.includes('my-org') || p.includes('my-corp'))
    ).toEqual([])

    const exported = res.env.GOPRIVATE.split(',')
    expect(exported).toEqual(
      expect.arrayContaining([INPUT_PATTERN, FILE_PATTERN])
    )
    const go = await runGo(['env', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB'], {
      env: goenvOf({ ...res.env }),
      goenv: ''
    })
    expect(go.code).toBe(0)
    expect(go.stdout.trim().split('\n')).toEqual([
      res.env.GOPRIVATE,
      res.env.GONOPROXY ?? res.env.GOPRIVATE,
      res.env.GONOSUMDB ?? res.env.GOPRIVATE
    ])
    // Nothing the job had was left out, so the check has nothing to say.
    const warnings = res.commands
      .filter((c) => c.command === 'warning')
      .map((c) => c.message)
    expect(warnings.filter((m) => /leaves out/.test(m))).toEqual([])
  })
})
