// The parts of a go.mod (or go.work) that decide the module graph: module
// path, go version, require, exclude and replace.
import { goModDirectives } from './go-mod-files.js'
import type { ModuleVersion } from './module-path.js'

export interface Replace {
  /** Without a version, every version of the path is replaced. */
  old: { path: string; version?: string }
  /** Without a version, `path` is a directory holding the replacement. */
  new: { path: string; version?: string }
}

export interface ModFile {
  module?: string
  go?: string
  require: ModuleVersion[]
  exclude: ModuleVersion[]
  replace: Replace[]
}

function versioned(args: string[]): ModuleVersion[] {
  return args.length >= 2 ? [{ path: args[0], version: args[1] }] : []
}

// `old [version] => new [version]`; anything else is a line go rejects.
function parseReplace(args: string[]): Replace[] {
  const arrow = args.indexOf('=>')
  if (arrow < 1 || arrow > 2 || args.length - arrow - 1 < 1) return []
  const [oldPath, oldVersion] = args.slice(0, arrow)
  const [newPath, newVersion] = args.slice(arrow + 1)
  return [
    {
      old: { path: oldPath, version: oldVersion },
      new: { path: newPath, version: newVersion }
    }
  ]
}

export function parseModFile(text: string): ModFile {
  const all = (keyword: string) =>
    goModDirectives(text, keyword).map((d) => d.args)
  return {
    module: all('module')[0]?.[0],
    go: all('go')[0]?.[0],
    require: all('require').flatMap(versioned),
    exclude: all('exclude').flatMap(versioned),
    replace: all('replace').flatMap(parseReplace)
  }
}
