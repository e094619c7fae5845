// Runs processes with their own /etc/hosts, so that real host names (a
// private git host, sum.golang.org) resolve to loopback addresses for a test.
// Each wrapped process gets a private mount namespace (`unshare -m`, needs
// root) where a test-made hosts file is bind-mounted over /etc/hosts; the
// network is the machine's own, so servers the test starts on 127.x.y.z are
// reachable and nothing else changes. Children (git started by go or by the
// action) inherit the namespace. Names missing from the file fall through to
// DNS as usual, so a test must map every name it makes a process contact.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { collect, type Collected } from './collect.js'
import { tempDir } from './temp.js'

// Runs inside the new namespace: mounts the hosts file, then runs the
// command. Node rather than sh, because sh drops environment variables whose
// names are not identifiers (the runner's STATE_<name> with dashes). A failed
// mount throws, so the command never runs with the machine's /etc/hosts.
const LAUNCHER = `const { execFileSync, spawnSync } = require('node:child_process')
const [hosts, cmd, ...args] = process.argv.slice(2)
execFileSync('mount', ['--bind', hosts, '/etc/hosts'], { stdio: 'inherit' })
const r = spawnSync(cmd, args, { stdio: 'inherit' })
if (r.error) throw r.error
process.exit(r.status ?? 1)
`

export interface HostsNamespace {
  hostsFile: string
  /** `unshare` argv that runs `cmd args…` with the test hosts file. */
  wrap(cmd: string, args: string[]): [string, string[]]
  /** A directory with a `go` wrapper; put it first in PATH for runGo. */
  binDir: string
  /** A `dist/` whose main and post run the real bundles in the namespace. */
  dist(realDist: string): string
}

