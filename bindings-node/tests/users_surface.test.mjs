// Batch lookups, enrollment, groups, phones, tokens, authenticators and bypass codes, with their
// previews and errors, against the in-process emulator (one small emulator per test).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { duo, Emulator, collect } from './helpers.mjs'

const NO_USER = 'DUNOSUCHUSER00000000'

async function withClient (fn) {
  const emu = new Emulator({ tls: false })
  const client = emu.client()
  try { await fn(client, emu) } finally { client.close(); emu.close() }
}

async function make (client, path, params) {
  const made = await client.call('POST', path, params)
  return made.group_id ?? made.phone_id ?? made.token_id
}

const rejects = (promise) => promise.then(() => assert.fail('resolved'), (e) => e)

test('getUsersByUsernames / getUsersByIds: input order, null for missing, chunks of 100', () => withClient(async (client, emu) => {
  const anna = await client.createUser('anna', { alias1: 'ann' })
  const bob = await client.createUser('bob')
  const found = await client.getUsersByUsernames(['bob', 'nobody', 'ANN'])
  assert.deepEqual(found.map((u) => u && u.username), ['bob', null, 'anna'])
  assert.ok(found[0] instanceof duo.User)
  const byId = await client.getUsersByIds([anna.userId, NO_USER, bob.userId])
  assert.deepEqual(byId.map((u) => u && u.userId), [anna.userId, null, bob.userId])
  emu.generateUsers(120, 5)
  const ids = emu.users().map((u) => u.userId)
  emu.clearRequests()
  assert.deepEqual((await client.getUsersByIds(ids)).map((u) => u.userId), ids)
  assert.equal(emu.requests().length, 2)
  emu.clearRequests()
  let e = await rejects(client.getUsersByUsernames('bob'))
  assert.ok(e instanceof duo.InvalidInputError)
  assert.equal(e.field, 'usernames')
  e = await rejects(client.getUsersByIds(['DU1', '..']))
  assert.equal(e.field, 'user_ids[1]')
  assert.equal(emu.requests().length, 0)
}))

test('enrollUser: creates the user; a taken name is a 40002; bad input sends nothing', () => withClient(async (client, emu) => {
  const preview = client.preview.enrollUser('enrollee', 'e@example.com', { validSecs: 60 })
  assert.deepEqual([preview.method, preview.path, preview.params.valid_secs], ['POST', '/admin/v1/users/enroll', '60'])
  assert.equal(emu.requestCount, 0)
  assert.equal(await client.enrollUser('enrollee', 'e@example.com', { validSecs: 60 }), undefined)
  assert.equal((await client.getUserByUsername('enrollee')).email, 'e@example.com')
  let e = await rejects(client.enrollUser('enrollee', 'other@example.com'))
  assert.deepEqual([e.name, e.status, e.duoCode, e.messageDetail], ['DuoApiError', 400, 40002, 'username'])
  const before = emu.requestCount
  e = await rejects(client.enrollUser('x', 'not an email'))
  assert.equal(e.field, 'email')
  e = await rejects(client.enrollUser('x', 'x@example.com', { validSecs: -1 }))
  assert.equal(e.field, 'validSecs')
  e = await rejects(client.enrollUser('x', 'x@example.com', { validity: 1 }))
  assert.ok(e instanceof duo.InvalidInputError)
  assert.equal(emu.requestCount, before)
}))

