// Long: netrc merge, removal of our lines, targets per OS and install/restore, each with the exact files it must leave.
import { describe, expect, it } from '@jest/globals'
import { promises as fs, readFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Credential } from '../../../src/privacy/credentials.js'
import {
  mergeNetrc,
  netrcMachines,
  putBackEntries,
  removeOurLines
} from '../../../src/privacy/netrc.js'
import { installNetrc, restoreNetrc } from '../../../src/privacy/netrc-file.js'
import {
  netrcTargets,
  type NetrcTarget
} from '../../../src/privacy/netrc-targets.js'

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

describe('removeOurLines / putBackEntries', () => {
  const ours = [{ machine: 'a.test', login: 'bot' }]
  it('removes only lines of our shape for our machine and login', () => {
    const data = [
      'machine a.test login bot password t1',
      'machine a.test login other password t2',
      'machine b.test login bot password t3',
      'machine a.test login bot password t4 account x',
      ''
    ].join('\n')
    expect(removeOurLines(data, ours)).toBe(
      [
        'machine a.test login other password t2',
        'machine b.test login bot password t3',
        'machine a.test login bot password t4 account x',
        ''
      ].join('\n')
    )
  })

  const original = [
    'machine keep.test login k password 1',
    'machine a.test login old password stale',
    'machine keep2.test login k password 2',
    ''
  ].join('\n')
  const rest = [
    'machine keep.test login k password 1',
    'machine keep2.test login k password 2',
    ''
  ].join('\n')
  const machines = new Set(['a.test'])

  it('gives the original back byte for byte when nothing else changed', () => {
    expect(putBackEntries(rest, original, machines)).toBe(original)
    expect(putBackEntries(original, original, machines)).toBe(original)
  })

  it('puts the replaced entry back where it was and keeps later changes', () => {
    const later =
      rest.replace('password 2', 'password 22') +
      'machine new.test login n password n\n'
    expect(putBackEntries(later, original, machines)).toBe(
      [
        'machine keep.test login k password 1',
        'machine a.test login old password stale',
        'machine keep2.test login k password 22',
        'machine new.test login n password n',
        ''
      ].join('\n')
    )
  })

  it('puts back an entry that shared a line, and one at the end without a newline', () => {
    const orig =
      'machine a.test login o password s machine k.test login k password k\nmachine z.test login z password z\nmachine a.test login o2 password s2'
    const got = putBackEntries(
      'machine k.test login k password k\nmachine z.test login z password z\nmachine later.test login l password l\n',
      orig,
      machines
    )
    expect(got).toBe(
      'machine a.test login o password s machine k.test login k password k\nmachine z.test login z password z\nmachine a.test login o2 password s2\nmachine later.test login l password l\n'
    )
    expect(netrcMachines(got)).toEqual([
      'a.test',
      'k.test',
      'z.test',
      'a.test',
      'later.test'
    ])
  })
})

describe('netrcTargets', () => {
  const no = (): boolean => false
  it('writes ~/.netrc on Linux, and NETRC too when the job set it', () => {
    expect(netrcTargets({}, 'linux', '/h', no)).toEqual([
      { path: '/h/.netrc', readBy: 'go, git', go: true, git: true }
    ])
    expect(netrcTargets({ NETRC: '/x/n' }, 'linux', '/h', no)).toEqual([
      { path: '/x/n', readBy: 'go (NETRC)', go: true, git: false },
      { path: '/h/.netrc', readBy: 'git', go: false, git: true }
    ])
  })

  describe('on Windows', () => {
    const env = { USERPROFILE: 'C:\\Users\\r', HOME: '' }
    const home = 'C:\\Users\\r'
    const has =
      (...names: string[]) =>
      (p: string): boolean =>
        names.some((n) => p.endsWith(n))
    it('creates .netrc, never _netrc, when neither exists', () => {
      expect(netrcTargets(env, 'win32', home, no)).toEqual([
        { path: 'C:\\Users\\r\\.netrc', readBy: 'go, git', go: true, git: true }
      ])
    })
    it('writes an existing .netrc rather than hide it behind a new _netrc', () => {
      expect(netrcTargets(env, 'win32', home, has('\\.netrc'))).toEqual([
        { path: 'C:\\Users\\r\\.netrc', readBy: 'go, git', go: true, git: true }
      ])
    })
    it('writes _netrc for go when it exists, and the file libcurl picks', () => {
      expect(netrcTargets(env, 'win32', home, has('_netrc'))).toEqual([
        { path: 'C:\\Users\\r\\_netrc', readBy: 'go, git', go: true, git: true }
      ])
      expect(
        netrcTargets(env, 'win32', home, has('_netrc', '\\.netrc'))
      ).toEqual([
        { path: 'C:\\Users\\r\\_netrc', readBy: 'go', go: true, git: false },
        { path: 'C:\\Users\\r\\.netrc', readBy: 'git', go: false, git: true }
      ])
    })
    it('follows HOME for libcurl', () => {
      expect(
        netrcTargets({ ...env, HOME: 'D:\\h' }, 'win32', home, no)
      ).toEqual([
        { path: 'C:\\Users\\r\\.netrc', readBy: 'go', go: true, git: false },
        { path: 'D:\\h\\.netrc', readBy: 'git', go: false, git: true }
      ])
    })
  })
})

