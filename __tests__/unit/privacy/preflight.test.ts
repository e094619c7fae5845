import { describe, expect, it } from '@jest/globals'
import { parseCredentials } from '../../../src/privacy/credentials.js'
import { parseGoModRequires } from '../../../src/gomod/go-mod-files.js'
import {
  classifyGitError,
  explain,
  fromStatus,
  insecureProxyWarnings,
  planPreflight,
  withFailureKind,
  type PreflightCheck
} from '../../../src/privacy/preflight-plan.js'

describe('parseGoModRequires', () => {
  it('reads single and block requires, ignoring comments', () => {
    const gomod = [
      'module example.com/app',
      'require example.com/one v1.0.0 // indirect',
      'require (',
      '\tgit.corp.test/team/lib v0.1.0',
      '\t"golang.org/x/text" v0.3.0',
      '\t// example.com/commented v1.0.0',
      ')',
      'replace example.com/one => ../one'
    ].join('\n')
    expect(parseGoModRequires(gomod)).toEqual([
      'example.com/one',
      'git.corp.test/team/lib',
      'golang.org/x/text'
    ])
  })
})

describe('planPreflight', () => {
  const creds = parseCredentials(
    [
      'proxy.example.test:8443=u:tok1',
      'git.corp-example.test=tok2',
      'idle.example.test=tok3',
      'plain.example.test=u:tok4',
      'portless.example.test=u:tok5'
    ].join('\n')
  )
  const plan = planPreflight(
    creds,
    [
      'https://proxy.example.test:8443/go',
      'http://plain.example.test:8080',
      'https://portless.example.test:9443'
    ],
    ['corp.example.test', 'git.*'],
    [
      'golang.org/x/text',
      'corp.example.test/Secret_Team/mod',
      'git.corp-example.test/team-a/lib'
    ]
  )

  it('checks a private proxy with @v/list and a git host with its repository', () => {
    expect(plan.slice(0, 3).map((p) => [p.kind, p.module, p.target])).toEqual([
      [
        'proxy',
        'corp.example.test/Secret_Team/mod',
        'https://proxy.example.test:8443/go/corp.example.test/!secret_!team/mod/@v/list'
      ],
      ['git', 'git.corp-example.test/team-a/lib', undefined],
      ['skipped', undefined, undefined]
    ])
  })

  it('uses a credential only where go would send it: https, same host and port', () => {
    // go sends nothing over http, and looks up host:port, not the host alone.
    expect(plan.slice(3).map((p) => [p.cred.machine, p.kind, p.proxy])).toEqual(
      [
        ['plain.example.test', 'skipped', undefined],
        ['portless.example.test', 'skipped', undefined]
      ]
    )
  })

  it('warns about a plain-http private proxy on a credential host, naming both, never the token', () => {
    const w = insecureProxyWarnings(creds, [
      'https://proxy.example.test:8443/go',
      'http://plain.example.test:8080'
    ])
    expect(w).toHaveLength(1)
    expect(w[0]).toContain('private-proxy http://plain.example.test:8080')
    expect(w[0]).toContain('plain.example.test (credentials line 4)')
    expect(w[0]).toMatch(/go never sends credentials over http/)
    expect(w[0]).not.toMatch(/t4/)
  })
})

describe('explain', () => {
  const [cred] = parseCredentials('proxy.example.test:8443=u:wrongtoken')
  const item = {
    cred,
    kind: 'proxy' as const,
    module: 'corp.example.test/Secret_Team/mod'
  }
  it('names host, line and module, never the token', () => {
    const forbidden = explain(item, 'forbidden')
    expect(forbidden).toContain('proxy.example.test:8443 (credentials line 1)')
    expect(forbidden).toMatch(/scope|SSO/)
    // A private proxy's 404 sends the private path on to the public mirrors.
    const missing = explain(item, 'not-found', 'HTTP 404')
    expect(missing).toContain('corp.example.test/Secret_Team/mod')
    expect(missing).toMatch(/HTTP 404/)
    expect(missing).toMatch(/public mirrors/)
    expect(missing).toMatch(/should answer 403/)
    for (const m of [forbidden, missing]) expect(m).not.toContain('wrongtoken')
  })
})

describe('classifyGitError', () => {
  it.each([
    ["fatal: Authentication failed for 'https://h/r/'", 'unauthorized'],
    [
      'fatal: could not read Username for https://h: terminal prompts disabled',
      'unauthorized'
    ],
    [
      "fatal: unable to access 'https://h/r/': The requested URL returned error: 403",
      'forbidden'
    ],
    [
      "remote: Repository not found.\nfatal: repository 'https://h/r/' not found",
      'not-found'
    ],
    ['fatal: unable to access: Could not resolve host: h', 'error']
  ])('%s -> %s', (stderr, want) => {
    expect(classifyGitError(stderr)).toBe(want)
  })
})

describe('fromStatus', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [410, 'not-found'],
    [429, 'error'],
    [302, 'error'],
    [500, 'error']
  ] as const)('%i -> %s', (status, want) => {
    expect(fromStatus(status)).toBe(want)
  })
})

describe('withFailureKind', () => {
  const check = (outcome: PreflightCheck['outcome']): PreflightCheck => ({
    machine: 'h.test',
    line: 1,
    kind: 'proxy',
    outcome,
    message: ''
  })

  it.each([
    ['unauthorized', 'auth'],
    ['forbidden', 'auth'],
    ['not-found', 'missing'],
    ['error', 'other']
  ] as const)('names a %s check %s', (outcome, kind) => {
    expect(withFailureKind(check(outcome)).failure).toBe(kind)
  })

  it('names no failure for a check that passed or was not made', () => {
    expect(withFailureKind(check('ok'))).toEqual(check('ok'))
    expect(withFailureKind(check('skipped'))).toEqual(check('skipped'))
  })
})