test('groups: a user\'s groups (for await), add, remove; listGroups, getGroup; errors', () => withClient(async (client, emu) => {
  const user = await client.createUser('grouped')
  const groups = []
  for (const name of ['alpha', 'beta', 'gamma']) groups.push(await make(client, '/admin/v1/groups', { name, desc: 'd' }))
  await client.addUserGroup(user.userId, groups[0])
  await client.addUserGroup(user.userId, groups[2])
  const listing = client.listUserGroups(user.userId, { pageSize: 1 })
  assert.ok(listing instanceof duo.GroupIterator)
  const mine = await collect(listing)
  assert.deepEqual(mine.map((g) => g.groupId), [groups[0], groups[2]])
  assert.equal(listing.pagesFetched, 2)
  assert.equal(mine[0].name, 'alpha')
  assert.deepEqual((await collect(client.listGroups({ pageSize: 2 }))).map((g) => g.groupId), groups)
  const beta = await client.getGroup(groups[1])
  assert.deepEqual([beta.name, beta.desc, beta.status, beta.pushEnabled], ['beta', 'd', 'Active', false])
  assert.deepEqual((await client.getUser(user.userId)).groups.map((g) => g.groupId), [groups[0], groups[2]])
  await client.removeUserGroup(user.userId, groups[0])
  assert.deepEqual((await collect(client.listUserGroups(user.userId))).map((g) => g.groupId), [groups[2]])

  let e = await rejects(client.addUserGroup(user.userId, 'DGNOSUCHGROUP0000000'))
  assert.deepEqual([e.status, e.duoCode, e.messageDetail], [400, 40002, 'group_id'])
  e = await rejects(client.removeUserGroup(user.userId, 'DGNOSUCHGROUP0000000'))
  assert.ok(e instanceof duo.NotFoundError)
  assert.equal(e.duoCode, 40401)
  assert.ok((await rejects(client.getGroup('DGNOSUCHGROUP0000000'))) instanceof duo.NotFoundError)
  assert.ok((await rejects(collect(client.listUserGroups(NO_USER)))) instanceof duo.NotFoundError)
  const before = emu.requestCount
  e = await rejects(client.addUserGroup(user.userId, 'DG/1'))
  assert.equal(e.field, 'group_id')
  assert.throws(() => client.listGroups({ pageSize: 101 }), (x) => x.field === 'page_size')
  const preview = client.preview.addUserGroup(user.userId, groups[1])
  assert.deepEqual([preview.method, preview.path, preview.params.group_id], ['POST', `/admin/v1/users/${user.userId}/groups`, groups[1]])
  assert.equal(client.preview.removeUserGroup(user.userId, groups[1]).method, 'DELETE')
  assert.equal(emu.requestCount, before)
}))

test('phones, tokens, U2F tokens and WebAuthn credentials', () => withClient(async (client, emu) => {
  const user = await client.createUser('devices')
  const phone = await make(client, '/admin/v1/phones', { number: '+15555550100', type: 'mobile' })
  const token = await make(client, '/admin/v1/tokens', { type: 'h6', serial: '0001' })
  await client.addUserPhone(user.userId, phone)
  await client.addUserToken(user.userId, token)
  const phones = await client.listUserPhones(user.userId)
  assert.deepEqual(phones.map((p) => [p.phoneId, p.number, p.type]), [[phone, '+15555550100', 'Mobile']])
  const tokens = await client.listUserTokens(user.userId)
  assert.deepEqual(tokens.map((t) => [t.tokenId, t.serial]), [[token, '0001']])
  assert.ok(client.preview.removeUserPhone(user.userId, phone).path.endsWith(`/phones/${phone}`))
  assert.equal(client.preview.addUserToken(user.userId, token).params.token_id, token)
  await client.removeUserPhone(user.userId, phone)
  await client.removeUserToken(user.userId, token)
  assert.deepEqual(await client.listUserPhones(user.userId), [])
  assert.deepEqual(await client.listUserTokens(user.userId), [])
  assert.equal((await rejects(client.addUserPhone(user.userId, 'DPNOSUCHPHONE0000000'))).messageDetail, 'phone_id')
  assert.ok((await rejects(client.removeUserToken(user.userId, 'DHNOSUCHTOKEN0000000'))) instanceof duo.NotFoundError)
  emu.addUser({
    user_id: 'DUKEYS00000000000000',
    username: 'keys',
    status: 'active',
    u2ftokens: [{ registration_id: 'D2X', date_added: 1 }],
    webauthncredentials: [{ webauthnkey: 'WA1', label: 'Security Key', aaguid: 'x' }]
  })
  assert.deepEqual((await client.listUserU2FTokens('DUKEYS00000000000000')).map((t) => t.registrationId), ['D2X'])
  const creds = await client.listUserWebauthnCredentials('DUKEYS00000000000000')
  assert.deepEqual([creds[0].webauthnkey, creds[0].extra], ['WA1', { aaguid: 'x' }])
  assert.ok((await rejects(client.listUserU2FTokens(NO_USER))) instanceof duo.NotFoundError)
}))

