// Long: the netrc cases share one private proxy, secret and leak search; each case is a real job.
// The netrc files a user already has, and what happens to them between main
// and post: a dangling symlink, a later step that edits the file, a file owned
// by someone else and world-writable, a read-only file, RUNNER_TEMP wiped
// before post, and a secret pasted without HOST=. Each case runs the bundled
// action as the runner does and ends with the user's file byte for byte (and
// mode) as it was, or with a clear error; no case leaves the token (or a case
// variant, or its base64) in any file of the runner machine or in any channel
// the runner keeps. The real go and git check what the files give them.
import { execFile } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import {
  gitProjectRoot,
  makeModuleRepo,
  startGitServer,
  type GitServer
} from '../support/git-server.js'
import { goTempDir, parseGetLines, runGo } from '../support/go.js'
import {
  credentialForUrl,
  parseCredentials
} from '../../src/privacy/credentials.js'
import { renderEntry } from '../../src/privacy/netrc.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import {
  channelsContaining,
  createRunnerContext,
  newRunnerTemp,
  runActionStep,
  type RunnerContext,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const PRIVATE = 'corp.test/Secret-Team/lib_x'
const LOGIN = 'ci-bot'
const SECRET = 'pRiV4te-T0ken_Netrc9'
const B64 = Buffer.from(`${LOGIN}:${SECRET}`).toString('base64')
/** Every form of the secret that must not be found anywhere. */
const FORMS = [SECRET, SECRET.toLowerCase(), SECRET.toUpperCase(), B64]

const certs = testCertificates()
const privateTree = buildProxyTree([{ path: PRIVATE, versions: ['v1.0.0'] }])
let pub: Mirror
let priv: Mirror

beforeAll(async () => {
  pub = await startMirror(buildProxyTree(), { sumdbSupported: 200 })
  priv = await startMirror(privateTree, {
    tls: true,
    onRequest: (ctx) => {
      if (ctx.req.headers.authorization === `Basic ${B64}`) return false
      ctx.send(401, 'unauthorized\n')
      return true
    }
  })
})

afterAll(async () => {
  await Promise.all([pub.close(), priv.close()])
  cleanupTempDirs()
})

const baseEnv = { NODE_EXTRA_CA_CERTS: certs.caCertPath }

function inputs(credentials: string): Record<string, string> {
  return {
    mirrors: pub.url,
    'private-proxy': priv.url,
    private: 'corp.test',
    credentials,
    cache: 'false',
    download: 'false',
    summary: 'true'
  }
}
const goodCredentials = () => `${priv.host}:${priv.port}=${LOGIN}:${SECRET}`

/** Files under `dir` (not following links) whose bytes hold a form of the secret. */
function filesWithSecret(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...filesWithSecret(p))
    else if (e.isFile()) {
      const data = readFileSync(p).toString('latin1')
      if (FORMS.some((f) => data.includes(f))) out.push(p)
    }
  }
  return out
}

async function goDownload(
  ctx: RunnerContext,
  env: Record<string, string>
): Promise<number | null> {
  const r = await runGo(['mod', 'download', `${PRIVATE}@v1.0.0`], {
    cwd: ctx.workspace,
    env: {
      ...env,
      HOME: ctx.home,
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-mod=mod',
      SSL_CERT_FILE: certs.caCertPath
    }
  })
  return r.code
}

interface Job {
  ctx: RunnerContext
  main: StepResult
  post: StepResult
  /** go mod download of the private module with the env after main. */
  go: number | null
  netrc: string
}

/**
 * main, then `between` (a later step), go with the job env, then post.
 * `prepare` shapes ~/.netrc first.
 */
async function job(
  prepare: (netrc: string, ctx: RunnerContext) => void,
  between: (netrc: string, runnerTemp: string) => void = () => undefined,
  credentials = goodCredentials()
): Promise<Job> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, privateTree)
  const netrc = join(ctx.home, '.netrc')
  prepare(netrc, ctx)
  const runnerTemp = newRunnerTemp(ctx)
  const main = await runActionStep({
    context: ctx,
    runnerTemp,
    inputs: inputs(credentials),
    env: baseEnv
  })
  const env = { ...baseEnv, ...main.env }
  const go = main.code === 0 ? await goDownload(ctx, env) : null
  between(netrc, runnerTemp)
  const post = await runActionStep({
    entry: 'post',
    context: ctx,
    runnerTemp,
    inputs: inputs(credentials),
    env,
    state: main.state
  })
  return { ctx, main, post, go, netrc }
}

