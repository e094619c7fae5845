// The certificate authorities a connection trusts: what go trusts, so that a
// mirror go reaches through a TLS-inspecting proxy is not refused here. On
// Linux and the BSDs go reads the system's bundle and directories
// (crypto/x509 root_unix.go: the first bundle found, or SSL_CERT_FILE; every
// file of the directories, or of SSL_CERT_DIR's colon-separated list);
// elsewhere it asks the platform's store, which Node 22.15+ reads too. Node's
// own bundle and NODE_EXTRA_CA_CERTS stay trusted as well: passing a CA list
// to a connection replaces them.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tls from 'node:tls'

type Env = Record<string, string | undefined>

const CERT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem'
]
const CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs']

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

export function trustedCertificates(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform
): string[] {
  const found = new Set<string>(tls.rootCertificates)
  const add = (text: string) => {
    for (const pem of text.match(PEM) ?? []) found.add(pem.trim())
  }
  if (env.NODE_EXTRA_CA_CERTS) add(readText(env.NODE_EXTRA_CA_CERTS))
  if (platform === 'win32' || platform === 'darwin') {
    for (const pem of platformStore()) found.add(pem)
  } else {
    const files = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : CERT_FILES
    for (const f of files) {
      const text = readText(f)
      if (text) {
        add(text)
        break
      }
    }
    const dirs = env.SSL_CERT_DIR ? env.SSL_CERT_DIR.split(':') : CERT_DIRS
    for (const d of dirs)
      for (const name of listDir(d)) add(readText(join(d, name)))
  }
  return [...found]
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function platformStore(): string[] {
  const get = (
    tls as {
      getCACertificates?: (type: 'system') => string[]
    }
  ).getCACertificates
  return get ? get('system') : []
}
