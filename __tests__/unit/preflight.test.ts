import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCredentials } from '../../src/credentials.js'
import { parseGoModRequires } from '../../src/go-mod-files.js'
import {
  extraheaderWarnings,
  findExtraheaders,
  parseExtraheaders
} from '../../src/git-extraheader.js'
import {
  classifyGitError,
  planPreflight,
  runPreflight
} from '../../src/preflight.js'

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
  it('checks a private proxy with @v/list and a git host with its repository', () => {
    const creds = parseCredentials(
      'proxy.test:8443=u:tok\ngit.corp.test=tok\nidle.test=tok'
    )
    const plan = planPreflight(
      creds,
      ['https://proxy.test:8443/go'],
      ['corp.test', 'git.corp.test'],
      ['golang.org/x/text', 'corp.test/Secret/mod', 'git.corp.test/team/lib']
    )
    expect(plan.map((p) => [p.kind, p.module, p.target])).toEqual([
      [
        'proxy',
        'corp.test/Secret/mod',
        'https://proxy.test:8443/go/corp.test/!secret/mod/@v/list'
      ],
      ['git', 'git.corp.test/team/lib', undefined],
      ['skipped', undefined, undefined]
    ])
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

describe('runPreflight against a proxy', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      const auth = req.headers.authorization ?? ''
      const want = 'Basic ' + Buffer.from('u:good').toString('base64')
      res.statusCode =
        auth === want
          ? req.url?.includes('missing')
            ? 404
            : 200
          : auth === ''
            ? 401
            : 403
      res.end('v1.0.0\n')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => {
    server.close()
  })

  it('turns statuses into messages naming host, line and module, never the token', async () => {
    const host = base.slice('http://'.length)
    const run = async (secret: string, mod: string) => {
      const creds = parseCredentials(`${host}=u:${secret}`)
      const plan = planPreflight(creds, [base], ['corp.test'], [mod])
      return (await runPreflight(plan, {}, 5000))[0]
    }
    const ok = await run('good', 'corp.test/a')
    expect(ok).toMatchObject({
      outcome: 'ok',
      status: 200,
      module: 'corp.test/a'
    })
    const bad = await run('wrongtoken', 'corp.test/a')
    expect(bad.outcome).toBe('forbidden')
    expect(bad.message).toContain(`${host} (credentials line 1)`)
    expect(bad.message).toMatch(/scope|SSO/)
    expect(JSON.stringify(bad)).not.toContain('wrongtoken')
    const missing = await run('good', 'corp.test/missing')
    expect(missing.outcome).toBe('not-found')
    // A private proxy's 404 sends the private path on to the public mirrors.
    expect(missing.message).toContain('corp.test/missing')
    expect(missing.message).toMatch(/HTTP 404/)
    expect(missing.message).toMatch(/public mirrors/)
    expect(missing.message).toMatch(/should answer 403/)
  })
})

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
