// Live collection of one `go mod download -x -json` run: the stream parsers
// feed a collector that pairs each `# get` start with its answer and
// attributes the URL to its GOPROXY entry as the lines arrive.
import { parseGoproxy } from '../gomod/goproxy.js'
import {
  JsonStreamParser,
  type GoModDownloadJson
} from '../gomod/json-stream.js'
import { classifyUrl, type FileKind } from './request-url.js'
import { StderrParser, type StderrEvent } from '../gomod/stderr-parser.js'

export interface RequestRecord {
  url: string
  /** GOPROXY entry (longest prefix) or `direct`. */
  source: string
  kind: FileKind
  module?: string
  version?: string
  status?: number
  statusText?: string
  error?: string
  /** Seconds until response headers, as go printed them. */
  seconds?: number
  /** Still open when the run was stopped. */
  inFlight?: boolean
  /** Still open when go exited on an error of its own: no answer to judge. */
  abandoned?: boolean
}

/** Everything one `go mod download` run in one module root produced. */
export interface RootRun {
  /** Module root, relative to the workspace. */
  dir: string
  goproxy: string
  requests: RequestRecord[]
  json: GoModDownloadJson[]
  errors: Extract<StderrEvent, { type: 'error' }>[]
  checksums: Extract<StderrEvent, { type: 'checksum' }>[]
  vcsRepos: string[]
  toolchainDownloads: string[]
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  /** stderr lines of no known form (capped). */
  otherOutput: string[]
}

/**
 * Wires the stream parsers of one run to a collector: feed `stderr` and
 * `stdout` chunks as they arrive, then call `finish`.
 */
export function runParsers(
  dir: string,
  goproxy: string,
  onRequest?: (r: RequestRecord) => void
): {
  stderr: StderrParser
  stdout: JsonStreamParser
  finish(r: {
    exitCode: number | null
    timedOut: boolean
    durationMs: number
  }): RootRun
} {
  const collector = new RunCollector(dir, goproxy)
  const stderr = new StderrParser((e) => {
    const done = collector.onStderr(e)
    if (done) onRequest?.(done)
  })
  const stdout = new JsonStreamParser((o) => collector.onJson(o))
  return {
    stderr,
    stdout,
    finish(r) {
      stderr.end()
      stdout.end()
      return collector.finish({
        ...r,
        otherOutput: [...stderr.otherLines, ...stdout.garbage]
      })
    }
  }
}

/** Collects one run's events as they arrive. */
class RunCollector {
  private readonly bases: string[]
  private readonly open = new Map<string, RequestRecord[]>()
  readonly run: RootRun

  constructor(dir: string, goproxy: string) {
    this.bases = parseGoproxy(goproxy).map((e) => e.url)
    this.run = {
      dir,
      goproxy,
      requests: [],
      json: [],
      errors: [],
      checksums: [],
      vcsRepos: [],
      toolchainDownloads: [],
      exitCode: null,
      timedOut: false,
      durationMs: 0,
      otherOutput: []
    }
  }

  /** The request record an event completed, for live logging. */
  onStderr(e: StderrEvent): RequestRecord | undefined {
    const run = this.run
    switch (e.type) {
      case 'get-start': {
        const rec: RequestRecord = {
          url: e.url,
          ...classifyUrl(e.url, this.bases),
          inFlight: true
        }
        run.requests.push(rec)
        const q = this.open.get(e.url) ?? []
        q.push(rec)
        this.open.set(e.url, q)
        return undefined
      }
      case 'get-done': {
        let rec = this.open.get(e.url)?.shift()
        if (!rec) {
          rec = { url: e.url, ...classifyUrl(e.url, this.bases) }
          run.requests.push(rec)
        }
        delete rec.inFlight
        if (e.status !== undefined) {
          rec.status = e.status
          rec.statusText = e.statusText
          rec.seconds = e.seconds
        }
        if (e.error !== undefined) rec.error = e.error
        return rec
      }
      case 'vcs':
        if (!run.vcsRepos.includes(e.repo)) run.vcsRepos.push(e.repo)
        return undefined
      case 'error':
        run.errors.push(e)
        return undefined
      case 'checksum':
        run.checksums.push(e)
        return undefined
      case 'toolchain-download':
        run.toolchainDownloads.push(e.version)
        return undefined
    }
  }

  onJson(o: GoModDownloadJson): void {
    this.run.json.push(o)
  }

  finish(r: {
    exitCode: number | null
    timedOut: boolean
    durationMs: number
    otherOutput?: string[]
  }): RootRun {
    Object.assign(this.run, r, { otherOutput: r.otherOutput ?? [] })
    // Only the deadline makes an open request a mirror's silence.
    if (!r.timedOut)
      for (const req of this.run.requests)
        if (req.inFlight) {
          delete req.inFlight
          req.abandoned = true
        }
    return this.run
  }
}
