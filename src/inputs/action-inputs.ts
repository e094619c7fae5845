// Generated from action.yml by scripts/action-inputs.mjs (npm run build).
// Edit action.yml, never this file.

export interface ActionInput {
  description: string
  /** As the runner passes it: '' when action.yml gives none. */
  default: string
}

export const ACTION_INPUTS: Record<string, ActionInput> = {
  mirrors: {
    description:
      'Candidate public mirrors, separated by commas or newlines. Each is an https:// (or http://) GOPROXY base URL; a bare host gets https://. The default is a list of well-known public mirrors.',
    default:
      'https://proxy.golang.org\nhttps://goproxy.cn\nhttps://goproxy.io\nhttps://mirrors.aliyun.com/goproxy/\nhttps://mirrors.cloud.tencent.com/go/\nhttps://repo.huaweicloud.com/repository/goproxy/\n'
  },
  'private-proxy': {
    description:
      'Private module proxies (comma or newline separated), placed first in GOPROXY and joined with "," so that their refusals (401/403) stay final. Not probed with public modules.',
    default: ''
  },
  'private-strict': {
    description:
      'GOPROXY holds only the private proxies (and "direct" when direct-fallback is on), no public mirror: go asks the next GOPROXY entry after a private proxy answers 404 or 410, so only this shape keeps every private path away from public mirrors. Public modules then come through the private proxy (or their origin). Needs private-proxy.',
    default: 'false'
  },
  'max-mirrors': {
    description: 'How many of the best public mirrors go into GOPROXY.',
    default: '3'
  },
  'direct-fallback': {
    description:
      'End GOPROXY with "direct", so that modules no mirror has are fetched from their origin (and sum.golang.org stays reachable). When false and no mirror is usable, the step fails.',
    default: 'true'
  },
  'fallback-on': {
    description:
      '"any-error" joins the public mirrors with "|" so that go falls through on 5xx, timeouts and refusals; "not-found" joins them with "," so that go only falls through on 404/410.',
    default: 'any-error'
  },
  'probe-timeout': {
    description:
      'Seconds the whole probe phase may take, for all mirrors together; also the deadline of each credential check.',
    default: '10'
  },
  'probe-modules': {
    description:
      'module@version list (comma or newline separated) to probe instead of a sample from go.sum.',
    default: ''
  },
  'working-directory': {
    description:
      'Directory of the Go module (or go.work workspace): relative to the workspace, or absolute (it may lie outside the workspace). It must be an existing directory.',
    default: '.'
  },
  'cache-dependency-path': {
    description:
      'Glob patterns (newline separated) of go.sum / go.work.sum files that key the module cache and select the module roots to prefetch. Default: every go.sum and go.work.sum under working-directory.',
    default: ''
  },
  private: {
    description:
      'GOPRIVATE patterns (comma or newline separated), validated with the go command rules.',
    default: ''
  },
  'no-proxy': {
    description:
      'GONOPROXY patterns, only where they must differ from GOPRIVATE ("none" sends private modules through private-proxy).',
    default: ''
  },
  'no-sumdb': {
    description:
      'GONOSUMDB patterns, only where they must differ from GOPRIVATE.',
    default: ''
  },
  sumdb: {
    description:
      '"auto" keeps checksum verification on: it walks GOPROXY for /sumdb/sum.golang.org/supported as go does, and when that would fail every verification (or sum.golang.org does not answer) it exports a value with a URL (sum.golang.org https://sum.golang.org, or sum.golang.google.cn), which go reaches without asking the proxies. Otherwise a GOSUMDB value, validated as go does ("off" is honoured with a warning).',
    default: 'auto'
  },
  insecure: {
    description: 'GOINSECURE patterns (direct fetches only).',
    default: ''
  },
  credentials: {
    description:
      'Lines HOST[/PATH]=TOKEN or HOST[/PATH]=LOGIN:TOKEN, written to ~/.netrc for go and git, masked, and restored by the post step. Pass them from secrets.',
    default: ''
  },
  'git-rewrite': {
    description:
      'Rewrite ssh://git@HOST/ and git@HOST: to https://HOST/ for credential hosts, scoped to this job ("auto": on when credentials are given).',
    default: 'auto'
  },
  cache: {
    description:
      'Restore the Go module cache in the main step and save it in the post step.',
    default: 'true'
  },
  'cache-mode': {
    description:
      '"download" caches GOMODCACHE/cache/download only; "full" caches the extracted module tree too.',
    default: 'download'
  },
  'cache-build': {
    description:
      'Also cache the build cache (GOCACHE), keyed by OS, architecture, Go version, job and day (falling back to earlier days and other jobs with the same toolchain).',
    default: 'false'
  },
  'cache-save': {
    description:
      '"auto" (save when the content changed), "never" (restore only) or "always".',
    default: 'auto'
  },
  'cache-lookup-timeout': {
    description:
      'Seconds finding a cache entry may take; a cache service that hangs costs at most this, then the job goes on without the cache.',
    default: '15'
  },
  'cache-key-prefix': {
    description: 'Prefix of the cache keys.',
    default: 'setup-goproxy'
  },
  download: {
    description:
      'Prefetch modules with "go mod download" through the chosen chain and report where each came from ("auto": when a go.mod is found).',
    default: 'auto'
  },
  'download-timeout': {
    description: 'Seconds the prefetch may take.',
    default: '600'
  },
  'download-concurrency': {
    description:
      'Files the prefetch fetches at once, ahead of go: exactly what go mod download will read, spread over the ranked mirrors, slow requests hedged, every file verified against go.sum before it goes into the module cache. It runs only when the probe says it beats go alone. 0: go alone on the exported chain.',
    default: '32'
  },
  'keep-proxy': {
    description:
      'Keep the local proxy running for the rest of the job (a detached process stopped by the post step) and export GOPROXY=http://127.0.0.1:PORT|<the ranked chain>, so every later go command gets the same spreading, hedging and timeouts, and go falls through to the chain if the proxy is gone. Private modules are never forwarded. The post step adds what it fetched to the job summary.',
    default: 'false'
  },
  'keep-proxy-idle-timeout': {
    description:
      'Seconds without a request after which the kept proxy exits by itself (it also exits after 6 hours), for jobs that never reach the post step.',
    default: '1800'
  },
  'fail-on-error': {
    description:
      'Fail the step when a module cannot be downloaded (otherwise warn).',
    default: 'true'
  },
  'merge-reports': {
    description:
      'Glob patterns (newline separated) of report JSON files from the legs of a matrix (downloaded artifacts). When set, the action only renders one cross-leg table into the job summary and exits; see docs/report.md.',
    default: ''
  },
  'expected-legs': {
    description:
      'With merge-reports: the legs whose reports should be there, as a count (3) or one leg name a line (the artifact directory names), so that the table names the legs whose report is missing.',
    default: ''
  },
  summary: {
    description: 'Write the job summary.',
    default: 'true'
  },
  'go-version': {
    description:
      'Go to install when the runner lacks it, as actions/setup-go spells it: 1.25, 1.25.x, 1.25.4, 1.25rc1, stable or oldstable. Taken from the runner tool cache, else from the fastest mirror as the golang.org/toolchain module, verified against the checksum database.',
    default: ''
  },
  'go-version-file': {
    description:
      'File naming the Go to install: go.mod or go.work (toolchain line, else go line), .go-version or .tool-versions. go-version wins when both are set.',
    default: ''
  }
}
