// A byte-level port of the parts of encoding/xml's rawToken that
// cmd/go's go-import discovery relies on, path for path: a shortcut would
// disagree with go on hostile pages (the differential test shows where).
// Non-strict mode, as go uses it: tags and attributes are collected as
// strings, nothing in them is interpreted here.
export class XmlSyntaxError extends Error {
  name = 'GoImportSyntaxError'
}

const NAME_BYTE = /[A-Za-z0-9_:.-]/
const NAME_FIRST = /^[\p{L}\p{Nl}_:]$/u
const NAME_NEXT = /^[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Lm}_:.\-\u00b7]$/u
const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  apos: "'",
  quot: '"'
}

export interface StartTag {
  kind: 'start'
  local: string
  attrs: [string, string][]
}
export type Token =
  StartTag | { kind: 'end'; local: string } | { kind: 'other' }

/** A byte-level port of the parts of encoding/xml's rawToken go relies on. */
export class Tokenizer {
  private i = 0
  private needClose?: string
  constructor(private readonly b: Buffer) {}

  private getc(): number | undefined {
    return this.i < this.b.length ? this.b[this.i++] : undefined
  }
  private mustgetc(): number {
    const c = this.getc()
    if (c === undefined) throw new XmlSyntaxError('unexpected EOF')
    return c
  }
  private ungetc(): void {
    this.i--
  }
  private space(): void {
    for (;;) {
      const c = this.getc()
      if (c === undefined) return
      if (c !== 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) {
        this.ungetc()
        return
      }
    }
  }

  private readName(): Buffer | undefined {
    const start = this.i
    let c = this.mustgetc()
    if (c < 0x80 && !NAME_BYTE.test(String.fromCharCode(c))) {
      this.ungetc()
      return undefined
    }
    for (;;) {
      c = this.mustgetc()
      if (c < 0x80 && !NAME_BYTE.test(String.fromCharCode(c))) {
        this.ungetc()
        return this.b.subarray(start, this.i)
      }
    }
  }

  private name(): string | undefined {
    const raw = this.readName()
    if (raw === undefined) return undefined
    const s = decodeUtf8(raw)
    const chars = s === undefined ? [] : [...s]
    if (
      chars.length === 0 ||
      !NAME_FIRST.test(chars[0]) ||
      !chars.slice(1).every((ch) => NAME_FIRST.test(ch) || NAME_NEXT.test(ch))
    ) {
      throw new XmlSyntaxError('invalid XML name')
    }
    return s
  }

  /** Local part of a `space:local` name; undefined when there is no name. */
  private nsname(): string | undefined {
    const s = this.name()
    if (s === undefined) return undefined
    const parts = s.split(':')
    if (parts.length > 2) return undefined
    if (parts.length === 1 || parts[0] === '' || parts[1] === '') return s
    return parts[1]
  }

  /** Text up to `<` (quote < 0) or up to the quote; entities decoded. */
  private text(quote: number, cdata: boolean): string {
    const out: number[] = []
    let b0 = 0
    let b1 = 0
    for (;;) {
      const c = this.getc()
      if (c === undefined) {
        if (cdata) throw new XmlSyntaxError('unexpected EOF in CDATA section')
        break
      }
      if (quote < 0 && b0 === 0x5d && b1 === 0x5d && c === 0x3e) {
        if (cdata) {
          out.length -= 2
          break
        }
        throw new XmlSyntaxError('unescaped ]]> not in CDATA section')
      }
      if (c === 0x3c && !cdata) {
        if (quote >= 0)
          throw new XmlSyntaxError('unescaped < inside quoted string')
        this.ungetc()
        break
      }
      if (quote >= 0 && c === quote) break
      if (c === 0x26 && !cdata) {
        out.push(...this.entity())
        b0 = b1 = 0
        continue
      }
      if (c === 0x0d) out.push(0x0a)
      else if (!(b1 === 0x0d && c === 0x0a)) out.push(c)
      b0 = b1
      b1 = c
    }
    const s = decodeUtf8(Buffer.from(out))
    if (s === undefined) throw new XmlSyntaxError('invalid UTF-8')
    for (const ch of s) {
      if (!inCharacterRange(ch.codePointAt(0)!)) {
        throw new XmlSyntaxError('illegal character code')
      }
    }
    return s
  }

