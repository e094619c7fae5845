import { runPostStep } from './steps/post-step.js'
import { runStep } from './steps/run-step.js'

runStep(runPostStep)
