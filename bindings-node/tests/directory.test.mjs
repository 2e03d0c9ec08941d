// The directory client against the emulator's directory API, and the whole webhook path: a
// directory change, a signed webhook received, verified and parsed, the user read back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { duo, Emulator, collect } from './helpers.mjs'

const KEY = 'DKTEST'

test('lists follow cursors, filters narrow, gets and errors', async () => {
  const emu = new Emulator({ directories: { [KEY]: 7 } })
  try {
    const c = emu.directoryClient({ maxRetries: 2 })
    const stored = emu.directoryUsers(KEY)
    const asc = await collect(c.listUsers({ directory: KEY, limit: 3, order: 'asc' }))
    assert.deepEqual(asc.map((u) => u.id), stored.map((u) => u.id))
    assert.deepEqual(asc.map((u) => u.toJSON()), stored.map((u) => u.toJSON()))
    const listing = c.listUsers({ directory: KEY, limit: 4 })
    const desc = await collect(listing)
    assert.deepEqual(desc.map((u) => u.id), stored.map((u) => u.id).reverse())
    assert.equal(listing.pagesFetched, 2)
    const target = stored[3]
    assert.deepEqual((await collect(c.listUsers({ directory: KEY, email: target.email }))).map((u) => u.id), [target.id])
    assert.deepEqual((await collect(c.listGroups({ user: target.id }))).map((g) => g.name), target.groups.map((g) => g.name))
    assert.equal((await c.getUser(target.id)).email, target.email)
    assert.equal((await c.getGroup(target.groups[0].id)).name, target.groups[0].name)
    const [directory] = await collect(c.listDirectories())
    assert.equal(directory.id, KEY)
    assert.equal((await c.getDirectory(KEY)).isActive, true)
    await assert.rejects(c.getUser('directory_user_missing'), (e) => e instanceof duo.NotFoundError && e.status === 404)
    const before = emu.requestCount
    assert.throws(() => c.listUsers({ email: 'a@example.com' }), (e) => e instanceof duo.InvalidInputError && e.field === 'email')
    assert.throws(() => c.listUsers({ limit: 101 }), (e) => e.field === 'limit')
    await assert.rejects(c.getUser('../admin'), (e) => e.field === 'user_id')
    assert.equal(emu.requestCount, before, 'nothing sent')
    emu.injectFault('rate_limited', 1)
    assert.equal((await c.getUser(target.id)).id, target.id)
    const wrong = new duo.DirectoryClient('sk_test_wrong', { host: emu.host, caCerts: emu.caCertPem, caPinning: true })
    await assert.rejects(wrong.getUser(target.id), (e) => e instanceof duo.AuthError && !e.message.includes('sk_test_wrong'))
    assert.ok(!String(wrong).includes('sk_test_wrong'))
    assert.throws(() => new duo.DirectoryClient('sk_test_1', { prefetch: 2 }), (e) => e.field === 'prefetch')
  } finally {
    emu.close()
  }
})

test('a directory change arrives as a signed webhook and reads back', async () => {
  const received = []
  let arrived
  const got = new Promise((resolve) => { arrived = resolve })
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push([Buffer.concat(chunks), req.headers['workos-signature']])
      res.end()
      arrived()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const emu = new Emulator({ directories: { [KEY]: 3 } })
  try {
    const c = emu.directoryClient()
    emu.setWebhook(`http://127.0.0.1:${server.address().port}/hook`, 'whsec_node')
    const user = emu.directoryUsers(KEY)[1].toJSON()
    user.first_name = 'Changed'
    emu.putDirectoryUser(KEY, user)
    await got
    const [body, signature] = received[0]
    assert.throws(() => duo.verifyWebhook(body, signature, 'whsec_wrong'), duo.WebhookVerificationError)
    const event = duo.verifyWebhook(body, signature, 'whsec_node')
    assert.equal(event.kind, 'user_updated')
    assert.notEqual(event.previousAttributes.first_name, 'Changed')
    const back = await c.getUser(event.user.id)
    assert.equal(back.firstName, 'Changed')
    // the emulator records the POST once it has the answer, after the receiver saw it
    for (let i = 0; i < 200 && emu.webhookDeliveries().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.deepEqual(emu.webhookDeliveries(), [[event.id, 200]])
    const events = c.listEvents()
    assert.deepEqual((await collect(events)).map((e) => e.id), [event.id])
    const cursor = events.resumeAfter
    emu.setWebhook(null)
    assert.ok(emu.removeDirectoryUser(KEY, back.email))
    const newer = await collect(c.listEvents({ after: cursor }))
    assert.deepEqual(newer.map((e) => [e.kind, e.user.id]), [['user_deleted', back.id]])
  } finally {
    emu.close()
    server.close()
  }
})