describe('installNetrc / restoreNetrc', () => {
  async function tmp(): Promise<string> {
    return fs.mkdtemp(path.join(os.tmpdir(), 'netrc-test-'))
  }
  const target = (p: string): NetrcTarget => ({
    path: p,
    readBy: 'go, git',
    go: true,
    git: true
  })
  const mode = (p: string) => fs.stat(p).then((st) => st.mode & 0o777)
  async function install(
    file: string,
    dir: string,
    creds = [cred('a.test', 'SeCrEt-t1')]
  ) {
    let manifest = ''
    const r = await installNetrc(creds, [target(file)], dir, (m) => {
      manifest = m
    })
    return { ...r, manifest }
  }

  it.each([
    ['no file', undefined, 0o600],
    ['other hosts', 'machine other.test login o password p\n', 0o600],
    [
      'a stale entry, world-readable',
      'machine a.test login old password stale\nmachine b.test login b password b',
      0o644
    ],
    ['binary junk', Buffer.from([0, 0xff, 0x20, 0xc3, 0xa0, 0x0d, 0x0a]), 0o640]
  ])('restores %s exactly, also after two runs', async (_name, before, m0) => {
    const dir = await tmp()
    const file = path.join(dir, 'home', '.netrc')
    await fs.mkdir(path.dirname(file))
    if (before !== undefined) {
      await fs.writeFile(file, before)
      await fs.chmod(file, m0)
    }
    const first = await install(file, dir)
    const during = await fs.readFile(file, 'utf8')
    expect(
      during.startsWith('machine a.test login bot password SeCrEt-t1\n')
    ).toBe(true)
    expect(await mode(file)).toBe(0o600)
    const second = await install(file, dir, [cred('a.test', 't2')])
    expect(netrcMachines(await fs.readFile(file, 'utf8'))[0]).toBe('a.test')
    expect((await fs.readFile(file, 'utf8')).match(/a\.test/g)).toHaveLength(1)
    // Posts run in reverse order.
    await restoreNetrc(second.manifest)
    expect(await fs.readFile(file, 'utf8')).toBe(during)
    const r = await restoreNetrc(first.manifest)
    const after = await fs.readFile(file).catch(() => undefined)
    expect(after).toEqual(
      before === undefined ? undefined : Buffer.from(before)
    )
    const modeAfter = await mode(file).catch(() => undefined)
    expect(modeAfter).toBe(before === undefined ? undefined : m0)
    expect(before === undefined ? r.removed : r.restored).toEqual([file])
    expect(await fs.readdir(dir)).toEqual(['home'])
  })

  it('hands over the manifest before writing, so a post after a crash restores', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const before = 'machine a.test login o password o\n'
    await fs.writeFile(file, before)
    let seenAtSave = ''
    let manifest = ''
    await installNetrc([cred('a.test', 't')], [target(file)], dir, (m) => {
      seenAtSave = readFileSync(file, 'utf8')
      manifest = m
    })
    expect(seenAtSave).toBe(before)
    expect(manifest).not.toContain('password')
    await restoreNetrc(manifest)
    expect(await fs.readFile(file, 'utf8')).toBe(before)
  })

  it('keeps changes made after main and puts back the entry it replaced', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const before =
      'machine other.test login o password p\nmachine a.test login mine password MINE\n'
    await fs.writeFile(file, before, { mode: 0o600 })
    const { manifest } = await install(file, dir)
    await fs.appendFile(file, 'machine later.test login l password l\n')
    const r = await restoreNetrc(manifest)
    expect(r.edited).toEqual([file])
    expect(await fs.readFile(file, 'utf8')).toBe(
      before + 'machine later.test login l password l\n'
    )
  })

  it('when RUNNER_TEMP was wiped: removes its lines and says which entries are lost', async () => {
    const dir = await tmp()
    const home = await tmp()
    const file = path.join(home, '.netrc')
    const before =
      'machine a.test login mine password MINE\nmachine other.test login o password p\n'
    await fs.writeFile(file, before, { mode: 0o640 })
    const { manifest } = await install(file, dir)
    await fs.rm(dir, { recursive: true })
    const r = await restoreNetrc(manifest)
    expect(r.lost).toEqual([{ path: file, machines: ['a.test'] }])
    expect(await fs.readFile(file, 'utf8')).toBe(
      'machine other.test login o password p\n'
    )
    expect(await mode(file)).toBe(0o640)
  })

  it('a dangling symlink: replaced by a file during the job, put back in post, no token left', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const dest = path.join(dir, 'dotfiles', 'netrc')
    await fs.symlink(dest, file)
    const { manifest } = await install(file, dir)
    expect((await fs.lstat(file)).isFile()).toBe(true)
    expect(await mode(file)).toBe(0o600)
    const r = await restoreNetrc(manifest)
    expect(r.restored).toEqual([file])
    expect(await fs.readlink(file)).toBe(dest)
    await expect(fs.stat(dest)).rejects.toThrow()
    expect(await fs.readdir(dir)).toEqual(['.netrc'])
  })

  it('a symlink to a file: written through the link, which stays a link', async () => {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const dest = path.join(dir, 'real-netrc')
    await fs.writeFile(dest, 'machine o.test login o password o\n', {
      mode: 0o600
    })
    await fs.symlink(dest, file)
    const { manifest } = await install(file, dir)
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true)
    expect(await fs.readFile(dest, 'utf8')).toContain('SeCrEt-t1')
    await restoreNetrc(manifest)
    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true)
    expect(await fs.readFile(dest, 'utf8')).toBe(
      'machine o.test login o password o\n'
    )
  })

  async function expectLeftAlone(m0: number, uid?: number): Promise<void> {
    const dir = await tmp()
    const file = path.join(dir, '.netrc')
    const before = 'machine other.test login o password p\n'
    await fs.writeFile(file, before)
    await fs.chmod(file, m0)
    if (uid !== undefined) await fs.chown(file, uid, uid)
    const r = await install(file, dir)
    expect(await fs.readFile(file, 'utf8')).toBe(before)
    expect(await mode(file)).toBe(m0)
    expect(r.netrcForGo).toBeDefined()
    expect(await mode(r.netrcForGo!)).toBe(0o600)
    expect(netrcMachines(await fs.readFile(r.netrcForGo!, 'utf8'))).toEqual([
      'a.test',
      'other.test'
    ])
    expect(r.files).toEqual([{ path: r.netrcForGo, readBy: 'go (NETRC)' }])
    expect(r.warnings.join('\n')).toMatch(
      /left unchanged because .*git will not authenticate to a\.test/
    )
    const post = await restoreNetrc(r.manifest)
    expect(post.failed).toEqual([])
    expect(await fs.readFile(file, 'utf8')).toBe(before)
    expect(await fs.readdir(dir)).toEqual(['.netrc'])
  }

  it('a read-only netrc is left untouched; go gets a private copy', () =>
    expectLeftAlone(0o400))

  // chown needs root; CI here runs as root.
  const asRoot = process.getuid?.() === 0 ? it : it.skip
  asRoot(
    'a world-writable netrc owned by another user is left untouched; go gets a private copy',
    () => expectLeftAlone(0o666, 65534)
  )

  it('says which file it could not restore, and still restores the others', async () => {
    const dir = await tmp()
    const home = path.join(dir, 'home')
    await fs.mkdir(home)
    const kept = path.join(dir, 'kept-netrc')
    await fs.writeFile(kept, 'machine o.test login o password o\n', {
      mode: 0o600
    })
    let manifest = ''
    await installNetrc(
      [cred('a.test', 'SeCrEt-t1')],
      [
        { path: kept, readBy: 'go (NETRC)', go: true, git: false },
        { path: path.join(home, '.netrc'), readBy: 'git', go: false, git: true }
      ],
      dir,
      (m) => {
        manifest = m
      }
    )
    // A later step replaced the home directory with a file.
    await fs.rm(home, { recursive: true })
    await fs.writeFile(home, '')
    const r = await restoreNetrc(manifest)
    expect(r.failed).toEqual([
      {
        path: path.join(home, '.netrc'),
        error: expect.stringContaining('ENOTDIR')
      }
    ])
    expect(r.restored).toEqual([kept])
    expect(await fs.readFile(kept, 'utf8')).toBe(
      'machine o.test login o password o\n'
    )
  })

  it('a netrc that is a directory: an error naming it, nothing written', async () => {
    const dir = await tmp()
    const file = path.join(dir, 'home', '.netrc')
    await fs.mkdir(file, { recursive: true })
    await expect(install(file, dir)).rejects.toThrow(
      `netrc file ${file} is a directory`
    )
    expect(await fs.readdir(dir)).toEqual(['home'])
    expect(await fs.readdir(file)).toEqual([])
  })
})
