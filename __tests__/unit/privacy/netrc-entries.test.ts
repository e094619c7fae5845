import { describe, expect, it } from '@jest/globals'
import { parseCredentials } from '../../../src/privacy/credentials.js'
import {
  gitNetrcWarnings,
  LIBCURL_MAX_LINE,
  netrcEntries
} from '../../../src/netrc-entries.js'

const machines = (raw: string, forGit: boolean, existing: string[] = []) =>
  netrcEntries(parseCredentials(raw), forGit, existing)

describe('netrcEntries', () => {
  it('adds the host without the port for git, which never matches host:port', () => {
    const r = machines('git.corp-1.test:8443=bob:tok-1', true)
    expect(r.entries.map((e) => [e.machine, e.login, e.token])).toEqual([
      ['git.corp-1.test:8443', 'bob', 'tok-1'],
      ['git.corp-1.test', 'bob', 'tok-1']
    ])
    expect(r.warnings).toEqual([])
  })

  it('adds nothing for a file only go reads, or for host-only and path machines', () => {
    expect(
      machines('git.corp.test:8443=tok-1', false).entries.map((e) => e.machine)
    ).toEqual(['git.corp.test:8443'])
    expect(
      machines('a.test=tok-1\nb.test/Team=tok-2', true).entries.map(
        (e) => e.machine
      )
    ).toEqual(['a.test', 'b.test/Team'])
  })

  it('never replaces another line or an existing entry for the bare host, and says which git uses', () => {
    const other = machines('g.test=tok-a\ng.test:8443=tok-b', true)
    expect(other.entries.map((e) => e.machine)).toEqual([
      'g.test',
      'g.test:8443'
    ])
    expect(other.warnings).toEqual([
      expect.stringMatching(
        /^credentials line 2 \(g\.test:8443\): git .* will send the credentials of line 1 to g\.test:8443; go uses line 2\.$/
      )
    ])
    const two = machines('g.test:8443=tok-b\ng.test:9443=tok-c', true)
    expect(two.entries.map((e) => e.machine)).toEqual([
      'g.test:8443',
      'g.test:9443',
      'g.test'
    ])
    expect(two.warnings[0]).toContain('credentials line 2 (g.test:9443)')
    expect(two.warnings[0]).toContain('the credentials of line 1')
    const existing = machines('g.test:8443=tok-b', true, ['g.test'])
    expect(existing.entries.map((e) => e.machine)).toEqual(['g.test:8443'])
    expect(existing.warnings[0]).toContain(
      'the entry for g.test that the netrc file already has'
    )
    expect(
      machines('g.test:8443=tok-b\ng.test:9443=tok-b', true).warnings
    ).toEqual([])
  })
})

describe('gitNetrcWarnings', () => {
  it('names git for a token starting with "#"', () => {
    const w = gitNetrcWarnings(parseCredentials('a.test=#tok-1\nb.test=t#ok'))
    expect(w).toHaveLength(1)
    expect(w[0]).toMatch(/^credentials line 1 \(a\.test\): .*"#".*git/)
    expect(w[0]).not.toContain('tok-1')
  })

  it('names git for a netrc line over the libcurl limit, not at it', () => {
    const fixed = 'machine a.test login x-access-token password '.length
    const at = 'T'.repeat(LIBCURL_MAX_LINE - fixed)
    expect(gitNetrcWarnings(parseCredentials(`a.test=${at}`))).toEqual([])
    const w = gitNetrcWarnings(parseCredentials(`a.test=${at}X`))
    expect(w).toHaveLength(1)
    expect(w[0]).toContain(`${LIBCURL_MAX_LINE + 1} characters`)
    expect(w[0]).not.toContain('TTTT')
  })
})
