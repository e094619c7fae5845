import type { FailureKind } from '../base/failure-kinds.js'

const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NODATA',
  'EAI_NONAME'
])
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR'
])

/** Classifies a transport error thrown by undici, net, tls, dns or the probe's redirect rules. */
export function classifyError(err: unknown): FailureKind {
  const codes = errorCodes(err)
  if (codes.some((c) => DNS_CODES.has(c))) return 'dns'
  if (codes.includes('ECONNREFUSED')) return 'refused'
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'timeout'
  if (codes.some(isTlsCode)) return 'tls'
  // A redirect go would refuse (to plain http, or past 10 hops).
  if (codes.includes('ERR_PROBE_REDIRECT')) return 'bad-response'
  // Read the name directly: errors from another realm fail instanceof.
  const name = (err as { name?: unknown } | null)?.name
  if (name === 'AbortError' || name === 'TimeoutError') return 'timeout'
  return 'network'
}

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'EPROTO'
  )
}

/** Error codes along the cause chain, outermost first. */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = []
  let e: unknown = err
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') codes.push(code)
    e = (e as { cause?: unknown }).cause
  }
  return codes
}
