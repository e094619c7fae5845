// A private module fetched `direct` by real go from a git smart-HTTP host
// that demands basic auth. The host name (git.corp.test) resolves to a
// loopback address only inside private mount namespaces with their own
// /etc/hosts, where the action, go and git run. Proves that git reads the
// credentials from the netrc the action wrote, that the job-scoped rewrites
// send SSH remotes over HTTPS, that a wrong token fails fast (no prompt) and
// that the preflight names host and module.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  gitProjectRoot,
  makeModuleRepo,
  startGitServer,
  type GitServer
} from '../support/git-server.js'
import { goTempDir, runGo } from '../support/go.js'
import { buildProxyTree } from '../support/modules.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  canUseHostsNamespace,
  hostsNamespace,
  randomLoopback,
  runInNamespace,
  type HostsNamespace
} from '../support/namespace.js'
import {
  channelsContaining,
  createRunnerContext,
  distDir,
  runActionJob,
  type JobStepState,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const HOST = 'git.corp.test'
const MODULE = `${HOST}/team/lib`
const REPO = 'team/lib.git'
const LOGIN = 'ci-bot'
const SECRET = 'gIt-T0ken_7c1e'
const B64 = Buffer.from(`${LOGIN}:${SECRET}`).toString('base64')

const certs = testCertificates([HOST])
// The test host names resolve to loopback only inside a private mount
// namespace with its own /etc/hosts, which needs root (`unshare -m`): CI here
// runs as root; on a runner without that privilege these tests are skipped
// rather than let a name reach a real resolver.
const describeNs = canUseHostsNamespace() ? describe : describe.skip
let ns: HostsNamespace
let git: GitServer
let pub: Mirror

beforeAll(async () => {
  const address = randomLoopback()
  ns = hostsNamespace({ [HOST]: address })
  const projectRoot = gitProjectRoot()
  makeModuleRepo(projectRoot, REPO, MODULE, 'v1.0.0')
  git = await startGitServer({
    address,
    hostname: HOST,
    certs,
    login: LOGIN,
    token: SECRET,
    repos: { [MODULE]: REPO },
    projectRoot
  })
  pub = await startMirror(buildProxyTree(), { sumdbSupported: 200 })
})

afterAll(async () => {
  await Promise.all([git?.close(), pub?.close()])
  cleanupTempDirs()
})

const baseEnv = {
  NODE_EXTRA_CA_CERTS: certs.caCertPath,
  GIT_SSL_CAINFO: certs.caCertPath,
  SSL_CERT_FILE: certs.caCertPath
}

function inputs(token: string): Record<string, string> {
  return {
    mirrors: pub.url,
    private: HOST,
    credentials: `${HOST}=${LOGIN}:${token}`,
    cache: 'false',
    download: 'false',
    summary: 'true'
  }
}

/** The environment a later `run:` step of the job sees. */
function stepEnv(job: JobStepState, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...job.env,
    HOME: home
  }
}

const leaks = (r: StepResult): string[] => channelsContaining(r, [SECRET, B64])

/**
 * Runs a command on a pseudo-terminal (so git could prompt) until it exits
 * or prints `until`; in the latter case it is killed and `prompted` is set.
 */
function onTerminal(
  command: string,
  env: Record<string, string>,
  until: RegExp
): Promise<{ code: number | null; output: string; prompted: boolean }> {
  const [cmd, args] = ns.wrap('script', ['-qec', command, '/dev/null'])
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true
    })
    let output = ''
    let prompted = false
    const onData = (b: Buffer) => {
      output += b.toString()
      if (!prompted && until.test(output)) {
        prompted = true
        process.kill(-child.pid!, 'SIGKILL')
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output, prompted }))
  })
}

const LS_REMOTE = `git ls-remote https://${HOST}/${REPO}`
// git's prompt, waiting on the terminal (not the "could not read" error).
const PROMPT = new RegExp(
  `(^|[\\r\\n])Username for 'https://${HOST.replace(/\./g, '\\.')}': $`
)

