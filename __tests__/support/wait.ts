// Bounded polling for a state a test waits on: it fails, naming what it
// waited for, instead of hanging the test until jest's own timeout.
export async function waitFor(
  what: string,
  cond: () => boolean,
  timeoutMs = 20_000
): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!cond()) {
    if (performance.now() > end)
      throw new Error(`waited ${timeoutMs} ms for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
