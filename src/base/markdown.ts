// Formatting shared by every section of the job summary, so that one run
// prints sizes, durations and table cells the same way everywhere.

/** Text for a Markdown table cell: pipes escaped, line breaks flattened. */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** Text for prose and alerts: line breaks flattened, pipes left as they are. */
export function inline(s: string): string {
  return s.replace(/\r?\n/g, ' ')
}

/**
 * A figure for a table cell: its number and unit joined by a no-break
 * space, so that a narrow column never shows "400" over "KiB".
 */
export function figure(s: string): string {
  return s.replace(/(\d) (?=[A-Za-z])/g, '$1\u00a0')
}

/** Binary units; one decimal below 10 so small sizes keep their precision. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function formatMs(ms: number): string {
  return ms >= 9_950
    ? `${(ms / 1000).toFixed(0)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms)} ms`
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/**
 * `value` drawn to scale as a bar of block characters, `width` cells for
 * `max`, in eighths of a cell: a chart that renders at once wherever text
 * does (job summary, log, terminal). A positive value never draws empty.
 */
export function scaleBar(value: number, max: number, width = 12): string {
  if (!(value > 0) || !(max > 0)) return ''
  const eighths = Math.max(
    1,
    Math.round((Math.min(value, max) / max) * width * 8)
  )
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}
