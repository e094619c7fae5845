// The kept proxy's own process (the kept-proxy bundle, started detached with
// KEPT_PROXY_ENV set): the local proxy with no planned work, fetching on
// demand for every later go command of the job. It prints one line, its URL,
// on stdout (main reads it, then closes the pipe) and nothing else; keeps its
// download record in a file for post; and exits on SIGTERM (post), after an
// idle limit, or at a hard limit, so a job that never runs post does not keep
// it for ever. Its spool goes with it.
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { isOffMirrors } from '../../privacy/patterns.js'
import { PrefetchEngine } from './engine.js'
import type { KeptProxyConfig, KeptProxyFile } from './kept-config.js'
import { DEADLINES } from './run-proxied.js'
import { startLocalProxy } from './server.js'

// How often a changed record is written out.
const RECORD_EVERY_MS = 1000

export async function runKeptProxy(configFile: string): Promise<void> {
  const cfg = JSON.parse(await readFile(configFile, 'utf8')) as KeptProxyConfig
  await rm(configFile, { force: true })
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
  let changed = true
  const server = await startLocalProxy(
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
    (path) => isOffMirrors(cfg.privatePatterns, path)
  )

  // One write at a time, so the last record written is the last taken.
  let writing = Promise.resolve()
  const save = (stopped?: string) => {
    changed = false
    const content: KeptProxyFile = {
      url: server.url,
      record: engine.record(),
      stopped
    }
    const tmp = `${cfg.recordFile}.tmp`
    writing = writing
      .then(async () => {
        await writeFile(tmp, JSON.stringify(content), { mode: 0o600 })
        await rename(tmp, cfg.recordFile)
      })
      .catch(() => undefined)
    return writing
  }
  await save()

  const startedAt = performance.now()
  let tick: NodeJS.Timeout | undefined
  const why = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('stopped by the post step'))
    process.once('SIGINT', () => resolve('interrupted'))
    tick = setInterval(
      () => {
        const now = performance.now()
        if (now - startedAt >= cfg.maxMs)
          return resolve(`hard limit (${cfg.maxMs / 1000} s) reached`)
        if (inflight === 0 && now - lastActive >= cfg.idleMs)
          return resolve(`idle for ${cfg.idleMs / 1000} s`)
        if (changed) void save()
      },
      Math.min(RECORD_EVERY_MS, cfg.idleMs)
    )
    process.stdout.write(`${server.url}\n`)
  })
  clearInterval(tick)
  await server.close()
  await save(why)
  await engine.stop()
}
