// The prefetch as the action runs it, under the chosen variables, with a
// summary for a terminal and the JSON report on request.
import { writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { defaultModCache } from '../cache/go-env.js'
import { findDependencyFiles } from '../gomod/dependency-files.js'
import { goEnvJson } from '../gomod/go-env-json.js'
import { isOffMirrors } from '../privacy/patterns.js'
import { runDownloadPhase } from '../steps/download-phase.js'
import type { Decision } from './decide.js'
import { progressLine } from './progress-line.js'
import { print, setStatus } from './terminal-log.js'

export async function runDownload(
  { inputs, report, keptOff }: Decision,
  reportFile: string | undefined,
  env: NodeJS.ProcessEnv,
  stderr: { isTTY?: boolean; columns?: number } = process.stderr
): Promise<number> {
  const workspace = process.cwd()
  const dir = inputs.project.workingDirectory
  const jobEnv = {
    ...env,
    ...Object.fromEntries(report.env.map((e) => [e.name, e.value]))
  }
  const goenv = await goEnvJson(['GOMODCACHE'], { env: jobEnv, cwd: dir })
  const gomodcache =
    ('values' in goenv && goenv.values.GOMODCACHE) ||
    defaultModCache(jobEnv, homedir())
  const progress = progressLine(stderr, setStatus)
  try {
    Object.assign(
      report,
      await runDownloadPhase({
        inputs: inputs.download,
        workspace,
        workingDirectory: dir,
        dependencyFiles: await findDependencyFiles(workspace, dir, []),
        env: jobEnv,
        gomodcache,
        skip: keptOff ? 'GOPROXY=off in the environment' : undefined,
        proxied: { report, isPrivate: (p) => isOffMirrors(inputs.privacy, p) },
        onProgress: progress?.update
      })
    )
  } finally {
    // Whatever follows (the summary, an error) starts on a clean line.
    progress?.clear()
  }
  if (reportFile !== undefined)
    writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n')
  const d = report.downloads
  if (!d) {
    print(`No downloads: ${report.downloadsSkipped ?? 'nothing to fetch'}`)
    return report.downloadsSkipped ? 1 : 0
  }
  const count = (s: string) => d.modules.filter((m) => m.status === s).length
  print(
    `GOPROXY=${d.goproxy}\n${d.modules.length} module versions: ${count('downloaded')} downloaded, ${count('cached')} already in ${gomodcache}, ${d.failures.length} failed`
  )
  for (const s of d.sources)
    print(
      `  ${s.source}: ${s.modules} modules, ${s.requests} requests, ${s.bytes} bytes`
    )
  for (const f of d.failures)
    print(
      `  failed ${f.module ?? '?'}${f.version ? '@' + f.version : ''}: ${f.kind}: ${f.message}`
    )
  return d.failures.length > 0 ? 1 : 0
}
