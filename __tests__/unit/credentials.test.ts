import { describe, expect, it } from '@jest/globals'
import {
  basicAuth,
  credentialForUrl,
  DEFAULT_LOGIN,
  parseCredentials,
  secretForms
} from '../../src/credentials.js'

describe('parseCredentials', () => {
  it('parses TOKEN and LOGIN:TOKEN lines with hosts, ports and paths', () => {
    const got = parseCredentials(
      [
        '# comment',
        'GitHub.com/acme=ghp_abc=',
        'https://git.corp.test:8443/=bob:s3cr:et',
        '',
        'proxy.corp.test=alice:tok'
      ].join('\n')
    )
    expect(got).toEqual([
      {
        host: 'github.com',
        path: 'acme',
        machine: 'github.com/acme',
        login: DEFAULT_LOGIN,
        token: 'ghp_abc=',
        line: 2
      },
      {
        host: 'git.corp.test:8443',
        path: '',
        machine: 'git.corp.test:8443',
        login: 'bob',
        token: 's3cr:et',
        line: 3
      },
      {
        host: 'proxy.corp.test',
        path: '',
        machine: 'proxy.corp.test',
        login: 'alice',
        token: 'tok',
        line: 5
      }
    ])
  })

  it('collapses an identical repeated line', () => {
    expect(parseCredentials('a.test=x:y\na.test=x:y')).toHaveLength(1)
  })

  const secret = 'TOPSECRET'
  it.each([
    [`=${secret}`, 'line 1 has no host'],
    [`a.test ${secret}`, 'line 1 has no "="'],
    [`a.test=bad ${secret}`, 'whitespace or a control character'],
    [`a.test=x:bad\t${secret}`, 'whitespace or a control character'],
    [`a.test=bad\u0007${secret}`, 'whitespace or a control character'],
    [`a.test="${secret}"`, 'double quote'],
    [`a.test=`, 'empty token'],
    [`a.test=:${secret}`, 'empty login'],
    [`http://a.test=${secret}`, 'only https hosts'],
    [`a_b.test=${secret}`, 'not a host name'],
    [`a.test:99999=${secret}`, 'not a host name'],
    [`a.test//x=${secret}`, 'not a valid path'],
    [
      `a.test=${secret}\nA.TEST=other`,
      'different credentials for "a.test" than line 1'
    ]
  ])('rejects %j without echoing the secret', (raw, why) => {
    let err: Error | undefined
    try {
      parseCredentials(raw)
    } catch (e) {
      err = e as Error
    }
    expect(err?.message).toContain('Input "credentials"')
    expect(err?.message).toContain(why)
    expect(err?.message).not.toContain(secret)
  })

  it('rejects a token that would inject netrc entries', () => {
    expect(() =>
      parseCredentials('a.test=tok machine evil.test login x password y')
    ).toThrow(/whitespace/)
  })
})

describe('secret forms', () => {
  it('include the token, login:token and its base64', () => {
    const c = { login: 'bob', token: 'p@ss' }
    expect(basicAuth(c)).toBe(Buffer.from('bob:p@ss').toString('base64'))
    expect(secretForms(c)).toEqual(
      expect.arrayContaining(['p@ss', 'bob:p@ss', basicAuth(c), 'p%40ss'])
    )
  })
})

describe('credentialForUrl', () => {
  const creds = parseCredentials(
    'proxy.test=host-level\nproxy.test/go/team=deep\nport.test:8443=p'
  )
  it('picks the longest matching machine, as go 1.24+ does', () => {
    expect(
      credentialForUrl(creds, 'https://proxy.test/go/team/sumdb/x/supported')
        ?.token
    ).toBe('deep')
    expect(
      credentialForUrl(creds, 'https://proxy.test/go/other/x')?.token
    ).toBe('host-level')
    expect(credentialForUrl(creds, 'https://port.test:8443/a')?.token).toBe('p')
  })
  it('never matches http, another port or a longer host name', () => {
    expect(credentialForUrl(creds, 'http://proxy.test/go')).toBeUndefined()
    expect(credentialForUrl(creds, 'https://port.test/a')).toBeUndefined()
    expect(credentialForUrl(creds, 'https://proxy.test.evil/a')).toBeUndefined()
  })
})
