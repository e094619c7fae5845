// What main hands the kept proxy (a file under RUNNER_TEMP, named by one
// environment variable) and what post finds of it in the step state. No
// credentials: mirror URLs, the private patterns, limits and file paths only.
import type { PrivatePatterns } from '../../privacy/patterns.js'
import type { ChainResult } from '../../selection/chain.js'
import type { ProxyRecord } from './record.js'
import type { MirrorPrior } from './scheduler.js'

/** Set on the detached process: the path of its config file. */
export const KEPT_PROXY_ENV = 'SETUP_GOPROXY_KEPT_PROXY'

/** The local proxy on its own: the kept proxy's and `setup-goproxy serve`'s. */
export interface LocalServeConfig {
  mirrors: MirrorPrior[]
  concurrency: number
  zipBytesHint: number
  privatePatterns: PrivatePatterns
  spoolDir: string
  /** Stops after this long without a request from go; 0: never. */
  idleMs: number
  /** Stops after this long whatever happens (a job without post); 0: never. */
  maxMs: number
  /** Port on 127.0.0.1; 0 or absent: any free one. */
  port?: number
}

export interface KeptProxyConfig extends LocalServeConfig {
  /** Where the proxy keeps its download record, rewritten as it changes. */
  recordFile: string
}

/** Step state: what post needs to stop the proxy and read its record. */
export interface KeptProxyState {
  pid: number
  url: string
  recordFile: string
  /** The marker's value in the process's environment: it is ours only then. */
  configFile: string
  /** Left behind when the process was killed before it could remove it. */
  spoolDir: string
}

/** The record file's content. */
export interface KeptProxyFile {
  url: string
  record: ProxyRecord
  /** Why it stopped, once it has. */
  stopped?: string
}

/**
 * The GOPROXY later steps get: the chain's private proxies first, as in the
 * chain (a path they serve never reaches the local URL, whatever listens
 * there once the proxy has exited), then the local proxy in place ahead of
 * the public part after `|`, so that go falls through to it on any error,
 * the local proxy being gone included.
 */
export function keptGoproxy(
  localUrl: string,
  chain: Pick<ChainResult, 'goproxy' | 'entries'>
): string {
  const privates = chain.entries
    .filter((e) => e.role === 'private')
    .map((e) => e.url)
  const publicPart = chain.goproxy
    .slice(privates.join(',').length)
    .replace(/^,/, '')
  return [...privates, `${localUrl}|${publicPart}`].join(',')
}
