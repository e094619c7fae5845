// go-version resolved as actions/setup-go resolves it, over one version set.
// setup-go's answers come from its code: actions/setup-go v7.0.0 (fba3fb4),
// src/installer.ts `getGo` with no custom download URL, check-latest off and
// an empty tool cache: `tc.findFromManifest(spec, stable = true)` over the
// manifest, then `findMatch` over go.dev's list (`makeSemver`, then
// `semver.satisfies`), newest first; `stable` / `oldstable` from
// `resolveStableVersionInput`. That code was replayed with semver 7 on the
// versions below; `null` is its "Unable to find Go version".
import { describe, expect, it } from '@jest/globals'
import {
  parseGoVersionSpec,
  resolveGoVersion
} from '../../../src/toolchain/version-spec.js'

const AVAILABLE = [
  '1.24.9',
  '1.24.10',
  '1.25rc1',
  '1.25rc2',
  '1.25.0',
  '1.25.4',
  '1.26rc1'
]

// [input, setup-go's answer, this action's answer]
const TABLE: [string, string | null, string | null][] = [
  ['^1.25', '1.25.4', '1.25.4'],
  ['~1.24.3', '1.24.10', '1.24.10'],
  ['>=1.24 <1.26', '1.25.4', '1.25.4'],
  ['1', '1.25.4', '1.25.4'],
  ['1.x', '1.25.4', '1.25.4'],
  ['*', '1.25.4', '1.25.4'],
  ['v1.25', '1.25.4', '1.25.4'],
  ['v1.25.4', '1.25.4', '1.25.4'],
  ['1.25.0-rc.1', '1.25rc1', '1.25rc1'],
  ['1.25.0-rc.2', '1.25rc2', '1.25rc2'],
  ['1.26.0-rc.1', '1.26rc1', '1.26rc1'],
  // A pre-release matches only a range naming one of the same x.y.z, and
  // any release that matches comes first.
  ['>=1.25.0-rc.1', '1.25.4', '1.25.4'],
  ['>=1.26.0-rc.1', '1.26rc1', '1.26rc1'],
  ['^1.26', null, null],
  ['1.27', null, null],
  ['stable', '1.25.4', '1.25.4'],
  ['oldstable', '1.24.10', '1.24.10'],
  ['1.25', '1.25.4', '1.25.4'],
  ['1.25.x', '1.25.4', '1.25.4'],
  ['1.24', '1.24.10', '1.24.10'],
  ['1.25.4', '1.25.4', '1.25.4'],
  // This action's own spellings, which setup-go's default path refuses.
  ['1.25rc1', null, '1.25rc1'],
  ['go1.25.0', null, '1.25.0']
]

describe('go-version against setup-go', () => {
  it.each(TABLE)('%j: setup-go %j, this action %j', (input, _setupGo, want) => {
    expect(
      resolveGoVersion(parseGoVersionSpec('go-version', input), AVAILABLE) ??
        null
    ).toBe(want)
  })

  it('differs only on the spellings setup-go refuses', () => {
    const differ = TABLE.filter(
      ([input, setupGo]) =>
        (resolveGoVersion(parseGoVersionSpec('go-version', input), AVAILABLE) ??
          null) !== setupGo
    )
    expect(differ.map(([input]) => input)).toEqual(['1.25rc1', 'go1.25.0'])
  })
})
