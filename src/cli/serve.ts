// `setup-goproxy serve`: the kept proxy in the foreground for a developer.
// The chain is decided as `env` decides it; the local proxy then serves go
// from the ranked mirrors with the same hedging and verification, behind the
// chain's private proxies (keptGoproxy), until Ctrl-C, and says what it
// served. stdout gets one line, GOPROXY=…; everything else goes to stderr.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatBytes, formatMs } from '../base/markdown.js'
import { parseNumber } from '../base/values.js'
import { keptGoproxy } from '../download/proxy/kept-config.js'
import {
  serveLocalProxy,
  type ServeResult
} from '../download/proxy/local-serve.js'
import { mirrorPriors, zipBytesHint } from '../download/proxy/run-proxied.js'
import type { ParsedArgs } from './args.js'
import type { Decision } from './decide.js'
import { formatEnv } from './env-format.js'
import { log, print } from './terminal-log.js'

export interface ServeFlags {
  port: number
  idleMs: number
}

/** Read before the probe, so a bad value costs nothing. */
export function parseServeFlags(args: ParsedArgs): ServeFlags {
  return {
    port: parseNumber('port', args.port ?? '0', {
      min: 0,
      max: 65535,
      integer: true
    }),
    idleMs:
      parseNumber('idle-timeout', args.idleTimeout ?? '0', { min: 0 }) * 1000
  }
}

export async function runServe(
  { inputs, report }: Decision,
  flags: ServeFlags
): Promise<number> {
  const mirrors = mirrorPriors(report)
  const chain = report.chain
  if (!chain || mirrors.length === 0) {
    log('setup-goproxy: the chain has no public mirror to serve from')
    return 1
  }
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort('interrupted'))
  process.once('SIGTERM', () => stop.abort('terminated'))
  const served = await serveLocalProxy(
    {
      mirrors,
      concurrency: inputs.download.concurrency,
      zipBytesHint: zipBytesHint(report),
      privatePatterns: inputs.privacy,
      spoolDir: await mkdtemp(join(tmpdir(), 'setup-goproxy-serve-')),
      idleMs: flags.idleMs,
      maxMs: 0,
      port: flags.port
    },
    {
      signal: stop.signal,
      onListening: (url) => {
        const goproxy = keptGoproxy(url, chain)
        const others = report.env.filter((e) => e.name !== 'GOPROXY')
        log(
          [
            `Serving ${url} from ${mirrors.map((m) => m.url).join(', ')}. In the shell that runs go:`,
            formatEnv([{ name: 'GOPROXY', value: goproxy, reason: '' }], 'sh'),
            ...(others.length > 0 ? [formatEnv(others, 'sh')] : []),
            'Ctrl-C stops it and prints what it served.'
          ].join('\n')
        )
        print(`GOPROXY=${goproxy}`)
      }
    }
  )
  log(servedText(served))
  return 0
}

/** What it served, for a terminal: totals, then one line per mirror. */
function servedText({ url, record, why }: ServeResult): string {
  const files = record.files
  const count = (s: string) => files.filter((f) => f.status === s).length
  const bytes = files.reduce(
    (n, f) => n + (f.status === 'served' ? (f.bytes ?? 0) : 0),
    0
  )
  const hedged = files.filter((f) => f.hedges > 0).length
  const lines = [
    `Stopped (${why}). ${url} was asked for ${files.length} file(s): ${count('served')} served (${formatBytes(bytes)}), ${count('not-found')} not found, ${count('failed')} failed, ${hedged} hedged.`
  ]
  for (const m of record.mirrors) {
    const failures = Object.entries(m.failures).map(([k, n]) => `${k} ×${n}`)
    lines.push(
      `  ${m.url}: ${m.files} file(s), ${formatBytes(m.bytes)}, ${m.hedgesWon} won by a hedge` +
        (failures.length > 0
          ? `; failed answers: ${failures.join(', ')}`
          : '') +
        (m.dropped
          ? `; dropped at ${formatMs(m.dropped.atMs)}: ${m.dropped.why}`
          : '')
    )
  }
  const failed = files.filter((f) => f.status === 'failed').map((f) => f.path)
  if (failed.length > 0)
    lines.push(
      `  not served (go fell through to the chain): ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ` and ${failed.length - 10} more` : ''}`
    )
  return lines.join('\n')
}
