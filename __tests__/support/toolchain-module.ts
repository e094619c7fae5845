// A stand-in Go toolchain published as the golang.org/toolchain module, the
// way go.dev/dl/mod serves real ones: the files of a Go distribution under
// `golang.org/toolchain@v0.0.1-go<V>.<os>-<arch>/`. go checks bin/go before
// exec and sets the exec bits of bin, pkg/tool and lib; its bin/go is a
// shell script that answers `version` and `env -json` (a few names) like
// the real one and fails loudly for anything else.
import { zipSync, type Zippable } from 'fflate'
import {
  escapeModulePath,
  hash1,
  hashGoMod,
  type ModuleVersion
} from '../../src/gomod/module-path.js'
import type { ModuleVersionFiles, ProxyTree } from './modules.js'

export const TOOLCHAIN_MODULE = 'golang.org/toolchain'

const ZIP_MTIME = new Date('2024-01-01T00:00:00Z')

export interface StandInToolchain extends ModuleVersion {
  toolchain: string
  files: ModuleVersionFiles
}

export interface StandInOptions {
  toolchain: string
  goos?: string
  goarch?: string
  /** Replaces bin/go's text (a tampered copy of the same version). */
  tamper?: string
  /** Bytes of padding in pkg/tool, so transfer sizes are realistic. */
  padding?: Buffer
  /** Files added after the real ones (relative to the module root). */
  extra?: Record<string, string>
  /** Writes the zip of these entries instead of fflate (hostile layouts). */
  writeZip?: (entries: { name: string; data: Buffer }[]) => Buffer
}

export function standInToolchain(o: StandInOptions): StandInToolchain {
  const goos = o.goos ?? 'linux'
  const goarch = o.goarch ?? 'amd64'
  const version = `v0.0.1-${o.toolchain}.${goos}-${goarch}`
  const prefix = `${TOOLCHAIN_MODULE}@${version}/`
  const goScript =
    o.tamper ??
    `#!/bin/sh\n` +
      `if [ "$1" = version ]; then echo "go version ${o.toolchain} ${goos}/${goarch}"; exit 0; fi\n` +
      standInGoEnv(o.toolchain, goos, goarch) +
      `echo "stand-in ${o.toolchain}: only 'go version' and 'go env -json' of a few names are implemented (got: $*)" >&2\nexit 3\n`
  const entries: { name: string; data: Buffer; store?: boolean }[] = [
    { name: prefix + 'VERSION', data: Buffer.from(`${o.toolchain}\n`) },
    { name: prefix + 'bin/go', data: Buffer.from(goScript) },
    { name: prefix + 'bin/gofmt', data: Buffer.from('#!/bin/sh\nexit 0\n') },
    {
      name: prefix + `pkg/tool/${goos}_${goarch}/compile`,
      data: o.padding ?? Buffer.from('#!/bin/sh\nexit 0\n'),
      store: o.padding !== undefined
    },
    { name: prefix + 'lib/time/README', data: Buffer.from('stand-in\n') }
  ]
  for (const [name, text] of Object.entries(o.extra ?? {}))
    entries.push({ name: prefix + name, data: Buffer.from(text) })
  const zippable: Zippable = {}
  for (const e of entries)
    zippable[e.name] = [e.data, { level: e.store ? 0 : 6, mtime: ZIP_MTIME }]
  const mod = Buffer.from(`module ${TOOLCHAIN_MODULE}\n`)
  const files: ModuleVersionFiles = {
    path: TOOLCHAIN_MODULE,
    version,
    packageName: 'toolchain',
    time: '2024-01-01T00:00:00Z',
    info: Buffer.from(
      JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' })
    ),
    mod,
    zip: o.writeZip ? o.writeZip(entries) : Buffer.from(zipSync(zippable)),
    zipHash: hash1(entries),
    modHash: hashGoMod(mod)
  }
  return { path: TOOLCHAIN_MODULE, version, toolchain: o.toolchain, files }
}

/** Publishes the toolchain module on a proxy tree (and so on its mirrors). */
export function addToTree(tree: ProxyTree, t: StandInToolchain): void {
  tree.modules.push(t.files)
  const base = `${escapeModulePath(TOOLCHAIN_MODULE)}/@v/${t.version}`
  tree.files.set(`${base}.info`, t.files.info)
  tree.files.set(`${base}.mod`, t.files.mod)
  tree.files.set(`${base}.zip`, t.files.zip)
}

/**
 * `go env -json <names>` for the names the action asks an installed Go
 * (its GOPATH, and what the toolchain plan reads), with go's defaults; any
 * other name fails loudly, as any other command does.
 */
function standInGoEnv(toolchain: string, goos: string, goarch: string) {
  return (
    `if [ "$1" = env ] && [ "$2" = -json ]; then\n` +
    `  shift 2; sep='{'\n` +
    `  for n; do\n` +
    `    case $n in\n` +
    `      GOVERSION) v=${toolchain} ;;\n` +
    `      GOROOT) v=$(cd "$(dirname "$0")/.." && pwd) ;;\n` +
    `      GOPATH) v=\${GOPATH:-$HOME/go} ;;\n` +
    `      GOHOSTOS) v=${goos} ;;\n` +
    `      GOHOSTARCH) v=${goarch} ;;\n` +
    `      GOENV|GOMOD|GOWORK|GO111MODULE) v= ;;\n` +
    `      *) echo "stand-in ${toolchain}: go env $n is not implemented" >&2; exit 3 ;;\n` +
    `    esac\n` +
    `    printf '%s"%s":"%s"' "$sep" "$n" "$v"; sep=,\n` +
    `  done\n` +
    `  echo '}'; exit 0\n` +
    `fi\n`
  )
}
