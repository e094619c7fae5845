// Builds the pinned nektos/act from the Go module proxy once, for the test
// that runs real workflows; later runs reuse the binary.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const ACT_VERSION = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8')
).config.actVersion
const bin = join(homedir(), '.cache', 'setup-goproxy', `act-${ACT_VERSION}`)
const act = join(bin, 'act')

if (process.env.SETUP_GOPROXY_ACT || existsSync(act)) process.exit(0)
console.log(`Building nektos/act ${ACT_VERSION} into ${bin} (once)…`)
try {
  execFileSync('go', ['install', `github.com/nektos/act@${ACT_VERSION}`], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GOBIN: bin,
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0'
    }
  })
} catch {
  console.warn(
    `Could not build nektos/act ${ACT_VERSION}: the workflow test will fail until it is built (needs the Go module proxy).`
  )
}
