// go-version on a runner without Go: the bundled action installs the
// golang.org/toolchain module from the mirror, proven by a test checksum
// database (signed tree head, inclusion proof, zip hash), into the runner
// tool cache; the next job on that runner finds it there. A tampered zip, a
// forged note and a wrong inclusion proof are each refused, with nothing on
// PATH and nothing in the tool cache.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { cacheJob, type CacheFixture } from '../support/cache-job.js'
import { startEgressProxy } from '../support/egress-proxy.js'
import { startSumDb, type SumDb } from '../support/gosumdb.js'
import {
  startMirror,
  type Mirror,
  type MirrorProfile
} from '../support/mirror-server.js'
import { runGo } from '../support/go.js'
import { buildProxyTree, type ProxyTree } from '../support/modules.js'
import { rawZip, type RawEntry } from '../support/raw-zip.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'
import { addToTree, standInToolchain } from '../support/toolchain-module.js'

// Not on this machine's PATH, so the runner has no Go.
const NO_GO_PATH = '/usr/bin:/bin'
const MODULE = { path: 'example.test/Go-Install_user', version: 'v1.0.0' }
const GO = standInToolchain({ toolchain: 'go1.99.0' })

function treeWith(toolchain = GO): ProxyTree {
  const tree = buildProxyTree([
    { path: MODULE.path, versions: [MODULE.version] }
  ])
  addToTree(tree, toolchain)
  addToTree(tree, standInToolchain({ toolchain: 'go1.98.3' }))
  addToTree(tree, standInToolchain({ toolchain: 'go1.99rc1' }))
  return tree
}

let origin: Mirror
const opened: { close(): Promise<void> }[] = []

beforeAll(async () => {
  origin = await startMirror(treeWith())
  opened.push(origin)
}, 300_000)
afterAll(async () => {
  for (const o of opened) await o.close()
  cleanupTempDirs()
})

async function fixtureFor(
  tree: ProxyTree,
  profile: MirrorProfile = {}
): Promise<CacheFixture> {
  const mirror = await startMirror(tree, profile)
  opened.push(mirror)
  return { tree, latest: [MODULE], mirror }
}

// Records already in the log before the toolchain's, so that its inclusion
// proof needs hashes from the tiles, as in a real database.
async function sumdbWith(o: { forge?: boolean; badProof?: boolean } = {}) {
  const db = await startSumDb({ proxy: origin.url, ...o })
  opened.push(db)
  for (const m of [
    `${MODULE.path.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase())}@${MODULE.version}`,
    'golang.org/toolchain@v0.0.1-go1.98.3.linux-amd64',
    'golang.org/toolchain@v0.0.1-go1.99rc1.linux-amd64'
  ]) {
    const r = await fetch(`${db.url}/lookup/${m}`)
    expect(r.status).toBe(200)
  }
  return db
}

function installJob(
  fixture: CacheFixture,
  sumdb: SumDb,
  goVersion: string,
  toolCache: string
) {
  return cacheJob({
    fixture,
    service: {},
    toolCache,
    inputs: { 'go-version': goVersion },
    env: { PATH: NO_GO_PATH, GOSUMDB: sumdb.gosumdb },
    steps: 'none'
  })
}

const toolchainRequests = (m: Mirror) =>
  m.requests.filter((r) => r.path.includes('golang.org/toolchain/'))

