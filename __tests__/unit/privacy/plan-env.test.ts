import { afterAll, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCredentials } from '../../../src/privacy/credentials.js'
import { EnvPlan } from '../../../src/env/env-plan.js'
import { readPrivacyInputs } from '../../../src/inputs/privacy-inputs.js'
import {
  pathCredentialWarnings,
  planPrivacyEnv,
  uncoveredPrivateModules
} from '../../../src/privacy/plan-env.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(cleanupTempDirs)

function run(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  privateProxies: string[] = []
): { vars: Record<string, string>; r: ReturnType<typeof planPrivacyEnv> } {
  const privacy = readPrivacyInputs((n) => inputs[n] ?? '', env)
  const plan = new EnvPlan()
  const r = planPrivacyEnv(privacy, { privateProxies, env }, plan)
  return {
    vars: Object.fromEntries(plan.entries().map((e) => [e.name, e.value])),
    r
  }
}

describe('planPrivacyEnv', () => {
  it('exports only GOPRIVATE when go derives the rest', () => {
    const { vars, r } = run({ private: 'git.my-corp.test,*.int_x.test' })
    expect(vars).toEqual({
      GOPRIVATE: 'git.my-corp.test,*.int_x.test',
      GIT_TERMINAL_PROMPT: '0'
    })
    expect(r.routes).toEqual([
      {
        pattern: 'git.my-corp.test',
        fetch: 'direct',
        checksumDb: false,
        insecure: false
      },
      {
        pattern: '*.int_x.test',
        fetch: 'direct',
        checksumDb: false,
        insecure: false
      }
    ])
  })

  it('sends private modules through private-proxy with GONOPROXY=none', () => {
    const { vars, r } = run(
      { private: 'my-corp.test', 'private-proxy': 'https://p.test' },
      {},
      ['https://p.test']
    )
    expect(vars.GONOPROXY).toBe('none')
    expect(vars.GONOSUMDB).toBeUndefined()
    expect(r.routes[0]).toMatchObject({
      fetch: 'private-proxy',
      checksumDb: false
    })
  })

  it('keeps the private patterns in GONOSUMDB when no-sumdb adds some', () => {
    const { vars } = run({ private: 'my-corp.test', 'no-sumdb': 'other.test' })
    expect(vars.GONOSUMDB).toBe('other.test,my-corp.test')
  })

  it('overrides a GONOPROXY=none left in the job without a private proxy', () => {
    const { vars, r } = run({ private: 'my-corp.test' }, { GONOPROXY: 'none' })
    expect(vars.GONOPROXY).toBe('my-corp.test')
    expect(r.warnings.join()).toMatch(/GONOPROXY=none was set earlier/)
  })

  it('keeps GONOPROXY and GONOSUMDB from a go env -w file and adds the private patterns', () => {
    // Exported values replace the file's: without the merge, the file's
    // GONOPROXY would have kept the private input away from direct.
    const file = join(tempDir('goenv-'), 'env')
    writeFileSync(
      file,
      'GONOPROXY=github.com/my-org\nGONOSUMDB=github.com/My_Org\n'
    )
    const { vars } = run(
      { private: 'git.my-corp.test/Team-A' },
      { GOENV: file }
    )
    expect(vars.GONOPROXY).toBe('github.com/my-org,git.my-corp.test/Team-A')
    expect(vars.GONOSUMDB).toBe('github.com/My_Org,git.my-corp.test/Team-A')
  })

  it('overrides GONOSUMDB=none left in the job', () => {
    const { vars, r } = run({ private: 'my-corp.test' }, { GONOSUMDB: 'none' })
    expect(vars.GONOSUMDB).toBe('my-corp.test')
    expect(r.warnings.join()).toMatch(/checksum database/)
  })

  it('adds netrc to a GOAUTH without it, and warns about GOAUTH=off', () => {
    const creds = { credentials: 'a.test=tok' }
    expect(run(creds, { GOAUTH: 'git /w' }).vars.GOAUTH).toBe('git /w;netrc')
    expect(run(creds, { GOAUTH: 'netrc;git /w' }).vars.GOAUTH).toBeUndefined()
    const off = run(creds, { GOAUTH: 'off' })
    expect(off.vars.GOAUTH).toBeUndefined()
    expect(off.r.warnings.join()).toMatch(/GOAUTH=off/)
  })

  it('keeps an explicit GIT_TERMINAL_PROMPT and warns when it allows prompts', () => {
    const r = run({}, { GIT_TERMINAL_PROMPT: '1' })
    expect(r.vars.GIT_TERMINAL_PROMPT).toBeUndefined()
    expect(r.r.warnings.join()).toMatch(/GIT_TERMINAL_PROMPT=1/)
  })

  it('rewrites SSH remotes of credential hosts through GIT_CONFIG_*, extending an existing count', () => {
    const { vars, r } = run(
      { credentials: 'github.com/acme=tok\ngit.my-corp.test:8443=u:tok' },
      {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'core.x',
        GIT_CONFIG_VALUE_0: 'y'
      }
    )
    expect(vars).toMatchObject({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_1: 'url.https://github.com/acme/.insteadOf',
      GIT_CONFIG_VALUE_1: 'ssh://git@github.com/acme/',
      GIT_CONFIG_KEY_2: 'url.https://github.com/acme/.insteadOf',
      GIT_CONFIG_VALUE_2: 'git@github.com:acme/'
    })
    expect(r.warnings.join()).toMatch(/git.my-corp.test:8443 has a port/)
    const again = run(
      { credentials: 'github.com/acme=tok' },
      { ...vars, GIT_CONFIG_KEY_0: 'core.x', GIT_CONFIG_VALUE_0: 'y' }
    )
    expect(again.vars.GIT_CONFIG_COUNT).toBeUndefined()
  })

  it('does not rewrite when git-rewrite is false', () => {
    const { vars } = run({ credentials: 'a.test=tok', 'git-rewrite': 'false' })
    expect(vars.GIT_CONFIG_COUNT).toBeUndefined()
  })
})

describe('uncoveredPrivateModules', () => {
  it('names required modules on a credential host that no pattern covers', () => {
    const privacy = readPrivacyInputs(
      (n) =>
        ({
          private: 'git.my-corp.test/team',
          credentials: 'git.my-corp.test=tok'
        })[n] ?? '',
      {}
    )
    expect(
      uncoveredPrivateModules(privacy, [
        'git.my-corp.test/team/a',
        'git.my-corp.test/other/b',
        'golang.org/x/text'
      ])
    ).toEqual([
      { module: 'git.my-corp.test/other/b', machine: 'git.my-corp.test' }
    ])
  })
})

describe('pathCredentialWarnings', () => {
  it('warns once per host with a path, naming the host and lines, never the token', () => {
    const creds = parseCredentials(
      'git.my-corp.test/team=tok-a\ngit.my-corp.test/other=u:tok-b\nplain.test=tok-c\nproxy.test/go=tok-d\nproxy.test=tok-e'
    )
    const w = pathCredentialWarnings(creds)
    expect(w).toHaveLength(2)
    expect(w[0]).toMatch(/lines 1, 2 for git\.my-corp\.test include a path/)
    expect(w[0]).toMatch(/add a line for git\.my-corp\.test alone/)
    expect(w[1]).toMatch(/line 4 for proxy\.test includes a path/)
    expect(w[1]).toMatch(/host-level entry of line 5/)
    expect(w.join()).not.toMatch(/tok-/)
  })

  it('says nothing when every line is host-level', () => {
    expect(
      pathCredentialWarnings(parseCredentials('a.test=tok\nb.test:8443=tok'))
    ).toEqual([])
  })
})
