// Faults of this machine rather than of a mirror: the spool's disk full or
// read-only, no file descriptors left. Another mirror would fail the same
// way, so none is blamed, and the prefetch gives way to go alone.

export class LocalFault extends Error {
  name = 'LocalFault'
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' ? code : undefined
}

/** A spool file's error (open or write): whatever it is, it is local. */
export function spoolFault(err: unknown): LocalFault {
  if (err instanceof LocalFault) return err
  return new LocalFault(
    `the spool could not be written: ${err instanceof Error ? err.message : String(err)}`
  )
}

/** A connection error that is this machine's (out of descriptors), if it is one. */
export function connectionFault(err: unknown): LocalFault | undefined {
  const code = codeOf(err)
  if (code !== 'EMFILE' && code !== 'ENFILE') return undefined
  return new LocalFault(
    `out of file descriptors (${code}): lower download-concurrency or raise the open-file limit`
  )
}
