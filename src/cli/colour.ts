// Colour only for a terminal that wants it (https://no-color.org).
export function colours(stream: NodeJS.WriteStream, env = process.env) {
  const on = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb'
  const wrap = (code: number) => (s: string) =>
    on ? `\u001b[${code}m${s}\u001b[0m` : s
  return {
    bold: wrap(1),
    dim: wrap(2),
    red: wrap(31),
    green: wrap(32),
    yellow: wrap(33)
  }
}
