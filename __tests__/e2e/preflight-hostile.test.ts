// The credential preflight against hostile go-import pages, run by the
// bundled action with test hosts that resolve to loopback addresses only
// inside private mount namespaces (see ../support/namespace.ts):
// - a page that names `mod http://127.0.0.2:P` must not make the action send
//   the token there (go sends credentials only over https);
// - a page that names `git --upload-pack=<script>` must not run the script;
// - a git server that never answers and a page host that never completes
//   TLS must not hold the step past the deadline (probe-timeout).
import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  goImportPage,
  startPageServer,
  type PageServer
} from '../support/go-import-server.js'
import { buildProxyTree } from '../support/modules.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  canUseHostsNamespace,
  hostsNamespace,
  randomLoopback,
  type HostsNamespace
} from '../support/namespace.js'
import {
  channelsContaining,
  createRunnerContext,
  distDir,
  runActionJob,
  type JobResult
} from '../support/run-action.js'
import {
  silentListener,
  type SilentListener
} from '../support/hostile-listeners.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const LOGIN = 'ci-bot'
const SECRET = 'hOst1le-T0ken_5e2b'
const B64 = Buffer.from(`${LOGIN}:${SECRET}`).toString('base64')
const SECRET_FORMS = [
  SECRET,
  SECRET.toLowerCase(),
  SECRET.toUpperCase(),
  B64,
  encodeURIComponent(`${LOGIN}:${SECRET}`)
]

// Every host's module, and the host names the namespace maps.
const LEAK = 'corp.example.test/Team-A/private_mod'
const INJECT = 'evil.example.test/team_b/tool'
const SILENT_GIT = 'silent.example.test/Team-C/lib'
const STALL = 'stall.example.test/Team-D/lib'
const SSH = 'ssh.example.test/Team-E/repo'
const HG = 'hg.example.test/team-f/repo'
const GIT_HOST = 'git.silent.example.test'
const PAGE_HOSTS = [
  'corp.example.test',
  'evil.example.test',
  'silent.example.test',
  'ssh.example.test',
  'hg.example.test'
]
const STALL_HOSTS = ['stall.example.test', GIT_HOST]

const certs = testCertificates([...PAGE_HOSTS, ...STALL_HOSTS])
const describeNs = canUseHostsNamespace() ? describe : describe.skip
let ns: HostsNamespace
let pages: PageServer
let recorder: PageServer
let silent: SilentListener
let pub: Mirror
const script = join(tempDir('inject-'), 'inject.sh')
const marker = `${script}.ran`

beforeAll(async () => {
  const pageAddress = randomLoopback()
  const stallAddress = randomLoopback()
  ns = hostsNamespace({
    ...Object.fromEntries(PAGE_HOSTS.map((h) => [h, pageAddress])),
    ...Object.fromEntries(STALL_HOSTS.map((h) => [h, stallAddress]))
  })
  recorder = await startPageServer({ address: '127.0.0.2' })
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 })
  const byModule: Record<string, string> = {
    [LEAK]: `${LEAK} mod ${recorder.url}`,
    [INJECT]: `${INJECT} git --upload-pack=${script}`,
    [SILENT_GIT]: `${SILENT_GIT} git https://${GIT_HOST}/team-c/lib.git`,
    [SSH]: `${SSH} git ssh://git@ssh.example.test/team-e/repo.git`,
    [HG]: `${HG} hg https://hg.example.test/team-f/repo`
  }
  pages = await startPageServer({
    address: pageAddress,
    port: 443,
    certs,
    page: (host, path) => {
      const content = byModule[host + path]
      return content === undefined ? undefined : goImportPage(content)
    }
  })
  silent = await silentListener(stallAddress, 443)
  pub = await startMirror(buildProxyTree(), { sumdbSupported: 200 })
})

afterAll(async () => {
  await Promise.all([
    pages?.close(),
    recorder?.close(),
    silent?.close(),
    pub?.close()
  ])
  cleanupTempDirs()
})

/** A job whose go.mod requires `modules`, with a credential for each host. */
async function job(
  modules: string[],
  extra: Record<string, string> = {},
  credentialHosts = modules.map((m) => m.split('/')[0])
): Promise<JobResult & { seconds: number }> {
  const ctx = createRunnerContext()
  writeFileSync(
    join(ctx.workspace, 'go.mod'),
    `module example.test/consumer\n\ngo 1.21\n\nrequire (\n${modules.map((m) => `\t${m} v1.0.0\n`).join('')})\n`
  )
  // A checkout whose origin is a local repository: without `--`, git would
  // read an option-shaped URL as an option and fall back to this origin,
  // which runs --upload-pack.
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: ctx.root,
      env: { PATH: process.env.PATH, HOME: ctx.home, GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore'
    })
  git('init', '-q', '--bare', 'origin.git')
  git('-C', ctx.workspace, 'init', '-q')
  git(
    '-C',
    ctx.workspace,
    'remote',
    'add',
    'origin',
    join(ctx.root, 'origin.git')
  )
  const hosts = modules.map((m) => m.split('/')[0])
  const t0 = Date.now()
  const r = await runActionJob({
    context: ctx,
    inputs: {
      mirrors: pub.url,
      private: hosts.join(','),
      credentials: credentialHosts
        .map((h) => `${h}=${LOGIN}:${SECRET}`)
        .join('\n'),
      cache: 'false',
      download: 'false',
      summary: 'true',
      ...extra
    },
    env: {
      NODE_EXTRA_CA_CERTS: certs.caCertPath,
      GIT_SSL_CAINFO: certs.caCertPath,
      SSL_CERT_FILE: certs.caCertPath
    },
    dist: ns.dist(distDir()),
    timeoutMs: 90_000
  })
  return { ...r, seconds: (Date.now() - t0) / 1000 }
}

