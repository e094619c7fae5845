// The stdout of `go mod download -json`: concatenated JSON objects, written
// only after every download finished.
/** One object of the `go mod download -json` stream. */
export interface GoModDownloadJson {
  Path: string
  Version?: string
  Query?: string
  Error?: string
  Info?: string
  GoMod?: string
  Zip?: string
  Dir?: string
  Sum?: string
  GoModSum?: string
  Origin?: { VCS?: string; URL?: string }
}

/**
 * Splits a stream of concatenated JSON objects (not an array) into objects,
 * tracking strings so that braces inside them do not count.
 */
export class JsonStreamParser {
  private buf = ''
  private depth = 0
  private inString = false
  private escaped = false
  private start = -1
  /** Text that could not be parsed as JSON, kept for diagnostics. */
  readonly garbage: string[] = []

  constructor(private readonly emit: (o: GoModDownloadJson) => void) {}

  push(chunk: string): void {
    const from = this.buf.length
    this.buf += chunk
    let consumed = 0
    for (let i = from; i < this.buf.length; i++) {
      const c = this.buf[i]
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === '\\') this.escaped = true
        else if (c === '"') this.inString = false
        continue
      }
      if (c === '"') this.inString = true
      else if (c === '{') {
        if (this.depth === 0) this.start = i
        this.depth++
      } else if (c === '}' && this.depth > 0) {
        this.depth--
        if (this.depth === 0) {
          this.parse(this.buf.slice(this.start, i + 1))
          consumed = i + 1
        }
      } else if (this.depth === 0 && !/\s/.test(c)) {
        this.garbage.push(c)
        consumed = i + 1
      }
    }
    if (this.depth === 0) {
      this.buf = this.buf.slice(consumed)
    } else {
      this.buf = this.buf.slice(this.start)
      this.start = 0
    }
  }

  end(): void {
    if (this.buf.trim() !== '') this.garbage.push(this.buf.trim())
    this.buf = ''
  }

  private parse(text: string): void {
    try {
      const o = JSON.parse(text) as GoModDownloadJson
      if (typeof o.Path === 'string') this.emit(o)
      else this.garbage.push(text)
    } catch {
      this.garbage.push(text)
    }
  }
}
