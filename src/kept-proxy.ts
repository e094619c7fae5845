import { runKeptProxy } from './download/proxy/detached.js'
import { KEPT_PROXY_ENV } from './download/proxy/kept-config.js'
import { runStep } from './steps/run-step.js'

runStep(() => runKeptProxy(process.env[KEPT_PROXY_ENV] ?? ''))
