import { describe, expect, it } from '@jest/globals'
import { keptOffChain } from '../../../src/selection/goproxy-off.js'

describe('keptOffChain', () => {
  it.each(['off', ' off ', 'off,https://proxy.golang.org', 'off|direct'])(
    'keeps %p: go reads no entry after off',
    (v) => {
      const c = keptOffChain(v)
      expect(c).toMatchObject({ goproxy: 'off', firstMirror: 'off' })
      expect(c?.warnings[0]).toContain('setup-goproxy kept it')
      expect(c?.warnings[0]).toContain(
        'remove GOPROXY from the workflow or job env'
      )
    }
  )

  it.each([
    undefined,
    '',
    'direct',
    'https://goproxy.example-corp.test,off',
    'https://proxy.golang.org,direct',
    'offline.example.test'
  ])('leaves %p to the mirror selection', (v) => {
    expect(keptOffChain(v)).toBeUndefined()
  })
})
