import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCredentials } from '../../../src/privacy/credentials.js'
import {
  extraheaderWarnings,
  findExtraheaders,
  parseExtraheaders
} from '../../../src/privacy/git-extraheader.js'
import { boundedGet } from '../../../src/net/bounded-get.js'
import { lsRemote } from '../../../src/privacy/git-ls-remote.js'
import { planPreflight } from '../../../src/privacy/preflight-plan.js'
import { runPreflight } from '../../../src/privacy/preflight.js'
import {
  silentListener,
  synDropListener,
  type SilentListener
} from '../../support/hostile-listeners.js'
import { closeServer } from '../../support/closers.js'

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
        'file:.git/config\thttp.https://git.my-org.test/.extraheader\nfile:/etc/gitconfig\thttp.extraheader\n'
      )
    ).toEqual([
      { origin: 'file:.git/config', url: 'https://git.my-org.test/' },
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
      'http.https://git.my-org.test/.extraheader',
      'AUTHORIZATION: basic c2VjcmV0'
    )
    const home = process.env.HOME
    process.env.HOME = repo
    const found = await findExtraheaders(repo).finally(() => {
      process.env.HOME = home
    })
    expect(found).toEqual([
      { origin: 'file:.git/config', url: 'https://git.my-org.test/' }
    ])
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0')
    const warn = extraheaderWarnings(
      found,
      parseCredentials('git.my-org.test/acme=tok')
    )
    expect(warn).toHaveLength(1)
    expect(warn[0]).toMatch(/persist-credentials: false/)
    expect(
      extraheaderWarnings(found, parseCredentials('gitlab.my-org.test=tok'))
    ).toEqual([])
  })
})
