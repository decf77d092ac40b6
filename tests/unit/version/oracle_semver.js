// Oracle for tests/unit/version/test_semver.c: node-semver itself (Debian's
// node-semver). Reads one JSON array [a, b] per line from argv[2], writes
// "VA VB CMP" per line to argv[3]: VA/VB 1 when new SemVer(x, true) parses,
// CMP = compare(a, b, true) or "x" when an operand is invalid.
'use strict'
const fs = require('fs')
// Debian installs node modules under /usr/share/nodejs, which a node not
// from Debian does not search: load the two modules used by path then (the
// package index also loads Range, which needs lru-cache from there too).
let semver
try {
  semver = require('semver')
} catch (e) {
  semver = {
    SemVer: require('/usr/share/nodejs/semver/classes/semver'),
    compare: require('/usr/share/nodejs/semver/functions/compare')
  }
}
const valid = (v) => {
  try {
    new semver.SemVer(v, true)
    return 1
  } catch (e) {
    return 0
  }
}
const out = []
for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line) continue
  const [a, b] = JSON.parse(line)
  const va = valid(a)
  const vb = valid(b)
  out.push(`${va} ${vb} ${va && vb ? semver.compare(a, b, true) : 'x'}`)
}
fs.writeFileSync(process.argv[3], out.join('\n') + '\n')