test('desktop authenticators: every page, camelCase fields, unknown members kept', () => withClient(async (client, emu) => {
  // The emulator keeps a seeded user's `desktopauthenticators` aside (Duo's user has none).
  const seeded = Array.from({ length: 120 }, (_, i) => ({ daid: `DDA${i}`, dakey: `K${i}`, device_name: `laptop-${i}`, os_family: 'Windows', duo_desktop_version: '7.2', user: { user_id: 'DUDESK00000000000000' }, future: i }))
  emu.addUser({ user_id: 'DUDESK00000000000000', username: 'desk', status: 'active', desktopauthenticators: seeded })
  const found = await client.listUserDesktopAuthenticators('DUDESK00000000000000')
  assert.equal(found.length, 120, 'two pages')
  assert.deepEqual(found[7], { daid: 'DDA7', dakey: 'K7', deviceName: 'laptop-7', duoDesktopVersion: '7.2', osFamily: 'Windows', user: { user_id: 'DUDESK00000000000000' }, extra: { future: 7 } })
  assert.ok((await rejects(client.listUserDesktopAuthenticators(NO_USER))) instanceof duo.NotFoundError)
  assert.ok((await rejects(client.listUserDesktopAuthenticators(''))) instanceof duo.InvalidInputError)
}))

test('bypass codes: returned only as the value; listing, previews and errors never show them', () => withClient(async (client, emu) => {
  const user = await client.createUser('bypassed')
  const codes = await client.createUserBypassCodes(user.userId, { count: 3, validSecs: 600, reuseCount: 2 })
  assert.equal(codes.length, 3)
  assert.ok(codes.every((c) => /^\d{9}$/.test(c)))
  const listed = await client.listUserBypassCodes(user.userId)
  assert.equal(listed.length, 3)
  assert.equal(listed[0].reuseCount, 2)
  assert.ok(listed[0].expiration > listed[0].created)
  assert.equal(listed[0].extra.user.user_id, user.userId)
  assert.ok(!codes.some((c) => JSON.stringify(listed).includes(c) || inspect(listed).includes(c)))
  const preview = client.preview.createUserBypassCodes(user.userId, { codes: ['123456789'], preserveExisting: true })
  assert.equal(preview.params.codes, '***')
  assert.ok(!JSON.stringify(preview).includes('123456789') && !String(preview).includes('123456789'))
  assert.deepEqual(await client.createUserBypassCodes(user.userId, { codes: ['123456789'], preserveExisting: true }), ['123456789'])
  assert.equal((await client.listUserBypassCodes(user.userId)).length, 4)
  const before = emu.requestCount
  for (const [options, field] of [[{ count: 11 }, 'count'], [{ count: 1, codes: ['1'] }, 'codes'], [{ codes: ['12a456'] }, 'codes[0]'], [{ reuseCount: -1 }, 'reuseCount']]) {
    const e = await rejects(client.createUserBypassCodes(user.userId, options))
    assert.ok(e instanceof duo.InvalidInputError, String(e))
    assert.equal(e.field, field)
    assert.ok(!String(e.message).includes('12a456'))
  }
  assert.equal(emu.requestCount, before)
  assert.ok((await rejects(client.createUserBypassCodes(NO_USER, { count: 1 }))) instanceof duo.NotFoundError)
}))
