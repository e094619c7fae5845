#!/usr/bin/env node
import { runCli } from './cli/run.js'

// Exit when done: a pending keep-alive socket must not hold the shell.
runCli(process.argv.slice(2)).then((code) => process.exit(code))
