// A mirror's probe failures grouped by kind, so that a mirror failing the
// same way on every request reads as one line with a count.
import { kindCount, type FailureKind } from '../base/failure-kinds.js'
import type { ProbeFailure } from './result.js'

export interface FailureGroup {
  kind: FailureKind
  count: number
  /** The first failure of this kind, for its request path and detail. */
  example: ProbeFailure
}

/** Failures grouped by kind, in the order each kind first occurred. */
export function groupFailures(
  failures: readonly ProbeFailure[]
): FailureGroup[] {
  const groups = new Map<FailureKind, FailureGroup>()
  for (const f of failures) {
    const g = groups.get(f.kind)
    if (g) g.count++
    else groups.set(f.kind, { kind: f.kind, count: 1, example: f })
  }
  return [...groups.values()]
}

/** E.g. `server-error ×16 (e.g. /golang.org/x/mod/@v/v0.20.0.info), timeout (/)`. */
export function failureGroupsLine(failures: readonly ProbeFailure[]): string {
  return groupFailures(failures)
    .map(
      (g) =>
        `${kindCount(g.kind, g.count)} (${g.count > 1 ? 'e.g. ' : ''}${g.example.request})`
    )
    .join(', ')
}
