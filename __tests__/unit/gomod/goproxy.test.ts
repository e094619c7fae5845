import { describe, expect, it } from '@jest/globals'
import { parseGoproxy, withDefaultScheme } from '../../../src/gomod/goproxy.js'

describe('parseGoproxy', () => {
  it('keeps each separator with the entry before it', () => {
    expect(parseGoproxy('https://a.test|https://b.test,off')).toEqual([
      { url: 'https://a.test', fallBackOnError: true },
      { url: 'https://b.test', fallBackOnError: false },
      { url: 'off', fallBackOnError: false }
    ])
  })

  it('ends the list at direct or off and drops empty entries', () => {
    expect(parseGoproxy(',,direct|https://never.test')).toEqual([
      { url: 'direct', fallBackOnError: true }
    ])
    expect(parseGoproxy('off')).toEqual([
      { url: 'off', fallBackOnError: false }
    ])
    expect(parseGoproxy('')).toEqual([])
  })

  it('strips trailing slashes from bases as go prefixes them', () => {
    expect(parseGoproxy('http://127.0.0.1:8080/mod//')).toEqual([
      { url: 'http://127.0.0.1:8080/mod', fallBackOnError: false }
    ])
  })
})

describe('withDefaultScheme', () => {
  it('gives https:// to a bare host, and nothing else', () => {
    expect(withDefaultScheme('proxy.test')).toBe('https://proxy.test')
    expect(withDefaultScheme('localhost:3000')).toBe('https://localhost:3000')
    expect(withDefaultScheme('http://proxy.test')).toBe('http://proxy.test')
    expect(withDefaultScheme('file:///srv/mods')).toBe('file:///srv/mods')
    expect(withDefaultScheme('/srv/mods')).toBe('/srv/mods')
    expect(withDefaultScheme('noproxy')).toBe('noproxy')
  })
})
