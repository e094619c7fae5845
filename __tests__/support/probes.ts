// Probe results as the prober reports them, for the pure tests of ranking
// and reporting: a healthy mirror unless the options say otherwise.
import type {
  MirrorProbe,
  MirrorTimings,
  ProbeFailure
} from '../../src/probe/result.js'

const MiB = 1024 * 1024

export interface ProbeOptions extends Partial<
  Pick<MirrorTimings, 'dnsMs' | 'connectMs' | 'tlsMs'>
> {
  /** Median TTFB (default 50 ms); undefined when never measured. */
  ttfbMs?: number
  /** Throughput (default 10 MiB/s); undefined when never measured. */
  bps?: number
  found?: number
  sampled?: number
  /** Versions never asked for (probe cut short), not counted as missing. */
  unasked?: number
  failures?: Partial<ProbeFailure>[]
  cutShort?: boolean
  sumdbSupported?: number
  sumdbError?: ProbeFailure['kind']
}

export function mirrorProbe(url: string, opts: ProbeOptions = {}): MirrorProbe {
  const ttfb = 'ttfbMs' in opts ? opts.ttfbMs : 50
  const found = opts.found ?? 3
  const sampled = opts.sampled ?? 3
  const missing = Math.max(0, sampled - found - (opts.unasked ?? 0))
  return {
    url,
    timings: {
      dnsMs: opts.dnsMs,
      connectMs: opts.connectMs,
      tlsMs: opts.tlsMs,
      ttfbMs: ttfb,
      ttfbSamplesMs: ttfb === undefined ? [] : [ttfb, ttfb, ttfb],
      throughputBps: 'bps' in opts ? opts.bps : 10 * MiB
    },
    found,
    sampled,
    missing: Array.from({ length: missing }, (_, i) => ({
      path: `example.com/m${i}`,
      version: 'v1.0.0'
    })),
    integrity: { checked: 3, mismatches: [] },
    failures: (opts.failures ?? []).map((f) => ({
      kind: 'network',
      request: '/example.com/m/@v/v1.0.0.info',
      detail: 'boom',
      ...f
    })),
    sumdbSupported: opts.sumdbSupported,
    sumdbError: opts.sumdbError,
    cutShort: opts.cutShort ?? false
  }
}
