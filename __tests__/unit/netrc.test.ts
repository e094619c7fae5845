import { describe, expect, it } from '@jest/globals'
import { promises as fs, readFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Credential } from '../../src/credentials.js'
import { mergeNetrc, netrcMachines } from '../../src/netrc.js'
import {
  installNetrc,
  netrcTargets,
  restoreNetrc
} from '../../src/netrc-file.js'

const cred = (machine: string, token: string, login = 'bot'): Credential => ({
  host: machine.split('/')[0],
  path: machine.split('/').slice(1).join('/'),
  machine,
  login,
  token,
  line: 1
})

describe('mergeNetrc', () => {
  it('writes one line per entry into an empty file', () => {
    expect(
      mergeNetrc('', [cred('a.test', 't1'), cred('b.test:8443', 't2')])
    ).toBe(
      'machine a.test login bot password t1\nmachine b.test:8443 login bot password t2\n'
    )
  })

  it('puts ours first and keeps other entries byte for byte', () => {
    const old =
      '# mine\nmachine other.test\n  login me\n  password x\n\ndefault login anon password y'
    const got = mergeNetrc(old, [cred('a.test', 't1')])
    expect(got).toBe('machine a.test login bot password t1\n' + old)
  })

  it('cuts out stale entries for the same machine, single- and multi-line', () => {
    const old = [
      'machine keep1.test login k password 1',
      'machine a.test',
      '    login old',
      '    password stale',
      '# about keep2',
      'machine keep2.test login k password 2',
      'machine a.test login old2 password stale2 machine keep3.test login k password 3',
      ''
    ].join('\n')
    const got = mergeNetrc(old, [cred('a.test', 'new')])
    expect(got).toBe(
      [
        'machine a.test login bot password new',
        'machine keep1.test login k password 1',
        '# about keep2',
        'machine keep2.test login k password 2',
        'machine keep3.test login k password 3',
        ''
      ].join('\n')
    )
    expect(netrcMachines(got)).toEqual([
      'a.test',
      'keep1.test',
      'keep2.test',
      'keep3.test'
    ])
  })

  it('does not mistake values or macro bodies for entries', () => {
    const old = [
      'machine m.test login machine password a.test',
      'macdef init',
      'machine a.test login x password y',
      '',
      'machine z.test login z password z',
      ''
    ].join('\n')
    expect(netrcMachines(old)).toEqual(['m.test', 'z.test'])
    expect(mergeNetrc(old, [cred('a.test', 'n')])).toBe(
      'machine a.test login bot password n\n' + old
    )
  })

  it('removes a stale entry together with its macro body', () => {
    const old = [
      'machine a.test login x password y',
      'macdef init',
      'cd /pub',
      '',
      'machine b.test login b password b',
      ''
    ].join('\n')
    expect(mergeNetrc(old, [cred('a.test', 'n')])).toBe(
      'machine a.test login bot password n\n\nmachine b.test login b password b\n'
    )
  })

  it('keeps a host entry when a path-scoped credential is written', () => {
    const old = 'machine github.com login u password p\n'
    expect(mergeNetrc(old, [cred('github.com/acme', 'n')])).toBe(
      'machine github.com/acme login bot password n\n' + old
    )
  })
})

describe('netrcTargets', () => {
  const no = (): boolean => false
  it('writes ~/.netrc on Linux, and NETRC too when the job set it', () => {
    expect(netrcTargets({}, 'linux', '/h', no)).toEqual([
      { path: '/h/.netrc', readBy: 'go, git' }
    ])
    expect(netrcTargets({ NETRC: '/x/n' }, 'linux', '/h', no)).toEqual([
      { path: '/x/n', readBy: 'go (NETRC)' },
      { path: '/h/.netrc', readBy: 'git' }
    ])
  })

  it('writes _netrc where Go looks on Windows, and the file libcurl picks', () => {
    const env = { USERPROFILE: 'C:\\Users\\r', HOME: '' }
    expect(netrcTargets(env, 'win32', 'C:\\Users\\r', no)).toEqual([
      { path: 'C:\\Users\\r\\_netrc', readBy: 'go, git' }
    ])
    expect(
      netrcTargets(env, 'win32', 'C:\\Users\\r', (p) => p.endsWith('.netrc'))
    ).toEqual([
      { path: 'C:\\Users\\r\\_netrc', readBy: 'go' },
      { path: 'C:\\Users\\r\\.netrc', readBy: 'git' }
    ])
  })
})

