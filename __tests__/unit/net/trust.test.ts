import { describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { trustedCertificates } from '../../../src/net/trust.js'
import { tempDir, cleanupTempDirs } from '../../support/temp.js'
import { testCertificates } from '../../support/tls.js'

afterAll(() => cleanupTempDirs())

const ca = () => testCertificates().caCert.trim()
const other = () =>
  testCertificates(['other.test'], { exactly: true }).caCert.trim()

describe('the certificate authorities go trusts', () => {
  it("on Linux: SSL_CERT_FILE instead of the bundles, every file of SSL_CERT_DIR, beside Node's own", () => {
    const dir = tempDir('certs-')
    const a = join(dir, 'a')
    const b = join(dir, 'b')
    mkdirSync(a)
    mkdirSync(b)
    writeFileSync(join(a, 'one.pem'), other())
    writeFileSync(join(b, 'two.crt'), `junk\n${ca()}\n`)
    const bundle = join(dir, 'bundle.pem')
    writeFileSync(bundle, ca())
    const fromFile = trustedCertificates(
      { SSL_CERT_FILE: bundle, SSL_CERT_DIR: join(dir, 'none') },
      'linux'
    )
    expect(fromFile).toContain(ca())
    expect(fromFile).not.toContain(other())
    expect(fromFile).toEqual(expect.arrayContaining([...rootCertificates]))
    const fromDirs = trustedCertificates(
      { SSL_CERT_FILE: join(dir, 'missing.pem'), SSL_CERT_DIR: `${a}:${b}` },
      'linux'
    )
    expect(fromDirs).toEqual(expect.arrayContaining([ca(), other()]))
  })

  it('keeps NODE_EXTRA_CA_CERTS, which an explicit CA list would otherwise drop', () => {
    const dir = tempDir('certs-')
    const extra = join(dir, 'extra.pem')
    writeFileSync(extra, other())
    const got = trustedCertificates(
      {
        NODE_EXTRA_CA_CERTS: extra,
        SSL_CERT_FILE: join(dir, 'missing.pem'),
        SSL_CERT_DIR: join(dir, 'none')
      },
      'linux'
    )
    expect(got).toContain(other())
    expect(got).not.toContain(ca())
  })

  it('lists each certificate once', () => {
    const dir = tempDir('certs-')
    writeFileSync(join(dir, 'x.pem'), `${ca()}\n${ca()}\n`)
    const got = trustedCertificates(
      { SSL_CERT_FILE: join(dir, 'x.pem'), SSL_CERT_DIR: dir },
      'linux'
    )
    expect(got.filter((c) => c === ca())).toHaveLength(1)
  })
})
