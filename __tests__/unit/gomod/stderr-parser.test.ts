import {
  StderrParser,
  type StderrEvent
} from '../../../src/gomod/stderr-parser.js'

/** The events of one line of stderr. */
function parseLine(line: string): StderrEvent[] {
  const events: StderrEvent[] = []
  const p = new StderrParser((e) => events.push(e))
  p.push(line + '\n')
  p.end()
  return events
}

describe('# get lines', () => {
  test('start, status, transport error and policy forms', () => {
    expect(parseLine('# get https://p.test/a/@v/v1.0.0.info')).toEqual([
      { type: 'get-start', url: 'https://p.test/a/@v/v1.0.0.info' }
    ])
    expect(
      parseLine('# get https://p.test/a/@v/list: 200 OK (0.165s)')
    ).toEqual([
      {
        type: 'get-done',
        url: 'https://p.test/a/@v/list',
        status: 200,
        statusText: 'OK',
        seconds: 0.165
      }
    ])
    expect(
      parseLine(
        '# get http://127.0.0.1:9/a/@v/v1.0.0.mod: Get "http://127.0.0.1:9/a/@v/v1.0.0.mod": dial tcp 127.0.0.1:9: connect: connection refused'
      )
    ).toMatchObject([
      { type: 'get-done', error: expect.stringContaining('connection refused') }
    ])
    expect(parseLine('# get http://p.test/x: insecure')).toMatchObject([
      { error: 'insecure' }
    ])
    expect(
      parseLine('go: downloading x').filter((e) => e.type.startsWith('get-'))
    ).toEqual([])
  })
})

describe('StderrParser', () => {
  test('multi-line go errors and checksum blocks', () => {
    const events: StderrEvent[] = []
    const p = new StderrParser((e) => events.push(e))
    p.push(
      'go: a.test/x@v1.0.0: reading https://m.test/a.test/x/@v/v1.0.0.mod: 403 Forbidden\n\tserver response: nope\n'
    )
    p.push(
      "verifying b.test/y@v1.2.0/go.mod: checksum mismatch\n\tdownloaded: h1:AAA=\n\tgo.sum:     h1:BBB=\n\nSECURITY ERROR\nThis download does NOT match.\n\nFor more information, see 'go help module-auth'.\n"
    )
    p.push('something else')
    p.end()
    expect(events).toEqual([
      {
        type: 'error',
        module: 'a.test/x',
        version: 'v1.0.0',
        message:
          'a.test/x@v1.0.0: reading https://m.test/a.test/x/@v/v1.0.0.mod: 403 Forbidden\n\tserver response: nope'
      },
      {
        type: 'checksum',
        module: 'b.test/y',
        version: 'v1.2.0',
        file: 'mod',
        downloaded: 'h1:AAA=',
        goSum: 'h1:BBB='
      }
    ])
    expect(p.otherLines).toEqual(['something else'])
  })
})
