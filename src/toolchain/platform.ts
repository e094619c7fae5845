// Names that tie an installed Go to its platform: go's GOOS/GOARCH (in the
// toolchain module's version) and the runner tool cache's version and arch,
// spelled as actions/setup-go spells them so each finds the other's installs.

export interface GoPlatform {
  goos: string
  goarch: string
}

const GOOS: Record<string, string> = {
  win32: 'windows',
  darwin: 'darwin',
  linux: 'linux',
  freebsd: 'freebsd'
}
const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: '386',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64'
}

/** GOOS/GOARCH of a Node platform and arch (`process.platform`, `process.arch`). */
export function goPlatform(platform: string, arch: string): GoPlatform {
  const goos = GOOS[platform]
  const goarch = GOARCH[arch]
  if (!goos || !goarch)
    throw new Error(`no Go toolchain is published for ${platform}/${arch}`)
  return { goos, goarch }
}

/** setup-go's makeSemver: `1.25.4` → `1.25.4`, `1.21rc1` → `1.21.0-rc.1`. */
export function toolCacheVersion(goVersion: string): string {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(
    goVersion
  )
  if (!m) throw new Error(`not a Go release version: ${goVersion}`)
  const base = `${m[1]}.${m[2]}.${m[3] ?? '0'}`
  return m[4] ? `${base}-${m[4]}.${m[5]}` : base
}

/**
 * Files go marks executable when it unpacks a toolchain module (select.go
 * Exec): everything in bin and pkg/tool, and lib's go_<os>_<arch>_exec
 * wrappers. Windows has no exec bits.
 */
export function isExecutable(rel: string, platform: string): boolean {
  if (platform === 'win32') return false
  if (rel.startsWith('bin/') || rel.startsWith('pkg/tool/')) return true
  const name = rel.split('/').pop() ?? ''
  return rel.startsWith('lib/') && /^go_.+_.+_exec$/.test(name)
}
