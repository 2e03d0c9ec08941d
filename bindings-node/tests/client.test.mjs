// Every operation of Client against the in-process emulator, the listing's laziness, previews.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { duo, Emulator, collect } from './helpers.mjs'

let emu
let client
before(() => {
  emu = new Emulator({
    users: 250,
    directories: { DKTEST: [{ id: 'directory_user_01', idp_id: '2836', directory_id: 'directory_01', first_name: 'Marcelina', last_name: 'Davis', email: 'marcelina.davis@example.com', state: 'active', custom_attributes: {}, created_at: '2021-06-25T19:07:33.155Z', updated_at: '2021-06-25T19:07:33.155Z' }] }
  })
  client = emu.client()
})
after(() => { client.close(); emu.close() })

test('listUsers: for await over every user, pages on demand', async () => {
  const listing = client.listUsers({ pageSize: 100 })
  assert.equal(listing.pagesFetched, 0)
  const users = await collect(listing)
  assert.equal(users.length, 250)
  assert.equal(new Set(users.map((u) => u.userId)).size, 250)
  assert.equal(listing.pagesFetched, 3)
  assert.ok(users[0] instanceof duo.User)
})

test('listUsers: pages are fetched only as consumed, and break stops fetching', async () => {
  const onDemand = emu.client({ prefetch: 0 })
  const listing = onDemand.listUsers({ pageSize: 50 })
  emu.clearRequests()
  let seen = 0
  for await (const user of listing) {
    assert.equal(typeof user.username, 'string')
    seen += 1
    assert.equal(listing.pagesFetched, Math.ceil(seen / 50))
    if (seen === 120) break
  }
  assert.equal(listing.pagesFetched, 3)
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(emu.requests().length, 3)
  assert.equal(await listing.nextPage(), null, 'a stopped listing fetches nothing more')
  assert.equal(emu.requests().length, 3)
})

test('listUsers: the default prefetch reads at most one page ahead, and break ends it', async () => {
  const listing = client.listUsers({ pageSize: 50 })
  emu.clearRequests()
  let seen = 0
  for await (const user of listing) {
    assert.ok(user.userId)
    seen += 1
    assert.ok(listing.pagesFetched <= Math.ceil(seen / 50) + 1, `${listing.pagesFetched} pages for ${seen} users`)
    if (seen === 60) break
  }
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.ok(emu.requests().length <= 3, `${emu.requests().length} requests`)
})

test('options from the pacing work: retryMode, prefetch, per-minute ceilings', () => {
  emu.client({ retryMode: 'standard', prefetch: 2, pagesPerMinute: 100, readsPerMinute: 100, writesPerMinute: 100 }).close()
  assert.throws(() => emu.client({ retryMode: 'fast' }), (e) => e instanceof duo.InvalidInputError && e.field === 'retry_mode')
  assert.throws(() => emu.client({ prefetch: 99 }), (e) => e instanceof duo.InvalidInputError && e.field === 'prefetch')
})

test('listUsers: a bad page size is an InvalidInputError', () => {
  assert.throws(() => client.listUsers({ pageSize: 301 }), (e) => e instanceof duo.InvalidInputError && e.field === 'page_size')
})

test('getUser, getUserByUsername, getUsersByEmail', async () => {
  const [first] = emu.users()
  const user = await client.getUser(first.userId)
  assert.equal(user.username, first.username)
  assert.deepEqual(user.toJSON(), first.toJSON())
  assert.equal((await client.getUserByUsername(first.username)).userId, first.userId)
  assert.equal(await client.getUserByUsername('nobody-at-all'), null)
  const byEmail = await client.getUsersByEmail(first.email)
  assert.ok(byEmail.some((u) => u.userId === first.userId))
  await assert.rejects(client.getUser('DUNOSUCHUSER00000000'), (e) => e instanceof duo.NotFoundError && e.status === 404 && e.duoCode === 40401)
})

test('createUser, updateUser, deleteUser', async () => {
  const created = await client.createUser('node.user', { realname: "Zoë O'Neil", email: 'node.user@example.com', status: duo.UserStatus.Bypass, alias1: 'nu' })
  assert.equal(created.username, 'node.user')
  assert.equal(created.status, 'bypass')
  assert.deepEqual(created.aliases, { alias1: 'nu' })
  const updated = await client.updateUser(created.userId, { status: 'disabled', alias1: '', notes: 'via node', realname: null })
  assert.equal(updated.status, duo.UserStatus.Disabled)
  assert.equal(updated.alias1, null)
  assert.equal(updated.notes, 'via node')
  assert.equal(updated.realname, "Zoë O'Neil")
  await client.deleteUser(created.userId)
  assert.equal(emu.user(created.userId), null)
  await assert.rejects(client.createUser('x', { colour: 'red' }), (e) => e instanceof duo.InvalidInputError && e.field === 'colour')
  await assert.rejects(client.updateUser(created.userId, { status: 'asleep' }), (e) => e instanceof duo.InvalidInputError && e.field === 'status')
})

