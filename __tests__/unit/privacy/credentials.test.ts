import { describe, expect, it } from '@jest/globals'
import {
  basicAuth,
  credentialForUrl,
  DEFAULT_LOGIN,
  parseCredentials,
  rawCredentialSecrets,
  secretForms
} from '../../../src/privacy/credentials.js'
import { InputError } from '../../../src/base/values.js'
import { thrownBy } from '../../support/thrown.js'

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
    expect(parseCredentials('a.test=x:yy\na.test=x:yy')).toHaveLength(1)
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
    [`a.test//x=${secret}`, 'path after the host is not valid'],
    [`a.test==`, 'one-character token'],
    [
      `a.test=${secret}\nA.TEST=other`,
      'line 2 gives different credentials for the same host and path as line 1'
    ]
  ])('rejects %j without echoing the secret', (raw, why) => {
    const err = thrownBy(() => parseCredentials(raw), InputError)
    expect(err.message).toContain('Input "credentials"')
    expect(err.message).toContain(why)
    expect(err.message).not.toContain(secret)
  })

  // A secret pasted without HOST=: the text before its first "=" is not a
  // host, and neither it nor its lower-case form may appear in the error.
  it.each([
    ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5==', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5'],
    ['AKIA_S3cretPartOne=S3cretPartTwo', 'AKIA_S3cretPartOne'],
    ['S3cretPartOne=S3cretPartTwo', 'S3cretPartOne'],
    ['gitlab=token-123', 'gitlab']
  ])('rejects %j without echoing either side', (raw, left) => {
    const err = thrownBy(
      () => parseCredentials(`a.test=fine-token\n${raw}`),
      InputError
    )
    expect(err.message).toMatch(/^Input "credentials": line 2/)
    const lower = err.message.toLowerCase()
    for (const part of raw.split('=').filter((p) => p.length > 1))
      expect(lower).not.toContain(part.toLowerCase())
    expect(lower).not.toContain(left.toLowerCase())
  })

  it('accepts hosts with a dot, a port, localhost, IPv6, or written as https://', () => {
    expect(
      parseCredentials(
        [
          'localhost=tok-1',
          'localhost:8443=tok-2',
          'my-proxy_host:8080=tok-3'.replace('_', '-'),
          '[::1]=tok-4',
          'https://Artifactory=tok-5',
          'Go-Proxy.Corp-1.test/Go-Virtual=tok-6'
        ].join('\n')
      ).map((c) => c.machine)
    ).toEqual([
      'localhost',
      'localhost:8443',
      'my-proxy-host:8080',
      '[::1]',
      'artifactory',
      'go-proxy.corp-1.test/Go-Virtual'
    ])
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

describe('rawCredentialSecrets', () => {
  it('covers rejected lines whole, and the secret side of every line', () => {
    const got = rawCredentialSecrets(
      [
        'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5==',
        'a.test=bob:tok-1',
        'pasted-token-without-equals',
        '# comment=notsecret',
        'b.test=x'
      ].join('\n')
    )
    expect(got).toEqual(
      expect.arrayContaining([
        'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5==',
        'bob:tok-1',
        'tok-1',
        'pasted-token-without-equals'
      ])
    )
    expect(got).not.toContain('=')
    expect(got).not.toContain('x')
    expect(got).not.toContain('a.test')
    expect(got.some((s) => s.includes('notsecret'))).toBe(false)
  })
})

describe('credentialForUrl', () => {
  const creds = parseCredentials(
    'proxy.test=host-level\nproxy.test/go/team=deep\nport.test:8443=pp'
  )
  it('picks the longest matching machine, as go 1.24+ does', () => {
    expect(
      credentialForUrl(creds, 'https://proxy.test/go/team/sumdb/x/supported')
        ?.token
    ).toBe('deep')
    expect(
      credentialForUrl(creds, 'https://proxy.test/go/other/x')?.token
    ).toBe('host-level')
    expect(credentialForUrl(creds, 'https://port.test:8443/a')?.token).toBe(
      'pp'
    )
  })
  it('compares paths case-sensitively, as go does', () => {
    const c = parseCredentials(
      'repo.corp.test/artifactory/api/go/Go-Virtual=virtual\nrepo.corp.test/artifactory/api/go/go-virtual=lower'
    )
    expect(
      credentialForUrl(
        c,
        'https://repo.corp.test/artifactory/api/go/Go-Virtual/corp.test/x/@v/list'
      )?.token
    ).toBe('virtual')
    expect(
      credentialForUrl(
        c,
        'https://repo.corp.test/artifactory/api/go/GO-VIRTUAL'
      )
    ).toBeUndefined()
  })
  it('never matches http, another port or a longer host name', () => {
    expect(credentialForUrl(creds, 'http://proxy.test/go')).toBeUndefined()
    expect(credentialForUrl(creds, 'https://port.test/a')).toBeUndefined()
    expect(credentialForUrl(creds, 'https://proxy.test.evil/a')).toBeUndefined()
  })
})
