import { describe, expect, it } from '@jest/globals'
import type { LookupAddress } from 'node:dns'
import { cachingLookup } from '../../../src/net/dns-cache.js'

type Call = { hostname: string; family: number }

function fakeResolver(fail = 0) {
  const calls: Call[] = []
  let failures = fail
  const resolve = (
    hostname: string,
    options: { family: number; all: true },
    cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void
  ) => {
    calls.push({ hostname, family: options.family })
    setTimeout(() => {
      if (failures-- > 0)
        cb(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' }), [])
      else
        cb(null, [
          { address: '192.0.2.7', family: 4 },
          { address: '2001:db8::7', family: 6 }
        ])
    }, 5)
  }
  return { calls, resolve }
}

function ask(
  lookup: ReturnType<typeof cachingLookup>,
  hostname: string,
  options: { family?: number; all?: boolean } = {}
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    lookup(hostname, options, (err, address, family) =>
      err ? reject(err) : resolve(options.all ? address : [address, family])
    )
  )
}

describe('one name lookup per host for the run', () => {
  it('answers a burst of connections to one host with one lookup', async () => {
    const r = fakeResolver()
    const lookup = cachingLookup(r.resolve)
    const answers = await Promise.all(
      Array.from({ length: 32 }, () => ask(lookup, 'proxy.golang.test'))
    )
    expect(r.calls).toHaveLength(1)
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify(['192.0.2.7', 4])])
    )
    expect(await ask(lookup, 'proxy.golang.test', { all: true })).toHaveLength(
      2
    )
    expect(r.calls).toHaveLength(1)
  })

  it('keeps hosts and address families apart', async () => {
    const r = fakeResolver()
    const lookup = cachingLookup(r.resolve)
    await ask(lookup, 'a.test')
    await ask(lookup, 'b.test')
    await ask(lookup, 'a.test', { family: 6 })
    expect(r.calls).toEqual([
      { hostname: 'a.test', family: 0 },
      { hostname: 'b.test', family: 0 },
      { hostname: 'a.test', family: 6 }
    ])
  })

  it('does not keep a failure: the next connection asks again', async () => {
    const r = fakeResolver(1)
    const lookup = cachingLookup(r.resolve)
    await expect(ask(lookup, 'a.test')).rejects.toThrow('EAI_AGAIN')
    await expect(ask(lookup, 'a.test')).resolves.toEqual(['192.0.2.7', 4])
    expect(r.calls).toHaveLength(2)
  })
})
