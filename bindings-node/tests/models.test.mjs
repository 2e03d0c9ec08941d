// Models: lossless JSON round trips (seed 002's user, seed 001's directory user), the naming rule,
// UserStatus as Duo spells it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { duo, Emulator, vector } from './helpers.mjs'

const seedUser = vector('seed-002-user.json').response
const seedDirectoryUser = vector('seed-001-directory-user.json')

test('seed 002 user: camelCase of Duo names, lossless toJSON/fromJSON', () => {
  const user = duo.User.fromJSON(JSON.stringify(seedUser))
  assert.equal(user.userId, seedUser.user_id)
  assert.equal(user.isEnrolled, seedUser.is_enrolled)
  assert.equal(user.lastDirectorySync, seedUser.last_directory_sync)
  assert.equal(user.firstname, seedUser.firstname)
  assert.equal(user.groups[0].groupId, seedUser.groups[0].group_id)
  assert.equal(user.phones[0].phoneId, seedUser.phones[0].phone_id)
  assert.equal(user.phones[0].type, seedUser.phones[0].type)
  assert.equal(user.webauthncredentials[0].webauthnkey, seedUser.webauthncredentials[0].webauthnkey)
  assert.equal(user.tokens[0].tokenId, seedUser.tokens[0].token_id)
  assert.deepEqual(JSON.parse(JSON.stringify(user)), seedUser)
  assert.deepEqual(duo.User.fromJSON(user.toJSON()).toJSON(), seedUser)
})

test('unknown members are kept', () => {
  const user = duo.User.fromJSON({ user_id: 'DU1', username: 'u', status: 'on holiday', future_field: { a: 1 } })
  assert.equal(user.status, 'on holiday')
  assert.deepEqual(user.extra, { future_field: { a: 1 } })
  assert.deepEqual(user.toJSON().future_field, { a: 1 })
})

test('seed 001 directory user: exactly the js table of seed 001', () => {
  const du = duo.DirectoryUser.fromJSON(JSON.stringify(seedDirectoryUser))
  const names = Object.getOwnPropertyNames(duo.DirectoryUser.prototype).filter((n) => !['constructor', 'toJSON', 'toString'].includes(n) && typeof n === 'string').sort()
  assert.deepEqual(names, ['createdAt', 'customAttributes', 'directoryId', 'email', 'firstName', 'groups', 'id', 'idpId', 'lastName', 'organizationId', 'role', 'state', 'updatedAt'])
  assert.equal(du.idpId, seedDirectoryUser.idp_id)
  assert.equal(du.firstName, 'Marcelina')
  assert.equal(du.state, 'active')
  assert.deepEqual(du.customAttributes, seedDirectoryUser.custom_attributes)
  assert.equal(du.groups[0].name, seedDirectoryUser.groups[0].name)
  assert.deepEqual(du.toJSON(), seedDirectoryUser)
})

test('UserStatus values as Duo spells them', () => {
  assert.deepEqual({ ...duo.UserStatus }, { Active: 'active', Bypass: 'bypass', Disabled: 'disabled', LockedOut: 'locked out', PendingDeletion: 'pending deletion' })
})

test('bad input: DecodeError naming the field, for text and objects', () => {
  for (const input of ['{"user_id":"DU1","username":"u"}', { user_id: 'DU1', username: 'u' }]) {
    assert.throws(() => duo.User.fromJSON(input), (e) => e instanceof duo.DecodeError && /status/.test(e.message))
  }
  assert.throws(() => duo.User.fromJSON('not json'), duo.DecodeError)
  assert.throws(() => duo.DirectoryUser.fromJSON({ ...seedDirectoryUser, custom_attributes: [] }), (e) => e instanceof duo.DecodeError && e.field === 'custom_attributes')
})

test('inspect and String show identity fields only', () => {
  const user = duo.User.fromJSON(seedUser)
  assert.equal(String(user), `User(user_id="${seedUser.user_id}", username="${seedUser.username}", status="${seedUser.status}")`)
  assert.equal(inspect(user), String(user))
})

test('a listed user decodes lazily: a malformed one throws on access, not while listing', async () => {
  const emu = new Emulator()
  try {
    emu.addUser({ user_id: 'DUAAAAAAAAAAAAAAAAA1', username: 'ok', status: 'active' })
    emu.addUser(duo.User.fromJSON(seedUser))
    const client = emu.client()
    const users = (await client.listUsers().nextPage())
    assert.equal(users.length, 2)
    assert.deepEqual(users[1].toJSON(), seedUser)
  } finally { emu.close() }
})

test('a listed user, the same user from getUser and from fromJSON read the same, getter by getter', async () => {
  const emu = new Emulator()
  try {
    const odd = { ...seedUser, user_id: 'DUBBBBBBBBBBBBBBBBB2', username: 'o"dd\\ n\u00e9e \u{1F600}', realname: null, notes: 'line\nbreak', is_enrolled: false, last_login: null }
    emu.addUser(duo.User.fromJSON(seedUser))
    emu.addUser(odd)
    const client = emu.client()
    const listed = await client.listUsers().nextPage()
    assert.equal(listed.length, 2)
    const getters = Object.getOwnPropertyNames(duo.User.prototype)
      .filter((name) => Object.getOwnPropertyDescriptor(duo.User.prototype, name).get)
    assert.ok(getters.length >= 25, `every field of index.d.ts is a getter (${getters})`)
    for (const [i, source] of [seedUser, odd].entries()) {
      const fetched = await client.getUser(source.user_id)
      const parsed = duo.User.fromJSON(source)
      for (const user of [listed[i], fetched, parsed]) {
        assert.ok(user instanceof duo.User)
        assert.deepEqual(Object.keys(user), [], 'no internal slot shows as a property')
      }
      for (const name of getters) {
        assert.deepEqual(listed[i][name], parsed[name], `${name} of a listed user`)
        assert.deepEqual(fetched[name], parsed[name], `${name} of getUser`)
      }
      assert.equal(listed[i].username, source.username)
      assert.deepEqual(JSON.parse(JSON.stringify(listed[i])), source)
      assert.equal(String(listed[i]), String(parsed))
      assert.equal(inspect(listed[i]), String(parsed))
    }
    // A User goes back into the addon as its native user.
    const copy = new Emulator()
    try {
      copy.addUser(listed[1])
      assert.deepEqual(copy.user(odd.user_id).toJSON(), odd)
      assert.ok(copy.users()[0] instanceof duo.User)
    } finally { copy.close() }
    client.close()
  } finally { emu.close() }
})
