// Long: one shared consumer module and mirror helpers serve the download and fault-profile cases.
// Proves the mirror test support against the real go command: the generated
// modules download and build through the mirror server, and its fault
// profiles look to go (and to an HTTP client) the way real mirrors do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { goTempDir, parseGetLines, runGo } from '../support/go.js'
import { Closers } from '../support/closers.js'
import { mirrorStarter, startMirror } from '../support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  writeProxyTree,
  type ConsumerModule
} from '../support/modules.js'
import { cleanupTempDirs } from '../support/temp.js'
import { waitFor } from '../support/wait.js'
import { testCertificates } from '../support/tls.js'
import { hash1 } from '../../src/gomod/module-path.js'

const tree = buildProxyTree()
const closers = new Closers()
// The mirror's own defaults, which some of these tests are about.
const mirror = mirrorStarter(tree, closers, {})
let consumer: ConsumerModule

function goEnv(goproxy: string, extra: Record<string, string> = {}) {
  return {
    GOPROXY: goproxy,
    GOMODCACHE: join(goTempDir('gomodcache-'), 'mod'),
    GOFLAGS: '-modcacherw',
    GONOSUMDB: 'example.test',
    ...extra
  }
}

function download(goproxy: string, extra: Record<string, string> = {}) {
  return runGo(['mod', 'download', '-x'], {
    cwd: consumer.dir,
    env: goEnv(goproxy, extra),
    timeoutMs: 60_000
  })
}

/** GET with a client-side timeout; resolves with the status or 'timeout'. */
function get(url: string, timeoutMs: number) {
  return new Promise<{
    status: number | 'timeout'
    headers: Record<string, unknown>
    body: string
  }>((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString()
        })
      )
    })
    req.on('timeout', () => {
      req.destroy()
      resolve({ status: 'timeout', headers: {}, body: '' })
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  consumer = await writeConsumerModule(
    join(goTempDir('consumer-'), 'app'),
    tree
  )
})

afterAll(async () => {
  await closers.closeAll()
  cleanupTempDirs()
})

describe('generated modules', () => {
  it('are real module zips whose go.sum hashes match their entries', () => {
    const alpha = tree.find('example.test/alpha', 'v1.2.0')!
    const entries = unzipSync(alpha.zip)
    const names = Object.keys(entries).sort()
    expect(names).toEqual([
      'example.test/alpha@v1.2.0/alpha.go',
      'example.test/alpha@v1.2.0/go.mod'
    ])
    const h1 = hash1(
      names.map((name) => ({ name, data: Buffer.from(entries[name]) }))
    )
    expect(h1).toBe(alpha.zipHash)
    expect(tree.get('/example.test/!gamma/@v/v1.0.0.zip')).toBe(
      tree.find('example.test/Gamma', 'v1.0.0')!.zip
    )
    expect(tree.get('example.test/beta/v2/@v/list')!.toString()).toBe(
      'v2.0.0\nv2.1.0\n'
    )
  })

  it('pads zips with incompressible bytes to the requested size', () => {
    const big = buildProxyTree([
      { path: 'example.test/big', versions: ['v1.0.0'], zipSize: 256 * 1024 }
    ])
    const [size] = big.sizes()
    expect(size.zip).toBeGreaterThan(250 * 1024)
    expect(size.zip).toBeLessThan(260 * 1024)
  })
})

