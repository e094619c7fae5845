// The error a call throws, for tests that assert on its class and message
// (what it names, what it must not echo).
export function thrownBy<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E
): E {
  try {
    fn()
  } catch (e) {
    if (e instanceof type) return e
    throw e
  }
  throw new Error(`expected a ${type.name}, but nothing was thrown`)
}
