import { runMainStep } from './steps/main-step.js'
import { runStep } from './steps/run-step.js'

runStep(runMainStep)
