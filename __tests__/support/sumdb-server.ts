// A real checksum database on loopback: the Go program in ./sumdb-server
// (golang.org/x/mod's sumdb test server), signing the go.sum lines it is given.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { goHelperBinary } from './go-helper.js'
import { tempDir } from './temp.js'

const SOURCE = fileURLToPath(new URL('./sumdb-server', import.meta.url))

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
  const binary = goHelperBinary(SOURCE, 'sumdb-server')
  const gosum = join(tempDir('sumdb-'), 'go.sum')
  writeFileSync(gosum, goSumLines.join('\n') + '\n')
  const child = spawn(binary, [name, gosum], {
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
