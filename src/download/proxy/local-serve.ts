// The local proxy as a process of its own runs it (the kept proxy, and
// `setup-goproxy serve`): the engine with no planned work fetching on
// demand, the GOPROXY server in front of it, until a stop signal, the idle
// limit or the hard limit. Its spool goes with it.
import { isOffMirrors } from '../../privacy/patterns.js'
import { PrefetchEngine } from './engine.js'
import type { LocalServeConfig } from './kept-config.js'
import type { ProxyRecord } from './record.js'
import { DEADLINES } from './run-proxied.js'
import { startLocalProxy } from './server.js'

// How often the limits are checked and a changed record is handed on.
const TICK_MS = 1000

export interface ServeHooks {
  /** Aborted with the reason to stop (a string), e.g. on a signal. */
  signal: AbortSignal
  /** Listening: the URL, before any request can have been counted. */
  onListening(url: string, record: ProxyRecord): Promise<void> | void
  /** The record, at most once a tick, while requests change it. */
  onChange?(record: ProxyRecord): void
  /** Stopped listening; the engine (and its spool) is still there. */
  onStopped?(record: ProxyRecord, why: string): Promise<void> | void
}

export interface ServeResult {
  url: string
  record: ProxyRecord
  /** Why it stopped. */
  why: string
}

export async function serveLocalProxy(
  cfg: LocalServeConfig,
  hooks: ServeHooks
): Promise<ServeResult> {
  const engine = await PrefetchEngine.start(
    {
      mirrors: cfg.mirrors,
      concurrency: cfg.concurrency,
      spoolDir: cfg.spoolDir,
      deadlines: DEADLINES,
      zipBytesHint: cfg.zipBytesHint,
      // go falls through to the chain on any error: a fast one beats a wait.
      waitOutPauses: false
    },
    []
  )
  let inflight = 0
  let lastActive = performance.now()
  let changed = false
  let server
  try {
    server = await startLocalProxy(
      {
        get: (path) => {
          inflight++
          changed = true
          return engine.get(path).finally(() => {
            inflight--
            lastActive = performance.now()
          })
        }
      },
      (path) => isOffMirrors(cfg.privatePatterns, path),
      cfg.port
    )
  } catch (e) {
    await engine.stop()
    throw e
  }
  await hooks.onListening(server.url, engine.record())

  const startedAt = performance.now()
  let tick: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const why = await new Promise<string>((resolve) => {
    onAbort = () => resolve(String(hooks.signal.reason))
    if (hooks.signal.aborted) return onAbort()
    hooks.signal.addEventListener('abort', onAbort, { once: true })
    tick = setInterval(
      () => {
        const now = performance.now()
        if (cfg.maxMs > 0 && now - startedAt >= cfg.maxMs)
          return resolve(`hard limit (${cfg.maxMs / 1000} s) reached`)
        if (cfg.idleMs > 0 && inflight === 0 && now - lastActive >= cfg.idleMs)
          return resolve(`idle for ${cfg.idleMs / 1000} s`)
        if (changed && hooks.onChange) {
          changed = false
          hooks.onChange(engine.record())
        }
      },
      cfg.idleMs > 0 ? Math.min(TICK_MS, cfg.idleMs) : TICK_MS
    )
  })
  clearInterval(tick)
  hooks.signal.removeEventListener('abort', onAbort!)
  await server.close()
  await hooks.onStopped?.(engine.record(), why)
  await engine.stop()
  return { url: server.url, record: engine.record(), why }
}
