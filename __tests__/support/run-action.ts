// Runs the bundled action the way the GitHub runner does (actions/runner
// NodeScriptActionHandler + FileCommandManager): `node <dist>/<entry>/index.js`
// in a clean environment, cwd = GITHUB_WORKSPACE, INPUT_* with action.yml
// defaults, fresh file-command files per step, STATE_* for the post step,
// and env/PATH exported by a step carried into the next one.
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collect } from './collect.js'
import {
  inputEnvName,
  parseFileCommand,
  parseWorkflowCommands,
  readActionDefaults,
  type WorkflowCommand
} from './runner-formats.js'
import { tempDir } from './temp.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `dist/` under test: $SETUP_GOPROXY_DIST or the repository's own. */
export function distDir(): string {
  return resolve(process.env.SETUP_GOPROXY_DIST ?? join(REPO_ROOT, 'dist'))
}

export interface RunnerContext {
  /** Parent of everything below; one per simulated machine. */
  root: string
  workspace: string
  home: string
  toolCache: string
}

/**
 * Directories of one simulated runner machine. Pass the same context to
 * several jobs to reuse workspace and home (as a self-hosted runner would);
 * each job still gets a fresh RUNNER_TEMP.
 */
export function createRunnerContext(
  opts: Partial<Omit<RunnerContext, 'root'>> = {}
): RunnerContext {
  const root = tempDir('runner-')
  const ctx: RunnerContext = {
    root,
    workspace: opts.workspace ?? join(root, 'workspace'),
    home: opts.home ?? join(root, 'home'),
    toolCache: opts.toolCache ?? join(root, 'toolcache')
  }
  for (const d of [ctx.workspace, ctx.home, ctx.toolCache])
    mkdirSync(d, { recursive: true })
  return ctx
}

/**
 * The go settings of a job on `ctx`'s machine, for tests whose go must not
 * leave loopback: anything that tried to over https fails at a dead proxy.
 */
export function loopbackGoEnv(ctx: RunnerContext): Record<string, string> {
  const gopath = join(ctx.root, 'gopath')
  return {
    GOPATH: gopath,
    GOMODCACHE: join(gopath, 'pkg', 'mod'),
    GOCACHE: join(ctx.root, 'gocache'),
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost'
  }
}

/** A fresh RUNNER_TEMP for a new job on the given machine. */
export function newRunnerTemp(ctx: RunnerContext): string {
  return mkdtempSync(join(ctx.root, 'temp-'))
}

export interface StepOptions {
  entry?: 'main' | 'post'
  context?: RunnerContext
  /** `with:` values by input name as written in action.yml. */
  inputs?: Record<string, string>
  /** Job/workflow env plus env exported by earlier steps. */
  env?: Record<string, string>
  /** Saved state; becomes STATE_<name>. */
  state?: Record<string, string>
  /** GITHUB_PATH lines of earlier steps, in the order they were added. */
  path?: string[]
  runnerTemp?: string
  dist?: string
  actionYml?: string
  /** Kill the step (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number
  /** A runner without job summaries (GHES < 3.6): no GITHUB_STEP_SUMMARY. */
  noStepSummary?: boolean
}

export interface StepResult {
  code: number | null
  timedOut: boolean
  stdout: string
  stderr: string
  /** GITHUB_ENV exports of this step. */
  env: Record<string, string>
  outputs: Record<string, string>
  state: Record<string, string>
  /** GITHUB_PATH lines of this step. */
  path: string[]
  summary: string
  commands: WorkflowCommand[]
  context: RunnerContext
  runnerTemp: string
}

// The runner refuses these from GITHUB_ENV (FileCommandManager block list).
const ENV_BLOCK_LIST = new Set(['NODE_OPTIONS'])

