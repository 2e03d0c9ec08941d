// Bulk calls and reconcile from Node: plan (pure) and its JSON round trip, apply against the
// emulator with a 503 and a dropped connection, a re-run that converges, bad input refused.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { duo, Emulator } from './helpers.mjs'

const dirUser = (i, lastName = 'Lee', state = 'active') => duo.DirectoryUser.fromJSON({
  id: `directory_user_${i}`, idp_id: `${i}`, directory_id: 'directory_js', email: `js${i}@example.com`,
  first_name: `Js${i}`, last_name: lastName, state, created_at: '', updated_at: ''
})

const rejects = (promise) => promise.then(() => assert.fail('resolved'), (e) => e)
const okWrites = (emu) => emu.requests().filter((r) => r.method !== 'GET' && r.status === 200)

test('plan is pure, names every change, and round-trips through JSON', () => {
  const p = duo.plan([dirUser(1), dirUser(2, 'Lee', 'inactive')], [], { username_from: 'email_local_part' })
  assert.deepEqual(p.entries.map((e) => [e.action, e.username]), [['create', 'js1'], ['unchanged', 'js2']])
  const realname = p.entries[0].changes.find((c) => c.field === 'realname')
  assert.equal(realname.after, 'Js1 Lee')
  assert.equal(realname.before, undefined)
  assert.equal(p.summary.create, 1)
  assert.equal(p.changes, 1)
  const again = duo.Plan.fromJSON(JSON.stringify(p))
  assert.deepEqual(again.toJSON(), p.toJSON())
  assert.equal(again.mapping.username_from, 'email_local_part')
  assert.throws(() => duo.plan([dirUser(1)], [], { inactive: 'explode' }), (e) => e instanceof duo.InvalidInputError && e.field === 'mapping')
  assert.throws(() => duo.Plan.fromJSON('{"version": 9}'), duo.InvalidInputError)
  const inDuo = duo.User.fromJSON({ user_id: 'DUJS1000000000000001', username: 'js1', status: 'active', notes: 'duo-directory:directory_js' })
  const adopted = duo.plan([dirUser(1)], [inDuo], { username_from: 'email_local_part' })
  assert.equal(adopted.entries[0].action, 'update')
  assert.equal(adopted.entries[0].duoUserId, 'DUJS1000000000000001')
  const none = duo.plan([dirUser(1)], [], { username_from: 'attribute:missing' })
  assert.equal(none.entries[0].conflictReason, 'no_username')
})

test('apply survives a 503 and a dropped connection; a re-run with the journal converges', async () => {
  const emu = new Emulator({ tls: false })
  const client = emu.client({ maxRetries: 2 })
  try {
    const directory = [0, 1, 2, 3, 4].map((i) => dirUser(i))
    const p = await client.planReconcile(directory)
    assert.equal(p.summary.create, 5)
    const journal = join(mkdtempSync(join(tmpdir(), 'duo-js-')), 'apply.journal')
    emu.injectFault('delay', 1, { delay: 0 })
    emu.injectFault('server_error', 1, { status: 503 })
    emu.injectFault('drop_connection', 1)
    const first = await client.apply(p, { journal, chunkSize: 2 })
    assert.equal(first.ok, false)
    assert.equal(first.counts.failed, 4)
    // a failed outcome carries the DuoError the call would have thrown
    const errors = first.outcomes.filter((o) => o.status === 'failed').map((o) => o.error)
    assert.equal(errors.length, 4)
    for (const e of errors) {
      assert.ok(e instanceof duo.DuoError, `${e}`)
      if (e instanceof duo.TransportError) assert.equal(e.code, 'transport')
      else if (e instanceof duo.DuoApiError) assert.deepEqual([e.code, e.status], ['api_error', 503])
      else assert.fail(`unexpected outcome error ${e}`)
    }
    assert.ok(errors.some((e) => e instanceof duo.TransportError) && errors.some((e) => e instanceof duo.DuoApiError))
    const second = await client.apply(p, { journal, chunkSize: 2 })
    assert.equal(second.ok, true)
    assert.equal(second.counts.done, 5)
    const created = okWrites(emu).filter((r) => r.path.endsWith('bulk_create'))
      .flatMap((r) => JSON.parse(r.params.find(([k]) => k === 'users')[1]).map((u) => u.username))
    assert.deepEqual(created.sort(), directory.map((u) => u.email).sort(), 'each user created exactly once')
    directory[0] = dirUser(0, 'Changed')
    const p2 = await client.planReconcile(directory)
    assert.equal(p2.summary.update, 1)
    assert.equal((await client.apply(p2, { concurrency: 2 })).counts.done, 1)
    assert.equal((await client.planReconcile(directory)).changes, 0)
  } finally { client.close(); emu.close() }
})

test('bulk calls: create, trash, restore, bulk in both encodings, settings; bad input sends nothing', async () => {
  const emu = new Emulator({ tls: false })
  const client = emu.client()
  try {
    const made = await client.bulkCreateUsers([{ username: 'b1', email: 'b1@example.com' }, { username: 'b2' }])
    assert.deepEqual(made.map((u) => u.username), ['b1', 'b2'])
    const trashed = await client.sendUsersToTrash([made[0].userId, 'DUNOSUCHUSER00000000'])
    assert.deepEqual(trashed.map((r) => r.success), [true, false])
    assert.equal((await client.restoreUsersFromTrash([made[0].userId]))[0].success, true)
    const ops = [{ method: 'POST', path: `/admin/v1/users/${made[1].userId}`, body: { notes: 'via bulk' } }]
    for (const encoding of ['array', 'json_string']) assert.equal((await client.bulk(ops, { encoding }))[0].stat, 'OK')
    assert.equal(await client.pendingDeletionDays(), 7)
    emu.clearRequests()
    let e = await rejects(client.bulkCreateUsers([{ username: 'x', alias1: 'y' }]))
    assert.ok(e instanceof duo.InvalidInputError)
    assert.equal(e.field, 'users[0].alias1')
    e = await rejects(client.sendUsersToTrash(['DU1'], { chunkSize: 101 }))
    assert.equal(e.field, 'chunk_size')
    e = await rejects(client.bulk(ops, { encoding: 'xml' }))
    assert.ok(e instanceof duo.InvalidInputError)
    assert.equal(e.field, 'encoding')
    // option objects are read by core: an unknown key or a wrong type is named as written
    e = await rejects(client.sendUsersToTrash(['DU1'], { chunksize: 2 }))
    assert.ok(e instanceof duo.InvalidInputError)
    assert.equal(e.field, 'chunksize')
    e = await rejects(client.bulk(ops, { chunkSize: 'ten' }))
    assert.equal(e.field, 'chunkSize')
    e = await rejects(client.bulk([{ method: 'POST' }]))
    assert.equal(e.field, 'operations')
    const p = duo.plan([dirUser(1)], [], null)
    e = await rejects(client.apply(p, { concurency: 2 }))
    assert.ok(e instanceof duo.InvalidInputError)
    assert.equal(e.field, 'concurency')
    e = await rejects(client.apply(p, { chunk_size: 2 }))
    assert.equal(e.field, 'chunk_size')
    e = await rejects(client.apply(p, { concurrency: '2' }))
    assert.equal(e.field, 'concurrency')
    e = await rejects(client.planReconcile([dirUser(1)], { maping: {} }))
    assert.equal(e.field, 'maping')
    assert.equal(emu.requests().length, 0)
  } finally { client.close(); emu.close() }
})
