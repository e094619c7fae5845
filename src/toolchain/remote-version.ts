// Which Go a go-version asks for, from the mirrors. An exact version is asked
// of `.info` directly, as go asks for an exact query: the real
// golang.org/toolchain list omits some releases whose files exist. Anything
// else resolves over the union of the mirrors' lists.
import { request } from 'undici'
import { MAX_SMALL_BYTES } from '../gomod/limits.js'
import { readCapped } from '../net/read-body.js'
import { moduleFileUrl, versionListUrl } from '../gomod/proxy-url.js'
import { TOOLCHAIN_MODULE, toolchainModuleVersion } from './select.js'
import type { HttpOptions } from '../sumdb/sumdb-client.js'
import {
  resolveGoVersion,
  toolchainVersionsFor,
  type GoVersionSpec
} from './version-spec.js'

export interface RemoteQuery {
  /** Base URLs of the mirrors. */
  mirrors: string[]
  goos: string
  goarch: string
  http: HttpOptions
}

/**
 * The Go version to install; undefined when no mirror has it, an Error
 * when no mirror answered at all.
 */
export async function resolveRemoteVersion(
  spec: GoVersionSpec,
  q: RemoteQuery
): Promise<string | undefined | Error> {
  if (spec.kind === 'exact') {
    const mod = toolchainModuleVersion(`go${spec.version}`, q.goos, q.goarch)
    const known = await Promise.all(
      q.mirrors.map((b) =>
        fetchSmall(
          moduleFileUrl(b, { path: TOOLCHAIN_MODULE, version: mod }, 'info'),
          'a version .info',
          q.http
        ).then(
          (t) => infoVersion(t) === mod,
          () => false
        )
      )
    )
    return known.includes(true) ? spec.version : undefined
  }
  const list = await unionOfLists(q.mirrors, q.http)
  if (list === undefined) return new Error('no mirror lists it')
  return resolveGoVersion(spec, toolchainVersionsFor(list, q.goos, q.goarch))
}

function infoVersion(text: string | undefined): unknown {
  try {
    return (JSON.parse(text ?? '') as { Version?: unknown }).Version
  } catch {
    return undefined
  }
}

/** The body of a 200 answer, undefined for any other status. */
async function fetchSmall(
  url: string,
  what: string,
  o: HttpOptions
): Promise<string | undefined> {
  const r = await request(url, {
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    signal: o.signal
  })
  if (r.statusCode !== 200) {
    await r.body.dump()
    return undefined
  }
  const body = await readCapped(r, url, MAX_SMALL_BYTES, what)
  return body.toString('utf8')
}

/**
 * Every version any of the mirrors lists, all asked at once: one mirror
 * that lags behind must neither downgrade `stable` nor hide a release that
 * another has. Undefined when none answered.
 */
async function unionOfLists(
  mirrors: string[],
  o: HttpOptions
): Promise<string | undefined> {
  const lists = await Promise.all(
    mirrors.map((b) =>
      fetchSmall(
        versionListUrl(b, TOOLCHAIN_MODULE),
        'a version list',
        o
      ).catch(() => undefined)
    )
  )
  const answered = lists.filter((l) => l !== undefined)
  if (answered.length === 0) return undefined
  return [...new Set(answered.flatMap((l) => l.split('\n')))].join('\n')
}
