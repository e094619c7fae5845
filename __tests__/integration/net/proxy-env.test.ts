// Which egress proxy a request takes, checked against Go's own net/http
// (ProxyFromEnvironment) over a table of environments and URLs. The URLs
// are data: neither side opens a connection. Names are `.test` names and
// addresses are from the documentation ranges (RFC 5737, RFC 3849), which
// no network routes.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { proxyEnv, proxyFor } from '../../../src/net/proxy-env.js'
import { goHelperBinary } from '../../support/go-helper.js'

const helper = goHelperBinary(
  fileURLToPath(new URL('../../support/goproxy-env', import.meta.url)),
  'goproxy-env'
)

const URLS = [
  'https://proxy.golang.test/github.com/x/y/@v/list',
  'http://goproxy.corp.test/x',
  'https://goproxy-cn.test/a',
  'https://mirrors.aliyun.test/goproxy/a',
  'https://sub.goproxy-cn.test/a',
  'https://GoProxy-CN.TEST:443/a',
  'https://goproxy-cn.test:8443/a',
  'https://localhost:8080/a',
  'http://127.0.0.1:9000/a',
  'http://127.9.9.9/a',
  'https://[::1]:443/a',
  'https://192.0.2.3/a',
  'https://192.0.2.3:8443/a',
  'https://198.51.100.5/a',
  'https://[2001:db8::5]/a',
  'https://[::ffff:192.0.2.3]/a',
  'https://internal.test/a',
  'https://a.internal.test/a',
  'https://xn--bcher-kva.test/a',
  'https://bücher.test/a'
]

const ENVS: Record<string, string>[] = [
  {},
  { HTTPS_PROXY: 'http://proxy.corp.test:3128' },
  { https_proxy: 'proxy.corp.test:3128' },
  {
    HTTPS_PROXY: 'http://u:p@proxy.corp.test:3128',
    https_proxy: 'http://other.test:1'
  },
  { HTTP_PROXY: 'http://proxy.corp.test:3128' },
  { HTTP_PROXY: 'http://proxy.corp.test:3128', REQUEST_METHOD: 'GET' },
  {
    HTTPS_PROXY: 'https://proxy.corp.test:8443',
    HTTP_PROXY: 'http://proxy.corp.test:3128',
    NO_PROXY: 'goproxy-cn.test'
  },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: '.goproxy-cn.test, aliyun.test' },
  {
    HTTPS_PROXY: 'http://p.test:1',
    no_proxy: '*.goproxy-cn.test:8443,internal.test'
  },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: '192.0.2.0/24,2001:db8::/32' },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: '192.0.2.3:8443,[2001:db8::5]' },
  {
    HTTPS_PROXY: 'http://p.test:1',
    NO_PROXY: '[2001:db8::5]:443,::ffff:198.51.100.5'
  },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: '*' },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: 'bücher.test' },
  { HTTPS_PROXY: 'http://p.test:1', NO_PROXY: ':443, ,, GOPROXY-CN.TEST' },
  { HTTPS_PROXY: 'socks5://p.test:1080', NO_PROXY: '198.51.100.0/24' }
]

function goAnswers(env: Record<string, string>): string[] {
  const res = spawnSync(helper, [], {
    input: URLS.join('\n') + '\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env }
  })
  return res.stdout.trim().split('\n').map(normalize)
}

function normalize(answer: string): string {
  if (answer === 'direct' || answer.startsWith('error'))
    return answer.split(':')[0]
  const u = new URL(answer)
  return `${u.protocol}//${u.username}:${u.password}@${u.host}`
}

describe('egress proxy selection', () => {
  it.each(ENVS.map((e) => ({ name: JSON.stringify(e), env: e })))(
    'agrees with Go for every URL under $name',
    ({ env }) => {
      const cfg = proxyEnv(env)
      const ours = URLS.map((u) => {
        const c = proxyFor(new URL(u), cfg)
        if (c.via === 'direct') return 'direct'
        if (c.via === 'refused') return 'error'
        return normalize(c.proxy.href)
      })
      expect(URLS.map((u, i) => [u, ours[i]])).toEqual(
        URLS.map((u, i) => [u, goAnswers(env)[i]])
      )
    }
  )
})