describe('go mod download through the mirror', () => {
  it('downloads over http and builds with the generated go.sum', async () => {
    const m = await mirror()
    const env = goEnv(m.url)
    const dl = await runGo(['mod', 'download', '-x'], {
      cwd: consumer.dir,
      env,
      timeoutMs: 60_000
    })
    expect(dl.stderr).not.toMatch(/verifying|mismatch/)
    expect(dl.code).toBe(0)
    const gets = parseGetLines(dl.stderr)
    const ok = gets.filter((g) => g.status === 200).map((g) => g.url)
    // go percent-encodes the "!" of the case encoding in its URLs
    expect(ok).toContain(`${m.url}/example.test/%21gamma/@v/v1.0.0.zip`)
    expect(ok).toContain(`${m.url}/example.test/beta/v2/@v/v2.1.0.mod`)
    expect(ok).toContain(`${m.url}/example.test/alpha/@v/v1.2.0.info`)
    // every start line has a matching completion line
    const starts = gets.filter((g) => g.status === undefined && !g.error)
    expect(starts.map((g) => g.url).sort()).toEqual(ok.sort())
    expect(m.requests.map((r) => r.path)).toContain(
      '/example.test/!gamma/@v/v1.0.0.zip'
    )

    const build = await runGo(['build', '-o', join(goTempDir(), 'app'), '.'], {
      cwd: consumer.dir,
      env: { ...env, GOPROXY: 'off' },
      timeoutMs: 120_000
    })
    expect(build.stderr).toBe('')
    expect(build.code).toBe(0)
  })

  it('downloads over https with the test CA in SSL_CERT_FILE', async () => {
    const m = await mirror({ tls: true, host: '127.0.0.2' })
    expect(m.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/)
    const dl = await download(m.url, {
      SSL_CERT_FILE: testCertificates().caCertPath
    })
    expect(dl.code).toBe(0)
    expect(
      parseGetLines(dl.stderr).filter((g) => g.status === 200)
    ).toHaveLength(9)
  })

  it('refuses to run go without an explicit GOPROXY, GOMODCACHE and GOFLAGS', async () => {
    await expect(
      runGo(['env'], { env: { GOPROXY: 'off', GOFLAGS: '' } })
    ).rejects.toThrow(/GOMODCACHE/)
    const r = await runGo(
      ['env', 'GOTOOLCHAIN', 'GOENV', 'GOSUMDB', 'GOPROXY'],
      {
        env: {
          GOPROXY: 'off',
          GOFLAGS: '',
          GOMODCACHE: goTempDir(),
          GOTOOLCHAIN: 'auto'
        }
      }
    )
    // go env prints GOENV as the env file it reads: none when off
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'local',
      '',
      'off',
      'off'
    ])
  })

  it('is rejected over https without the test CA', async () => {
    const m = await mirror({ tls: true })
    const dl = await download(m.url)
    expect(dl.code).not.toBe(0)
    const errors = parseGetLines(dl.stderr).filter((g) => g.error)
    expect(errors[0].error).toMatch(/certificate/)
  })

  it('serves a file:// tree written to disk', async () => {
    const dir = goTempDir('proxy-tree-')
    await writeProxyTree(tree, dir)
    const dl = await download('file://' + dir)
    expect(dl.code).toBe(0)
  })

  it('falls through a 500 mirror with "|" to a good one', async () => {
    const bad = await mirror({ status: 500 })
    const good = await mirror({ host: '127.0.0.2' })
    const dl = await download(`${bad.url}|${good.url}`)
    expect(dl.code).toBe(0)
    const gets = parseGetLines(dl.stderr).filter((g) => g.status)
    expect(
      gets
        .filter((g) => g.url.startsWith(bad.url))
        .every((g) => g.status === 500)
    ).toBe(true)
    expect(
      gets
        .filter((g) => g.url.startsWith(good.url))
        .every((g) => g.status === 200)
    ).toBe(true)
    expect(bad.requests.length).toBeGreaterThanOrEqual(9)
  })

  it('serves large zips through a throttled mirror, also on ::1', async () => {
    const big = buildProxyTree([
      { path: 'example.test/big', versions: ['v1.0.0'], zipSize: 512 * 1024 }
    ])
    const app = await writeConsumerModule(goTempDir('big-'), big)
    const m = closers.add(
      await startMirror(big, { host: '::1', bandwidth: 4 << 20, latencyMs: 5 })
    )
    expect(m.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const dl = await runGo(['mod', 'download', '-x'], {
      cwd: app.dir,
      env: goEnv(m.url),
      timeoutMs: 60_000
    })
    expect(dl.code).toBe(0)
    const zip = m.requests.find((r) => r.path.endsWith('.zip'))
    expect(zip).toMatchObject({
      status: 200,
      bytes: big.sizes()[0].zip,
      aborted: false
    })
  })

  it('go treats html, truncated zips, unhealthy 404 and 429 as real mirrors cause it to', async () => {
    const good = await mirror()
    const [html, cut, sick, limited] = await Promise.all([
      mirror({ html: true }),
      mirror({ truncatedZip: true }),
      mirror({ unhealthy404: true }),
      mirror({ rateLimit: { retryAfter: 3 } })
    ])
    const [r1, r2, r3, r4] = await Promise.all([
      download(html.url),
      download(cut.url),
      download(`${sick.url},${good.url}`),
      download(`${limited.url},${good.url}`)
    ])
    // go reads every .mod first: a captive page fails the go.sum check
    expect(r1.code).not.toBe(0)
    expect(r1.stderr).toMatch(
      /verifying example\.test\/.*\/go\.mod: checksum mismatch/
    )
    // the truncated-zip error does not name the module
    expect(r2.code).not.toBe(0)
    expect(r2.stderr).toMatch(/^go: zip: not a valid zip file$/m)
    // a 404 falls through "," whatever its body says; a 429 stops the chain
    expect(r3.code).toBe(0)
    expect(r3.stderr).not.toMatch(/fetch timed out/)
    expect(r4.code).not.toBe(0)
    expect(r4.stderr).toMatch(/429 Too Many Requests/)
  })

  it('reports a checksum mismatch for a tampered .mod', async () => {
    const m = await mirror({ tamperedMod: ['example.test/alpha'] })
    const dl = await download(m.url)
    expect(dl.code).not.toBe(0)
    expect(dl.stderr).toMatch(
      /verifying example\.test\/alpha@v1\.2\.0\/go\.mod: checksum mismatch/
    )
  })

  it('fails on a stale mirror and names the missing version', async () => {
    const m = await mirror({ stale: ['example.test/beta/v2@v2.1.0'] })
    const dl = await download(m.url)
    expect(dl.code).not.toBe(0)
    const miss = parseGetLines(dl.stderr).find((g) => g.status === 404)
    // go mod download loads every .mod first, so the .mod is the first miss
    expect(miss?.url).toBe(`${m.url}/example.test/beta/v2/@v/v2.1.0.mod`)
    expect(dl.stderr).toContain('unknown revision v2.1.0')
  })
})

