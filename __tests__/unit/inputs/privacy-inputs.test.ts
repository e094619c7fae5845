import { describe, expect, it } from '@jest/globals'
import {
  isPrivateModule,
  parsePatterns
} from '../../../src/privacy/patterns.js'
import {
  parseSumdb,
  readPrivacyInputs
} from '../../../src/inputs/privacy-inputs.js'

const getter =
  (inputs: Record<string, string>) =>
  (name: string): string =>
    inputs[name] ?? ''

describe('parsePatterns', () => {
  it('normalizes: trims, splits on commas and newlines, drops one trailing slash and duplicates', () => {
    expect(
      parsePatterns(
        'private',
        ' example.com/my-org/ ,\n*.my-corp.example.com\nexample.com/my-org'
      )
    ).toEqual(['example.com/my-org', '*.my-corp.example.com'])
  })

  it('keeps the "none" idiom and escaped globs', () => {
    expect(parsePatterns('no-proxy', 'none')).toEqual(['none'])
    expect(parsePatterns('private', 'example.com/a\\*b')).toEqual([
      'example.com/a\\*b'
    ])
  })

  it.each([
    ['github.com/[', 'not a valid glob'],
    ['git.my-corp.com/[a-', 'not a valid glob'],
    ['github.com/org\\', 'not a valid glob'],
    ['github.com/my-org//', 'empty path element'],
    ['a//b', 'empty path element'],
    ['/abs', 'must not start'],
    ['https://github.com/org', 'is a URL'],
    ['example.com/a;b', 'semicolon']
  ])('rejects %s naming input and value', (p, why) => {
    expect(() => parsePatterns('private', p)).toThrow(
      new RegExp(
        `Input "private": pattern "${p.replace(/[\\[\]*/]/g, '\\$&')}" .*${why}`
      )
    )
  })
})

describe('isPrivateModule', () => {
  const privacy = {
    private: ['*.my-corp.example.com'],
    noProxy: ['none'],
    noSumdb: ['github.com/Acme_Inc']
  }
  it.each([
    ['git.my-corp.example.com/team/repo', true],
    ['my-corp.example.com/x', false],
    ['github.com/Acme_Inc/tool-x/v2', true],
    ['github.com/Acme_Inc-2/tool', false],
    ['github.com/acme_inc/tool', false],
    ['golang.org/x/text', false],
    ['none', true]
  ])('%s -> %s', (path, want) => {
    expect(isPrivateModule(privacy, path)).toBe(want)
  })
})

