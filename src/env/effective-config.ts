import { tmpdir } from 'node:os'
import { goEnvJson } from '../gomod/go-env-json.js'
import type { EnvEntry } from './env-plan.js'
import { readGoEnvFile } from './go-env-file.js'
import { goBoolFlag, goFlagValue } from './goflags.js'

export interface EffectiveFinding {
  name: string
  exported?: string
  effective?: string
  message: string
}

// Settings that decide where modules come from and how they are verified.
const WATCHED = [
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOINSECURE',
  'GOFLAGS',
  'GOAUTH',
  'GOMODCACHE'
]

/**
 * Compares what was exported with what go will really use, and names what
 * else steers it: a GOENV file (`go env -w`), GOFLAGS that bypass the proxy,
 * job-level env that later steps may still override.
 */
export function compareEffective(
  exported: EnvEntry[],
  goenv: Record<string, string>,
  goenvFile: Record<string, string>,
  jobEnv: Record<string, string | undefined>
): EffectiveFinding[] {
  const findings: EffectiveFinding[] = []
  const byName = new Map(exported.map((e) => [e.name, e.value]))
  for (const e of exported) {
    if (!(e.name in goenv)) continue
    const actual = goenv[e.name]
    if (actual !== e.value) {
      const fromFile = goenvFile[e.name] !== undefined
      findings.push({
        name: e.name,
        exported: e.value,
        effective: actual,
        message: fromFile
          ? `go uses ${e.name}=${actual} from the GOENV file (${goenv.GOENV}); an empty exported value counts as unset`
          : `go uses ${e.name}=${actual}, not the exported ${e.value}`
      })
    }
  }
  for (const name of WATCHED) {
    if (byName.has(name)) continue
    const v = goenvFile[name]
    if (v !== undefined && v !== '') {
      findings.push({
        name,
        effective: goenv[name] ?? v,
        message: `the GOENV file (${goenv.GOENV}) sets ${name}=${v}, which applies to every go command of this job`
      })
    }
  }
  const flags = goenv.GOFLAGS ?? ''
  if (goFlagValue(flags, 'mod') === 'vendor') {
    findings.push({
      name: 'GOFLAGS',
      effective: goenv.GOFLAGS,
      message:
        'GOFLAGS has -mod=vendor: go builds from vendor/ and does not use GOPROXY at all'
    })
  }
  if (goBoolFlag(flags, 'insecure') === true) {
    findings.push({
      name: 'GOFLAGS',
      effective: goenv.GOFLAGS,
      message:
        'GOFLAGS has -insecure, which makes go get fail since Go 1.17; use the insecure input (GOINSECURE)'
    })
  }
  findings.push(...droppedPatterns(goenv, goenvFile, jobEnv))
  for (const [name, value] of byName) {
    const job = jobEnv[name]
    if (
      job !== undefined &&
      job !== '' &&
      !includesAll(value, job) &&
      WATCHED.includes(name) &&
      !PATTERN_VARS.includes(name)
    ) {
      findings.push({
        name,
        exported: value,
        effective: job,
        message: `the workflow already set ${name}=${job}; later steps get the exported value unless a step sets its own env`
      })
    }
  }
  return findings
}

// Pattern lists the job may already have (environment or GOENV file).
const PATTERN_VARS = ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOINSECURE']

/**
 * Patterns the job had (its environment, else the GOENV file, as go reads
 * them) that the value go now uses leaves out: modules matching them would
 * newly reach mirrors, the checksum database or the network insecurely.
 */
function droppedPatterns(
  goenv: Record<string, string>,
  goenvFile: Record<string, string>,
  jobEnv: Record<string, string | undefined>
): EffectiveFinding[] {
  const items = (v: string) =>
    v
      .split(',')
      .map((p) => p.trim().replace(/\/$/, ''))
      .filter((p) => p !== '')
  const out: EffectiveFinding[] = []
  for (const name of PATTERN_VARS) {
    const fromEnv = jobEnv[name] ?? ''
    const had = fromEnv !== '' ? fromEnv : (goenvFile[name] ?? '')
    const now = new Set(items(goenv[name] ?? ''))
    // "none" matches nothing: leaving it out sends nothing anywhere new.
    const lost = items(had).filter((p) => p !== 'none' && !now.has(p))
    if (lost.length === 0) continue
    const where =
      fromEnv !== '' ? 'the job environment' : `the GOENV file (${goenv.GOENV})`
    out.push({
      name,
      effective: goenv[name],
      message: `go now uses ${name}=${goenv[name] ?? ''}, which leaves out ${lost.join(',')} from ${where}`
    })
  }
  return out
}

// The action extends GOFLAGS and the pattern lists rather than replacing them;
// only a job value whose items were dropped is worth a word.
function includesAll(exported: string, job: string): boolean {
  const have = new Set(exported.split(/[\s,|]+/))
  return job.split(/[\s,|]+/).every((item) => item === '' || have.has(item))
}

/**
 * Reads what go will really use under the exported environment and compares
 * it with the export. Undefined goenv when go cannot be asked.
 */
export async function checkEffectiveConfig(
  exported: EnvEntry[],
  jobEnv: Record<string, string | undefined>
): Promise<{ goenv?: Record<string, string>; findings: EffectiveFinding[] }> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined) env[k] = v
  }
  for (const e of exported) env[e.name] = e.value
  const res = await goEnvJson([...WATCHED, 'GOENV'], { env, cwd: tmpdir() })
  if ('error' in res) return { findings: [] }
  const goenv = res.values
  const file = await readGoEnvFile(goenv.GOENV)
  return { goenv, findings: compareEffective(exported, goenv, file, jobEnv) }
}
