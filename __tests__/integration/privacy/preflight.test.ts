import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCredentials } from '../../../src/privacy/credentials.js'
import { parseGoModRequires } from '../../../src/gomod/go-mod-files.js'
import {
  extraheaderWarnings,
  findExtraheaders,
  parseExtraheaders
} from '../../../src/privacy/git-extraheader.js'
import { boundedGet } from '../../../src/net/bounded-get.js'
import { lsRemote } from '../../../src/privacy/git-ls-remote.js'
import {
  classifyGitError,
  explain,
  insecureProxyWarnings,
  planPreflight,
  runPreflight
} from '../../../src/privacy/preflight.js'
import {
  silentListener,
  synDropListener,
  type SilentListener
} from '../../support/hostile-listeners.js'
import { closeServer } from '../../support/closers.js'

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

describe('network waits end by their deadline', () => {
  let silent: SilentListener
  let server: Server
  let base: string
  const seen: (string | undefined)[] = []
  beforeAll(async () => {
    silent = await silentListener()
    server = createServer((req, res) => {
      seen.push(req.headers.authorization)
      res.writeHead(200, { 'content-type': 'text/html' })
      if (req.url === '/stall-body') {
        res.write('<html><head>')
        return
      }
      // An endless body: the reader must stop at its cap.
      const more = () => {
        while (res.write(Buffer.alloc(65536, 'a')));
        res.once('drain', more)
      }
      more()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await Promise.all([closeServer(server), silent.close()])
  })

  it('a TLS handshake that never completes: the check fails by its deadline', async () => {
    const host = `127.0.0.1:${silent.port}`
    const creds = parseCredentials(`${host}=u:tok`)
    const plan = planPreflight(
      creds,
      [`https://${host}/go`],
      ['corp.example.test'],
      ['corp.example.test/Team-A/mod']
    )
    const t0 = Date.now()
    const [check] = await runPreflight(plan, creds, {}, 1500)
    expect(silent.accepted).toBeGreaterThan(0)
    expect(check).toMatchObject({ kind: 'proxy', outcome: 'error' })
    expect(check.message).toContain(
      `https://${host}/go/corp.example.test/!team-!a/mod/@v/list: no complete answer within 1.5 s`
    )
    expect(Date.now() - t0).toBeLessThan(1500 + 10_000)
  })

  it('a connect whose SYNs are dropped fails by the deadline', async () => {
    const drop = await synDropListener()
    try {
      const t0 = Date.now()
      await expect(
        boundedGet(`https://127.0.0.1:${drop.port}/go/@v/list`, {
          deadlineMs: 1500,
          maxBytes: 0
        })
      ).rejects.toThrow(/1500 ms|timeout/i)
      expect(Date.now() - t0).toBeLessThan(1500 + 10_000)
    } finally {
      await drop.close()
    }
  })

  it('a body that stops half-way fails by the deadline; an endless one is cut at the cap', async () => {
    await expect(
      boundedGet(`${base}/stall-body`, { deadlineMs: 1000, maxBytes: 1024 })
    ).rejects.toThrow(/within 1000 ms/)
    const endless = await boundedGet(`${base}/endless`, {
      deadlineMs: 10_000,
      maxBytes: 100_000
    })
    expect(endless).toMatchObject({ status: 200, truncated: true })
    expect(endless.body.length).toBe(100_000)
  })

  it('git ls-remote against a server that never answers is killed at the deadline', async () => {
    const t0 = Date.now()
    const r = await lsRemote(
      `https://127.0.0.1:${silent.port}/team-a/lib.git`,
      gitEnv(),
      1500
    )
    expect(r).toMatchObject({ code: null, timedOut: true })
    expect(Date.now() - t0).toBeLessThan(1500 + 10_000)
  })

  it('git ls-remote reads an option-shaped URL as a repository, not an option', async () => {
    // Without a repository argument git would use the origin of the current
    // directory; a local one runs --upload-pack through the shell.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ls-remote-'))
    const env = gitEnv()
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' })
    git('init', '-q', '--bare', 'origin.git')
    git('init', '-q', 'work')
    git('-C', 'work', 'remote', 'add', 'origin', path.join(dir, 'origin.git'))
    const marker = path.join(dir, 'marker')
    const cwd = process.cwd()
    process.chdir(path.join(dir, 'work'))
    const r = await lsRemote(`--upload-pack=touch ${marker};`, env, 10_000)
    process.chdir(cwd)
    expect(r.code).not.toBe(0)
    expect(existsSync(marker)).toBe(false)
  })
})

function gitEnv(): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(os.tmpdir(), 'git-home-'))
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1'
  }
}

describe('extraheader detection', () => {
  it('parses names only', () => {
    expect(
      parseExtraheaders(
        'file:.git/config\thttp.https://github.com/.extraheader\nfile:/etc/gitconfig\thttp.extraheader\n'
      )
    ).toEqual([
      { origin: 'file:.git/config', url: 'https://github.com/' },
      { origin: 'file:/etc/gitconfig', url: undefined }
    ])
  })

  it('finds what actions/checkout leaves and warns for a credential host only', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'xh-'))
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: { ...process.env, HOME: repo, GIT_CONFIG_NOSYSTEM: '1' }
      })
    git('init', '-q')
    git(
      'config',
      'http.https://github.com/.extraheader',
      'AUTHORIZATION: basic c2VjcmV0'
    )
    const home = process.env.HOME
    process.env.HOME = repo
    const found = await findExtraheaders(repo).finally(() => {
      process.env.HOME = home
    })
    expect(found).toEqual([
      { origin: 'file:.git/config', url: 'https://github.com/' }
    ])
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0')
    const warn = extraheaderWarnings(
      found,
      parseCredentials('github.com/acme=tok')
    )
    expect(warn).toHaveLength(1)
    expect(warn[0]).toMatch(/persist-credentials: false/)
    expect(
      extraheaderWarnings(found, parseCredentials('gitlab.com=tok'))
    ).toEqual([])
  })
})
