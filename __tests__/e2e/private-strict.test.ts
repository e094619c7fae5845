// Where a private path goes when the private proxy answers 404 for it, with
// the real go command and the GOPROXY the action exports: under the default
// shape go asks the public mirrors for it (even after ","); under
// `private-strict: true` no public mirror is in GOPROXY and sees nothing.
import { runGo, goTempDir } from '../support/go.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import {
  createRunnerContext,
  runActionJob,
  type JobResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree()
const PRIVATE_MODULE = 'git.my-corp.test/Team_x/lib'

let publicMirror: Mirror
let privateProxy: Mirror

beforeAll(async () => {
  // Both proxy the checksum database, so that the action's sumdb check stays
  // on loopback; the private proxy lacks the private module (404).
  publicMirror = await startMirror(tree, { sumdbSupported: 200 })
  privateProxy = await startMirror(tree, { sumdbSupported: 200 })
})

afterAll(async () => {
  await Promise.all([publicMirror?.close(), privateProxy?.close()])
  cleanupTempDirs()
})

const privatePathsSeen = (m: Mirror) =>
  m.requests.filter((q) => q.path.includes('my-corp.test'))

async function job(
  strict: string
): Promise<{ r: JobResult; go?: Awaited<ReturnType<typeof runGo>> }> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  let go: Awaited<ReturnType<typeof runGo>> | undefined
  const r = await runActionJob({
    context: ctx,
    inputs: {
      cache: 'false',
      download: 'false',
      mirrors: publicMirror.url,
      'private-proxy': privateProxy.url,
      private: 'git.my-corp.test',
      'direct-fallback': 'false',
      'private-strict': strict
    },
    between: async (main, after) => {
      go = await runGo(['mod', 'download', '-x', `${PRIVATE_MODULE}@v1.0.0`], {
        cwd: main.context.workspace,
        env: {
          ...after.env,
          HOME: main.context.home,
          GOPROXY: after.env.GOPROXY ?? '',
          GOMODCACHE: goTempDir('modcache-'),
          GOFLAGS: '-mod=mod',
          HTTPS_PROXY: 'http://127.0.0.1:1'
        }
      })
    }
  })
  return { r, go }
}

describe('private paths and public mirrors', () => {
  it('default shape: after the private proxy 404s, go asks the public mirror for the private path', async () => {
    const before = privatePathsSeen(publicMirror).length
    const { r, go } = await job('false')
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOPROXY).toBe(`${privateProxy.url},${publicMirror.url}`)
    expect(go?.stderr).toContain(
      `# get ${privateProxy.url}/git.my-corp.test/%21team_x/lib/@v/v1.0.0.info: 404`
    )
    expect(privatePathsSeen(publicMirror).length).toBeGreaterThan(before)
    expect(r.main.summary).toMatch(
      /when it answers 404 or 410 for a private path, go asks the next GOPROXY entries, the public mirrors/
    )
  })

  it('private-strict: GOPROXY holds only the private proxy and the public mirror sees no private path', async () => {
    const before = privatePathsSeen(publicMirror).length
    const { r, go } = await job('true')
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOPROXY).toBe(privateProxy.url)
    expect(go?.stderr).toContain(
      `# get ${privateProxy.url}/git.my-corp.test/%21team_x/lib/@v/v1.0.0.info: 404`
    )
    expect(privatePathsSeen(publicMirror).length).toBe(before)
    expect(r.main.summary).toMatch(/private-strict: GOPROXY holds only/)
  })

  it('private-strict without private-proxy is an input error, and nothing is exported', async () => {
    const ctx = createRunnerContext()
    const r = await runActionJob({
      context: ctx,
      inputs: {
        cache: 'false',
        download: 'false',
        mirrors: publicMirror.url,
        'private-strict': 'true'
      }
    })
    expect(r.main.code).not.toBe(0)
    expect(r.main.stdout).toMatch(/Input "private-strict".*needs private-proxy/)
    expect(r.main.env).toEqual({})
  })
})
