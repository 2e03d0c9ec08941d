// The official @workos-inc/node package, unmodified: every case of
// tests/vectors/workos-webhooks.json through `webhooks.verifyHeader` (raw string payload,
// Date.now patched to the case's clock). Its verdict must be the one recorded where one is, and
// where it agrees with the official Python package's recorded verdict, this library's verdict
// (`ours`, asserted by every binding's suite) must agree too.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { WorkOS } from '@workos-inc/node'

const file = JSON.parse(readFileSync(new URL('../../../tests/vectors/workos-webhooks.json', import.meta.url), 'utf8'))
const byName = Object.fromEntries(file.vectors.map((v) => [v.name, v]))
const workos = new WorkOS('sk_test_vectors')

async function nodeVerdict (c) {
  const v = byName[c.vector]
  const pick = (key) => (key in c ? c[key] : v[key])
  const realNow = Date.now
  Date.now = () => c.now_ms
  try {
    await workos.webhooks.verifyHeader({ payload: pick('payload'), sigHeader: pick('header'), secret: pick('secret') })
    return 'pass'
  } catch {
    return 'fail'
  } finally {
    Date.now = realNow
  }
}

for (const c of file.cases) {
  test(c.case, async () => {
    const got = await nodeVerdict(c)
    const recorded = c.expect.node_11_raw_string
    if (recorded !== undefined) assert.equal(got, recorded, 'the recorded Node verdict')
    const python = c.expect.python_10_8.split(':')[0]
    if (python === got) assert.equal(c.ours.split(':')[0], got, `both official SDKs say ${got}`)
  })
}