function expectNoLeak(j: Job): void {
  for (const s of [j.main, j.post])
    expect(channelsContaining(s, FORMS)).toEqual([])
  expect(filesWithSecret(j.ctx.root)).toEqual([])
}

const warnings = (s: StepResult): string[] =>
  s.commands.filter((c) => c.command === 'warning').map((c) => c.message)

const USER_NETRC =
  'machine other.test login o password other-pass\n' +
  `machine 127.0.0.1 login mine password MINE-old\n`

describe('netrc files the user already has', () => {
  it('a dangling ~/.netrc symlink: go is served, the link comes back, its target is never created', async () => {
    let dest = ''
    const j = await job((netrc, ctx) => {
      dest = join(ctx.root, 'dotfiles', 'netrc')
      symlinkSync(dest, netrc)
    })
    expect(j.main.code).toBe(0)
    expect(j.go).toBe(0)
    expect(j.post.code).toBe(0)
    expect(lstatSync(j.netrc).isSymbolicLink()).toBe(true)
    expect(readlinkSync(j.netrc)).toBe(dest)
    expect(() => statSync(dest)).toThrow()
    expectNoLeak(j)
  })

  it('a later step edits ~/.netrc: its change is kept and the entry main replaced comes back', async () => {
    const j = await job(
      (netrc) => {
        writeFileSync(
          netrc,
          USER_NETRC.replace('127.0.0.1', `127.0.0.1:${priv.port}`),
          {
            mode: 0o600
          }
        )
      },
      (netrc) => {
        writeFileSync(
          netrc,
          readFileSync(netrc, 'utf8') +
            'machine later.test login l password l\n'
        )
      }
    )
    expect(j.main.code).toBe(0)
    expect(j.go).toBe(0)
    expect(j.post.code).toBe(0)
    expect(readFileSync(j.netrc, 'utf8')).toBe(
      USER_NETRC.replace('127.0.0.1', `127.0.0.1:${priv.port}`) +
        'machine later.test login l password l\n'
    )
    expect(statSync(j.netrc).mode & 0o777).toBe(0o600)
    expect(warnings(j.post).join('\n')).toMatch(
      /changed after setup-goproxy wrote it/
    )
    expectNoLeak(j)
  })

  it('a ~/.netrc that is a directory: main fails naming it, nothing is written', async () => {
    const j = await job((netrc) => mkdirSync(netrc))
    expect(j.main.code).not.toBe(0)
    const errors = j.main.commands.filter((c) => c.command === 'error')
    expect(errors.map((e) => e.message).join('\n')).toContain(
      `netrc file ${j.netrc} is a directory`
    )
    expect(readdirSync(j.netrc)).toEqual([])
    expect(j.post.code).toBe(0)
    expectNoLeak(j)
  })

  it('RUNNER_TEMP wiped before post: the token is still removed, and post says which entry it could not put back', async () => {
    const before = USER_NETRC.replace('127.0.0.1', `127.0.0.1:${priv.port}`)
    const j = await job(
      (netrc) => writeFileSync(netrc, before, { mode: 0o640 }),
      (_netrc, runnerTemp) => {
        for (const e of readdirSync(runnerTemp))
          rmSync(join(runnerTemp, e), { recursive: true, force: true })
      }
    )
    expect(j.main.code).toBe(0)
    expect(j.post.code).toBe(0)
    expect(readFileSync(j.netrc, 'utf8')).toBe(
      'machine other.test login o password other-pass\n'
    )
    expect(statSync(j.netrc).mode & 0o777).toBe(0o640)
    expect(warnings(j.post).join('\n')).toContain(
      `could not put back the earlier entries for 127.0.0.1:${priv.port} because its backup under RUNNER_TEMP was deleted`
    )
    expectNoLeak(j)
  })
})

