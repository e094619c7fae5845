// A throw-away certificate authority and server certificate for HTTPS test
// mirrors, made with the openssl CLI. Clients trust the CA like this:
// - the action (Node): NODE_EXTRA_CA_CERTS=<caCertPath> in its environment
//   (read once at process start, so it must be set when node is spawned);
// - the go command: SSL_CERT_FILE=<caCertPath> (on Linux it then trusts only
//   that file, which is fine for loopback-only tests).
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { onTempCleanup, tempDir } from './temp.js'

export interface TestCertificates {
  dir: string
  caCertPath: string
  certPath: string
  keyPath: string
  caCert: string
  cert: string
  key: string
  /** Every name and address in the server certificate. */
  names: string[]
}

const DEFAULT_NAMES = ['localhost', '127.0.0.1', '127.0.0.2', '::1']
const cache = new Map<string, TestCertificates>()
onTempCleanup(() => cache.clear())

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * The CA and a server certificate valid for localhost, 127.0.0.1,
 * 127.0.0.2, ::1 and `extraNames` (only for `extraNames` with `exactly`).
 * Made once per process per name set.
 */
export function testCertificates(
  extraNames: string[] = [],
  opts: { exactly?: boolean } = {}
): TestCertificates {
  const names = [
    ...new Set([...(opts.exactly ? [] : DEFAULT_NAMES), ...extraNames])
  ]
  const cacheKey = [...names].sort().join(',')
  const cached = cache.get(cacheKey)
  if (cached) return cached

  const dir = tempDir('test-ca-')
  const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
  writeFileSync(
    join(dir, 'server.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n` +
      `extendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`
  )
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '30',
      '-subj',
      '/CN=setup-goproxy test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost'
    ],
    dir
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '30',
      '-extfile',
      'server.ext'
    ],
    dir
  )
  const caCertPath = join(dir, 'ca.pem')
  const certPath = join(dir, 'server.pem')
  const keyPath = join(dir, 'server.key')
  const result: TestCertificates = {
    dir,
    caCertPath,
    certPath,
    keyPath,
    caCert: readFileSync(caCertPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    names
  }
  cache.set(cacheKey, result)
  return result
}