test('syncUserFromDirectory', async () => {
  const synced = await client.syncUserFromDirectory('DKTEST', 'marcelina.davis')
  assert.equal(synced.realname, 'Marcelina Davis')
  assert.ok(synced.lastDirectorySync > 0)
  await assert.rejects(client.syncUserFromDirectory('DKNOPE', 'marcelina.davis'), duo.NotFoundError)
})

test('call: any endpoint, signed the same way', async () => {
  const page = await client.call('GET', '/admin/v1/users', { limit: '2', offset: '0' })
  assert.equal(page.length, 2)
  assert.equal(typeof page[0].user_id, 'string')
})

test('preview: the exact request, nothing sent', () => {
  emu.clearRequests()
  const request = client.preview.updateUser('DU3RP9I2WOC59VZX672N', { status: 'disabled', alias2: '' })
  assert.ok(request instanceof duo.PreparedRequest)
  assert.equal(request.method, 'POST')
  assert.equal(request.path, '/admin/v1/users/DU3RP9I2WOC59VZX672N')
  assert.deepEqual(request.params, { status: 'disabled', alias2: '' })
  assert.equal(request.body, '{"alias2":"","status":"disabled"}')
  assert.equal(request.headers.Host, emu.host)
  assert.ok(!('Authorization' in request.headers))
  assert.equal(client.preview.deleteUser('DU1').method, 'DELETE')
  assert.equal(client.preview.createUser('jsmith').path, '/admin/v1/users')
  assert.equal(client.preview.syncUserFromDirectory('DKTEST', 'a').path, '/admin/v1/users/directorysync/DKTEST/syncuser')
  assert.equal(client.preview.call('GET', '/admin/v1/users', { limit: '1' }).target, '/admin/v1/users?limit=1')
  const back = duo.PreparedRequest.fromJSON(JSON.stringify(request))
  assert.deepEqual(back.toJSON(), request.toJSON())
  assert.throws(() => client.preview.deleteUser('..'), (e) => e instanceof duo.InvalidInputError && e.field === 'user_id')
  assert.equal(emu.requests().length, 0)
})

test('options: forwarded to core, bad ones rejected naming the option', () => {
  const c = emu.client({ timeout: 2.5, maxRetries: 0, deadline: 10, sigVersion: 2, digest: 'sha1', userAgent: 'test/1' })
  assert.match(c.preview.deleteUser('DU1').headers['User-Agent'], /^test\/1 /)
  c.close()
  for (const [options, field] of [[{ timeout: -1 }, 'timeout'], [{ maxRetries: 1.5 }, 'maxRetries'], [{ colour: 1 }, 'colour'], [{ scheme: 'ftp' }, 'scheme'], [{ sigVersion: 4 }, 'sig_version']]) {
    assert.throws(() => new duo.Client(emu.ikey, emu.skey, emu.host, options), (e) => e instanceof duo.InvalidInputError && e.field === field, JSON.stringify(options))
  }
  assert.throws(() => new duo.Client(emu.ikey, emu.skey, emu.host, { caCerts: '/no/such/file.pem' }), (e) => e.field === 'ca_certs')
})

test('caCerts as PEM text or path, with pinning', async () => {
  for (const caCerts of [emu.caCertPem, emu.caCertPath]) {
    const c = new duo.Client(emu.ikey, emu.skey, emu.host, { caCerts, caPinning: true })
    assert.equal((await c.getUserByUsername(emu.users()[0].username)).userId, emu.users()[0].userId)
    c.close()
  }
  const untrusted = new duo.Client(emu.ikey, emu.skey, emu.host, { maxRetries: 0 })
  await assert.rejects(untrusted.getUser('DU1'), (e) => e instanceof duo.TransportError && e.sent === false)
})

test('close, and await using', async () => {
  const c = emu.client()
  assert.equal(c.closed, false)
  c.close()
  assert.equal(c.closed, true)
  await assert.rejects(c.getUser('DU1'), (e) => e instanceof duo.InvalidInputError && e.field === 'client')
  if (Symbol.asyncDispose) {
    const d = emu.client()
    await d[Symbol.asyncDispose]()
    assert.equal(d.closed, true)
  }
})

test('arguments of the wrong type reject with InvalidInputError naming them', async () => {
  await assert.rejects(client.getUser(42), (e) => e instanceof duo.InvalidInputError && e.field === 'user_id')
  await assert.rejects(client.createUser('a', { realname: 5 }), (e) => e.field === 'realname')
})
