import type { ModuleVersion } from '../gomod/module-path.js'
import type { FailureKind } from '../base/failure-kinds.js'

export interface ProbeFailure {
  kind: FailureKind
  /** The request path under the mirror base, e.g. `/example.com/m/@v/v1.0.0.info`. */
  request: string
  status?: number
  detail: string
  retryAfterSec?: number
  /** Set when this failure alone makes the mirror unusable (a stalled request). */
  fatal?: boolean
}

export interface MirrorTimings {
  dnsMs?: number
  connectMs?: number
  tlsMs?: number
  /** Median time to first byte over a kept-alive connection. */
  ttfbMs?: number
  ttfbSamplesMs: number[]
  /** Bytes per second after the first byte of time-boxed .zip reads. */
  throughputBps?: number
  /** Zip bytes read for the throughput reading, and how many zips. */
  throughputBytes?: number
  zipsRead?: number
}

export interface MirrorProbe {
  url: string
  timings: MirrorTimings
  /** Sampled module versions the mirror served (all three files when probed). */
  found: number
  sampled: number
  missing: ModuleVersion[]
  integrity: { checked: number; mismatches: ModuleVersion[] }
  failures: ProbeFailure[]
  /** Status of `<mirror>/sumdb/sum.golang.org/supported`; undefined when not answered. */
  sumdbSupported?: number
  sumdbError?: FailureKind
  /** True when the probe ended (deadline, or the outcome was settled) before this mirror finished. */
  cutShort: boolean
}