describe('go-version', () => {
  it('installs a verified Go from the mirror into the tool cache, and the next job finds it there', async () => {
    const fixture = await fixtureFor(treeWith())
    const db = await sumdbWith()
    const toolCache = tempDir('toolcache-')
    const j1 = await installJob(fixture, db, '1.99', toolCache)
    expect(j1.main.stderr).toBe('')
    expect(j1.main.code).toBe(0)
    const dir = join(toolCache, 'go', '1.99.0', 'x64')
    expect(existsSync(join(toolCache, 'go', '1.99.0', 'x64.complete'))).toBe(
      true
    )
    // As setup-go: GOPATH/bin after the Go, and no GOROOT (Go >= 1.9), which
    // would outlive this Go when a later setup-go step installs another.
    const gopathBin = join(j1.main.context.home, 'go', 'bin')
    expect(j1.main.path).toEqual([join(dir, 'bin'), gopathBin])
    expect(statSync(gopathBin).isDirectory()).toBe(true)
    expect(j1.main.env.GOROOT).toBeUndefined()
    expect(j1.main.env.GOTOOLCHAIN).toBe('local')
    expect(j1.main.outputs['go-version']).toBe('1.99.0')
    expect(
      execFileSync(join(dir, 'bin', 'go'), ['version'], { encoding: 'utf8' })
    ).toBe('go version go1.99.0 linux/amd64\n')
    expect(j1.main.summary).toContain(
      `Installed Go 1.99.0 (go-version \`1.99\`) from ${fixture.mirror.url}`
    )
    const asked = toolchainRequests(fixture.mirror).length
    expect(asked).toBeGreaterThan(0)

    const j2 = await installJob(fixture, db, '1.99.0', toolCache)
    expect(j2.main.code).toBe(0)
    expect(j2.main.path).toEqual([
      join(dir, 'bin'),
      join(j2.main.context.home, 'go', 'bin')
    ])
    expect(j2.main.outputs['go-version']).toBe('1.99.0')
    expect(j2.main.summary).toContain('from the runner tool cache')
    expect(toolchainRequests(fixture.mirror)).toHaveLength(asked)

    // `stable` needs the mirror's list to resolve, then uses the tool cache.
    const j3 = await installJob(fixture, db, 'stable', toolCache)
    expect(j3.main.code).toBe(0)
    expect(j3.main.outputs['go-version']).toBe('1.99.0')
    const after = toolchainRequests(fixture.mirror).slice(asked)
    expect(after.map((r) => r.path)).toEqual(['/golang.org/toolchain/@v/list'])
  }, 300_000)

  // setup-go's spellings: a semver range over the list, and the tool
  // cache's semver name of a pre-release.
  it('installs a semver range and a pre-release spelt in semver, as setup-go does', async () => {
    const fixture = await fixtureFor(treeWith())
    const db = await sumdbWith()
    const range = await installJob(
      fixture,
      db,
      '~1.98.0',
      tempDir('toolcache-')
    )
    expect(range.main.code).toBe(0)
    expect(range.main.outputs['go-version']).toBe('1.98.3')
    const rc = await installJob(
      fixture,
      db,
      '1.99.0-rc.1',
      tempDir('toolcache-')
    )
    expect(rc.main.code).toBe(0)
    expect(rc.main.outputs['go-version']).toBe('1.99rc1')
  }, 120_000)

  // The real list omits some releases (1.25.2 when measured) whose .info
  // and zip exist; go asks .info for an exact version, and so does this.
  it('installs an exact version the mirror does not list, from its .info', async () => {
    const tree = treeWith()
    const others = standInToolchain({ toolchain: 'go1.98.3' }).version
    const fixture = await fixtureFor(tree, {
      onRequest: ({ path, send }) => {
        if (path !== 'golang.org/toolchain/@v/list') return false
        send(200, Buffer.from(`${others}\n`), 'text/plain')
        return true
      }
    })
    const db = await sumdbWith()
    const toolCache = tempDir('toolcache-')
    const j = await installJob(fixture, db, '1.99.0', toolCache)
    expect(j.main.code).toBe(0)
    expect(j.main.outputs['go-version']).toBe('1.99.0')
    const asked = toolchainRequests(fixture.mirror).map((r) => r.path)
    expect(asked).toContain(`/golang.org/toolchain/@v/${GO.version}.info`)

    // A version neither listed nor known to the mirror is still refused.
    const missing = await installJob(
      fixture,
      db,
      '1.99.7',
      tempDir('toolcache-')
    )
    expect(missing.main.code).not.toBe(0)
    expect(
      missing.main.commands.find((c) => c.command === 'error')?.message
    ).toContain('no Go matching "1.99.7"')
  }, 120_000)

  it('exports GOROOT for a Go before 1.9, which cannot find its own', async () => {
    const old = standInToolchain({ toolchain: 'go1.8.7' })
    const tree = treeWith()
    addToTree(tree, old)
    const fixture = await fixtureFor(tree)
    const db = await startSumDb({ proxy: fixture.mirror.url })
    opened.push(db)
    const toolCache = tempDir('toolcache-')
    const j = await installJob(fixture, db, '1.8.7', toolCache)
    expect(j.main.code).toBe(0)
    expect(j.main.env.GOROOT).toBe(join(toolCache, 'go', '1.8.7', 'x64'))
    expect(j.main.outputs['go-version']).toBe('1.8.7')
  }, 120_000)

  it('sets go-version to the Go on PATH when it installs none, as setup-go does', async () => {
    const goDir = dirname(
      execFileSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).trim()
    )
    const fixture = await fixtureFor(treeWith())
    const j = await cacheJob({
      fixture,
      service: {},
      inputs: {},
      env: { PATH: `${goDir}:${NO_GO_PATH}` },
      steps: 'none'
    })
    expect(j.main.code).toBe(0)
    const v = await runGo(['env', 'GOVERSION'], {
      env: { GOPROXY: 'off', GOMODCACHE: tempDir('modcache-'), GOFLAGS: '' }
    })
    expect(j.main.outputs['go-version']).toBe(
      v.stdout.trim().slice('go'.length)
    )
    expect(j.main.path).toEqual([])
  }, 120_000)

  it.each([
    [
      'a tampered zip',
      { tamper: '#!/bin/sh\necho pwned\n' },
      {},
      /checksum mismatch/
    ],
    [
      'a forged note',
      {},
      { forge: true },
      /not signed by sumdb\.example\.test/
    ],
    [
      'a wrong inclusion proof',
      {},
      { badProof: true },
      /inclusion proof failed/
    ]
  ])(
    'refuses %s, with nothing on PATH or in the tool cache',
    async (_what, toolchain, db, error) => {
      const tree = treeWith(
        standInToolchain({ toolchain: 'go1.99.0', ...toolchain })
      )
      const fixture = await fixtureFor(tree)
      const sumdb = await sumdbWith(db)
      const toolCache = tempDir('toolcache-')
      const j = await installJob(fixture, sumdb, '1.99.0', toolCache)
      expect(j.main.code).not.toBe(0)
      const failure = j.main.commands.find((c) => c.command === 'error')
      expect(failure?.message).toMatch(error)
      expect(j.main.path).toEqual([])
      expect(j.main.env.GOROOT).toBeUndefined()
      expect(j.main.outputs['go-version']).toBeUndefined()
      expect(readdirSync(toolCache)).toEqual([])
    },
    120_000
  )

  it("installs through an egress proxy that alone resolves the mirror's name", async () => {
    const fixture = await fixtureFor(treeWith())
    const db = await sumdbWith()
    const egress = await startEgressProxy(['go-mirror.corp.test'])
    opened.push(egress)
    const named = `http://go-mirror.corp.test:${fixture.mirror.port}`
    const toolCache = tempDir('toolcache-')
    const j = await cacheJob({
      fixture,
      service: {},
      toolCache,
      inputs: { 'go-version': '1.99.0', mirrors: named },
      env: {
        PATH: NO_GO_PATH,
        GOSUMDB: db.gosumdb,
        HTTP_PROXY: egress.url,
        HTTPS_PROXY: egress.url
      },
      steps: 'none'
    })
    expect(j.main.code).toBe(0)
    expect(j.main.outputs['go-version']).toBe('1.99.0')
    expect(egress.requests.some((r) => r.includes('go-mirror.corp.test'))).toBe(
      true
    )
  }, 120_000)

  it('installs a zip the mirror redirects to another host, as go follows it', async () => {
    const tree = treeWith()
    const cdn = await startMirror(tree)
    opened.push(cdn)
    const fixture = await fixtureFor(tree, {
      redirect: { to: cdn.url, target: /golang\.org\/toolchain\/@v\/.*\.zip$/ }
    })
    const db = await sumdbWith()
    const toolCache = tempDir('toolcache-')
    const j = await installJob(fixture, db, '1.99.0', toolCache)
    expect(j.main.code).toBe(0)
    expect(j.main.outputs['go-version']).toBe('1.99.0')
    expect(
      cdn.requests.some((r) => /toolchain\/@v\/.*\.zip$/.test(r.path))
    ).toBe(true)
  }, 120_000)

  it('gives up after download-timeout when the mirror trickles the zip, with nothing on PATH', async () => {
    const tree = treeWith()
    const mirror = await startMirror(tree, {
      trickle: {
        intervalMs: 200,
        target: /golang\.org\/toolchain\/@v\/.*\.zip$/
      }
    })
    opened.push(mirror)
    const toolCache = tempDir('toolcache-')
    const started = Date.now()
    const j = await cacheJob({
      fixture: { tree, latest: [MODULE], mirror },
      service: {},
      toolCache,
      inputs: { 'go-version': '1.99.0', 'download-timeout': '3' },
      env: { PATH: NO_GO_PATH, GOSUMDB: (await sumdbWith()).gosumdb },
      steps: 'none'
    })
    // Generous: the probe and the process start take their own time.
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(j.main.code).not.toBe(0)
    expect(
      j.main.commands.find((c) => c.command === 'error')?.message
    ).toContain('Go 1.99.0 was not installed within 3 s (download-timeout)')
    expect(j.main.path).toEqual([])
    expect(readdirSync(toolCache)).toEqual([])
  }, 120_000)

  // The database signs what the hostile mirror serves: the zip's h1 is
  // right, so only the zip's layout can give the attack away.
  describe('refuses a signed zip whose entries would unpack as other files', () => {
    const prefix = `golang.org/toolchain@${GO.version}/`
    it.each([
      [
        // Hashed under their raw names (the honest distribution's h1), but
        // an unpacker honouring 0x7075 writes gofmt over bin/go and VERSION
        // elsewhere.
        'Info-ZIP Unicode Path fields',
        (entries: { name: string; data: Buffer }[]): RawEntry[] => {
          const renamed: Record<string, string> = {
            VERSION: 'lib/time/VERSION',
            'bin/gofmt': 'bin/go'
          }
          const out: RawEntry[] = entries.map((e) => {
            const to = renamed[e.name.slice(prefix.length)]
            return to === undefined ? e : { ...e, unicodePath: prefix + to }
          })
          const gofmt = out.findIndex((e) => e.unicodePath?.endsWith('bin/go'))
          return [...out.filter((_, i) => i !== gofmt), out[gofmt]]
        },
        /Unicode Path extra field \(0x7075\)/
      ],
      [
        'a name twice',
        (entries: { name: string; data: Buffer }[]): RawEntry[] => [
          ...entries,
          {
            name: prefix + 'bin/go',
            data: Buffer.from('#!/bin/sh\necho pwned\n')
          }
        ],
        /multiple zip entries for file "bin\/go"/
      ]
    ])(
      '(%s), before anything is unpacked',
      async (_what, layout, error) => {
        const tree = treeWith(
          standInToolchain({
            toolchain: 'go1.99.0',
            writeZip: (entries) => rawZip(layout(entries))
          })
        )
        const fixture = await fixtureFor(tree)
        const db = await startSumDb({ proxy: fixture.mirror.url })
        opened.push(db)
        const toolCache = tempDir('toolcache-')
        const j = await installJob(fixture, db, '1.99.0', toolCache)
        expect(j.main.code).not.toBe(0)
        const failure = j.main.commands.find((c) => c.command === 'error')
        expect(failure?.message).toMatch(error)
        expect(failure?.message).toContain(fixture.mirror.url)
        expect(j.main.path).toEqual([])
        expect(j.main.env.GOROOT).toBeUndefined()
        expect(readdirSync(toolCache)).toEqual([])
      },
      120_000
    )
  })

  describe('from a mirror that answers Range requests (the zip hashed on the way)', () => {
    const rangeGets = (m: Mirror) =>
      m.requests.filter((r) => r.path.endsWith('.zip') && r.status === 206)

    it('installs, and refuses a tampered zip', async () => {
      const db = await sumdbWith()
      const good = await fixtureFor(treeWith(), { ranges: true })
      const j = await installJob(good, db, '1.99.0', tempDir('toolcache-'))
      expect(j.main.code).toBe(0)
      expect(rangeGets(good.mirror).length).toBeGreaterThan(0)
      expect(j.main.outputs['go-version']).toBe('1.99.0')

      const tampered = await fixtureFor(
        treeWith(
          standInToolchain({
            toolchain: 'go1.99.0',
            tamper: '#!/bin/sh\necho pwned\n'
          })
        ),
        { ranges: true }
      )
      const toolCache = tempDir('toolcache-')
      const t = await installJob(tampered, db, '1.99.0', toolCache)
      expect(t.main.code).not.toBe(0)
      expect(
        t.main.commands.find((c) => c.command === 'error')?.message
      ).toMatch(/checksum mismatch/)
      expect(t.main.path).toEqual([])
      expect(readdirSync(toolCache)).toEqual([])
    }, 120_000)

    it('does not trust a tail that is not the end of the zip it then serves', async () => {
      const db = await sumdbWith()
      const honest = treeWith()
      const zipPath = `golang.org/toolchain/@v/${GO.version}.zip`
      // The honest entries at the same offsets, then one more: hashing the
      // body with the honest directory alone would match the database.
      const evil = standInToolchain({
        toolchain: 'go1.99.0',
        extra: { 'bin/evil': '#!/bin/sh\necho evil\n' }
      }).files.zip
      const good = honest.get(zipPath)!
      expect(evil.subarray(0, 30).equals(good.subarray(0, 30))).toBe(true)
      const liar = await startMirror(honest, {
        onRequest: ({ req, path, res, send }) => {
          if (path !== zipPath) return false
          const n = /^bytes=-(\d+)$/.exec(req.headers.range ?? '')?.[1]
          if (n === undefined) {
            send(200, evil, 'application/zip')
            return true
          }
          const start = Math.max(0, good.length - Number(n))
          res.setHeader(
            'Content-Range',
            `bytes ${start}-${good.length - 1}/${good.length}`
          )
          send(206, good.subarray(start), 'application/zip')
          return true
        }
      })
      opened.push(liar)
      const toolCache = tempDir('toolcache-')
      const j = await installJob(
        { tree: honest, latest: [MODULE], mirror: liar },
        db,
        '1.99.0',
        toolCache
      )
      expect(j.main.code).not.toBe(0)
      expect(
        j.main.commands.find((c) => c.command === 'error')?.message
      ).toMatch(/checksum mismatch/)
      expect(j.main.path).toEqual([])
      expect(readdirSync(toolCache)).toEqual([])
    }, 120_000)
  })
})
