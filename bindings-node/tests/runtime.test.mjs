// The runtime boundary (docs/runtime-boundary.md): exits with requests in flight, in fresh
// processes, many times; a storm of concurrent calls; the JS thread stays free during I/O.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { duo, Emulator } from './helpers.mjs'

const index = fileURLToPath(new URL('../index.js', import.meta.url))
const testing = fileURLToPath(new URL('../testing.js', import.meta.url))

const SCRIPTS = {
  'exit with requests in flight': `
    const { Emulator } = require(${JSON.stringify(testing)})
    const emu = new Emulator({ users: 300 })
    const client = emu.client()
    emu.injectFault('delay', 20, { delay: 0.05 })
    for (let i = 0; i < 20; i++) client.getUserByUsername('u' + i).catch(() => {})
    client.listUsers().nextPage().catch(() => {})
    setTimeout(() => process.exit(0), Math.random() * 30)`,
  'natural exit after a listing': `
    const { Emulator } = require(${JSON.stringify(testing)})
    const emu = new Emulator({ users: 300 })
    ;(async () => { let n = 0; for await (const u of emu.client().listUsers()) n += u.username.length; emu.close() })()`,
  'exit while a call waits on a throttled server': `
    require(${JSON.stringify(index)})
    const { Emulator } = require(${JSON.stringify(testing)})
    const emu = new Emulator({ users: 1 })
    emu.injectFault('rate_limited', 50, { retryAfter: 1 })
    emu.client().getUser(emu.users()[0].userId).catch(() => {})
    setTimeout(() => process.exit(0), 20)`
}

for (const [name, script] of Object.entries(SCRIPTS)) {
  test(`${name}: 20 fresh processes exit cleanly`, () => {
    for (let i = 0; i < 20; i++) {
      const env = { ...process.env, RUST_BACKTRACE: i % 2 ? '1' : '0' }
      const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 20000 })
      assert.equal(run.status, 0, `run ${i}: status ${run.status} signal ${run.signal}\n${run.stderr}`)
      assert.ok(!/panic|FATAL|Segmentation/i.test(run.stderr), run.stderr)
    }
  })
}

test('500 concurrent calls all succeed; the JS thread is free while they wait', async () => {
  const emu = new Emulator({ users: 50 })
  try {
    const client = emu.client()
    const users = emu.users()
    let ticks = 0
    const timer = setInterval(() => { ticks += 1 }, 1)
    emu.injectFault('delay', 1, { delay: 0.2 })
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => client.getUser(users[i % 50].userId)))
    clearInterval(timer)
    assert.equal(results.length, 500)
    assert.ok(results.every((u, i) => u.userId === users[i % 50].userId))
    assert.ok(ticks > 20, `the event loop ran ${ticks} times while waiting`)
  } finally { emu.close() }
})

test('nothing is sent until a page is asked for', async () => {
  const emu = new Emulator({ users: 10 })
  try {
    const listing = emu.client().listUsers()
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal(emu.requestCount, 0)
    assert.equal((await listing.nextPage()).length, 10)
    assert.equal(await listing.nextPage(), null)
    assert.equal(emu.requestCount, 1)
  } finally { emu.close() }
})

test('duo is importable as CommonJS too', () => {
  const run = spawnSync(process.execPath, ['-e', `const d = require(${JSON.stringify(index)}); process.stdout.write(typeof d.Client + ' ' + d.VERSION)`], { encoding: 'utf8' })
  assert.equal(run.stdout, `function ${duo.VERSION}`)
})
