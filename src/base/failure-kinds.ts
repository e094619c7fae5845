// The one failure vocabulary of a run, from the probe to the summary: the
// probe and the download phase each name what went wrong with these kinds,
// and the summary, annotations and logs describe a kind with the one text
// and the one piece of advice given here. The probe tells apart what a
// socket reports (dns, refused, tls); go's messages are coarser, so a
// failed download says `network` for all three.

export type FailureKind =
  | 'dns'
  | 'refused'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'missing'
  | 'upstream'
  | 'rate-limited'
  | 'server-error'
  | 'bad-response'
  | 'checksum'
  | 'sumdb'
  | 'toolchain'
  | 'malformed-go-sum'
  | 'other'

/**
 * What a failure says about the mirror that gave it: `fatal`, go would stop
 * on it or be served wrong bits, so the mirror is left out; `degrading`,
 * usable but ranked below clean mirrors; `neutral`, nothing about its
 * health (a missing version counts as staleness, the other kinds are the
 * project's or go's, not a mirror's).
 */
export type Severity = 'fatal' | 'degrading' | 'neutral'

// A Record, so that a new kind without a severity does not compile. The
// degrading kinds are listed in the order a ranking names them.
export const FAILURE_SEVERITY: Record<FailureKind, Severity> = {
  dns: 'fatal',
  refused: 'fatal',
  tls: 'fatal',
  auth: 'fatal',
  'bad-response': 'fatal',
  checksum: 'fatal',
  'rate-limited': 'degrading',
  'server-error': 'degrading',
  upstream: 'degrading',
  timeout: 'degrading',
  network: 'degrading',
  missing: 'neutral',
  sumdb: 'neutral',
  toolchain: 'neutral',
  'malformed-go-sum': 'neutral',
  other: 'neutral'
}

/** Every kind, in FAILURE_SEVERITY's order. */
export const FAILURE_KINDS = Object.keys(FAILURE_SEVERITY) as FailureKind[]

/** What happened, in a few words: the same text wherever a kind is shown. */
export const FAILURE_TEXT: Record<FailureKind, string> = {
  dns: 'the host name did not resolve',
  refused: 'connection refused',
  tls: 'TLS handshake or certificate failed',
  timeout: 'no answer before the deadline',
  network: 'could not be reached (refused, DNS, TLS, connection lost)',
  auth: 'credentials refused (401/403)',
  missing: 'not found (404/410)',
  upstream:
    "the mirror's own upstream failed (404/410 naming an upstream error)",
  'rate-limited': 'throttled (429)',
  'server-error': 'server error (5xx or a broken body)',
  'bad-response':
    'not the module proxy protocol (an HTML page, a refused redirect, an unexpected status)',
  checksum: 'the bits do not match go.sum',
  sumdb: 'the checksum database could not be read',
  toolchain: 'the Go toolchain go.mod asks for could not be fetched',
  'malformed-go-sum': 'go.sum has a malformed line',
  other: 'failed'
}

/** What to do about it: one line of advice per kind. */
export const FAILURE_HINT: Record<FailureKind, string> = {
  dns: "The mirror's host name did not resolve: check the URL, or the runner's DNS.",
  refused:
    'Nothing listens at the mirror URL: check its host and port, or drop it from `mirrors`.',
  tls: 'The TLS handshake failed (certificate, protocol): go would refuse it too. The action trusts what go trusts (the system store, SSL_CERT_FILE, SSL_CERT_DIR) and NODE_EXTRA_CA_CERTS; behind a TLS-inspecting proxy, its CA belongs in the system store or SSL_CERT_FILE.',
  timeout:
    'No answer before `download-timeout`: a mirror accepts connections and stalls, and go has no request timeout of its own. Drop the mirror from `mirrors` or raise the timeout.',
  network:
    'The source could not be reached (refused, DNS, TLS). Check the URL, a firewall or proxy between the runner and the mirror.',
  auth: 'A source refused the request (401/403): give the host a token in `credentials` (from secrets), or list the module in `private` so that it is never asked of a public mirror.',
  missing:
    'No source in the chain has this version: check that the version exists (tag pushed, not retracted), or list a private module in `private` so that go fetches it from its origin.',
  upstream:
    'The mirror answered 404/410 because its own upstream failed: go would take that as "no such version". Prefer another mirror while it recovers.',
  'rate-limited':
    'A mirror throttled this runner (429): keep `fallback-on: any-error` so that go falls through to the next mirror, and keep the module cache on so that fewer requests are needed.',
  'server-error':
    'A mirror failed (5xx or broken body). With `fallback-on: not-found` go stops at the first such error; `any-error` lets it fall through to the next mirror.',
  'bad-response':
    'The answer was not the module proxy protocol (a captive portal, a login page, a redirect go refuses): check the URL.',
  checksum:
    'The bits served do not match go.sum: do not update go.sum to make this pass. Compare with another mirror and report the mirror that served them.',
  sumdb:
    'The checksum database could not be reached through the chain: keep `direct-fallback` on so that sum.golang.org stays reachable, or set `sumdb` to a reachable database.',
  toolchain:
    'The Go toolchain that go.mod asks for (go/toolchain line) could not be fetched through the chain: use mirrors that carry golang.org/toolchain, or install that Go version with setup-go.',
  'malformed-go-sum':
    'go refuses the whole go.sum when one line is not `module version h1:hash`, before it downloads anything: fix or delete that line (a merge conflict or a hand edit), run `go mod tidy` and commit go.sum.',
  other: 'See the go output in the step log.'
}

/** "server-error ×16": a kind with how often it occurred, the count only when above one. */
export function kindCount(kind: FailureKind, count: number): string {
  return count > 1 ? `${kind} ×${count}` : kind
}

/** Items grouped by key, in the order each key first appears. */
export function groupBy<T>(
  items: readonly T[],
  key: (item: T) => string
): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const g = groups.get(k)
    if (g) g.push(item)
    else groups.set(k, [item])
  }
  return [...groups.values()]
}
