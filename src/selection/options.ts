// What the probe and the chain are asked for, as plain data (read from the
// action's inputs by inputs/).
import type { ModuleVersion } from '../gomod/module-path.js'

export interface SelectionOptions {
  mirrors: string[]
  privateProxies: string[]
  maxMirrors: number
  directFallback: boolean
  fallbackOn: 'any-error' | 'not-found'
  /** GOPROXY holds only the private proxies (and direct). */
  privateStrict: boolean
  probeTimeoutMs: number
  probeModules: ModuleVersion[]
}