const errorsFor = (r: JobResult, host: string) =>
  r.main.commands.filter(
    (c) =>
      c.command === 'error' && c.properties.title === `Credentials for ${host}`
  )

describeNs('credential preflight against hostile go-import pages', () => {
  it('a page naming mod http://127.0.0.2 gets no credential there; one naming --upload-pack runs nothing', async () => {
    pages.requests.length = 0
    recorder.requests.length = 0
    const r = await job([LEAK, INJECT, SSH, HG])
    expect(r.main.code).toBe(0)

    // The https page on the credential's host got the credential, as go's
    // request would; the http URL it named got none, in any form.
    const leakPage = pages.requests.find((q) => q.host === 'corp.example.test')
    expect(leakPage?.authorization).toBe(`Basic ${B64}`)
    expect(recorder.requests.filter((q) => q.authorization)).toEqual([])
    expect(
      recorder.requests.filter((q) =>
        SECRET_FORMS.some((s) => q.raw.includes(s))
      )
    ).toEqual([])
    const leak = errorsFor(r, 'corp.example.test')
    expect(leak).toHaveLength(1)
    expect(leak[0].message).toContain(LEAK)
    expect(leak[0].message).toContain(`mod "${recorder.url}"`)
    expect(leak[0].message).toMatch(/not an https:\/\/ URL; nothing was sent/)

    expect(existsSync(marker)).toBe(false)
    const inject = errorsFor(r, 'evil.example.test')
    expect(inject).toHaveLength(1)
    expect(inject[0].message).toContain(`git "--upload-pack=${script}"`)

    // Legitimate pages for what the credentials cannot check: not errors.
    for (const m of [SSH, HG]) {
      const host = m.split('/')[0]
      expect(errorsFor(r, host)).toEqual([])
      expect(r.main.summary).toContain(
        `| \`${host}\` | git \`${m}\` | not checked |`
      )
    }

    for (const s of [r.main, r.post!]) {
      expect(channelsContaining(s, SECRET_FORMS)).toEqual([])
    }
  })

  it('a plain-http private proxy on the credential host gets no credential, and a warning says go sends none either', async () => {
    recorder.requests.length = 0
    const host = `127.0.0.2:${recorder.port}`
    const r = await job(
      [LEAK],
      { 'private-proxy': recorder.url, private: 'corp.example.test' },
      [host]
    )
    expect(r.main.code).toBe(0)
    expect(recorder.requests.filter((q) => q.authorization)).toEqual([])
    expect(
      recorder.requests.filter((q) =>
        SECRET_FORMS.some((s) => q.raw.includes(s))
      )
    ).toEqual([])
    const warnings = r.main.commands.filter(
      (c) =>
        c.command === 'warning' &&
        c.message.includes(`private-proxy ${recorder.url} is plain http`)
    )
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toContain(`${host} (credentials line 1)`)
    expect(warnings[0].message).toMatch(/go never sends credentials over http/)
    for (const s of [r.main, r.post!]) {
      expect(channelsContaining(s, SECRET_FORMS)).toEqual([])
    }
  })

  it('a git server that never answers and a page host that never completes TLS end by the deadline', async () => {
    const r = await job([SILENT_GIT, STALL], { 'probe-timeout': '3' })
    expect(r.main.timedOut).toBe(false)
    expect(r.main.code).toBe(0)
    // Probe and preflight each have 3 s; the rest of main takes seconds.
    expect(r.seconds).toBeLessThan(45)
    expect(silent.accepted).toBeGreaterThanOrEqual(2)
    const git = errorsFor(r, 'silent.example.test')
    expect(git).toHaveLength(1)
    expect(git[0].message).toMatch(
      new RegExp(
        `git ls-remote https://${GIT_HOST}/team-c/lib.git did not finish within 3 s`
      )
    )
    const stall = errorsFor(r, 'stall.example.test')
    expect(stall).toHaveLength(1)
    expect(stall[0].message).toContain(
      `https://${STALL}?go-get=1: no complete answer within 3 s`
    )
    for (const s of [r.main, r.post!]) {
      expect(channelsContaining(s, SECRET_FORMS)).toEqual([])
    }
  })
})
