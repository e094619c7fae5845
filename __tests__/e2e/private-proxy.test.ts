// A private module served only by an HTTPS private proxy that demands basic
// auth, fetched by real go with the env and netrc the action wrote; a
// recording public mirror proves no private path reached it; every channel
// the runner keeps is searched for the secret; ~/.netrc is byte-identical
// after post.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  channelsContaining,
  createRunnerContext,
  newRunnerTemp,
  runActionStep,
  type RunnerContext,
  type StepResult
} from '../support/run-action.js'
import { goTempDir, runGo } from '../support/go.js'
import { cleanupTempDirs } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const PRIVATE = 'corp.test/secret/lib'
const LOGIN = 'ci-bot'
const SECRET = 'pRiV4te-T0ken_9f3a'
const B64 = Buffer.from(`${LOGIN}:${SECRET}`).toString('base64')

const publicTree = buildProxyTree()
const privateTree = buildProxyTree([{ path: PRIVATE, versions: ['v1.0.0'] }])
const allTree = buildProxyTree([
  { path: 'example.test/alpha', versions: ['v1.2.0'] },
  { path: PRIVATE, versions: ['v1.0.0'] }
])
const certs = testCertificates()
let pub: Mirror
let priv: Mirror
const authorized: string[] = []

beforeAll(async () => {
  pub = await startMirror(publicTree, { sumdbSupported: 200 })
  priv = await startMirror(privateTree, {
    tls: true,
    onRequest: (ctx) => {
      if (ctx.req.headers.authorization !== `Basic ${B64}`) {
        ctx.send(401, 'unauthorized\n')
        return true
      }
      authorized.push(ctx.path)
      return false
    }
  })
})

afterAll(async () => {
  await Promise.all([pub.close(), priv.close()])
  cleanupTempDirs()
})

function inputs(): Record<string, string> {
  return {
    mirrors: pub.url,
    'private-proxy': priv.url,
    private: 'corp.test',
    credentials: `${priv.host}:${priv.port}=${LOGIN}:${SECRET}`,
    cache: 'false',
    download: 'false',
    summary: 'true'
  }
}

const baseEnv = { NODE_EXTRA_CA_CERTS: certs.caCertPath }

const leaks = (r: StepResult): string[] => channelsContaining(r, [SECRET, B64])

async function goDownload(ctx: RunnerContext, env: Record<string, string>) {
  return runGo(['mod', 'download', '-x', PRIVATE], {
    cwd: ctx.workspace,
    env: {
      ...env,
      HOME: ctx.home,
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-mod=mod',
      SSL_CERT_FILE: certs.caCertPath
    }
  })
}

async function job(before: string | undefined, runs: 1 | 2) {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, allTree)
  const netrc = join(ctx.home, '.netrc')
  if (before !== undefined) writeFileSync(netrc, before, { mode: 0o600 })
  const runnerTemp = newRunnerTemp(ctx)
  const mains: StepResult[] = []
  let env: Record<string, string> = { ...baseEnv }
  for (let i = 0; i < runs; i++) {
    const m = await runActionStep({
      context: ctx,
      runnerTemp,
      inputs: inputs(),
      env,
      dist: process.env.SETUP_GOPROXY_DIST
    })
    mains.push(m)
    env = { ...env, ...m.env }
  }
  const during = readFileSync(netrc, 'utf8')
  const go = await goDownload(ctx, env)
  const posts: StepResult[] = []
  for (const m of [...mains].reverse()) {
    posts.push(
      await runActionStep({
        entry: 'post',
        context: ctx,
        runnerTemp,
        inputs: inputs(),
        env,
        state: m.state
      })
    )
  }
  const after = existsSync(netrc) ? readFileSync(netrc, 'utf8') : undefined
  return { mains, posts, go, during, after, env }
}

