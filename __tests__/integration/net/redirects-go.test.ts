// Which redirect chains go follows and which it refuses, against the real
// go command: a GOPROXY whose every answer comes after a chain of redirects
// (https or http at each hop), asked by `go mod download`, by the action's
// dispatcher and by its checksum database route check (which walks the
// redirects itself, as go does for that request); all succeed or all fail.
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttps } from 'node:https'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { goTempDir, runGo } from '../../support/go.js'
import { buildProxyTree } from '../../support/modules.js'
import { cleanupTempDirs } from '../../support/temp.js'
import { testCertificates } from '../../support/tls.js'

const certs = testCertificates()
process.env.SSL_CERT_FILE = certs.caCertPath
const { goDispatcher } = await import('../../../src/net/dispatcher.js')
const { askSupported, sumdbAgent } =
  await import('../../../src/sumdb/proxy-route.js')

const tree = buildProxyTree([
  { path: 'example.test/hops', versions: ['v1.0.0'] }
])
const ports: Record<'s' | 'p', number> = { s: 0, p: 0 }
const servers: Server[] = []

// /r/<hops>/<GOPROXY path>: each hop letter is the scheme of the next
// request (s https, p http); `-` alone serves the file.
function handler(req: IncomingMessage, res: ServerResponse) {
  const m = /^\/r\/([sp]*)-\/(.*)$/.exec(req.url ?? '')
  if (!m) return void res.writeHead(404).end()
  const [hops, rest] = [m[1], m[2]]
  if (hops) {
    const next = hops[0] as 's' | 'p'
    const scheme = next === 's' ? 'https' : 'http'
    res
      .writeHead(302, {
        location: `${scheme}://127.0.0.1:${ports[next]}/r/${hops.slice(1)}-/${rest}`
      })
      .end()
    return
  }
  const body = tree.get(rest)
  if (!body) return void res.writeHead(404).end()
  res.writeHead(200).end(body)
}

async function listen(s: Server): Promise<number> {
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return (s.address() as AddressInfo).port
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
  cleanupTempDirs()
})

const ready = (async () => {
  ports.s = await listen(
    createHttps({ key: certs.key, cert: certs.cert }, handler)
  )
  ports.p = await listen(createHttp(handler))
})()

function base(first: 's' | 'p', hops: string): string {
  const scheme = first === 's' ? 'https' : 'http'
  return `${scheme}://127.0.0.1:${ports[first]}/r/${hops}-`
}

async function goFollows(first: 's' | 'p', hops: string): Promise<boolean> {
  const res = await runGo(
    ['mod', 'download', '-json', 'example.test/hops@v1.0.0'],
    {
      cwd: goTempDir('cwd-'),
      env: {
        GOPROXY: base(first, hops),
        GOMODCACHE: goTempDir('modcache-'),
        GOFLAGS: '-modcacherw',
        GOSUMDB: 'off',
        GOINSECURE: '',
        SSL_CERT_FILE: certs.caCertPath
      }
    }
  )
  return res.code === 0
}

async function weFollow(first: 's' | 'p', hops: string): Promise<boolean> {
  const dispatcher = goDispatcher()
  try {
    const res = await request(
      `${base(first, hops)}/example.test/hops/@v/v1.0.0.info`,
      { dispatcher }
    )
    await res.body.text()
    return res.statusCode === 200
  } catch {
    return false
  } finally {
    await dispatcher.destroy()
  }
}

describe('redirect chains, as go follows them', () => {
  // What go 1.26 does, recorded: nine redirects at most, and once the first
  // request was https nothing but https.
  it.each([
    ['s', '', true],
    ['s', 'sssssssss', true],
    ['s', 'ssssssssss', false],
    ['s', 'p', false],
    ['s', 'sp', false],
    ['s', 'ps', false],
    ['p', 'sss', true],
    ['p', 'sp', true],
    ['p', 'ppppppppp', true],
    ['p', 'pppppppppp', false]
  ] as ['s' | 'p', string, boolean][])(
    'first %s, then hops %j: go and the action both follow: %s',
    async (first, hops, follows) => {
      await ready
      const go = await goFollows(first, hops)
      const route = await askSupported(
        `${base(first, hops)}/sumdb/sum.golang.org/supported`,
        () => undefined,
        10_000,
        sumdbAgent(10_000)
      )
      expect([go, await weFollow(first, hops), 'status' in route]).toEqual([
        follows,
        follows,
        follows
      ])
    },
    60_000
  )
})