/** Whether this machine lets the tests make mount namespaces. */
export function canUseHostsNamespace(): boolean {
  try {
    execFileSync('unshare', ['-m', '--', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`])
    .toString()
    .trim()
}

/** A hosts file mapping each name to its loopback address. */
export function hostsNamespace(map: Record<string, string>): HostsNamespace {
  for (const addr of Object.values(map)) {
    if (!/^127\.\d+\.\d+\.\d+$/.test(addr)) {
      throw new Error(`hostsNamespace: ${addr} is not a loopback address`)
    }
  }
  const dir = tempDir('hosts-ns-')
  const hostsFile = join(dir, 'hosts')
  const launcher = join(dir, 'launcher.cjs')
  writeFileSync(launcher, LAUNCHER)
  writeFileSync(
    hostsFile,
    '127.0.0.1 localhost\n::1 localhost\n' +
      Object.entries(map)
        .map(([name, addr]) => `${addr} ${name}\n`)
        .join('')
  )
  const wrap = (cmd: string, args: string[]): [string, string[]] => [
    'unshare',
    ['-m', '--', process.execPath, launcher, hostsFile, cmd, ...args]
  ]

  const binDir = join(dir, 'bin')
  mkdirSync(binDir)
  writeFileSync(
    join(binDir, 'go'),
    `#!/bin/sh\nexec unshare -m -- '${process.execPath}' '${launcher}' '${hostsFile}' '${which('go')}' "$@"\n`,
    { mode: 0o755 }
  )

  const dist = (realDist: string): string => {
    const out = join(dir, 'dist')
    for (const entry of ['main', 'post']) {
      mkdirSync(join(out, entry), { recursive: true })
      writeFileSync(join(out, entry, 'package.json'), '{"type":"commonjs"}\n')
      const [cmd, args] = wrap(process.execPath, [
        join(realDist, entry, 'index.js')
      ])
      writeFileSync(
        join(out, entry, 'index.js'),
        `const r = require('node:child_process').spawnSync(${JSON.stringify(cmd)}, ${JSON.stringify(args)}, { stdio: 'inherit' })\n` +
          `process.exit(r.status ?? 1)\n`
      )
    }
    return out
  }
  return { hostsFile, wrap, binDir, dist }
}

export type CommandResult = Collected

/** Runs a command in the namespace and collects its output. */
export function runInNamespace(
  ns: HostsNamespace,
  cmd: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; timeoutMs?: number }
): Promise<CommandResult> {
  const [c, a] = ns.wrap(cmd, args)
  return collect(c, a, {
    env: opts.env,
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs ?? 60_000
  })
}

/** A random 127.x.y.z address, so that concurrent test files do not collide on :443. */
export function randomLoopback(): string {
  const b = () => 1 + Math.floor(Math.random() * 254)
  return `127.${b()}.${b()}.${b()}`
}

// Runs inside a new mount namespace: builds a root of the machine's system
// directories (read-only bind mounts) plus the test's own directories at
// their usual paths, and runs the command chrooted there. A walk of `/` then
// meets a real Go installation and system tree, and nothing of other jobs.
const FAKE_ROOT_LAUNCHER = `const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const [root, keepJson, cmd, ...args] = process.argv.slice(2)
const mount = (...a) => execFileSync('mount', a, { stdio: 'inherit' })
mount('-t', 'tmpfs', 'tmpfs', root)
for (const d of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'usr', 'etc', 'dev', 'proc']) {
  let st
  try { st = fs.lstatSync('/' + d) } catch { continue }
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync('/' + d), root + '/' + d)
    continue
  }
  fs.mkdirSync(root + '/' + d)
  mount('--rbind', '/' + d, root + '/' + d)
  // The machine's own files stay as they are, whatever runs in there.
  if (d !== 'dev' && d !== 'proc') mount('-o', 'remount,bind,ro', root + '/' + d)
}
for (const k of JSON.parse(keepJson)) {
  fs.mkdirSync(root + k, { recursive: true })
  mount('--bind', k, root + k)
}
fs.mkdirSync(root + '/tmp', { recursive: true, mode: 0o1777 })
// chroot changes to the new /; the step runs in the workspace, as before.
const inRoot = "process.chdir(process.argv[1]); const r = require('node:child_process').spawnSync(process.argv[2], process.argv.slice(3), { stdio: 'inherit' }); process.exit(r.status ?? 1)"
const r = spawnSync('chroot', [root, process.execPath, '-e', inRoot, process.cwd(), cmd, ...args], { stdio: 'inherit' })
if (r.error) throw r.error
process.exit(r.status ?? 1)
`

/**
 * A `dist/` whose main and post run the real bundles chrooted in a root
 * made of the system directories plus `keep` (absolute directories, seen at
 * their own paths): a machine whose disk holds only the OS and this test.
 */
export function fakeRootDist(realDist: string, keep: string[]): string {
  const dir = tempDir('fake-root-')
  const root = join(dir, 'root')
  mkdirSync(root)
  const launcher = join(dir, 'launcher.cjs')
  writeFileSync(launcher, FAKE_ROOT_LAUNCHER)
  const out = join(dir, 'dist')
  // The action as the runner checks it out: the bundles beside action.yml.
  const action = join(dir, 'action')
  cpSync(realDist, join(action, 'dist'), { recursive: true })
  cpSync(join(realDist, '..', 'action.yml'), join(action, 'action.yml'))
  for (const entry of ['main', 'post']) {
    mkdirSync(join(out, entry), { recursive: true })
    writeFileSync(join(out, entry, 'package.json'), '{"type":"commonjs"}\n')
    const args = [
      '-m',
      '--',
      process.execPath,
      launcher,
      root,
      JSON.stringify([action, ...keep]),
      process.execPath,
      join(action, 'dist', entry, 'index.js')
    ]
    writeFileSync(
      join(out, entry, 'index.js'),
      `const r = require('node:child_process').spawnSync('unshare', ${JSON.stringify(args)}, { stdio: 'inherit' })\n` +
        `process.exit(r.status ?? 1)\n`
    )
  }
  return out
}
