// Long: four differential groups against real go sharing one set of loopback mirrors, one per kind of answer.
// The checksum database model checked against the real go command on
// loopback: which GOPROXY entries go asks `/sumdb/<name>/supported`, where
// its lookups then go, and which GOSUMDB values it accepts at all. go is
// given HTTPS_PROXY pointing at a closed loopback port, so that its direct
// lookups (https://<name>/…) fail on this machine instead of resolving names.
import { writeFileSync } from 'node:fs'
import {
  createServer as createHttpsServer,
  type Server as HttpsServer
} from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parseSumdb } from '../../src/inputs/privacy-inputs.js'
import { parseGoproxy } from '../../src/gomod/goproxy.js'
import { walkSumdbRoute } from '../../src/sumdb/proxy-route.js'
import { goTempDir, parseGetLines, runGo } from '../support/go.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { buildProxyTree } from '../support/modules.js'
import { verifierKey } from '../support/sumdb-keys.js'
import { startSumdbServer, type SumdbServer } from '../support/sumdb-server.js'
import { testCertificates } from '../support/tls.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree()
const MODULE = 'example.test/alpha@v1.0.0'
const NAME = 'sum.Corp-db_1.example'
const KEY = verifierKey(NAME)

/** How each test mirror answers `supported`: a status, or a redirect to another kind. */
const KINDS = {
  s200: 200,
  s404: 404,
  s410: 410,
  s403: 403,
  s500: 500,
  r200: 's200',
  r500: 's500'
} as const
type Kind = keyof typeof KINDS
const mirrors = {} as Record<Kind, Mirror>
/** The real checksum database the mirrors answering 200 proxy, once started. */
let db: { name: string; url: string } | undefined

beforeAll(async () => {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    mirrors[kind] = await startMirror(tree, {
      onRequest: async (ctx) => {
        if (!ctx.path.startsWith('sumdb/')) return false
        const a = KINDS[kind]
        if (typeof a === 'string' && ctx.path.endsWith('/supported')) {
          ctx.res.writeHead(302, {
            location: `${mirrors[a].url}/${ctx.path}`
          })
          ctx.res.end()
          return true
        }
        if (ctx.path.endsWith('/supported')) {
          ctx.send(Number(a), 'no\n')
          return true
        }
        // Lookups are served only for the real database; for the others go's
        // lookup URL is all the tests need.
        const prefix = db && `sumdb/${db.name}/`
        if (!prefix || !ctx.path.startsWith(prefix)) {
          ctx.send(404, 'no\n')
          return true
        }
        const r = await fetch(`${db!.url}/${ctx.path.slice(prefix.length)}`)
        ctx.send(r.status, Buffer.from(await r.arrayBuffer()))
        return true
      }
    })
  }
})

afterAll(async () => {
  await Promise.all(Object.values(mirrors).map((m) => m.close()))
  cleanupTempDirs()
})

function goDownload(
  gosumdb: string,
  goproxy: string,
  gonoproxy = '',
  extra: Record<string, string> = {}
) {
  return runGo(['mod', 'download', '-x', '-json', MODULE], {
    cwd: goTempDir('sumdb-go-'),
    env: {
      GOPROXY: goproxy,
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-mod=mod',
      GOSUMDB: gosumdb,
      GOPRIVATE: '',
      GONOPROXY: gonoproxy,
      GONOSUMDB: '',
      HTTPS_PROXY: 'http://127.0.0.1:1',
      HTTP_PROXY: 'http://127.0.0.1:1',
      ...extra
    },
    timeoutMs: 60_000
  })
}