describe('readPrivacyInputs', () => {
  it('folds in patterns the job already exported and reads defaults', () => {
    const p = readPrivacyInputs(
      getter({
        private: 'example.com/org',
        sumdb: 'auto',
        'git-rewrite': 'auto'
      }),
      { GOPRIVATE: 'git.corp.test,example.com/org', GONOSUMDB: 'x.test' }
    )
    expect(p.private).toEqual(['example.com/org', 'git.corp.test'])
    expect(p.noSumdb).toEqual(['x.test'])
    expect(p.fromJob).toEqual({
      noProxy: false,
      noSumdb: true,
      insecure: false
    })
    expect(p.noProxy).toEqual([])
    expect(p.sumdb).toEqual({ mode: 'auto' })
    expect(p.gitRewrite).toBe(false)
    expect(p.credentials).toEqual([])
  })

  it('turns git-rewrite on by default when credentials are given', () => {
    const p = readPrivacyInputs(
      getter({ credentials: 'git.corp.test=tok123', 'git-rewrite': 'auto' }),
      {}
    )
    expect(p.gitRewrite).toBe(true)
    const off = readPrivacyInputs(
      getter({ credentials: 'git.corp.test=tok123', 'git-rewrite': 'false' }),
      {}
    )
    expect(off.gitRewrite).toBe(false)
  })

  it('merges the input with the job value for no-proxy', () => {
    const p = readPrivacyInputs(
      getter({ 'no-proxy': 'none', 'private-proxy': 'https://p.test' }),
      { GONOPROXY: 'a-b.test' }
    )
    expect(p.noProxy).toEqual(['none', 'a-b.test'])
    expect(p.fromJob.noProxy).toBe(false)
  })

  const FILE = '/home/runner/.config/go/env'
  const goenvFile = (values: Record<string, string>) => ({ path: FILE, values })

  it('merges patterns set with go env -w (the GOENV file) with the inputs', () => {
    const p = readPrivacyInputs(
      getter({
        private: 'git.my-corp.test/My_Team',
        'no-sumdb': 'sum-skip.test',
        insecure: '*.lan-a.test'
      }),
      {},
      goenvFile({
        GOPRIVATE: 'github.com/my-org',
        GONOSUMDB: 'github.com/Other_Org',
        GOINSECURE: '*.lan-b.test'
      })
    )
    expect(p.private).toEqual(['git.my-corp.test/My_Team', 'github.com/my-org'])
    expect(p.noSumdb).toEqual(['sum-skip.test', 'github.com/Other_Org'])
    expect(p.insecure).toEqual(['*.lan-a.test', '*.lan-b.test'])
    expect(p.fromJob).toEqual({
      noProxy: false,
      noSumdb: false,
      insecure: false
    })
    expect(isPrivateModule(p, 'github.com/my-org/tool-x')).toBe(true)
  })

  it('reads the GOENV file only where the environment is empty, as go does', () => {
    const p = readPrivacyInputs(
      getter({}),
      { GOPRIVATE: 'env-org.test', GONOPROXY: '' },
      goenvFile({ GOPRIVATE: 'file-org.test', GONOPROXY: 'file-direct.test' })
    )
    expect(p.private).toEqual(['env-org.test'])
    expect(p.noProxy).toEqual(['file-direct.test'])
    expect(p.fromJob.noProxy).toBe(true)
  })

  it('names the GOENV file when a pattern there is malformed', () => {
    expect(() =>
      readPrivacyInputs(getter({}), {}, goenvFile({ GONOSUMDB: 'x.test/[' }))
    ).toThrow(`GONOSUMDB (set in the GOENV file ${FILE})`)
  })

  it('does not blame the input for a "none" that came from the job', () => {
    const p = readPrivacyInputs(
      getter({ private: 'a.test', 'no-proxy': 'b.test' }),
      { GONOPROXY: 'none' }
    )
    expect(p.noProxy).toEqual(['b.test', 'none'])
  })

  it('refuses no-proxy "none" without a private proxy', () => {
    expect(() =>
      readPrivacyInputs(getter({ private: 'a.test', 'no-proxy': 'none' }), {})
    ).toThrow(/Input "no-proxy".*private-proxy is empty/)
  })

  it('names a malformed pattern inherited from the job', () => {
    expect(() =>
      readPrivacyInputs(getter({}), { GOPRIVATE: 'a.test/[' })
    ).toThrow(/GOPRIVATE \(set earlier in the job\)/)
  })
})

describe('parseSumdb', () => {
  it.each([
    ['', { mode: 'auto' }],
    ['AUTO', { mode: 'auto' }],
    ['off', { mode: 'fixed', value: 'off' }],
    ['sum.golang.google.cn', { mode: 'fixed', value: 'sum.golang.google.cn' }],
    [
      'sum.golang.org https://sum.golang.google.cn',
      { mode: 'fixed', value: 'sum.golang.org https://sum.golang.google.cn' }
    ],
    [
      'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
      {
        mode: 'fixed',
        value:
          'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8'
      }
    ]
  ])('accepts %p', (raw, want) => {
    expect(parseSumdb(raw)).toEqual(want)
  })

  it.each([
    ['a b c', 'too many fields'],
    ['sum.golang.org+zz', 'NAME\\+HASH\\+KEY'],
    ['sum.golang.org ftp://x', 'not an http'],
    ['sum.golang.org https://u:p@x', 'not an http'],
    ['bad!name', 'NAME\\+HASH\\+KEY']
  ])('rejects %p', (raw, why) => {
    expect(() => parseSumdb(raw)).toThrow(new RegExp(`Input "sumdb".*${why}`))
  })
})