// chown needs root; CI here runs as root.
const describeAsRoot = process.getuid?.() === 0 ? describe : describe.skip
describeAsRoot('netrc files the action must not write', () => {
  it.each([
    ['owned by nobody with mode 0666', 0o666, 65534],
    ['read-only (0400)', 0o400, undefined]
  ])(
    'a ~/.netrc %s is never written: go reads a private copy, git is warned about, post changes nothing',
    async (_name, mode, uid) => {
      const j = await job((netrc) => {
        writeFileSync(netrc, USER_NETRC)
        chmodSync(netrc, mode)
        if (uid !== undefined) chownSync(netrc, uid, uid)
      })
      expect(j.main.code).toBe(0)
      expect(j.main.env.NETRC).toMatch(/setup-goproxy-netrc-.*\/netrc$/)
      expect(j.go).toBe(0)
      expect(warnings(j.main).join('\n')).toMatch(
        new RegExp(
          `${j.netrc.replace(/[.]/g, '\\.')} was left unchanged because .*go reads the credentials from a private copy.*git will not authenticate to 127\\.0\\.0\\.1:${priv.port}`
        )
      )
      expect(j.post.code).toBe(0)
      expect(readFileSync(j.netrc, 'utf8')).toBe(USER_NETRC)
      const st = statSync(j.netrc)
      expect(st.mode & 0o777).toBe(mode)
      expect(st.uid).toBe(uid ?? 0)
      expectNoLeak(j)
    }
  )
})

describe('credentials that must not be accepted or that git cannot use', () => {
  it.each([
    ['a base64 secret without HOST=', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5=='],
    ['KEY=VALUE halves of a secret', 'AKIA_S3cretPartOne=S3cretPartTwo']
  ])(
    '%s: main fails early, echoes neither side, writes nothing',
    async (_name, line) => {
      const parts = line.split('=').filter((p) => p.length > 1)
      const forms = parts.flatMap((p) => [p, p.toLowerCase(), p.toUpperCase()])
      const ctx = createRunnerContext()
      const main = await runActionStep({
        context: ctx,
        inputs: inputs(`${goodCredentials()}\n${line}`),
        env: baseEnv
      })
      expect(main.code).not.toBe(0)
      const errors = main.commands.filter((c) => c.command === 'error')
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(
          /^Input "credentials": line 2: the text before "=" /
        )
      ])
      expect(channelsContaining(main, [...forms, ...FORMS])).toEqual([])
      expect(main.stdout).toContain(`::add-mask::${line}`)
      expect(readdirSync(ctx.home)).toEqual([])
      expect(main.env).toEqual({})
    }
  )
})

describe('git (libcurl) against the netrc the action writes', () => {
  const REPO = 'team/lib.git'
  const HASH_SECRET = '#hash-T0ken_git'
  // One server per token, each on its own port of 127.0.0.1.
  let git: GitServer
  let hashGit: GitServer
  beforeAll(async () => {
    const projectRoot = gitProjectRoot()
    makeModuleRepo(projectRoot, REPO, 'corp.test/team/lib', 'v1.0.0')
    const serve = (token: string) =>
      startGitServer({
        address: '127.0.0.1',
        port: 0,
        hostname: '127.0.0.1',
        certs,
        login: LOGIN,
        token,
        repos: {},
        projectRoot
      })
    git = await serve(SECRET)
    hashGit = await serve(HASH_SECRET)
  })
  afterAll(() => Promise.all([git?.close(), hashGit?.close()]))

  // No private proxy; a fixed checksum database, so nothing is asked of
  // the real ones.
  const gitInputs = (credentials: string) => ({
    ...inputs(credentials),
    'private-proxy': '',
    sumdb: 'sum.golang.org'
  })

  // Asynchronous: the git server answers from this process.
  function lsRemote(
    ctx: RunnerContext,
    server: GitServer
  ): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        'git',
        ['ls-remote', `${server.url}/${REPO}`],
        {
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: ctx.home,
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_TERMINAL_PROMPT: '0',
            GIT_SSL_CAINFO: certs.caCertPath
          },
          timeout: 60_000
        },
        (err, _stdout, stderr) =>
          resolve({
            code: err ? Number(err.code ?? 1) : 0,
            out: err ? stderr : ''
          })
      )
    })
  }

  it('a host:port credential reaches git, which matches the host without the port', async () => {
    const ctx = createRunnerContext()
    const runnerTemp = newRunnerTemp(ctx)
    const credentials = `${git.url.replace('https://', '')}=${LOGIN}:${SECRET}`
    const main = await runActionStep({
      context: ctx,
      runnerTemp,
      inputs: gitInputs(credentials),
      env: baseEnv
    })
    expect(main.code).toBe(0)
    expect(await lsRemote(ctx, git)).toEqual({ code: 0, out: '' })
    const post = await runActionStep({
      entry: 'post',
      context: ctx,
      runnerTemp,
      inputs: gitInputs(credentials),
      env: { ...baseEnv, ...main.env },
      state: main.state
    })
    expect(post.code).toBe(0)
    expect(existsSync(join(ctx.home, '.netrc'))).toBe(false)
    expect(filesWithSecret(ctx.root)).toEqual([])
  })

  it('a token starting with "#": the action warns that git will fail, and git does', async () => {
    const ctx = createRunnerContext()
    const credentials = `${hashGit.url.replace('https://', '')}=${LOGIN}:${HASH_SECRET}`
    const main = await runActionStep({
      context: ctx,
      inputs: gitInputs(credentials),
      env: baseEnv
    })
    expect(main.code).toBe(0)
    expect(warnings(main).join('\n')).not.toMatch(/sum\.golang/)
    expect(warnings(main).join('\n')).toMatch(
      /credentials line 1 \(127\.0\.0\.1:\d+\): the token starts with "#".*git sends an empty password/
    )
    hashGit.requests.length = 0
    expect((await lsRemote(ctx, hashGit)).code).not.toBe(0)
    // git sent the login from netrc, but not the password.
    expect(hashGit.requests.some((r) => r.sentAuth)).toBe(true)
    expect(hashGit.requests.some((r) => r.user !== undefined)).toBe(false)
    expect(channelsContaining(main, [HASH_SECRET])).toEqual([])
  })
})

