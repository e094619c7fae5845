import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import * as core from '@actions/core'
import {
  malformedGoSumLines,
  mergeGoSums,
  parseGoSum,
  sampleModules,
  type GoSumEntry
} from '../gomod/gosum.js'
import {
  parseGoModRequireVersions,
  parseGoWorkUses
} from '../gomod/go-mod-files.js'
import type { ModuleVersion } from '../gomod/module-path.js'
import type { Workload } from './cost-model.js'

// Long-lived public modules probed when the project names no module at all. Their
// go.sum hashes (from sum.golang.org) let the probe check integrity too.
export const BUILT_IN_PROBE_MODULES: GoSumEntry[] = [
  {
    path: 'golang.org/x/mod',
    version: 'v0.20.0',
    zipHash: 'h1:utOm6MM3R3dnawAiJgn0y+xvuYRsm1RKM/4giyfDgV0=',
    modHash: 'h1:hTbmBsO62+eylJbnUtE2MGJUyE7QWk4xUqPFrRgJ+7c='
  },
  {
    path: 'golang.org/x/text',
    version: 'v0.17.0',
    zipHash: 'h1:XtiM5bkSOt+ewxlOE/aE/AKEHibwj/6gvWMl9Rsh0Qc=',
    modHash: 'h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY='
  },
  {
    path: 'github.com/google/uuid',
    version: 'v1.6.0',
    zipHash: 'h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=',
    modHash: 'h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo='
  }
]

export const PROBE_SAMPLE_SIZE = 3
// Further module versions whose .info every mirror is asked for, on side
// connections: enough requests to catch a mirror that lacks a few versions,
// fails now and then, or rate-limits.
const FRESHNESS_SAMPLE_SIZE = 24

// Zip size assumed per module when nothing better is known; the probe's own
// zip read replaces it.
export const TYPICAL_ZIP_BYTES = 256 * 1024

export interface ProbePlan {
  modules: GoSumEntry[]
  /** Versions only checked for presence (.info). */
  freshness: GoSumEntry[]
  source: 'go.sum' | 'go.mod' | 'probe-modules' | 'built-in'
  /** Public module versions of the project, for the workload estimate. */
  entries: GoSumEntry[]
}

/**
 * The go.sum or go.mod files go reads at `dir`: its own, or in a workspace
 * each used module's (and go.work.sum for sums).
 */
async function projectFiles(
  dir: string,
  name: 'go.sum' | 'go.mod'
): Promise<string[]> {
  const root = resolve(dir)
  const work = await readFile(join(root, 'go.work'), 'utf8').catch(
    () => undefined
  )
  if (work === undefined) return [join(root, name)]
  const used = parseGoWorkUses(work).map((use) => join(root, use, name))
  return name === 'go.sum' ? [join(root, 'go.work.sum'), ...used] : used
}

/**
 * Reads the go.sum files go consults at `dir`, in its order: go.work.sum and
 * each used module's go.sum in a workspace, else go.sum. Lines that make go
 * stop ("malformed go.sum") are annotated where they are.
 */
export async function readProjectSums(dir: string): Promise<GoSumEntry[]> {
  const files = await projectFiles(dir, 'go.sum')
  const texts = await Promise.all(
    files.map((f) => readFile(f, 'utf8').catch(() => ''))
  )
  texts.forEach((text, i) => {
    for (const m of malformedGoSumLines(text)) {
      core.warning(
        `${files[i]}:${m.line}: wrong number of fields ${m.fields}. go stops every command but \`go mod tidy\` with "malformed go.sum" here; the probe ignores the line.`,
        { title: 'Malformed go.sum', file: files[i], startLine: m.line }
      )
    }
  })
  return mergeGoSums(texts.map(parseGoSum))
}

/**
 * The versions go.mod's `require` lines name (each used module's in a
 * workspace): what the build will fetch when there is no go.sum yet.
 */
export async function readProjectRequires(dir: string): Promise<GoSumEntry[]> {
  const mods = await projectFiles(dir, 'go.mod')
  const texts = await Promise.all(
    mods.map((f) => readFile(f, 'utf8').catch(() => ''))
  )
  return mergeGoSums(texts.map(parseGoModRequireVersions))
}

/**
 * The versions to probe: `probe-modules` when given, else a sample of go.sum,
 * else of go.mod's requires (no go.sum yet), else long-lived public modules.
 */
export function planProbe(
  sums: GoSumEntry[],
  probeModules: ModuleVersion[],
  isPrivate: (path: string) => boolean,
  seed: string,
  requires: GoSumEntry[] = []
): ProbePlan {
  const entries = sums.filter((e) => !isPrivate(e.path))
  if (probeModules.length > 0) {
    const known = new Map(sums.map((e) => [`${e.path}@${e.version}`, e]))
    return {
      modules: probeModules
        .filter((m) => !isPrivate(m.path))
        .map((m) => known.get(`${m.path}@${m.version}`) ?? m),
      freshness: [],
      source: 'probe-modules',
      entries
    }
  }
  for (const [source, from] of [
    ['go.sum', entries],
    ['go.mod', requires.filter((e) => !isPrivate(e.path))]
  ] as const) {
    const sampled = sampleModules(
      from,
      PROBE_SAMPLE_SIZE + FRESHNESS_SAMPLE_SIZE,
      isPrivate,
      seed
    )
    if (sampled.length > 0) {
      return {
        modules: sampled.slice(0, PROBE_SAMPLE_SIZE),
        freshness: sampled.slice(PROBE_SAMPLE_SIZE),
        source,
        entries: from
      }
    }
  }
  const builtIn = BUILT_IN_PROBE_MODULES.filter((m) => !isPrivate(m.path))
  return { modules: builtIn, freshness: [], source: 'built-in', entries }
}

/**
 * What the build will ask of the first mirror: .info and .mod for every
 * module version in go.sum and a .zip for those whose zip hash is listed
 * (those are the ones the build extracts).
 */
export function estimateWorkload(
  entries: GoSumEntry[],
  zipBytes: number | undefined,
  concurrency = availableParallelism()
): Workload {
  const zips = entries.filter((e) => e.zipHash).length
  const mods = entries.length
  if (mods === 0) {
    return {
      requests: 3 * BUILT_IN_PROBE_MODULES.length,
      bytes: 3 * (zipBytes ?? TYPICAL_ZIP_BYTES),
      concurrency
    }
  }
  return {
    requests: mods + 2 * zips,
    bytes: zips * (zipBytes ?? TYPICAL_ZIP_BYTES),
    concurrency
  }
}
