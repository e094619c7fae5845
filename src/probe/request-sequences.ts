// The two request sequences of a mirror's probe besides the zip reading:
// the timed one on the measured connection, and the freshness checks on
// side connections.
import type { GoSumEntry } from '../gomod/gosum.js'
import { hashGoMod } from '../gomod/module-path.js'
import { recordFailure, type MirrorProbeState } from './probe-state.js'
import { fetchProtocolFile, sendRequest } from './protocol-requests.js'
import { moduleFileUrl } from '../gomod/proxy-url.js'
import { openSidePool, openTransport } from './transport.js'

// Side connections per mirror for the freshness checks.
const SIDE_CONNECTIONS = 4

/**
 * .info, .mod (hash-checked against go.sum) of each module version, then the
 * sumdb `supported` endpoint, on one kept-alive connection whose first bytes
 * are the latency samples. True when it completed.
 */
export async function probeTimedSequence(
  mirror: MirrorProbeState,
  base: URL,
  prefix: string,
  modules: GoSumEntry[],
  signal: AbortSignal
): Promise<boolean> {
  const conn = openTransport(base, signal)
  mirror.measured = conn
  const over = (): boolean => mirror.unusable || signal.aborted
  try {
    for (const m of modules) {
      const info = await fetchProtocolFile(
        mirror,
        conn,
        moduleFileUrl(prefix, m, 'info'),
        'info',
        m,
        signal,
        'sample'
      )
      if (info === undefined) {
        if (over()) return false
        continue
      }
      const mod = await fetchProtocolFile(
        mirror,
        conn,
        moduleFileUrl(prefix, m, 'mod'),
        'mod',
        m,
        signal,
        'sample'
      )
      if (mod === undefined) {
        if (over()) return false
        continue
      }
      mirror.result.found++
      if (m.modHash) {
        mirror.result.integrity.checked++
        const got = hashGoMod(mod)
        if (got !== m.modHash) {
          mirror.result.integrity.mismatches.push({
            path: m.path,
            version: m.version
          })
          recordFailure(mirror, {
            kind: 'checksum',
            request: moduleFileUrl(prefix, m, 'mod'),
            detail: `go.mod of ${m.path}@${m.version} hashes to ${got}, go.sum says ${m.modHash}`
          })
          return false
        }
      }
    }
    const sumdb = await sendRequest(
      mirror,
      conn,
      `${prefix}/sumdb/sum.golang.org/supported`,
      signal,
      'watch'
    )
    if (sumdb) {
      mirror.result.sumdbSupported = sumdb.status
      await sumdb.body.dump().catch(() => undefined)
    }
    return !over()
  } finally {
    await conn.close().catch(() => undefined)
  }
}

/**
 * .info of more module versions over a few side connections: a stale, flaky
 * or rate-limiting mirror shows itself over more requests than the timed
 * ones. True when it completed.
 */
export async function checkFreshness(
  mirror: MirrorProbeState,
  base: URL,
  prefix: string,
  modules: GoSumEntry[],
  signal: AbortSignal
): Promise<boolean> {
  const pool = openSidePool(base, SIDE_CONNECTIONS, signal)
  const queue = [...modules]
  const worker = async (): Promise<void> => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      if (mirror.unusable || signal.aborted) return
      const info = await fetchProtocolFile(
        mirror,
        pool,
        moduleFileUrl(prefix, m, 'info'),
        'info',
        m,
        signal,
        'untimed'
      )
      if (info !== undefined) mirror.result.found++
    }
  }
  try {
    await Promise.all(Array.from({ length: SIDE_CONNECTIONS }, worker))
    return !mirror.unusable && !signal.aborted
  } finally {
    await pool.close().catch(() => undefined)
  }
}
