// A real checksum database on loopback: the Go program in ./sumdb-server
// (golang.org/x/mod's sumdb test server), built once from the Go module proxy
// into the gitignored .tmp/ and signing the go.sum lines it is given.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './temp.js'

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'sumdb-server')
const ROOT = join(SOURCE, '..', '..', '..')
const BINARY = join(ROOT, '.tmp', 'bin', 'sumdb-server')

function build(): void {
  const source = join(SOURCE, 'main.go')
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs > statSync(source).mtimeMs)
    return
  const r = spawnSync('go', ['build', '-o', BINARY, '.'], {
    cwd: SOURCE,
    env: {
      PATH: process.env.PATH ?? '/usr/local/go/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? ROOT,
      GOPROXY: 'https://proxy.golang.org',
      GOMODCACHE: join(ROOT, '.tmp', 'gomodcache'),
      GOCACHE: join(ROOT, '.tmp', 'gocache'),
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GOENV: 'off'
    },
    encoding: 'utf8'
  })
  if (r.status !== 0) throw new Error(`building sumdb-server: ${r.stderr}`)
}

export interface SumdbServer {
  /** http://127.0.0.1:PORT serving /lookup, /tile and /latest. */
  url: string
  /** The verifier key, a GOSUMDB value without URL. */
  key: string
  close(): Promise<void>
}

/** Starts a checksum database named `name` that knows `goSumLines`. */
export async function startSumdbServer(
  name: string,
  goSumLines: string[]
): Promise<SumdbServer> {
  build()
  const gosum = join(tempDir('sumdb-'), 'go.sum')
  writeFileSync(gosum, goSumLines.join('\n') + '\n')
  const child = spawn(BINARY, [name, gosum], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) =>
      reject(new Error(`sumdb-server exited ${code}`))
    )
    child.stdout.once('data', (d: Buffer) => resolve(String(d).trim()))
  })
  const [addr, key] = line.split(' ')
  return {
    url: `http://${addr}`,
    key,
    close: async () => {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }
  }
}
