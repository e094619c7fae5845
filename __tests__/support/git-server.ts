// A git host for tests: `git http-backend` run as CGI. The private host is
// HTTPS (test CA) and demands basic auth for everything, including the
// `?go-get=1` page that tells go where a module's repository is; without
// certificates and a login it is a plain, open HTTP host.
import { execFileSync, spawn } from 'node:child_process'
import { closeServer } from './closers.js'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { TestCertificates } from './tls.js'
import { tempDir } from './temp.js'

export interface GitRequest {
  method: string
  /** Path and query as received. */
  url: string
  userAgent: string
  /** Login of an accepted Authorization header. */
  user?: string
  /** Whether an Authorization header came with the request at all. */
  sentAuth: boolean
  status: number
}

export interface GitServerOptions {
  /** Listen address, e.g. from randomLoopback(). */
  address: string
  port?: number
  /** The host name clients use (in the go-import tags). */
  hostname: string
  /** HTTPS with these; plain HTTP without. */
  certs?: TestCertificates
  /** Basic auth demanded with these; open to anyone without. */
  login?: string
  token?: string
  /** Module path → repository path under the project root (`team/lib.git`). */
  repos: Record<string, string>
  projectRoot: string
}

export interface GitServer {
  url: string
  requests: GitRequest[]
  /**
   * Whether `?go-get=1` pages need auth too (default true); some hosts
   * answer them for anyone, so only git itself meets the 401.
   */
  goGetNeedsAuth: boolean
  close(): Promise<void>
}

const GIT_EXEC_PATH = execFileSync('git', ['--exec-path']).toString().trim()

function gitIn(cwd: string, args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.test',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.test',
      GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z'
    }
  })
}

/**
 * A bare repository `<projectRoot>/<repo>` holding a Go module with one
 * package, tagged with `version`.
 */
export function makeModuleRepo(
  projectRoot: string,
  repo: string,
  modulePath: string,
  version: string
): void {
  const work = tempDir('git-work-')
  const pkg = modulePath
    .split('/')
    .pop()!
    .replace(/[^a-z0-9_]/g, '_')
  writeFileSync(join(work, 'go.mod'), `module ${modulePath}\n\ngo 1.21\n`)
  writeFileSync(
    join(work, `${pkg}.go`),
    `package ${pkg}\n\nfunc Version() string { return "${version}" }\n`
  )
  gitIn(work, ['init', '-q', '-b', 'main'])
  gitIn(work, ['add', '.'])
  gitIn(work, ['commit', '-q', '-m', 'initial'])
  gitIn(work, ['tag', version])
  const bare = join(projectRoot, repo)
  mkdirSync(dirname(bare), { recursive: true })
  gitIn(work, ['clone', '-q', '--bare', work, bare])
}

const ANONYMOUS = 'anonymous'

const schemeOf = (opts: GitServerOptions) => (opts.certs ? 'https' : 'http')

function basicUser(
  header: string | undefined,
  login: string | undefined,
  token: string | undefined
): string | undefined {
  if (login === undefined) return ANONYMOUS
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (!m) return undefined
  const [user, ...rest] = Buffer.from(m[1], 'base64').toString().split(':')
  return user === login && rest.join(':') === token ? user : undefined
}

function goImportPage(
  opts: GitServerOptions,
  path: string
): string | undefined {
  const mod = Object.keys(opts.repos).find(
    (m) =>
      path === `/${m.slice(opts.hostname.length + 1)}` ||
      path.startsWith(`/${m.slice(opts.hostname.length + 1)}/`)
  )
  if (!mod) return undefined
  const repoUrl = `${schemeOf(opts)}://${opts.hostname}/${opts.repos[mod]}`
  return `<!DOCTYPE html><html><head><meta name="go-import" content="${mod} git ${repoUrl}"></head></html>\n`
}

function runBackend(
  opts: GitServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  user: string,
  done: (status: number) => void
): void {
  const url = new URL(req.url ?? '/', 'https://x')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: opts.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: opts.projectRoot,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1'
  }
  const copy: [string, string][] = [
    ['content-type', 'CONTENT_TYPE'],
    ['content-length', 'CONTENT_LENGTH'],
    ['content-encoding', 'HTTP_CONTENT_ENCODING'],
    ['git-protocol', 'GIT_PROTOCOL']
  ]
  for (const [h, name] of copy) {
    const v = req.headers[h]
    if (typeof v === 'string') env[name] = v
  }
  const cgi = spawn(join(GIT_EXEC_PATH, 'git-http-backend'), [], { env })
  const out: Buffer[] = []
  cgi.stdout.on('data', (b: Buffer) => out.push(b))
  cgi.stderr.resume()
  req.pipe(cgi.stdin)
  cgi.on('close', () => {
    const all = Buffer.concat(out)
    const sep = all.indexOf('\r\n\r\n')
    const [headEnd, bodyStart] = sep >= 0 ? [sep, sep + 4] : [0, 0]
    let status = 200
    for (const line of all.subarray(0, headEnd).toString().split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === 'status') status = parseInt(value, 10)
      else res.setHeader(name, value)
    }
    res.statusCode = status
    res.end(all.subarray(bodyStart))
    done(status)
  })
}

/** Starts the server; repositories must already exist under projectRoot. */
export async function startGitServer(
  opts: GitServerOptions
): Promise<GitServer> {
  const requests: GitRequest[] = []
  const state = { goGetNeedsAuth: true }
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const record: GitRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      userAgent: String(req.headers['user-agent'] ?? ''),
      sentAuth: req.headers.authorization !== undefined,
      status: 0
    }
    requests.push(record)
    const finish = (status: number) => {
      record.status = status
    }
    const user = basicUser(req.headers.authorization, opts.login, opts.token)
    const url = new URL(req.url ?? '/', 'https://x')
    const goGet = url.searchParams.get('go-get') === '1'
    if (!user && !(goGet && !state.goGetNeedsAuth)) {
      req.resume()
      res.writeHead(401, {
        'www-authenticate': 'Basic realm="corp git"',
        'content-type': 'text/plain'
      })
      res.end('authentication required\n')
      finish(401)
      return
    }
    record.user = user
    if (goGet) {
      const page = goImportPage(opts, url.pathname)
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html' })
      res.end(page ?? 'no such module\n')
      finish(page ? 200 : 404)
      return
    }
    runBackend(opts, req, res, user!, finish)
  }
  const server: Server = opts.certs
    ? createHttpsServer({ cert: opts.certs.cert, key: opts.certs.key }, handle)
    : createHttpServer(handle)
  const defaultPort = opts.certs ? 443 : 80
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? defaultPort, opts.address, resolve)
  })
  const port = (server.address() as AddressInfo).port
  return {
    get goGetNeedsAuth() {
      return state.goGetNeedsAuth
    },
    set goGetNeedsAuth(v: boolean) {
      state.goGetNeedsAuth = v
    },
    url: `${schemeOf(opts)}://${opts.hostname}${port === defaultPort ? '' : `:${port}`}`,
    requests,
    close: () => closeServer(server)
  }
}

/** A fresh directory to hold the bare repositories. */
export function gitProjectRoot(): string {
  return tempDir('git-root-')
}
