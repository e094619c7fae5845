// One mirror's probe while it runs, shared by its request sequences and read
// by the early stop; turned into the mirror's result when the probe ends.
import type { ProbeProgress } from './early-stop.js'
import type { MirrorProbe, ProbeFailure } from './result.js'
import { median } from './cost-model.js'
import type { ConnectPhase, Transport } from './transport.js'

// A request open this long (and 4× the mirror's median) when the probe ends is a stall.
const STALL_MS = 1000

export interface MirrorProbeState extends ProbeProgress {
  ttfbSamples: number[]
  /** How long the request open when the probe stopped had been waiting. */
  openAtStopMs?: number
  /** The measured connection, and where its setup was when the probe stopped. */
  measured?: Transport
  connectingAtStop?: ConnectPhase
  result: MirrorProbe
}

export function newProbeState(url: string, sampled: number): MirrorProbeState {
  return {
    ttfbSamples: [],
    done: false,
    unusable: false,
    result: {
      url,
      timings: { ttfbSamplesMs: [] },
      found: 0,
      sampled,
      missing: [],
      integrity: { checked: 0, mismatches: [] },
      failures: [],
      cutShort: false
    }
  }
}

/** Records a failure; a fatal one ends the mirror's probe. */
export function recordFailure(
  mirror: MirrorProbeState,
  failure: ProbeFailure,
  fatal = true
): void {
  mirror.result.failures.push(failure)
  if (fatal) mirror.unusable = true
}

/** Notes, at the moment the probe stops, what each unfinished mirror was waiting on. */
export function noteStop(mirrors: MirrorProbeState[], now: number): void {
  for (const m of mirrors) {
    if (m.openSince !== undefined) m.openAtStopMs = now - m.openSince
    m.connectingAtStop = m.measured?.connecting
  }
}

/**
 * The mirror's result once the probe is over. A mirror that had not finished
 * either never answered, stalled on an open request, or was merely cut short
 * (`settled`: stopped because faster mirrors had decided the choice).
 */
export function finalResult(
  mirror: MirrorProbeState,
  settled: boolean,
  elapsedMs: number
): MirrorProbe {
  const r = mirror.result
  const samples = mirror.ttfbSamples
  if (!mirror.done && !mirror.unusable) {
    if (samples.length === 0) {
      const when = settled
        ? `in ${Math.round(elapsedMs)} ms, while faster mirrors finished`
        : `within the probe timeout (${Math.round(elapsedMs)} ms)`
      r.failures.push(unanswered(mirror.connectingAtStop, when))
    } else if (
      (mirror.openAtStopMs ?? 0) > Math.max(STALL_MS, 4 * median(samples))
    ) {
      // go has no timeouts: a mirror that stalls mid-answer would stall the build.
      r.failures.push({
        kind: 'timeout',
        request: '/',
        detail: `a request stalled for ${Math.round(mirror.openAtStopMs ?? 0)} ms`,
        fatal: true
      })
    } else {
      r.cutShort = true
    }
  }
  if (r.timings.throughputBps === undefined && mirror.zipReading?.bytes) {
    // A read cut short still says what the bandwidth was while it lasted.
    r.timings.throughputBps =
      mirror.zipReading.bytes / (mirror.zipReading.ms / 1000)
  }
  r.timings.ttfbSamplesMs = samples.map((s) => Math.round(s * 10) / 10)
  if (samples.length > 0) r.timings.ttfbMs = median(samples)
  return r
}

// What a mirror that never answered was doing: a TLS handshake the server
// never answers, or SYNs that are dropped, are named as such.
function unanswered(
  phase: ConnectPhase | undefined,
  when: string
): ProbeFailure {
  switch (phase) {
    case 'tls':
      return {
        kind: 'tls',
        request: '/',
        detail: `the TLS handshake did not finish ${when}: the server accepted the connection and never completed TLS`
      }
    case 'connect':
      return {
        kind: 'timeout',
        request: '/',
        detail: `the TCP connection was not established ${when}: no answer to its SYNs`
      }
    case 'dns':
      return {
        kind: 'dns',
        request: '/',
        detail: `the DNS lookup did not finish ${when}`
      }
    default:
      return { kind: 'timeout', request: '/', detail: `no answer ${when}` }
  }
}
