// Reads what `go mod download -x -json golang.org/toolchain@…` did: the
// mirror whose `.zip` answered 200 is where the toolchain came from.
import type { GoModDownloadJson } from '../gomod/json-stream.js'
import { parseGetLine } from '../gomod/stderr-parser.js'
import { moduleFileUrl } from '../gomod/proxy-url.js'
import { TOOLCHAIN_MODULE } from './select.js'

export interface ToolchainFetchOutcome {
  /** GOPROXY entry that served the zip; undefined when it came from the module cache. */
  mirror?: string
  zip?: string
  error?: string
}

export function readToolchainFetch(
  version: string,
  stdout: string,
  stderr: string
): ToolchainFetchOutcome {
  const suffix = moduleFileUrl('', { path: TOOLCHAIN_MODULE, version }, 'zip')
  let mirror: string | undefined
  for (const line of stderr.split(/\r?\n/)) {
    const g = parseGetLine(line)
    if (g?.type === 'get-done' && g.status === 200 && g.url.endsWith(suffix))
      mirror = g.url.slice(0, -suffix.length)
  }
  let json: GoModDownloadJson | undefined
  try {
    json = JSON.parse(stdout) as GoModDownloadJson
  } catch {
    // No JSON: go stopped before downloading (its reason is on stderr).
  }
  if (json?.Error || !json?.Zip) {
    const error =
      json?.Error ??
      stderr
        .split(/\r?\n/)
        .filter((l) => l !== '' && !l.startsWith('# get'))
        .join('\n')
    return { mirror, error: error || 'go reported no zip' }
  }
  return { mirror, zip: json.Zip }
}
