// The download's progress on a terminal: one line, redrawn at most five
// times a second, `files 12/40 · 3.4 MiB · 1.2 MiB/s · goproxy.cn 8, …`.
// Only on a TTY: a pipe or a log file gets the summary alone.
import { formatBytes } from '../base/markdown.js'
import type { PrefetchProgress } from '../download/progress.js'

export const REDRAW_MS = 200

/** The line for a snapshot, elapsedMs after the prefetch started. */
export function progressText(p: PrefetchProgress, elapsedMs: number): string {
  const parts = [
    p.planned === undefined
      ? `files ${p.files}`
      : `files ${p.files}/${p.planned}`
  ]
  if (p.bytes !== undefined) {
    parts.push(formatBytes(p.bytes))
    if (elapsedMs > 0)
      parts.push(`${formatBytes(Math.round((p.bytes * 1000) / elapsedMs))}/s`)
  }
  const mirrors = p.mirrors
    .filter((m) => m.files > 0)
    .sort((a, b) => b.files - a.files)
    .map((m) => `${mirrorName(m.url)} ${m.files}`)
  if (mirrors.length > 0) parts.push(mirrors.join(', '))
  return (p.by === 'go' ? 'go alone: ' : '') + parts.join(' · ')
}

// The host is what tells mirrors apart; a path (goproxy.io/zh) stays.
function mirrorName(url: string): string {
  return url.replace(/^https?:\/\//u, '')
}

export interface ProgressLine {
  update(p: PrefetchProgress): void
  /** Erases the line, before the summary. */
  clear(): void
}

/**
 * A progress line drawn with draw (which replaces the line shown), or
 * undefined when stream is not a terminal. A snapshot that comes sooner
 * than REDRAW_MS after the last drawn one is skipped: the next is newer.
 */
export function progressLine(
  stream: { isTTY?: boolean; columns?: number },
  draw: (text: string) => void,
  now: () => number = () => performance.now()
): ProgressLine | undefined {
  if (!stream.isTTY) return undefined
  // The rate counts from the first snapshot: before it the graph walk and
  // the pay-off decision ran, which fetch nothing.
  let started: number | undefined
  let drawnAt: number | undefined
  return {
    update(p) {
      const t = now()
      started ??= t
      if (drawnAt !== undefined && t - drawnAt < REDRAW_MS) return
      drawnAt = t
      const text = progressText(p, t - started)
      // A line wider than the terminal wraps, and \r would redraw only its tail.
      const width = stream.columns ? stream.columns - 1 : Infinity
      draw(text.length > width ? text.slice(0, width - 1) + '…' : text)
    },
    clear() {
      if (drawnAt !== undefined) draw('')
    }
  }
}
