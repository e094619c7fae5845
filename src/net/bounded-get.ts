// One HTTP GET that ends by its deadline whatever the peer does: a SYN that
// is never answered, a TLS handshake that never completes, headers or a body
// that never come, a body without end. undici's connect timeout covers the
// TCP and TLS phases; the deadline itself settles the call and destroys the
// agent, which tears down the socket, so nothing is left holding the event
// loop.
import { request } from 'undici'
import { goNetwork } from './dispatcher.js'

export interface BoundedResponse {
  status: number
  /** At most `maxBytes` of the body. */
  body: Buffer
  /** Whether the body went on past `maxBytes`. */
  truncated: boolean
}

export interface BoundedGetOptions {
  headers?: Record<string, string>
  deadlineMs: number
  /** Body bytes to keep; 0 reads only the status. */
  maxBytes: number
}

export class DeadlineError extends Error {
  name = 'DeadlineError'
}

export async function boundedGet(
  url: string,
  opts: BoundedGetOptions
): Promise<BoundedResponse> {
  const ms = Math.max(1, Math.round(opts.deadlineMs))
  const agent = goNetwork({ connectTimeoutMs: ms, timeoutMs: ms })
  const abort = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineError(`no complete answer within ${ms} ms`)
      abort.abort(err)
      reject(err)
    }, ms)
  })
  const fetch = async (): Promise<BoundedResponse> => {
    const res = await request(url, {
      dispatcher: agent,
      signal: abort.signal,
      headers: opts.headers
    })
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (size + chunk.length > opts.maxBytes) {
        chunks.push(chunk.subarray(0, opts.maxBytes - size))
        truncated = true
        break
      }
      chunks.push(chunk)
      size += chunk.length
    }
    return { status: res.statusCode, body: Buffer.concat(chunks), truncated }
  }
  try {
    return await Promise.race([fetch(), deadline])
  } finally {
    clearTimeout(timer)
    agent.destroy().catch(() => undefined)
  }
}
