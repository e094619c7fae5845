// Fake public Go modules on the reserved `.test` TLD, laid out as a GOPROXY
// tree (the files a mirror serves) plus a consumer module that requires them.
// Zips are real module zips, so the real go command downloads, verifies and
// builds them with the go.sum written here.
import { createCipheriv, createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { zipSync, type Zippable } from 'fflate'
import {
  compareVersions,
  escapeModulePath,
  formatModuleVersion,
  hash1,
  hashGoMod,
  type ModuleVersion
} from '../../src/gomod/module-path.js'

export interface ModuleSpec {
  path: string
  versions: string[]
  /**
   * Approximate size in bytes of each version's .zip (one number for all
   * versions, or per version). The zip is padded with a stored file of
   * incompressible bytes, so transfer sizes are what they say.
   */
  zipSize?: number | Record<string, number>
  /**
   * go.mod text of a version (default: the module line and `go 1.21`),
   * served as the .mod and packed in the zip.
   */
  goMod?: (version: string) => string
}

export interface ModuleVersionFiles extends ModuleVersion {
  /** Go package name of the module's root package. */
  packageName: string
  time: string
  info: Buffer
  mod: Buffer
  zip: Buffer
  /** go.sum hash of the zip (`path version h1:…`). */
  zipHash: string
  /** go.sum hash of the .mod (`path version/go.mod h1:…`). */
  modHash: string
}

export interface ModuleVersionSizes extends ModuleVersion {
  info: number
  mod: number
  zip: number
}

export interface ProxyTree {
  modules: ModuleVersionFiles[]
  /** Escaped URL path (no leading slash, e.g. `example.test/!gamma/@v/list`) → bytes. */
  files: Map<string, Buffer>
  /** Bytes for a URL path (leading `/` and percent-encoding tolerated). */
  get(urlPath: string): Buffer | undefined
  find(path: string, version: string): ModuleVersionFiles | undefined
  /** Highest version of a module path. */
  latest(path: string): ModuleVersionFiles
  /** Module paths, in spec order. */
  paths(): string[]
  sizes(): ModuleVersionSizes[]
  /** go.sum lines (zip and go.mod hashes) for the given versions, sorted. */
  goSumLines(mods?: ModuleVersion[]): string[]
}

export const DEFAULT_MODULE_SPECS: ModuleSpec[] = [
  { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.1.0', 'v1.2.0'] },
  { path: 'example.test/beta/v2', versions: ['v2.0.0', 'v2.1.0'] },
  { path: 'example.test/Gamma', versions: ['v0.1.0', 'v1.0.0'] }
]

const GO_DIRECTIVE = '1.21'
// DOS timestamps start in 1980; a fixed mtime keeps zips and hashes stable.
const ZIP_MTIME = new Date('2024-01-01T00:00:00Z')

export function packageNameOf(modulePath: string): string {
  const elems = modulePath.split('/')
  let last = elems[elems.length - 1]
  if (/^v\d+$/.test(last) && elems.length > 1) last = elems[elems.length - 2]
  const name = last.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  return /^[a-z_]/.test(name) ? name : 'p' + name
}

/** Deterministic incompressible bytes (AES-CTR keystream seeded by `seed`). */
export function incompressibleBytes(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv(
    'aes-128-ctr',
    key.subarray(0, 16),
    key.subarray(16)
  )
  return cipher.update(Buffer.alloc(size))
}

function zipSizeFor(spec: ModuleSpec, version: string): number | undefined {
  if (typeof spec.zipSize === 'number') return spec.zipSize
  return spec.zipSize?.[version]
}

function buildVersion(
  spec: ModuleSpec,
  version: string,
  index: number
): ModuleVersionFiles {
  const { path } = spec
  const packageName = packageNameOf(path)
  const time = new Date(Date.UTC(2024, 0, 1 + index, 12)).toISOString()
  const mod = Buffer.from(
    spec.goMod?.(version) ?? `module ${path}\n\ngo ${GO_DIRECTIVE}\n`
  )
  const info = Buffer.from(JSON.stringify({ Version: version, Time: time }))
  const source = Buffer.from(
    `// Package ${packageName} is a generated test module.\n` +
      `package ${packageName}\n\n` +
      `// Version reports which module version was compiled in.\n` +
      `func Version() string { return ${JSON.stringify(formatModuleVersion({ path, version }))} }\n`
  )
  const prefix = `${path}@${version}/`
  const entries: { name: string; data: Buffer; store?: boolean }[] = [
    { name: prefix + 'go.mod', data: mod },
    { name: prefix + packageName + '.go', data: source }
  ]
  const target = zipSizeFor(spec, version)
  // Central directory and headers of the small entries stay under ~1 KiB.
  if (target !== undefined && target > 1024) {
    entries.push({
      name: prefix + 'testdata/blob.bin',
      data: incompressibleBytes(target - 1024, prefix),
      store: true
    })
  }
  const zippable: Zippable = {}
  for (const e of entries) {
    zippable[e.name] = [e.data, { level: e.store ? 0 : 6, mtime: ZIP_MTIME }]
  }
  const zip = Buffer.from(zipSync(zippable))
  return {
    path,
    version,
    packageName,
    time,
    info,
    mod,
    zip,
    zipHash: hash1(entries),
    modHash: hashGoMod(mod)
  }
}

function normalizeUrlPath(urlPath: string): string {
  let p = urlPath.replace(/^\/+/, '')
  try {
    p = decodeURIComponent(p)
  } catch {
    // Not percent-encoded: use as is.
  }
  return p
}

export function buildProxyTree(
  specs: ModuleSpec[] = DEFAULT_MODULE_SPECS
): ProxyTree {
  const modules: ModuleVersionFiles[] = []
  const files = new Map<string, Buffer>()
  specs.forEach((spec) => {
    const versions = [...spec.versions].sort(compareVersions)
    const base = escapeModulePath(spec.path) + '/@v/'
    versions.forEach((version, i) => {
      const m = buildVersion(spec, version, i)
      modules.push(m)
      const v = escapeModulePath(version)
      files.set(`${base}${v}.info`, m.info)
      files.set(`${base}${v}.mod`, m.mod)
      files.set(`${base}${v}.zip`, m.zip)
    })
    files.set(base + 'list', Buffer.from(versions.join('\n') + '\n'))
    const latest = modules.find(
      (m) => m.path === spec.path && m.version === versions[versions.length - 1]
    )
    if (latest) files.set(escapeModulePath(spec.path) + '/@latest', latest.info)
  })

  const find = (path: string, version: string) =>
    modules.find((m) => m.path === path && m.version === version)

  return {
    modules,
    files,
    get: (urlPath) => files.get(normalizeUrlPath(urlPath)),
    find,
    latest(path) {
      const all = modules.filter((m) => m.path === path)
      if (all.length === 0) throw new Error(`no module ${path} in the tree`)
      return all.reduce((a, b) =>
        compareVersions(a.version, b.version) >= 0 ? a : b
      )
    },
    paths: () => specs.map((s) => s.path),
    sizes: () =>
      modules.map((m) => ({
        path: m.path,
        version: m.version,
        info: m.info.length,
        mod: m.mod.length,
        zip: m.zip.length
      })),
    goSumLines(mods = modules) {
      const lines: string[] = []
      for (const { path, version } of mods) {
        const m = find(path, version)
        if (!m) throw new Error(`no module ${path}@${version} in the tree`)
        lines.push(`${path} ${version} ${m.zipHash}`)
        lines.push(`${path} ${version}/go.mod ${m.modHash}`)
      }
      return lines.sort()
    }
  }
}

/**
 * Writes the tree as a directory that `GOPROXY=file://<dir>` serves
 * (the same layout as a module cache's cache/download).
 */
export async function writeProxyTree(
  tree: ProxyTree,
  dir: string
): Promise<void> {
  for (const [rel, data] of tree.files) {
    const file = join(dir, rel)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, data)
  }
}

export interface ConsumerOptions {
  modulePath?: string
  /** Versions to require; default: the latest version of every module. */
  requires?: ModuleVersion[]
}

export interface ConsumerModule {
  dir: string
  modulePath: string
  requires: ModuleVersion[]
  goMod: string
  goSum: string
}

/** Writes go.mod, go.sum and a main.go importing every required module. */
export async function writeConsumerModule(
  dir: string,
  tree: ProxyTree,
  opts: ConsumerOptions = {}
): Promise<ConsumerModule> {
  const modulePath = opts.modulePath ?? 'example.test/consumer'
  const requires =
    opts.requires ??
    tree.paths().map((p) => {
      const { path, version } = tree.latest(p)
      return { path, version }
    })
  const goMod =
    `module ${modulePath}\n\ngo ${GO_DIRECTIVE}\n\nrequire (\n` +
    requires.map((r) => `\t${r.path} ${r.version}\n`).join('') +
    ')\n'
  const goSum = tree.goSumLines(requires).join('\n') + '\n'
  const imports = requires.map((r, i) => `\tm${i} ${JSON.stringify(r.path)}\n`)
  // println, not fmt: a cold build cache then compiles far less.
  const calls = requires.map((_r, i) => `\tprintln(m${i}.Version())\n`)
  const mainGo =
    `package main\n\nimport (\n${imports.join('')})\n\n` +
    `func main() {\n${calls.join('')}}\n`
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'go.mod'), goMod)
  await writeFile(join(dir, 'go.sum'), goSum)
  await writeFile(join(dir, 'main.go'), mainGo)
  return { dir, modulePath, requires, goMod, goSum }
}
