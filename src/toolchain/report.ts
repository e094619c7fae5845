// The toolchain part of the run report and its summary section.
import { formatBytes, formatMs } from '../base/markdown.js'
import type { ToolchainFetch } from './fetch.js'
import type { GoInstallReport } from './install.js'
import type { SwitchCause } from './select.js'

export interface ToolchainReport {
  /** The go on PATH (`go1.26.8`); undefined when there is none or it failed. */
  local?: string
  /** There is no go command on PATH at all. */
  noGo?: boolean
  /** The toolchain go commands of this job will run. */
  selected?: string
  /** `file` is workspace-relative. */
  cause?: SwitchCause
  /** Why nothing is fetched or why go cannot work (no go, invalid GOTOOLCHAIN, …). */
  note?: string
  fetch?: ToolchainFetch
  /** The Go `go-version` / `go-version-file` installed. */
  install?: GoInstallReport
}

function causeText(c: SwitchCause | undefined): string {
  if (!c) return ''
  if (c.source === 'GOTOOLCHAIN') return ' (set by GOTOOLCHAIN)'
  return ` (${c.source} of ${c.file}${c.line !== undefined ? `:${c.line}` : ''})`
}

/** One line for the summary's headline: the Go this job runs and where it comes from. */
export function toolchainHeadline(t: ToolchainReport | undefined): string {
  if (!t) return ''
  const i = t.install
  if (i?.version !== undefined)
    return `**Go** ${i.version}, installed from ${i.source === 'mirror' ? i.mirror : 'the runner tool cache'}`
  if (t.local === undefined)
    return t.noGo ? '**Go**: none on PATH' : '**Go**: unknown (go env failed)'
  if (t.selected !== undefined && t.selected !== t.local)
    return `**Go** ${t.selected}${causeText(t.cause)}, ${t.fetch?.outcome === 'failed' ? 'not available' : `from ${t.fetch?.mirror ?? 'the module cache'}`}`
  return `**Go** ${t.local} from PATH`
}

/** The section; '' when the headline's Go from PATH is all there is to say. */
export function renderToolchainSection(t: ToolchainReport | undefined): string {
  if (!t) return ''
  const more = t.install || t.fetch || t.note || t.local === undefined
  if (!more && (t.selected === undefined || t.selected === t.local)) return ''
  const lines = ['### Go toolchain']
  const i = t.install
  if (i?.source === 'tool-cache')
    lines.push(
      `Installed Go ${i.version} (${i.input} \`${i.requested}\`) from the runner tool cache.`
    )
  else if (i?.source === 'mirror')
    lines.push(
      `Installed Go ${i.version} (${i.input} \`${i.requested}\`) from ${i.mirror}: ${formatBytes(i.bytes ?? 0)} in ${formatMs(i.durationMs ?? 0)}, verified against the checksum database; now in the tool cache.`
    )
  if (t.local === undefined) {
    lines.push(t.note ?? 'No go on PATH.')
    return lines.join('\n\n')
  }
  if (t.selected === undefined || t.selected === t.local)
    lines.push(`**${t.local}** from PATH`)
  else lines.push(`**${t.selected}**${causeText(t.cause)}; PATH has ${t.local}`)
  const f = t.fetch
  if (f?.outcome === 'downloaded')
    lines.push(
      `Fetched \`${f.module}\` from ${f.mirror}: ${f.bytes !== undefined ? formatBytes(f.bytes) : 'size unknown'} in ${formatMs(f.durationMs)}; kept in the module cache.`
    )
  else if (f?.outcome === 'cached')
    lines.push(`\`${f.module}\` was already in the module cache.`)
  else if (f?.outcome === 'failed')
    lines.push(
      `> [!CAUTION]\n> \`${f.module}\` could not be fetched: ${f.error}`
    )
  if (t.note) lines.push(t.note)
  return lines.join('\n\n')
}