describe('which netrc entry go uses', () => {
  // Differential: the real go 1.26 against credentialForUrl, on machines and
  // URLs that differ only in case, path depth and port.
  it('matches credentialForUrl for every request go makes', async () => {
    const seen: { url: string; login?: string }[] = []
    const m = await startMirror(buildProxyTree([]), {
      tls: true,
      onRequest: (ctx) => {
        const auth = ctx.req.headers.authorization
        seen.push({
          url: `https://${ctx.req.headers.host}${ctx.req.url}`,
          login: auth
            ? Buffer.from(auth.replace(/^Basic /, ''), 'base64')
                .toString()
                .split(':')[0]
            : undefined
        })
        ctx.send(500, 'no\n')
        return true
      }
    })
    try {
      const base = `localhost:${m.port}`
      const creds = parseCredentials(
        [
          `${base}/Go-Virtual=exact-case:tok-1`,
          `${base}/go-virtual=lower-case:tok-2`,
          `${base}/Go-Virtual/team-A=deeper:tok-3`,
          `${base}=host-only:tok-4`,
          `localhost:1=other-port:tok-5`
        ].join('\n')
      )
      const home = goTempDir('go-home-')
      writeFileSync(join(home, '.netrc'), creds.map(renderEntry).join(''), {
        mode: 0o600
      })
      const urls = [
        'Go-Virtual',
        'go-virtual',
        'GO-VIRTUAL',
        'Go-Virtual/team-A',
        'Go-Virtual/team-a',
        'Go-Virtual/team-A-2',
        'other'
      ].map((p) => `https://${base}/${p}`)
      const go = await runGo(
        ['mod', 'download', '-x', 'corp.test/Mod@v1.0.0'],
        {
          env: {
            HOME: home,
            GOPROXY: urls.join('|'),
            GOMODCACHE: goTempDir('modcache-'),
            GOFLAGS: '',
            GONOSUMDB: 'corp.test',
            SSL_CERT_FILE: certs.caCertPath
          }
        }
      )
      expect(go.code).not.toBe(0)
      expect(
        parseGetLines(go.stderr).filter((l) => l.status === 500)
      ).toHaveLength(urls.length)
      expect(seen).toHaveLength(urls.length)
      for (const r of seen) {
        expect([r.url, r.login]).toEqual([
          r.url,
          credentialForUrl(creds, r.url)?.login
        ])
      }
      expect(seen.map((r) => r.login)).toEqual([
        'exact-case',
        'lower-case',
        'host-only',
        'deeper',
        'exact-case',
        'exact-case',
        'host-only'
      ])
    } finally {
      await m.close()
    }
  })
})