describe('installNetrc / restoreNetrc', () => {
  async function tmp(): Promise<string> {
    return fs.mkdtemp(path.join(os.tmpdir(), 'netrc-test-'))
  }

  it.each([
    ['no file', undefined],
    ['other hosts', 'machine other.test login o password p\n'],
    [
      'a stale entry',
      'machine a.test login old password stale\nmachine b.test login b password b'
    ],
    ['binary junk', '\u0000\xff weird \r\n']
  ])('restores %s exactly, also after two runs', async (_name, before) => {
    const dir = await tmp()
    const file = path.join(dir, 'home', '.netrc')
    await fs.mkdir(path.dirname(file))
    if (before !== undefined) await fs.writeFile(file, before, { mode: 0o644 })
    const targets = [{ path: file, readBy: 'go' }]
    const states: string[] = []
    await installNetrc([cred('a.test', 't1')], targets, dir, (p) =>
      states.push(p)
    )
    const first = await fs.readFile(file, 'utf8')
    expect(first.startsWith('machine a.test login bot password t1\n')).toBe(
      true
    )
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600)
    await installNetrc([cred('a.test', 't2')], targets, dir, (p) =>
      states.push(p)
    )
    expect(netrcMachines(await fs.readFile(file, 'utf8'))[0]).toBe('a.test')
    expect((await fs.readFile(file, 'utf8')).match(/a\.test/g)).toHaveLength(1)
    // Posts run in reverse order.
    await restoreNetrc(states[1])
    expect(await fs.readFile(file, 'utf8')).toBe(first)
    const r = await restoreNetrc(states[0])
    const after = await fs.readFile(file).catch(() => undefined)
    const mode = await fs.stat(file).then(
      (st) => st.mode & 0o777,
      () => undefined
    )
    expect(after).toEqual(
      before === undefined ? undefined : Buffer.from(before)
    )
    expect(mode).toBe(before === undefined ? undefined : 0o644)
    expect(before === undefined ? r.removed : r.restored).toEqual([file])
    expect(await fs.readdir(dir)).toEqual(['home'])
  })

  it('records the manifest before writing, so a post after a crash restores', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    await fs.writeFile(file, 'machine o.test login o password o\n')
    let seenAtSave = ''
    const manifest = await installNetrc(
      [cred('a.test', 't')],
      [{ path: file, readBy: 'go' }],
      dir,
      () => {
        seenAtSave = readFileSync(file, 'utf8')
      }
    )
    expect(seenAtSave).toBe('machine o.test login o password o\n')
    await restoreNetrc(manifest)
    expect(await fs.readFile(file, 'utf8')).toBe(
      'machine o.test login o password o\n'
    )
  })

  it('keeps changes made after main and removes only our lines', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const manifest = await installNetrc(
      [cred('a.test', 't')],
      [{ path: file, readBy: 'go' }],
      dir,
      () => undefined
    )
    await fs.appendFile(file, 'machine later.test login l password l\n')
    const r = await restoreNetrc(manifest)
    expect(r.edited).toEqual([file])
    expect(await fs.readFile(file, 'utf8')).toBe(
      'machine later.test login l password l\n'
    )
  })

  it('does nothing when the manifest is gone', async () => {
    const r = await restoreNetrc('/nonexistent/manifest.json')
    expect(r).toEqual({ restored: [], removed: [], edited: [] })
  })
})
