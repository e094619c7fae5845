// What the local proxy did, file by file and mirror by mirror: the downloads
// section of the report and the summary are built from this record.
import type { AttemptFailure } from './attempt-failure.js'

export interface FileRecord {
  /** Request path under a GOPROXY base. */
  path: string
  module?: string
  version?: string
  kind: 'info' | 'mod' | 'zip' | 'list' | 'latest' | 'sumdb'
  status: 'pending' | 'served' | 'not-found' | 'failed'
  /** Mirror whose verified answer was served. */
  mirror?: string
  bytes?: number
  /** From the first request to the verified file (or the final failure). */
  ms?: number
  /** When it was served or given up, ms since the proxy started. */
  doneAtMs?: number
  /** Requests sent for this file, hedges included. */
  attempts: number
  /** Requests sent while another for the same file was still open. */
  hedges: number
  failures: {
    mirror: string
    kind: AttemptFailure
    /** HTTP status of the answer, when there was one. */
    status?: number
    detail: string
    /** Since the proxy started. */
    atMs: number
  }[]
  /** Checked against go.sum's h1 hash. */
  verified: boolean
  /** Mirrors still asked when the record was taken (no answer yet). */
  waitingOn?: string[]
  /** Known from go.sum / go.mod before go asked. */
  planned: boolean
  askedByGo: boolean
}

export interface MirrorRecord {
  url: string
  /** Files this mirror's answer was served for. */
  files: number
  bytes: number
  /** Files won by a hedged request to this mirror. */
  hedgesWon: number
  failures: Partial<Record<AttemptFailure, number>>
  /** Files it served with wrong bits (hash mismatch) or protocol garbage. */
  badFiles: string[]
  /** Dropped by the circuit breaker: when (ms since the proxy started) and why. */
  dropped?: { atMs: number; why: string }
}

export interface ProxyRecord {
  concurrency: number
  files: FileRecord[]
  mirrors: MirrorRecord[]
  /** A fault of this machine that stopped the prefetch (a full disk, …). */
  localFault?: string
}

/** The record as the report carries it. */
export interface ProxyReport extends ProxyRecord {
  /** The GOPROXY go ran with beside the prefetch. */
  goproxy: string
  /** Files of the module graph and the downloads that the module cache lacked. */
  planned: number
}
