// Which egress proxy a request goes through, as Go's net/http decides it
// (ProxyFromEnvironment, golang.org/x/net/http/httpproxy): the upper-case
// variable wins over the lower-case one when set, HTTP_PROXY is refused
// under CGI (REQUEST_METHOD set), localhost and loopback addresses are never
// proxied, and NO_PROXY holds `*`, CIDRs, IPs and host names, each with an
// optional port, where `example.com` also covers its subdomains. Pure.
import { BlockList, isIP } from 'node:net'
import { domainToASCII } from 'node:url'

export interface ProxyEnv {
  httpProxy?: URL
  httpsProxy?: URL
  noProxy: NoProxyMatcher
  cgi: boolean
}

export type ProxyChoice =
  | { via: 'direct' }
  | { via: 'proxy'; proxy: URL }
  | { via: 'refused'; why: string }

type Env = Record<string, string | undefined>

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'socks5:': '1080'
}

export function proxyEnv(env: Env): ProxyEnv {
  return {
    httpProxy: parseProxy(either(env, 'HTTP_PROXY', 'http_proxy')),
    httpsProxy: parseProxy(either(env, 'HTTPS_PROXY', 'https_proxy')),
    noProxy: noProxyMatcher(either(env, 'NO_PROXY', 'no_proxy') ?? ''),
    cgi: Boolean(env.REQUEST_METHOD)
  }
}

export function proxyFor(url: URL, cfg: ProxyEnv): ProxyChoice {
  let proxy: URL | undefined
  if (url.protocol === 'https:') proxy = cfg.httpsProxy
  else if (url.protocol === 'http:') {
    proxy = cfg.httpProxy
    if (proxy && cfg.cgi)
      return {
        via: 'refused',
        why: 'HTTP_PROXY is not used in a CGI environment (REQUEST_METHOD is set), as Go refuses it'
      }
  }
  if (!proxy || !cfg.noProxy.useProxy(url)) return { via: 'direct' }
  return { via: 'proxy', proxy }
}

function either(env: Env, upper: string, lower: string): string | undefined {
  return env[upper] || env[lower] || undefined
}

// A value without a scheme, such as `proxy.corp:3128`, means http.
function parseProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined
  for (const candidate of [value, `http://${value}`]) {
    try {
      const u = new URL(candidate)
      if (u.host) return u
    } catch {
      // Try the next spelling.
    }
  }
  return undefined
}

export interface NoProxyMatcher {
  useProxy(url: URL): boolean
}

interface Rule {
  host?: string
  /** The host itself too, not only its subdomains. */
  matchHost?: boolean
  ip?: string
  port: string
}

function noProxyMatcher(value: string): NoProxyMatcher {
  const cidrs = new BlockList()
  const rules: Rule[] = []
  let all = false
  for (const raw of value.split(',')) {
    const p = raw.trim().toLowerCase()
    if (!p) continue
    if (p === '*') {
      all = true
      break
    }
    if (addCidr(cidrs, p)) continue
    const split = splitHostPort(p)
    const port = split?.[1] ?? ''
    // Like Go, brackets come off only with a port: a bare `[v6]` is taken
    // for a host name, and so never matches.
    let host = split ? split[0].replace(/^\[(.*)\]$/, '$1') : p
    if (isIP(host)) {
      rules.push({ ip: canonicalIp(host), port })
      continue
    }
    if (!host) continue
    if (host.startsWith('*.')) host = host.slice(1)
    const matchHost = !host.startsWith('.')
    if (matchHost) host = `.${host}`
    rules.push({ host: domainToASCII(host) || host, matchHost, port })
  }
  return {
    useProxy(url) {
      if (all) return false
      const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
      const host = (domainToASCII(hostname) || hostname).toLowerCase()
      const port = url.port || DEFAULT_PORTS[url.protocol] || ''
      if (host === 'localhost') return false
      const family = isIP(host)
      if (family) {
        const ip = canonicalIp(host)
        if (isLoopback(ip)) return false
        const v4 = isIP(ip) === 4
        if (cidrs.check(ip, v4 ? 'ipv4' : 'ipv6')) return false
        return !rules.some((r) => r.ip === ip && (!r.port || r.port === port))
      }
      return !rules.some(
        (r) =>
          r.host !== undefined &&
          (host.endsWith(r.host) ||
            (r.matchHost && host === r.host.slice(1))) &&
          (!r.port || r.port === port)
      )
    }
  }
}

function addCidr(list: BlockList, p: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(p)
  if (!m) return false
  const family = isIP(m[1])
  const prefix = Number(m[2])
  if (!family || prefix > (family === 4 ? 32 : 128)) return false
  list.addSubnet(m[1], prefix, family === 4 ? 'ipv4' : 'ipv6')
  return true
}

function splitHostPort(p: string): [string, string] | undefined {
  const m = /^(\[[^\]]*\]|[^:]*):(\d*)$/.exec(p)
  return m ? [m[1], m[2]] : undefined
}

// One spelling per address, as Go compares them: IPv6 compressed, and an
// IPv4-mapped IPv6 address as its IPv4 form.
function canonicalIp(ip: string): string {
  const v6 =
    isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v6)
  if (mapped) return mapped[1]
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(v6)
  if (hex) {
    const [a, b] = [parseInt(hex[1], 16), parseInt(hex[2], 16)]
    return [a >> 8, a & 255, b >> 8, b & 255].join('.')
  }
  return v6.toLowerCase()
}

function isLoopback(ip: string): boolean {
  return isIP(ip) === 4 ? ip.startsWith('127.') : ip === '::1'
}
