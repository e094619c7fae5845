// setup-goproxy outside GitHub Actions: the action's probe and decision for
// a laptop, GitLab CI, Jenkins or any shell. Exit 0 ok (serve: stopped by
// Ctrl-C), 1 no usable mirror or a failed download, 2 bad input.
import { InputError } from '../base/values.js'
import { runnerContext } from '../env/runner-context.js'
import { newRunReport, type RunReport } from '../report/report.js'
import { applyDecision } from './apply.js'
import {
  COMMANDS,
  helpText,
  inputLabel,
  parseCommandLine,
  type ParsedArgs
} from './args.js'
import { decide, readCliInputs } from './decide.js'
import { runDownload } from './download.js'
import { formatEnv, parseFormat } from './env-format.js'
import { probeTable } from './probe-table.js'
import { parseServeFlags, runServe } from './serve.js'
import { log, print, routeStdoutToStderr } from './terminal-log.js'

const PURPOSE: Record<(typeof COMMANDS)[number], string> = {
  probe:
    'setup-goproxy probe [dir]: probe the candidate mirrors with the modules of the module or workspace in dir (default .), print their ranking and the GOPROXY chain.',
  env: 'setup-goproxy env [dir]: print the variables the action would export (GOPROXY, the private-module variables, GOSUMDB when it must change), e.g. eval "$(setup-goproxy env)". The module and build cache variables of the action (GOMODCACHE, GOCACHE, GOFLAGS=-modcacherw) belong to the Actions cache and are left out; credentials are not written to a netrc file.',
  apply:
    'setup-goproxy apply [dir]: write the choice to the go env file with `go env -w`, print what changed and the `go env -u` that undoes it. Refuses to replace a value you set there unless --force.',
  download:
    'setup-goproxy download [dir]: choose as env does, then prefetch every module of dir into the module cache as the action does, with a summary at the end.',
  serve:
    'setup-goproxy serve [dir]: choose as env does, then run the local proxy in the foreground: it fetches what go asks from the ranked mirrors at once, hedged and verified, behind the private proxies of the chain. Prints GOPROXY=… on stdout (the local proxy first, then the chain) and the other variables on stderr; Ctrl-C stops it and prints what it served.'
}

const USAGE = `usage: setup-goproxy <${COMMANDS.join('|')}> [dir] [flags]; setup-goproxy <command> --help`

export async function runCli(
  argv: string[],
  env = process.env
): Promise<number> {
  routeStdoutToStderr()
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    print([USAGE, '', ...COMMANDS.map((c) => PURPOSE[c])].join('\n'))
    return argv.length === 0 ? 2 : 0
  }
  const report = newRunReport(runnerContext(env))
  let args: ParsedArgs | undefined
  try {
    args = parseCommandLine(argv, env)
    if (args.help) {
      print(helpText(args.command, PURPOSE[args.command]))
      return 0
    }
    return await runCommand(args, env, report)
  } catch (e) {
    const err = e as Error
    if (err instanceof InputError) {
      log(`setup-goproxy: ${inputLabel(err.input, args)}: ${err.detail}`)
      return 2
    }
    // The ranking explains a chain that could not be built.
    if (args?.command === 'probe' && report.ranking) showProbe(args, report)
    log(`setup-goproxy: ${err.message}`)
    return 1
  }
}

async function runCommand(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  report: RunReport
): Promise<number> {
  const format = args.command === 'env' ? parseFormat(args.format) : undefined
  const serve = args.command === 'serve' ? parseServeFlags(args) : undefined
  const inputs = readCliInputs(args, env)
  const decision = await decide(inputs, env, report)
  for (const w of report.chain?.warnings ?? []) log(`warning: ${w}`)
  switch (args.command) {
    case 'probe':
      showProbe(args, report)
      return 0
    case 'env':
      print(formatEnv(report.env, format ?? 'sh'))
      return 0
    case 'apply':
      return applyDecision(report.env, args.force, env)
    case 'download':
      return runDownload(decision, args.report, env)
    case 'serve':
      return runServe(decision, serve!)
  }
}

function showProbe(args: ParsedArgs, report: RunReport): void {
  if (args.json) {
    const { probe, ranking, chain } = report
    print(JSON.stringify({ probe, ranking, chain }, null, 2))
  } else {
    print(probeTable(report, process.stdout))
  }
}