describeNs('private module direct from an authenticated git host', () => {
  it('go downloads it with the netrc credentials; SSH remotes go over HTTPS; nothing leaks', async () => {
    const ctx = createRunnerContext()
    writeFileSync(
      join(ctx.workspace, 'go.mod'),
      `module example.test/consumer\n\ngo 1.21\n\nrequire ${MODULE} v1.0.0\n`
    )
    git.requests.length = 0
    const pubBefore = pub.requests.length
    const modcache = goTempDir('modcache-')
    let goCode: number | null = null
    let goErr = ''
    const lsRemote: Record<string, { code: number | null; out: string }> = {}
    const job = await runActionJob({
      context: ctx,
      inputs: inputs(SECRET),
      env: baseEnv,
      dist: ns.dist(distDir()),
      between: async (_main, after) => {
        const env = stepEnv(after, ctx.home)
        const go = await runGo(['mod', 'download', '-x', `${MODULE}@v1.0.0`], {
          cwd: ctx.workspace,
          env: {
            ...env,
            PATH: `${ns.binDir}:${env.PATH}`,
            GOMODCACHE: modcache,
            GOFLAGS: '-mod=mod'
          }
        })
        goCode = go.code
        goErr = go.stderr
        // An SSH remote fails outright (ssh is `false`) unless rewritten.
        const sshEnv = { ...env, GIT_SSH_COMMAND: 'false' }
        const noRewrite = Object.fromEntries(
          Object.entries(sshEnv).filter(([k]) => !k.startsWith('GIT_CONFIG_'))
        )
        for (const [name, remote, e] of [
          ['ssh://', `ssh://git@${HOST}/${REPO}`, sshEnv],
          ['scp-like', `git@${HOST}:${REPO}`, sshEnv],
          ['scp-like without the job config', `git@${HOST}:${REPO}`, noRewrite]
        ] as const) {
          const r = await runInNamespace(ns, 'git', ['ls-remote', remote], {
            env: e
          })
          lsRemote[name] = { code: r.code, out: r.stdout + r.stderr }
        }
      }
    })

    expect(job.main.code).toBe(0)
    expect(job.main.commands.filter((c) => c.command === 'error')).toEqual([])
    expect(job.afterMain.env).toMatchObject({
      GOPRIVATE: HOST,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: `url.https://${HOST}/.insteadOf`,
      GIT_CONFIG_VALUE_0: `ssh://git@${HOST}/`,
      GIT_CONFIG_KEY_1: `url.https://${HOST}/.insteadOf`,
      GIT_CONFIG_VALUE_1: `git@${HOST}:`
    })

    // go fetched it direct with git, and git authenticated from ~/.netrc.
    expect({ goCode, goErr }).toMatchObject({ goCode: 0 })
    expect(goErr).toContain(`https://${HOST}/${REPO}`)
    expect(
      readdirSync(join(modcache, 'cache/download', MODULE, '@v'))
    ).toContain('v1.0.0.zip')
    const gitAuthed = git.requests.filter(
      (r) => r.userAgent.startsWith('git/') && r.user === LOGIN
    )
    expect(gitAuthed.map((r) => r.url)).toContain(
      `/${REPO}/info/refs?service=git-upload-pack`
    )
    expect(gitAuthed.some((r) => r.method === 'POST' && r.status === 200)).toBe(
      true
    )
    // Every request without the right Basic auth was refused.
    expect(
      git.requests.filter((r) => r.user === undefined && r.status !== 401)
    ).toEqual([])

    // The preflight ran git ls-remote against the host and it passed.
    expect(job.main.summary).toMatch(
      /\| `git\.corp\.test` \| git `git\.corp\.test\/team\/lib` \| ✅ ok \|/
    )

    // SSH forms are rewritten to HTTPS by the job-scoped git config only.
    expect(lsRemote['ssh://']).toMatchObject({ code: 0 })
    expect(lsRemote['ssh://'].out).toContain('refs/tags/v1.0.0')
    expect(lsRemote['scp-like']).toMatchObject({ code: 0 })
    expect(lsRemote['scp-like'].out).toContain('refs/tags/v1.0.0')
    expect(lsRemote['scp-like without the job config'].code).not.toBe(0)

    // Nothing about the private module reached the public mirror.
    expect(
      pub.requests.slice(pubBefore).filter((q) => q.path.includes('corp.test'))
    ).toEqual([])
    for (const s of [job.main, job.post!]) expect(leaks(s)).toEqual([])
    expect(job.post!.stdout).toContain('(it did not exist before)')
    expect(existsSync(join(ctx.home, '.netrc'))).toBe(false)
  })

  it('a wrong token: the preflight names host and module, git fails at once instead of prompting', async () => {
    const ctx = createRunnerContext()
    writeFileSync(
      join(ctx.workspace, 'go.mod'),
      `module example.test/consumer\n\ngo 1.21\n\nrequire ${MODULE} v1.0.0\n`
    )
    let withJobEnv: Awaited<ReturnType<typeof onTerminal>> | undefined
    let withoutPromptSetting: Awaited<ReturnType<typeof onTerminal>> | undefined
    // The go-import page answers anyone, so the 401 comes from git ls-remote.
    git.goGetNeedsAuth = false
    git.requests.length = 0
    const job = await runActionJob({
      context: ctx,
      inputs: inputs('wrong-token'),
      env: baseEnv,
      dist: ns.dist(distDir()),
      between: async (_main, after) => {
        const env = stepEnv(after, ctx.home)
        withJobEnv = await onTerminal(LS_REMOTE, env, PROMPT)
        const unset = { ...env }
        delete unset.GIT_TERMINAL_PROMPT
        withoutPromptSetting = await onTerminal(LS_REMOTE, unset, PROMPT)
      }
    })

    git.goGetNeedsAuth = true
    const preflightGit = git.requests.filter(
      (r) => r.userAgent.startsWith('git/') && r.url.includes('/info/refs')
    )
    expect(preflightGit.length).toBeGreaterThan(0)
    expect(preflightGit.filter((r) => r.status !== 401)).toEqual([])
    expect(preflightGit.some((r) => r.sentAuth)).toBe(true)

    expect(job.main.code).toBe(0)
    const errors = job.main.commands.filter((c) => c.command === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].properties.title).toBe(`Credentials for ${HOST}`)
    expect(errors[0].message).toContain(HOST)
    expect(errors[0].message).toContain(MODULE)
    expect(errors[0].message).toContain('rejected the credentials')

    // With the job's environment git gives up on its own, without a prompt.
    expect(withJobEnv!.prompted).toBe(false)
    expect(withJobEnv!.code).not.toBe(0)
    expect(withJobEnv!.output).toContain('terminal prompts disabled')
    // Control: without GIT_TERMINAL_PROMPT=0 the same git waits at a prompt.
    expect(withoutPromptSetting!.prompted).toBe(true)
    for (const s of [job.main, job.post!]) expect(leaks(s)).toEqual([])
  })
})
