// How every phase turns an error into one line for logs, annotations and
// the summary: the messages of its cause chain, never a stack.
/** One line describing an error and its causes, without stack or secrets. */
export function describeError(err: unknown): string {
  const parts: string[] = []
  let e: unknown = err
  for (let depth = 0; e && depth < 3; depth++) {
    const msg = e instanceof Error ? e.message : String(e)
    if (msg && !parts.includes(msg)) parts.push(msg)
    e = (e as { cause?: unknown }).cause
  }
  return parts.join(': ') || 'unknown error'
}
