import * as core from '@actions/core'

core.info('setup-goproxy: post')
