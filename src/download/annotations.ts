// What the downloads phase tells the user outside the summary: an error (or
// warning) annotation on the go.mod `require` line of each module that could
// not be downloaded, warnings for mirrors that misbehaved or were left out,
// and the `failed-modules` output. Building them is pure; `emit*` does I/O.
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import type { ChainResult } from '../selection/chain.js'
import type {
  DownloadFailure,
  DownloadsReport,
  SourceWarningKind
} from './downloads-report.js'
import {
  findRequireLine,
  findToolchainLine,
  parseGoWorkUses
} from '../gomod/go-mod-files.js'
import type { MirrorRanking } from '../selection/rank.js'
import { groupBy, kindCount } from '../base/failure-kinds.js'

export interface Annotation {
  level: 'error' | 'warning'
  title: string
  message: string
  /** Workspace-relative file, `/`-separated. */
  file?: string
  startLine?: number
}

/** Reads a file of the workspace; undefined when absent. */
export type FileReader = (workspaceRelative: string) => string | undefined

export function moduleLabel(f: { module?: string; version?: string }): string {
  if (!f.module) return 'go mod download'
  if (f.module === 'golang.org/toolchain' && f.version?.startsWith('go'))
    return `toolchain ${f.version}`
  return f.version ? `${f.module}@${f.version}` : f.module
}

/**
 * One item per kind: the module when it is the only one, else the count and
 * one example, since a dead mirror fails every module the same way.
 * ["missing ×3 (e.g. a.test/x@v1.0.0)", "b.test/y@v1.2.0 (checksum)"]
 */
export function failureGroups(
  failures: readonly DownloadFailure[],
  code: (label: string) => string = (label) => label
): string[] {
  return groupBy(failures, (f) => f.kind).map((group) => {
    const label = code(moduleLabel(group[0]))
    return group.length === 1
      ? `${label} (${group[0].kind})`
      : `${kindCount(group[0].kind, group.length)} (e.g. ${label})`
  })
}

/** "A answered mod: 404 Not Found; B answered zip: 502 Bad Gateway" */
export function triedText(f: DownloadFailure): string {
  return f.tried
    .map((t) => `${t.source} answered ${t.answers.join(', ')}`)
    .join('; ')
}

/**
 * Through the prefetch, go only saw the local proxy, whose address is gone
 * after the step: say which mirror answered, or that none had the file.
 */
function answeredText(f: DownloadFailure): string {
  const served = f.tried.find((t) => t.answers.some((a) => /: 200\b/.test(a)))
  if (served) return `${served.source} served it; go: `
  return `no mirror of the chain had it (asked ${f.tried.map((t) => t.source).join(', ')}); go: `
}

function failureAnnotation(
  f: DownloadFailure,
  read: FileReader,
  level: 'error' | 'warning',
  viaProxy: boolean
): Annotation {
  const answered = viaProxy && f.tried.length > 0 ? answeredText(f) : ''
  const parts = [
    f.module
      ? `${moduleLabel(f)} could not be downloaded (${f.kind}): ${answered}${f.message}`
      : `go mod download failed (${f.kind}): ${answered}${f.message}`
  ]
  if (f.badSource) parts.push(`The bad bits came from ${f.badSource}.`)
  if (f.tried.length > 0) parts.push(`Tried: ${triedText(f)}.`)
  parts.push(f.hint)
  return {
    level,
    title: `setup-goproxy: ${moduleLabel(f)} (${f.kind})`,
    message: parts.join('\n'),
    ...locate(f, read)
  }
}

// The require line in the root's go.mod, else in a go.mod its go.work uses
// (a transitive dependency has none: the file is still the right place).
function locate(
  f: DownloadFailure,
  read: FileReader
): { file?: string; startLine?: number } {
  // The message names the go.sum line; no go.mod line is to blame.
  if (f.kind === 'malformed-go-sum') return {}
  const root = f.root === '.' ? '' : f.root.replace(/\\/g, '/') + '/'
  const goMods = [`${root}go.mod`]
  const work = read(`${root}go.work`)
  if (work) {
    goMods.length = 0
    for (const u of parseGoWorkUses(work))
      goMods.push(path.posix.join(root, u, 'go.mod'))
    goMods.unshift(`${root}go.work`)
  }
  const present = goMods.filter((g) => read(g) !== undefined)
  if (present.length === 0) return {}
  for (const g of present) {
    const text = read(g)!
    const line =
      f.kind === 'toolchain'
        ? findToolchainLine(text)
        : f.module
          ? findRequireLine(text, f.module)
          : undefined
    if (line !== undefined) return { file: g, startLine: line }
  }
  return { file: present[0] }
}

const WARNING_TITLES: Record<SourceWarningKind, string> = {
  stale: 'stale mirror',
  'rate-limited': 'rate-limited mirror',
  failing: 'failing mirror',
  unresponsive: 'unresponsive mirror'
}

/** Every annotation of the downloads phase and of the mirror selection. */
export function downloadAnnotations(
  d: DownloadsReport | undefined,
  chain: ChainResult | undefined,
  ranking: MirrorRanking[] | undefined,
  read: FileReader,
  failOnError: boolean
): Annotation[] {
  const out: Annotation[] = []
  for (const r of ranking ?? []) {
    const inChain = chain?.entries.some((e) => e.url === r.url) ?? false
    if (r.tier === 'failed')
      out.push({
        level: 'warning',
        title: 'setup-goproxy: mirror dropped',
        message: `${r.url} was left out of GOPROXY: ${r.reasons.join('; ') || 'failed its probe'}.`
      })
    else if (r.tier === 'degraded' && inChain)
      out.push({
        level: 'warning',
        title: 'setup-goproxy: mirror demoted',
        message: `${r.url} is in GOPROXY at rank ${r.position} but degraded: ${r.reasons.join('; ')}.`
      })
  }
  for (const w of d?.warnings ?? [])
    out.push({
      level: 'warning',
      title: `setup-goproxy: ${WARNING_TITLES[w.kind]}`,
      message: w.message
    })
  for (const f of d?.failures ?? [])
    out.push(
      failureAnnotation(
        f,
        read,
        failOnError ? 'error' : 'warning',
        d?.proxy !== undefined
      )
    )
  return out
}

/** The `failed-modules` output: small, stable fields only. */
export function failedModulesOutput(d: DownloadsReport | undefined): string {
  return JSON.stringify(
    (d?.failures ?? []).map((f) => ({
      module: f.module ?? null,
      version: f.version ?? null,
      kind: f.kind,
      message: f.message,
      root: f.root,
      tried: f.tried,
      ...(f.badSource ? { badSource: f.badSource } : {})
    }))
  )
}

export function workspaceReader(workspace: string): FileReader {
  return (rel) => {
    const p = path.join(workspace, rel)
    if (!existsSync(p)) return undefined
    try {
      return readFileSync(p, 'utf8')
    } catch {
      return undefined
    }
  }
}
