// Every answer the install reads has a size it cannot legitimately exceed;
// past it the body is dropped and the install refuses that server, so a
// hostile or broken one costs at most that much memory or disk.
import type { Dispatcher } from 'undici'

export class TooLarge extends Error {
  name = 'TooLarge'
}

/** Throws TooLarge (destroying the body) when Content-Length already says more than `max`. */
export function refuseDeclared(
  res: Dispatcher.ResponseData,
  url: string,
  max: number,
  what: string
): void {
  const declared = Number(res.headers['content-length'])
  if (declared > max) {
    res.body.destroy()
    throw new TooLarge(
      `${url}: ${what} of ${declared} bytes refused, over the limit of ${max}`
    )
  }
}

/** The whole body, or TooLarge as soon as it passes `max` bytes. */
export async function readCapped(
  res: Dispatcher.ResponseData,
  url: string,
  max: number,
  what: string
): Promise<Buffer> {
  refuseDeclared(res, url, max, what)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length
    // Leaving the loop destroys the body.
    if (size > max)
      throw new TooLarge(
        `${url}: ${what} refused after ${size} bytes, over the limit of ${max}`
      )
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
