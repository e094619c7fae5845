// Retry-After as a mirror sends it (RFC 9110 10.2.3): delay-seconds or an
// HTTP-date. The one reader for the probe and the prefetch; what a pause
// should be made of it is the caller's policy.

/**
 * Seconds to wait, 0 for a date already past; undefined when absent or
 * neither form (a negative or fractional number included: V8's Date.parse
 * would read "-1" as the year 2001).
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now = Date.now()
): number | undefined {
  const v = (typeof value === 'string' ? value : value?.[0])?.trim()
  if (!v) return undefined
  if (/^\d+$/.test(v)) return Number(v)
  // Every HTTP-date form names its month and day in letters.
  if (!/[A-Za-z]{3}/.test(v)) return undefined
  const t = Date.parse(v)
  if (Number.isNaN(t)) return undefined
  return Math.max(0, Math.round((t - now) / 1000))
}