export async function runActionStep(
  opts: StepOptions = {}
): Promise<StepResult> {
  const entry = opts.entry ?? 'main'
  const context = opts.context ?? createRunnerContext()
  const runnerTemp = opts.runnerTemp ?? newRunnerTemp(context)
  const fcDir = join(runnerTemp, '_runner_file_commands')
  mkdirSync(fcDir, { recursive: true })
  const files = {
    GITHUB_ENV: join(fcDir, `set_env_${randomUUID()}`),
    GITHUB_OUTPUT: join(fcDir, `set_output_${randomUUID()}`),
    GITHUB_STATE: join(fcDir, `save_state_${randomUUID()}`),
    GITHUB_PATH: join(fcDir, `add_path_${randomUUID()}`),
    GITHUB_STEP_SUMMARY: join(fcDir, `step_summary_${randomUUID()}`)
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const fileCommands: Partial<typeof files> = { ...files }
  if (opts.noStepSummary) delete fileCommands.GITHUB_STEP_SUMMARY

  const inputs: Record<string, string> = {
    ...readActionDefaults(opts.actionYml),
    ...opts.inputs
  }
  const callerEnv = opts.env ?? {}
  const basePath = callerEnv.PATH ?? process.env.PATH ?? '/usr/bin:/bin'
  const env: Record<string, string> = {
    HOME: context.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__self',
    GITHUB_JOB: 'test',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'example/project',
    GITHUB_REPOSITORY_OWNER: 'example',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_WORKFLOW: 'test',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: context.workspace,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: context.toolCache,
    // The go commands the action itself runs stay on this machine and ignore
    // the developer's Go configuration, unless a test says otherwise.
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    GOFLAGS: '',
    GOPATH: join(context.home, 'go'),
    GOMODCACHE: join(context.home, 'go', 'pkg', 'mod'),
    ...callerEnv,
    // Latest GITHUB_PATH addition first, as the runner prepends each one.
    PATH: [...(opts.path ?? [])].reverse().concat(basePath).join(':'),
    ...fileCommands
  }
  for (const [name, value] of Object.entries(inputs))
    env[inputEnvName(name)] = value
  for (const [name, value] of Object.entries(opts.state ?? {}))
    env['STATE_' + name] = value

  const script = join(opts.dist ?? distDir(), entry, 'index.js')
  const proc = await collect(process.execPath, [script], {
    cwd: env.GITHUB_WORKSPACE,
    env,
    timeoutMs: opts.timeoutMs ?? 120_000
  })

  const read = (f: string) => readFileSync(f, 'utf8')
  return {
    ...proc,
    env: parseFileCommand(read(files.GITHUB_ENV)),
    outputs: parseFileCommand(read(files.GITHUB_OUTPUT)),
    state: parseFileCommand(read(files.GITHUB_STATE)),
    path: read(files.GITHUB_PATH)
      .split(/\r?\n/)
      .filter((l) => l.trim() !== ''),
    summary: read(files.GITHUB_STEP_SUMMARY),
    commands: parseWorkflowCommands(proc.stdout),
    context,
    runnerTemp
  }
}

export interface JobStepState {
  /** Job env after the main step: caller env plus main's GITHUB_ENV exports. */
  env: Record<string, string>
  /** GITHUB_PATH lines so far. */
  path: string[]
  /** PATH as a later step of the job sees it. */
  PATH: string
}

export interface JobOptions extends Omit<
  StepOptions,
  'entry' | 'state' | 'path'
> {
  /** The user's steps between main and post (e.g. running go with the exported env). */
  between?: (main: StepResult, job: JobStepState) => Promise<void>
  /** Skip post (a job cancelled before post-if ran). */
  skipPost?: boolean
}

export interface JobResult {
  main: StepResult
  post?: StepResult
  /** Env and PATH that steps after main saw. */
  afterMain: JobStepState
  context: RunnerContext
}

/**
 * main, then (always) post, with STATE_* from main, env and PATH carried
 * forward, the same inputs, and one RUNNER_TEMP for the whole job.
 */
export async function runActionJob(opts: JobOptions = {}): Promise<JobResult> {
  const context = opts.context ?? createRunnerContext()
  const runnerTemp = opts.runnerTemp ?? newRunnerTemp(context)
  const main = await runActionStep({
    ...opts,
    entry: 'main',
    context,
    runnerTemp
  })
  const exported = Object.fromEntries(
    Object.entries(main.env).filter(([k]) => !ENV_BLOCK_LIST.has(k))
  )
  const env = { ...opts.env, ...exported }
  const basePath = opts.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin'
  const afterMain: JobStepState = {
    env,
    path: main.path,
    PATH: [...main.path].reverse().concat(basePath).join(':')
  }
  if (opts.between) await opts.between(main, afterMain)
  if (opts.skipPost) return { main, afterMain, context }
  const post = await runActionStep({
    ...opts,
    entry: 'post',
    context,
    runnerTemp,
    env,
    path: main.path,
    state: main.state
  })
  return { main, post, afterMain, context }
}

/**
 * The runner channels of a step (stdout without its ::add-mask:: lines,
 * stderr, GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, the summary) in which any
 * of `secrets` appears.
 */
export function channelsContaining(
  r: StepResult,
  secrets: readonly string[]
): string[] {
  const channels: Record<string, string> = {
    stdout: r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
    stderr: r.stderr,
    GITHUB_ENV: JSON.stringify(r.env),
    GITHUB_OUTPUT: JSON.stringify(r.outputs),
    GITHUB_STATE: JSON.stringify(r.state),
    summary: r.summary
  }
  return Object.entries(channels)
    .filter(([, text]) => secrets.some((s) => text.includes(s)))
    .map(([name]) => name)
}
