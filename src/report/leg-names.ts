// A matrix's legs are named after their artifact directories, which share
// a prefix (`goproxy-report-ubuntu-latest`, `goproxy-report-windows-latest`):
// the table shows what differs.

/** The artifact name docs/report.md uses, stripped when a leg stands alone. */
const DOCUMENTED_PREFIX = 'goproxy-report-'

const SEPARATOR = /[-_.]/

function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return ''
  let prefix = names[0]
  for (const n of names)
    while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1)
  // Cut at a separator, so that `report-eu-1`/`report-eu-2` keep `eu-1`.
  let end = prefix.length
  while (end > 0 && !SEPARATOR.test(prefix[end - 1])) end--
  return prefix.slice(0, end)
}

/**
 * The prefix to strip: the one all names share (the expected legs' too, so
 * that a lone report among expected ones still loses it), else the
 * documented one when it is all there is to go by.
 */
export function legPrefix(
  found: readonly string[],
  expected: readonly string[] = []
): string {
  const all = [...new Set([...found, ...expected])]
  if (all.length > 1)
    return commonPrefix(all) || (found.length > 1 ? commonPrefix(found) : '')
  return all[0]?.startsWith(DOCUMENTED_PREFIX) ? DOCUMENTED_PREFIX : ''
}

/** The name without the prefix; the full name when nothing would be left. */
export function shortLegName(name: string, prefix: string): string {
  return prefix && name.startsWith(prefix) && name.length > prefix.length
    ? name.slice(prefix.length)
    : name
}
