// testing.Emulator: the same class Python users get.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { duo, Emulator } from './helpers.mjs'

test('starts on a free port with keys, CA, seeding and directories', async () => {
  const emu = new Emulator({ users: 3, seed: 7, directories: { DKGEN: 2 } })
  try {
    assert.match(emu.host, /^localhost:\d+$/)
    assert.equal(emu.port, Number(emu.host.split(':')[1]))
    assert.match(emu.ikey, /^DI[A-Z0-9]{18}$/)
    assert.equal(emu.skey.length, 40)
    assert.equal(emu.scheme, 'https')
    assert.match(emu.caCertPem, /BEGIN CERTIFICATE/)
    assert.ok(emu.caCertPath)
    assert.equal(emu.userCount, 3)
    emu.generateUsers(2, 9)
    assert.equal(emu.users().length, 5)
    assert.deepEqual(Emulator.generatedUsers(3, 7).map((u) => u.username), emu.users().slice(0, 3).map((u) => u.username))
    const members = Emulator.generatedDirectoryUsers('DKNEW', 1)
    emu.addDirectory('DKNEW', members)
    assert.equal(emu.removeDirectoryUser('DKNEW', 'nobody'), false)
    assert.equal(emu.running, true)
  } finally { emu.close() }
  assert.equal(emu.running, false)
  assert.throws(() => emu.host, (e) => e instanceof duo.InvalidInputError && e.field === 'emulator')
  emu.close()
})

test('plain HTTP and fixed keys', async () => {
  const emu = new Emulator({ tls: false, ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: 's'.repeat(40) })
  try {
    assert.equal(emu.scheme, 'http')
    assert.equal(emu.caCertPem, null)
    const client = new duo.Client(emu.ikey, emu.skey, emu.host, { scheme: 'http' })
    assert.equal(await client.getUserByUsername('none'), null)
  } finally { emu.close() }
})

test('fault injection, retries and the request record', async () => {
  const emu = new Emulator({ users: 1 })
  try {
    const client = emu.client({ retryBase: 0.01, retryJitter: 0 })
    emu.injectFault('server_error', 1, { status: 503 })
    const [user] = emu.users()
    assert.equal((await client.getUser(user.userId)).userId, user.userId)
    assert.deepEqual(emu.requests().map((r) => r.status), [503, 200])
    assert.equal(emu.requests()[0].method, 'GET')
    assert.equal(emu.requestCount, 2)
    emu.clearRequests()
    assert.equal(emu.requests().length, 0)
    assert.throws(() => emu.injectFault('earthquake'), (e) => e instanceof duo.InvalidInputError)
    emu.injectFault('delay', 5, { delay: 0.01 })
    emu.clearFaults()
    emu.setRateLimit(null)
  } finally { emu.close() }
})

test("Duo's rate limits, latency and time scale", async () => {
  const emu = new Emulator({ users: 1, rateLimits: { pagesPerMinute: 1, readsPerMinute: 1, writesPerMinute: 1 }, latency: 0.01, timeScale: 60, rateWindow: 'fixed' })
  try {
    const client = emu.client({ retryMode: 'standard', maxRetries: 0 })
    const [user] = emu.users()
    assert.equal((await client.getUser(user.userId)).userId, user.userId)
    await assert.rejects(client.getUser(user.userId), (e) => e instanceof duo.RateLimitedError)
  } finally { emu.close() }
  new Emulator({ rateLimits: 'duo' }).close()
  assert.throws(() => new Emulator({ rateWindow: 'weekly' }), (e) => e instanceof duo.InvalidInputError && e.field === 'rate_window')
})

test('bad options are refused naming them', () => {
  assert.throws(() => new Emulator({ users: -1 }), (e) => e instanceof duo.InvalidInputError && e.field === 'users')
  assert.throws(() => new Emulator({ colour: 1 }), (e) => e instanceof duo.InvalidInputError)
})
