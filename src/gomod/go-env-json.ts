// The one `go env -json` runner. A go on PATH may be a wrapper script or a
// broken install that prints anything; what it printed is a problem with
// that go, reported with its path, never a parse error that ends the step.
import { getExecOutput } from '@actions/exec'
import { findOnPath } from './look-path.js'

type Env = Record<string, string | undefined>

export type GoEnvJson = { values: Record<string, string> } | { error: string }

// Enough of a wrong answer to recognise it, not a log's worth.
const SHOWN_CHARS = 200

/**
 * `go env -json <names>` under `env`, pinned to GOTOOLCHAIN=local so that it
 * cannot start a toolchain download. Named variables only: a bare `go env`
 * also probes the C toolchain, which writes to the build cache.
 */
export async function goEnvJson(
  names: readonly string[],
  opts: { env: Env; cwd: string }
): Promise<GoEnvJson> {
  let out
  try {
    out = await getExecOutput('go', ['env', '-json', ...names], {
      cwd: opts.cwd,
      env: { ...definedOnly(opts.env), GOTOOLCHAIN: 'local' },
      silent: true,
      ignoreReturnCode: true
    })
  } catch (e) {
    return { error: (e as Error).message }
  }
  if (out.exitCode !== 0)
    return { error: out.stderr.trim() || `go env: exit ${out.exitCode}` }
  const values = parseStringObject(out.stdout)
  if (values) return { values }
  const go = (await findOnPath('go', opts.env.PATH ?? '')) ?? 'go'
  return {
    error: `${go} env -json printed something that is not a JSON object of strings: ${shown(out.stdout)}`
  }
}

function parseStringObject(text: string): Record<string, string> | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const entries = Object.entries(v)
  return entries.every(([, s]) => typeof s === 'string')
    ? Object.fromEntries(entries as [string, string][])
    : undefined
}

function shown(text: string): string {
  const t = text.trim()
  if (t === '') return '(nothing)'
  return JSON.stringify(
    t.length > SHOWN_CHARS ? `${t.slice(0, SHOWN_CHARS)}…` : t
  )
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}
