import { request } from 'undici'
import { sumdbAgent } from './proxy-route.js'

export type Reachability = 'ok' | 'unreachable'

const SUMDB_ENDPOINTS = {
  sumGolangOrg: 'https://sum.golang.org',
  googleCn: 'https://sum.golang.google.cn'
}

/**
 * Whether each checksum database serves its signed tree head within the
 * timeout. The body is checked so that a captive portal's 200 does not count.
 */
export async function checkSumdbReachability(
  endpoints: typeof SUMDB_ENDPOINTS = SUMDB_ENDPOINTS,
  timeoutMs = 3000
): Promise<{ sumGolangOrg: Reachability; googleCn: Reachability }> {
  const dispatcher = sumdbAgent(timeoutMs)
  const check = async (base: string): Promise<Reachability> => {
    try {
      const res = await request(`${base}/latest`, {
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'user-agent': 'setup-goproxy' }
      })
      const body = await res.body.text()
      return res.statusCode === 200 && body.startsWith('go.sum database tree')
        ? 'ok'
        : 'unreachable'
    } catch {
      return 'unreachable'
    }
  }
  try {
    const [sumGolangOrg, googleCn] = await Promise.all([
      check(endpoints.sumGolangOrg),
      check(endpoints.googleCn)
    ])
    return { sumGolangOrg, googleCn }
  } finally {
    await dispatcher.destroy()
  }
}
