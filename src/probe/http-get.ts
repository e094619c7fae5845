// One GET as go's module fetcher makes it: its redirect rules and its gzip
// decoding, over whatever dispatcher the transport hands it.
import { createGunzip } from 'node:zlib'
import type { Dispatcher } from 'undici'

export interface TransportResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: AsyncIterable<Buffer> & {
    destroy(err?: Error): unknown
    dump(): Promise<void>
  }
}

const USER_AGENT = 'setup-goproxy (+https://github.com/features/actions)'
// go follows at most 10 redirects (cmd/go/internal/web checkRedirect).
const MAX_REDIRECTS = 10
// The statuses net/http's client follows for a GET.
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** A redirect refused the way go refuses it. */
class RedirectError extends Error {
  code = 'ERR_PROBE_REDIRECT'
  name = 'RedirectError'
}

/**
 * GETs `path` under the base's origin and follows redirects as go does: at
 * most 10, and never from an https URL to a plain-http one. The answer is
 * gzip-decoded when the server says so (go asks for gzip and decodes it).
 * The request itself takes no signal (each would add a listener to it): the
 * transport's abort destroys the dispatchers, which rejects it.
 */
export async function getLikeGo(
  base: URL,
  path: string,
  signal: AbortSignal,
  dispatcherFor: (origin: string) => Dispatcher
): Promise<TransportResponse> {
  let url = new URL(path, base.origin)
  for (let hops = 0; ; hops++) {
    if (signal.aborted) throw abortReason(signal)
    const res = await dispatcherFor(url.origin).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip' }
    })
    const location = res.headers.location
    if (!REDIRECTS.has(res.statusCode) || !location) return gunzipIfEncoded(res)
    await res.body.dump()
    const next = new URL(String(location), url)
    if (hops >= MAX_REDIRECTS)
      throw new RedirectError(`stopped after ${MAX_REDIRECTS} redirects`)
    if (base.protocol === 'https:' && next.protocol !== 'https:') {
      // Only origin and path: a presigned query would carry a credential.
      throw new RedirectError(
        `redirected from secure URL ${url.origin}${url.pathname} to insecure URL ${next.origin}${next.pathname}, which go refuses`
      )
    }
    url = next
  }
}

function gunzipIfEncoded(res: Dispatcher.ResponseData): TransportResponse {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  if (encoding !== 'gzip')
    return { status: res.statusCode, headers: res.headers, body: res.body }
  // As net/http does: the length is the encoded one, so it is dropped. The
  // caller reads at most what it wants, so a gzip bomb inflates no further.
  const headers = { ...res.headers }
  delete headers['content-length']
  delete headers['content-encoding']
  const gunzip = createGunzip()
  res.body.on('error', (err) => gunzip.destroy(err))
  gunzip.on('close', () => res.body.destroy())
  res.body.pipe(gunzip)
  const body = Object.assign(gunzip, {
    dump: async () => {
      gunzip.destroy()
      await res.body.dump()
    }
  })
  return { status: res.statusCode, headers, body }
}

export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason
  return r instanceof Error ? r : new DOMException('aborted', 'AbortError')
}
