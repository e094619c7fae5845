// The kept proxy's own process (the kept-proxy bundle, started detached with
// KEPT_PROXY_ENV set): the local proxy with no planned work, fetching on
// demand for every later go command of the job. It prints one line, its URL,
// on stdout (main reads it, then closes the pipe) and nothing else; keeps its
// download record in a file for post; and exits on SIGTERM (post), after an
// idle limit, or at a hard limit, so a job that never runs post does not keep
// it for ever. Its spool goes with it.
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import type { KeptProxyConfig, KeptProxyFile } from './kept-config.js'
import { serveLocalProxy } from './local-serve.js'
import type { ProxyRecord } from './record.js'

export async function runKeptProxy(configFile: string): Promise<void> {
  const cfg = JSON.parse(await readFile(configFile, 'utf8')) as KeptProxyConfig
  await rm(configFile, { force: true })
  const stop = new AbortController()
  process.once('SIGTERM', () => stop.abort('stopped by the post step'))
  process.once('SIGINT', () => stop.abort('interrupted'))

  // One write at a time, so the last record written is the last taken.
  let url = ''
  let writing = Promise.resolve()
  const save = (record: ProxyRecord, stopped?: string) => {
    const content: KeptProxyFile = { url, record, stopped }
    const tmp = `${cfg.recordFile}.tmp`
    writing = writing
      .then(async () => {
        await writeFile(tmp, JSON.stringify(content), { mode: 0o600 })
        await rename(tmp, cfg.recordFile)
      })
      .catch(() => undefined)
    return writing
  }
  await serveLocalProxy(cfg, {
    signal: stop.signal,
    onListening: async (listening, record) => {
      url = listening
      await save(record)
      process.stdout.write(`${url}\n`)
    },
    onChange: (record) => void save(record),
    onStopped: (record, why) => save(record, why)
  })
}