describe('private module through an authenticated HTTPS private proxy', () => {
  it.each([
    ['no ~/.netrc', undefined, 1],
    [
      'a ~/.netrc with other hosts',
      'machine other.test login o password p\n',
      1
    ],
    ['a stale entry for the same host', 'STALE', 1],
    ['the action used twice', 'machine other.test login o password p\n', 2]
  ] as const)(
    '%s: go fetches it, nothing leaks, netrc is restored',
    async (_name, beforeSpec, runs) => {
      const before =
        beforeSpec === 'STALE'
          ? `machine ${priv.host}:${priv.port} login old password stale-token\nmachine other.test login o password p\n`
          : beforeSpec
      authorized.length = 0
      const pubBefore = pub.requests.length
      const r = await job(before, runs)
      for (const m of r.mains) {
        expect(m.commands.filter((c) => c.command === 'error')).toEqual([])
        expect(m.code).toBe(0)
      }
      expect(r.env.GOPRIVATE).toBe('corp.test')
      expect(r.env.GONOPROXY).toBe('none')
      expect(r.env.GOPROXY.startsWith(`${priv.url},`)).toBe(true)
      expect(
        r.during.match(new RegExp(`machine ${priv.host}:${priv.port} `, 'g'))
      ).toHaveLength(1)
      expect(r.during).not.toContain('stale-token')
      expect(r.go.code).toBe(0)
      expect(authorized).toContain(`${PRIVATE}/@v/v1.0.0.zip`)
      const publicPaths = pub.requests.slice(pubBefore).map((q) => q.path)
      expect(publicPaths.filter((p) => p.includes('corp.test'))).toEqual([])
      for (const s of [...r.mains, ...r.posts]) expect(leaks(s)).toEqual([])
      expect(r.mains[0].stdout).toContain(`::add-mask::${B64}`)
      expect(r.mains[0].summary).toContain(
        '| `corp.test` | private-proxy | skipped | no |'
      )
      expect(r.mains[0].summary).toMatch(
        /\| proxy `corp\.test\/secret\/lib` \| ✅ ok \|/
      )
      expect(r.mains[0].summary).toContain('should answer 403')
      expect(r.mains[0].summary).toContain(
        `\`${priv.url}/sumdb/sum.golang.org/supported\`: 404 → go asks the next GOPROXY entry`
      )
      expect(r.after).toBe(before)
    }
  )

  it('a private module the proxy answers 404 for: the preflight says go will ask the public mirrors, and it does', async () => {
    const missing = 'corp.test/secret/missing'
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, allTree)
    const gomod = join(ctx.workspace, 'go.mod')
    writeFileSync(
      gomod,
      readFileSync(gomod, 'utf8').replace(
        'require (\n',
        `require (\n\t${missing} v1.0.0\n`
      )
    )
    const runnerTemp = newRunnerTemp(ctx)
    const m = await runActionStep({
      context: ctx,
      runnerTemp,
      inputs: inputs(),
      env: baseEnv,
      dist: process.env.SETUP_GOPROXY_DIST
    })
    const errors = m.commands.filter((c) => c.command === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain(missing)
    expect(errors[0].message).toMatch(/HTTP 404/)
    expect(errors[0].message).toMatch(/public mirrors/)
    expect(errors[0].message).toMatch(/should answer 403/)
    // What the annotation warns about: go offers the path to the next entry.
    const pubBefore = pub.requests.length
    const go = await runGo(['mod', 'download', `${missing}@v1.0.0`], {
      cwd: ctx.workspace,
      env: {
        ...baseEnv,
        ...m.env,
        HOME: ctx.home,
        GOMODCACHE: goTempDir('modcache-'),
        GOFLAGS: '-mod=mod',
        SSL_CERT_FILE: certs.caCertPath
      }
    })
    expect(go.code).not.toBe(0)
    expect(pub.requests.slice(pubBefore).map((q) => q.path)).toContain(
      `/${missing}/@v/v1.0.0.info`
    )
    await runActionStep({
      entry: 'post',
      context: ctx,
      runnerTemp,
      inputs: inputs(),
      env: { ...baseEnv, ...m.env },
      state: m.state
    })
    expect(existsSync(join(ctx.home, '.netrc'))).toBe(false)
  })
})