  /** After `&`: the decoded bytes, or the raw ones (non-strict mode). */
  private entity(): number[] {
    const start = this.i - 1
    let c = this.mustgetc()
    if (c === 0x23) {
      c = this.mustgetc()
      const hex = c === 0x78
      if (hex) c = this.mustgetc()
      const digits: number[] = []
      while (
        (c >= 0x30 && c <= 0x39) ||
        (hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)))
      ) {
        digits.push(c)
        c = this.mustgetc()
      }
      if (c !== 0x3b) {
        this.ungetc()
      } else if (digits.length > 0) {
        const n = parseInt(Buffer.from(digits).toString(), hex ? 16 : 10)
        if (n <= 0x10ffff) {
          const cp = n >= 0xd800 && n <= 0xdfff ? 0xfffd : n
          return [...Buffer.from(String.fromCodePoint(cp))]
        }
      }
      return [...this.b.subarray(start, this.i)]
    }
    this.ungetc()
    const nameStart = this.i
    this.readName()
    const nameEnd = this.i
    c = this.mustgetc()
    if (c !== 0x3b) {
      this.ungetc()
    } else {
      const name = this.b.subarray(nameStart, nameEnd).toString('latin1')
      if (Object.hasOwn(ENTITIES, name)) return [...Buffer.from(ENTITIES[name])]
    }
    return [...this.b.subarray(start, this.i)]
  }

  private attrval(): string {
    const c = this.mustgetc()
    if (c === 0x22 || c === 0x27) return this.text(c, false)
    this.ungetc()
    const start = this.i
    for (;;) {
      const d = this.mustgetc()
      if (!/[A-Za-z0-9_:-]/.test(String.fromCharCode(d))) {
        this.ungetc()
        return this.b.subarray(start, this.i).toString('latin1')
      }
    }
  }

  private skipUntil(terminator: string): void {
    const at = this.b.indexOf(terminator, this.i, 'latin1')
    if (at < 0) throw new XmlSyntaxError('unexpected EOF')
    this.i = at + terminator.length
  }

  /** The next token, or undefined at the end of the input. */
  next(): Token | undefined {
    if (this.needClose !== undefined) {
      const local = this.needClose
      this.needClose = undefined
      return { kind: 'end', local }
    }
    const first = this.getc()
    if (first === undefined) return undefined
    if (first !== 0x3c) {
      this.ungetc()
      this.text(-1, false)
      return { kind: 'other' }
    }
    const c = this.mustgetc()
    if (c === 0x2f) {
      const local = this.nsname()
      if (local === undefined) throw new XmlSyntaxError('expected element name')
      this.space()
      if (this.mustgetc() !== 0x3e) throw new XmlSyntaxError('invalid end tag')
      return { kind: 'end', local }
    }
    if (c === 0x3f) return this.procInst()
    if (c === 0x21) return this.bang()
    this.ungetc()
    const local = this.nsname()
    if (local === undefined) throw new XmlSyntaxError('expected element name')
    const attrs: [string, string][] = []
    for (;;) {
      this.space()
      const d = this.mustgetc()
      if (d === 0x2f) {
        if (this.mustgetc() !== 0x3e) throw new XmlSyntaxError('expected />')
        this.needClose = local
        break
      }
      if (d === 0x3e) break
      this.ungetc()
      const attr = this.nsname()
      if (attr === undefined)
        throw new XmlSyntaxError('expected attribute name')
      this.space()
      if (this.mustgetc() !== 0x3d) {
        this.ungetc()
        attrs.push([attr, attr])
      } else {
        this.space()
        attrs.push([attr, this.attrval()])
      }
    }
    return { kind: 'start', local, attrs }
  }

  private procInst(): Token {
    const target = this.name()
    if (target === undefined) throw new XmlSyntaxError('expected target name')
    this.space()
    const start = this.i
    this.skipUntil('?>')
    if (target === 'xml') {
      const content = this.b.subarray(start, this.i - 2).toString('latin1')
      const version = procInstParam('version', content)
      if (version !== '' && version !== '1.0') {
        throw new XmlSyntaxError('unsupported XML version')
      }
      const enc = procInstParam('encoding', content).toLowerCase()
      if (enc !== '' && enc !== 'utf-8' && enc !== 'ascii') {
        throw new XmlSyntaxError('unsupported charset')
      }
    }
    return { kind: 'other' }
  }

  private bang(): Token {
    let c = this.mustgetc()
    if (c === 0x2d) {
      if (this.mustgetc() !== 0x2d) throw new XmlSyntaxError('invalid <!-')
      let b0 = 0
      let b1 = 0
      for (;;) {
        c = this.mustgetc()
        if (b0 === 0x2d && b1 === 0x2d) {
          if (c !== 0x3e) throw new XmlSyntaxError('"--" in a comment')
          return { kind: 'other' }
        }
        b0 = b1
        b1 = c
      }
    }
    if (c === 0x5b) {
      for (const want of Buffer.from('CDATA[')) {
        if (this.mustgetc() !== want) throw new XmlSyntaxError('invalid <![')
      }
      this.text(-1, true)
      return { kind: 'other' }
    }
    // A directive (<!DOCTYPE …>): quoted `>` and nested `<…>` do not end it.
    let quote = 0
    let depth = 0
    for (;;) {
      c = this.mustgetc()
      if (quote === 0 && c === 0x3e && depth === 0) return { kind: 'other' }
      for (;;) {
        if (c === quote) quote = 0
        else if (quote !== 0) break
        else if (c === 0x22 || c === 0x27) quote = c
        else if (c === 0x3e) depth--
        else if (c === 0x3c) {
          const s = [0x21, 0x2d, 0x2d]
          let matched = 0
          while (matched < 3) {
            c = this.mustgetc()
            if (c !== s[matched]) break
            matched++
          }
          if (matched < 3) {
            depth++
            continue
          }
          this.skipUntil('-->')
        }
        break
      }
    }
  }
}

// encoding/xml's procInst: `param="value"` or `param='value'`, no spaces
// around `=`.
function procInstParam(param: string, s: string): string {
  const key = param + '='
  let i = 0
  let sep = ''
  while (i < s.length) {
    const sub = s.slice(i)
    const k = sub.indexOf(key)
    if (k < 0 || key.length + k >= sub.length) return ''
    i += key.length + k + 1
    const c = sub[key.length + k]
    if (c === "'" || c === '"') {
      sep = c
      break
    }
  }
  if (sep === '') return ''
  const j = s.indexOf(sep, i)
  return j < 0 ? '' : s.slice(i, j)
}

function decodeUtf8(b: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b)
  } catch {
    return undefined
  }
}

function inCharacterRange(r: number): boolean {
  return (
    r === 0x09 ||
    r === 0x0a ||
    r === 0x0d ||
    (r >= 0x20 && r <= 0xd7ff) ||
    (r >= 0xe000 && r <= 0xfffd) ||
    (r >= 0x10000 && r <= 0x10ffff)
  )
}