/** Deterministic pseudo-random choices, so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
}

function shapes(count: number): string[] {
  const next = rng(20261129)
  const kinds = Object.keys(KINDS) as Kind[]
  const out: string[] = []
  while (out.length < count) {
    const n = 1 + Math.floor(next() * 3)
    const chosen = [...kinds].sort(() => next() - 0.5).slice(0, n)
    let s = ''
    chosen.forEach((k, i) => {
      s += mirrors[k].url
      if (i < n - 1) s += next() < 0.5 ? ',' : '|'
    })
    const end = ['', ',direct', '|direct', '|off', ',off'][
      Math.floor(next() * 5)
    ]
    out.push(s + end)
  }
  return out
}

describe('the walk of GOPROXY for the checksum database, against go', () => {
  it('matches go over random chains of 200, 404, 410, 403, 500 and redirects', async () => {
    const kindOf = (url: string): Kind =>
      (Object.keys(mirrors) as Kind[]).find((k) =>
        url.startsWith(mirrors[k].url + '/')
      )!
    const answer = (k: Kind): number =>
      typeof KINDS[k] === 'string'
        ? (KINDS[KINDS[k] as Kind] as number)
        : (KINDS[k] as number)
    const mismatches: string[] = []
    const routes = new Set<string>()
    let n = 0
    for (const goproxy of shapes(120)) {
      const model = await walkSumdbRoute(parseGoproxy(goproxy), NAME, (url) =>
        Promise.resolve({ status: answer(kindOf(url)) })
      )
      // Every other run with GONOPROXY set, which puts go's implicit
      // "noproxy" entry first in the list it walks.
      const go = await goDownload(
        KEY,
        goproxy,
        n++ % 2 ? 'git.my-corp.example' : ''
      )
      const gets = parseGetLines(go.stderr).filter((g) => !g.status && !g.error)
      const asked = gets
        .map((g) => g.url)
        .filter((u) => u.endsWith(`/sumdb/${NAME}/supported`))
      const lookup = gets.find((g) => /\/lookup\//.test(g.url))?.url
      const goRoute =
        lookup === undefined
          ? 'broken'
          : lookup.startsWith(`https://${NAME}/lookup/`)
            ? 'direct'
            : `proxy ${lookup.slice(0, lookup.indexOf(`/sumdb/${NAME}/`))}`
      const r = model.route
      const modelRoute = r.kind === 'proxy' ? `proxy ${r.proxy}` : r.kind
      routes.add(r.kind)
      const modelAsked = model.checks.map((c) => c.url)
      if (
        goRoute !== modelRoute ||
        JSON.stringify(asked) !== JSON.stringify(modelAsked)
      ) {
        mismatches.push(
          `${goproxy}: go ${goRoute} after ${asked.join(' ')}; model ${modelRoute} after ${modelAsked.join(' ')}`
        )
      }
    }
    expect(mismatches).toEqual([])
    // The sample covers every outcome.
    expect([...routes].sort()).toEqual(['broken', 'direct', 'proxy'])
  }, 300_000)

  it('go asks no proxy for a database named with its URL, nor for the google.cn alias', async () => {
    const goproxy = `${mirrors.s500.url},direct`
    for (const gosumdb of [
      'sum.golang.google.cn',
      'sum.golang.org https://sum.golang.org',
      `${KEY} http://127.0.0.1:1/db`
    ]) {
      const before = mirrors.s500.requests.length
      const go = await goDownload(gosumdb, goproxy)
      const sumdbAsked = mirrors.s500.requests
        .slice(before)
        .filter((q) => q.path.includes('/sumdb/'))
      expect(sumdbAsked).toEqual([])
      expect(go.stderr).toMatch(/\/lookup\//)
    }
  }, 120_000)
})

describe('parseSumdb against go', () => {
  const key = verifierKey('sum.example-db.test')
  const [kName, kHash] = key.split('+')
  const kBody = key.slice(kName.length + kHash.length + 2)
  const flipped = (kHash[0] === '0' ? '1' : '0') + kHash.slice(1)
  const values = [
    'sum.golang.org',
    'sum.golang.google.cn',
    'off',
    'Off',
    'OFF',
    'Sum.golang.org',
    'sum.corp.test',
    'sum.golang.google.cn https://sum.golang.google.cn',
    'sum.golang.org https://sum.golang.google.cn',
    'sum.golang.org http://127.0.0.1:1/x',
    'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
    'sum.golang.google.cn+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
    'sum.golang.org+033DE0AE+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
    key,
    `${key} http://127.0.0.1:1/db`,
    `${kName}+${flipped}+${kBody}`,
    `${kName}+${kHash}+${kBody.slice(0, -4)}`,
    `${kName}+${kHash}+${kBody.replace(/=+$/, '')}`,
    `${kName}+${kHash}`,
    `${kName}+${kHash.slice(1)}+${kBody}`,
    verifierKey('sum.x.test', 2),
    verifierKey('sum.x.test', 0),
    verifierKey('sum.x.test', 1, 31),
    verifierKey('sum.x.test', 1, 33),
    verifierKey('sum.My-Corp_DB.test'),
    verifierKey('sum.corp.test:8443'),
    verifierKey('sum.corp.test/go/sumdb'),
    verifierKey('sum.corp.test/'),
    verifierKey('sum.corp.test?x'),
    verifierKey('u@sum.corp.test'),
    verifierKey('sum.corp.test#f'),
    'a b c',
    'sum.golang.org http://127.0.0.1:1 extra'
  ]
  it('accepts exactly what go accepts', async () => {
    const goproxy = `${mirrors.s200.url},direct`
    const mismatches: string[] = []
    for (const v of values) {
      const go = await goDownload(v, goproxy)
      // With -json the error is in stdout.
      const goAccepts =
        !/invalid GOSUMDB|invalid sumdb name|missing GOSUMDB/.test(
          go.stdout + go.stderr
        )
      let ours = true
      try {
        parseSumdb(v)
      } catch {
        ours = false
      }
      if (goAccepts !== ours) {
        mismatches.push(`${v}: go ${goAccepts}, parseSumdb ${ours}`)
      }
    }
    expect(mismatches).toEqual([])
  }, 300_000)
})

describe('GOSUMDB=off and toolchain switches, against go', () => {
  it('go refuses a toolchain without the checksum database, whatever GONOSUMDB says', async () => {
    const version = 'v0.0.1-go1.99.0.linux-amd64'
    const toolchains = await startMirror(
      buildProxyTree([{ path: 'golang.org/toolchain', versions: [version] }])
    )
    try {
      const dir = goTempDir('toolchain-')
      writeFileSync(
        join(dir, 'go.mod'),
        'module example.test/app\n\ngo 1.99.0\n'
      )
      const env = {
        GOPROXY: toolchains.url,
        GOMODCACHE: goTempDir('modcache-'),
        GOFLAGS: '',
        GOSUMDB: 'off',
        GONOSUMDB: 'golang.org',
        GOPRIVATE: '',
        GONOPROXY: '',
        HTTPS_PROXY: 'http://127.0.0.1:1',
        HTTP_PROXY: 'http://127.0.0.1:1'
      }
      const off = await runGo(['env', 'GOMODCACHE'], {
        cwd: dir,
        env,
        gotoolchain: 'auto',
        timeoutMs: 60_000
      })
      expect(off.code).not.toBe(0)
      expect(off.stderr).toMatch(
        /golang\.org\/toolchain@v0\.0\.1-go1\.99\.0\.\S+: verifying module: checksum database disabled by GOSUMDB=off/
      )
      // GOTOOLCHAIN=local, which the warning names as the way out, never
      // asks for a toolchain.
      const before = toolchains.requests.length
      const local = await runGo(['env', 'GOMODCACHE'], {
        cwd: dir,
        env,
        gotoolchain: 'local',
        timeoutMs: 60_000
      })
      expect(local.stderr).not.toMatch(/checksum database disabled/)
      expect(toolchains.requests.length).toBe(before)
    } finally {
      await toolchains.close()
    }
  }, 120_000)
})

describe('verification with a real checksum database, against go', () => {
  let sumdb: SumdbServer
  let front: HttpsServer
  const certs = testCertificates()
  beforeAll(async () => {
    // https://NAME is where go goes when no proxy serves the database: a
    // loopback front for the Go test server, with the test CA.
    front = createHttpsServer(
      { cert: certs.cert, key: certs.key },
      (req, res) => {
        fetch(`${sumdb.url}${req.url}`).then(
          async (r) => {
            res.writeHead(r.status)
            res.end(Buffer.from(await r.arrayBuffer()))
          },
          () => res.writeHead(502).end()
        )
      }
    )
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r))
    const name = `127.0.0.1:${(front.address() as AddressInfo).port}`
    const [path, version] = MODULE.split('@')
    sumdb = await startSumdbServer(name, tree.goSumLines([{ path, version }]))
    db = { name, url: sumdb.url }
  }, 180_000)
  afterAll(async () => {
    db = undefined
    front?.closeAllConnections()
    await new Promise((r) => (front ? front.close(r) : r(undefined)))
    await sumdb?.close()
  })

  it('go verifies exactly when the modelled route is not broken', async () => {
    const answer = (url: string): number => {
      const k = (Object.keys(mirrors) as Kind[]).find((m) =>
        url.startsWith(mirrors[m].url + '/')
      )!
      const a = KINDS[k]
      return typeof a === 'string' ? (KINDS[a] as number) : a
    }
    const mismatches: string[] = []
    const outcomes = new Set<string>()
    for (const goproxy of shapes(40)) {
      const model = await walkSumdbRoute(parseGoproxy(goproxy), db!.name, (u) =>
        Promise.resolve({ status: answer(u) })
      )
      const go = await goDownload(sumdb.key, goproxy, '', {
        SSL_CERT_FILE: certs.caCertPath
      })
      const verified = go.code === 0
      outcomes.add(`${model.route.kind} ${verified}`)
      if (verified !== (model.route.kind !== 'broken')) {
        mismatches.push(
          `${goproxy}: model ${model.route.kind}, go exit ${go.code}`
        )
      }
    }
    expect(mismatches).toEqual([])
    expect([...outcomes].sort()).toEqual([
      'broken false',
      'direct true',
      'proxy true'
    ])
  }, 300_000)
})
