// Checks a spooled file before go may see it: against go.sum's h1 hash when
// go.sum lists it, otherwise for the shape the protocol promises, so that a
// captive portal's HTML or a cut-off zip moves the file to another mirror
// instead of failing go.
import { readFile } from 'node:fs/promises'
import { hashZipFile } from '../../gomod/dirhash.js'
import { hashGoMod } from '../../gomod/module-path.js'
import { checkModuleZip } from '../../gomod/zip-check.js'
import type { ProxyRequest } from './proxy-path.js'

export type Verdict =
  | { ok: true; verified: boolean }
  | { ok: false; failure: 'checksum' | 'garbage'; detail: string }

export async function verifyFile(
  req: ProxyRequest,
  file: string,
  contentType: string,
  expectedHash: string | undefined
): Promise<Verdict> {
  if (/^text\/html/i.test(contentType))
    return garbage(`an HTML page (${contentType})`)
  if (req.type !== 'module') return { ok: true, verified: false }
  switch (req.kind) {
    case 'mod': {
      const data = await readFile(file)
      if (expectedHash) return compare(hashGoMod(data), expectedHash)
      return { ok: true, verified: false }
    }
    case 'zip': {
      let got: string
      try {
        got = await hashZipFile(file)
      } catch (err) {
        return garbage(
          `not a readable zip: ${err instanceof Error ? err.message : String(err)}`
        )
      }
      if (expectedHash) return compare(got, expectedHash)
      // No hash to hold it to: at least what go's unzip checks, so that a
      // bad zip moves to another mirror instead of failing go.
      try {
        await checkModuleZip(file, `${req.module}@${req.version}/`)
      } catch (err) {
        return garbage(err instanceof Error ? err.message : String(err))
      }
      return { ok: true, verified: false }
    }
    case 'info':
      return checkInfo(await readFile(file, 'utf8'), req.version)
    default:
      return { ok: true, verified: false }
  }
}

function compare(got: string, want: string): Verdict {
  return got === want
    ? { ok: true, verified: true }
    : { ok: false, failure: 'checksum', detail: `${got}, go.sum has ${want}` }
}

// go rejects an .info that is not JSON or names another canonical version.
function checkInfo(text: string, version: string | undefined): Verdict {
  let info: unknown
  try {
    info = JSON.parse(text)
  } catch {
    return garbage('.info is not JSON')
  }
  const v = (info as { Version?: unknown } | null)?.Version
  if (typeof v !== 'string') return garbage('.info has no Version')
  if (version && /^v\d+\.\d+\.\d+/.test(version) && v !== version)
    return garbage(`.info is for ${v}, not ${version}`)
  return { ok: true, verified: false }
}

function garbage(detail: string): Verdict {
  return { ok: false, failure: 'garbage', detail }
}
