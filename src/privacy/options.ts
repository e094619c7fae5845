// The private-module settings as plain data (read from the action's inputs
// and the job's environment by inputs/).
import type { Credential } from './credentials.js'
import type { PrivatePatterns } from './patterns.js'
import type { SumdbSetting } from '../sumdb/options.js'

export interface PrivacyOptions extends PrivatePatterns {
  /** GOPRIVATE: the `private` input together with what the job already has. */
  private: string[]
  /** GONOPROXY: `no-proxy` together with the job's; may hold `none`. */
  noProxy: string[]
  /** GONOSUMDB: `no-sumdb` together with the job's. */
  noSumdb: string[]
  /** GOINSECURE: `insecure` together with the job's. */
  insecure: string[]
  /** Which of noProxy/noSumdb/insecure come from the job alone (no input). */
  fromJob: { noProxy: boolean; noSumdb: boolean; insecure: boolean }
  sumdb: SumdbSetting
  credentials: Credential[]
  gitRewrite: boolean
}
