// The Go versions an install can pick are those of every usable mirror, not
// of the first that answers: a first mirror that lags behind must neither
// downgrade `stable` nor hide a release the next one has.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import {
  installFromMirrors,
  type GoInstallReport,
  type GoRequest
} from '../../../src/toolchain/install.js'
import { parseGoVersionSpec } from '../../../src/toolchain/version-spec.js'
import { startSumDb, type SumDb } from '../../support/gosumdb.js'
import { startMirror, type Mirror } from '../../support/mirror-server.js'
import { buildProxyTree } from '../../support/modules.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'
import { addToTree, standInToolchain } from '../../support/toolchain-module.js'

const NEW = standInToolchain({ toolchain: 'go1.99.0' })
const OLD = standInToolchain({ toolchain: 'go1.98.3' })

let lagging: Mirror
let current: Mirror
let db: SumDb

beforeAll(async () => {
  const behind = buildProxyTree([])
  addToTree(behind, OLD)
  const tree = buildProxyTree([])
  addToTree(tree, OLD)
  addToTree(tree, NEW)
  lagging = await startMirror(behind)
  current = await startMirror(tree)
  db = await startSumDb({ proxy: current.url })
}, 300_000)
afterAll(async () => {
  for (const c of [lagging, current, db]) await c?.close()
  cleanupTempDirs()
})

async function install(value: string) {
  const toolCache = tempDir('toolcache-')
  process.env.RUNNER_TOOL_CACHE = toolCache
  const req: GoRequest = {
    input: 'go-version',
    value,
    spec: parseGoVersionSpec('go-version', value)
  }
  const report: GoInstallReport = { input: 'go-version', requested: value }
  const dir = await installFromMirrors(
    req,
    {
      mirrors: [lagging.url, current.url],
      goproxy: `${lagging.url},${current.url}`,
      gosumdb: db.gosumdb,
      arch: 'x64',
      platform: 'linux',
      http: { timeoutMs: 60_000 },
      tempDir: tempDir('runner-temp-')
    },
    report
  )
  return { dir, report }
}

describe('the version list', () => {
  it.each(['stable', '1.99.0'])(
    'is the union of the mirrors: %s resolves to a release only the second mirror lists',
    async (value) => {
      const lists = await fetch(`${lagging.url}/golang.org/toolchain/@v/list`)
      expect(await lists.text()).toBe(`${OLD.version}\n`)
      const { dir, report } = await install(value)
      expect(report.version).toBe('1.99.0')
      expect(report.mirror).toBe(current.url)
      expect(
        execFileSync(join(dir, 'bin', 'go'), ['version'], {
          encoding: 'utf8'
        })
      ).toBe('go version go1.99.0 linux/amd64\n')
    },
    60_000
  )
})