describe('fault profiles', () => {
  it('hang: the request never gets an answer', async () => {
    const m = await mirror({ hang: /\.zip$/ })
    expect(
      (await get(`${m.url}/example.test/alpha/@v/v1.0.0.info`, 5000)).status
    ).toBe(200)
    const r = await get(`${m.url}/example.test/alpha/@v/v1.0.0.zip`, 300)
    expect(r.status).toBe('timeout')
    await m.close()
    expect(m.requests[1]).toMatchObject({ status: 0, aborted: true })
  })

  it('trickle: headers arrive, the body does not finish', async () => {
    const m = await mirror({ trickle: { intervalMs: 20 } })
    const got = await new Promise<{ status: number; bytes: number }>(
      (resolve) => {
        request(`${m.url}/example.test/alpha/@v/v1.0.0.mod`, (res) => {
          let bytes = 0
          res.on('data', (c: Buffer) => {
            bytes += c.length
            if (bytes >= 3) {
              res.destroy()
              resolve({ status: res.statusCode ?? 0, bytes })
            }
          })
        }).end()
      }
    )
    expect(got.status).toBe(200)
    expect(got.bytes).toBeLessThan(
      tree.find('example.test/alpha', 'v1.0.0')!.mod.length
    )
  })

  it('429 carries Retry-After', async () => {
    const m = await mirror({ rateLimit: { retryAfter: 7, after: 1 } })
    const url = `${m.url}/example.test/alpha/@v/list`
    expect((await get(url, 5000)).status).toBe(200)
    const r = await get(url, 5000)
    expect(r.status).toBe(429)
    expect(r.headers['retry-after']).toBe('7')
  })

  it('unhealthy 404, html, truncated zip, status rules and sumdb', async () => {
    const base = 'example.test/alpha/@v/v1.0.0'
    const sick = await mirror({ unhealthy404: true })
    const r1 = await get(`${sick.url}/${base}.info`, 5000)
    expect(r1).toMatchObject({
      status: 404,
      body: 'not found: fetch timed out\n'
    })
    expect(r1.headers['content-type']).toMatch(/^text\/plain/)

    const portal = await mirror({ html: true })
    const r2 = await get(`${portal.url}/${base}.info`, 5000)
    expect(r2.status).toBe(200)
    expect(r2.body).toMatch(/^<!DOCTYPE html>/)

    const cut = await mirror({ truncatedZip: true, sumdbSupported: 200 })
    const r3 = await get(`${cut.url}/${base}.zip`, 5000)
    expect(r3.status).toBe(200)
    expect(() => unzipSync(Buffer.from(r3.body, 'latin1'))).toThrow()
    expect(
      (await get(`${cut.url}/sumdb/sum.golang.org/supported`, 5000)).status
    ).toBe(200)

    const flaky = await mirror({
      status: [{ path: /\.info$/, status: 503, times: 1 }],
      basePath: '/goproxy',
      onRequest: ({ path, send }) => {
        if (!path.endsWith('/@v/list')) return false
        send(418, 'teapot\n')
        return true
      }
    })
    expect(
      (await get(`${flaky.url}/example.test/alpha/@v/list`, 5000)).status
    ).toBe(418)
    expect(flaky.url).toMatch(/\/goproxy$/)
    expect((await get(`${flaky.url}/${base}.info`, 5000)).status).toBe(503)
    expect((await get(`${flaky.url}/${base}.info`, 5000)).status).toBe(200)
    expect(
      (await get(`${flaky.url}/sumdb/sum.golang.org/supported`, 5000)).status
    ).toBe(404)
  })

  it('faultsAfter and faultsOnly: healthy for the first selected requests, others never faulted', async () => {
    const m = await mirror({
      status: 502,
      faultsAfter: 1,
      faultsOnly: (req) => req.headers['x-selected'] === '1'
    })
    const url = `${m.url}/example.test/alpha/@v/v1.0.0.info`
    const selected = () =>
      fetch(url, { headers: { 'x-selected': '1' } }).then((r) => r.status)
    expect(await selected()).toBe(200)
    expect(await selected()).toBe(502)
    expect((await fetch(url)).status).toBe(200)
    expect(await selected()).toBe(502)
  })

  it('tamperedZip: a valid zip of the module with one more file', async () => {
    const m = await mirror({ tamperedZip: ['example.test/alpha@v1.0.0'] })
    const res = await fetch(`${m.url}/example.test/alpha/@v/v1.0.0.zip`)
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    const names = Object.keys(files).sort()
    expect(names).toContain('example.test/alpha@v1.0.0/tampered.go')
    const h = hash1(
      names.map((name) => ({ name, data: Buffer.from(files[name]) }))
    )
    expect(h).not.toBe(tree.find('example.test/alpha', 'v1.0.0')!.zipHash)
    const other = await fetch(`${m.url}/example.test/alpha/@v/v1.1.0.zip`)
    expect(Buffer.from(await other.arrayBuffer())).toEqual(
      tree.find('example.test/alpha', 'v1.1.0')!.zip
    )
  })

  it('linkBandwidth: concurrent responses share one rate', async () => {
    const big = buildProxyTree([
      {
        path: 'example.test/big',
        versions: ['v1.0.0', 'v1.1.0'],
        zipSize: 400_000
      }
    ])
    const m = closers.add(await startMirror(big, { linkBandwidth: 1_000_000 }))
    const t0 = performance.now()
    const bodies = await Promise.all(
      ['v1.0.0', 'v1.1.0'].map((v) =>
        fetch(`${m.url}/example.test/big/@v/${v}.zip`).then((r) =>
          r.arrayBuffer()
        )
      )
    )
    const bytes = bodies.reduce((n, b) => n + b.byteLength, 0)
    expect(bytes).toBeGreaterThan(790_000)
    // Never faster than the link allows (lower bound, with a margin).
    expect(performance.now() - t0).toBeGreaterThan(0.8 * (bytes / 1000))
  })

  it('close() does not wait for hanging or trickling connections', async () => {
    const hung = await startMirror(tree, { hang: true })
    const slow = await startMirror(tree, { trickle: { intervalMs: 50 } })
    const pending = [hung, slow].map(
      (m) =>
        new Promise<void>((resolve) => {
          const req = request(`${m.url}/example.test/alpha/@v/list`, (res) => {
            res.on('data', () => undefined)
            res.on('error', () => resolve())
            res.on('close', () => resolve())
          })
          req.on('error', () => resolve())
          req.end()
        })
    )
    await waitFor(
      'both requests being (not) answered',
      () => hung.requests.length > 0 && (slow.requests[0]?.bytes ?? 0) > 0
    )
    await Promise.all([hung.close(), slow.close()])
    await Promise.all(pending)
    expect(hung.requests).toHaveLength(1)
    expect(slow.requests[0].aborted).toBe(true)
  })
})
