// A checksum database on loopback, signed with a key made at its start
// (gosumdb-server/, built by go-tool.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { buildGoTool } from './go-tool.js'

export interface SumDb {
  /** `<name>+<hash>+<key>` */
  vkey: string
  url: string
  /** The GOSUMDB value: `<vkey> <url>`. */
  gosumdb: string
  close(): Promise<void>
}

export interface SumDbOptions {
  /** GOPROXY base whose module files the hashes are computed from. */
  proxy: string
  forge?: boolean
  badProof?: boolean
}

export async function startSumDb(o: SumDbOptions): Promise<SumDb> {
  const bin = await buildGoTool('gosumdb-server')
  const args = ['-proxy', o.proxy]
  if (o.forge) args.push('-forge')
  if (o.badProof) args.push('-bad-proof')
  const child: ChildProcess = spawn(bin, args, {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines = await new Promise<string[]>((resolve, reject) => {
    let buf = ''
    let err = ''
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buf += s
      const l = buf.split('\n')
      if (l.length >= 3) resolve(l.slice(0, 2))
    })
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s))
    child.on('error', reject)
    child.on('exit', (code) =>
      reject(new Error(`gosumdb-server exited (${code}): ${err}`))
    )
  })
  const [vkey, url] = lines
  return {
    vkey,
    url,
    gosumdb: `${vkey} ${url}`,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      })
  }
}
