// Webhooks: the shared vectors (made and judged with the official workos packages) get the
// verdict recorded for this library; typed events; errors that never show the secret.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { duo, vector } from './helpers.mjs'

const FILE = vector('workos-webhooks.json')
const byName = Object.fromEntries(FILE.vectors.map((v) => [v.name, v]))

function resolve (c) {
  const v = byName[c.vector]
  const pick = (key) => (key in c ? c[key] : v[key])
  return [pick('payload'), pick('header'), pick('secret'), c.now_ms / 1000]
}

function verdict (payload, header, secret, now) {
  try {
    return `pass: ${duo.verifyWebhook(Buffer.from(payload, 'utf8'), header, secret, { now }).kind}`
  } catch (e) {
    if (e instanceof duo.WebhookVerificationError) return `fail: ${e.reason}`
    if (e instanceof duo.DecodeError) return `pass: decode ${e.field}`
    throw e
  }
}

test('every vector case gets the recorded verdict', () => {
  assert.ok(FILE.cases.length >= 26)
  for (const c of FILE.cases) assert.equal(verdict(...resolve(c)), c.ours, c.case)
})

test('signatures are recomputed', () => {
  for (const v of FILE.vectors) {
    assert.equal(duo.computeWebhookSignature(v.payload, v.secret, Number(v.timestamp)), v.signature, v.name)
  }
})

test('strings and Buffers verify alike; the window is symmetric; errors hide the secret', () => {
  const v = byName.v1_user_created_compact
  const t = Number(v.timestamp) / 1000
  assert.equal(duo.verifyWebhook(v.payload, v.header, v.secret, { now: t + 180 }).kind, 'user_created')
  assert.equal(duo.verifyWebhook(Buffer.from(v.payload), v.header, v.secret, { now: t - 180 }).kind, 'user_created')
  assert.throws(() => duo.verifyWebhook(v.payload, v.header, v.secret, { now: t - 181 }), (e) => {
    assert.ok(e instanceof duo.WebhookVerificationError && e instanceof duo.DuoError)
    assert.equal(e.code, 'webhook_verification')
    assert.equal(e.reason, 'timestamp_outside_tolerance')
    return true
  })
  const tampered = v.payload.replace('Jane', 'Janet')
  const expected = duo.computeWebhookSignature(tampered, v.secret, Number(v.timestamp))
  assert.throws(() => duo.verifyWebhook(tampered, v.header, v.secret, { now: t }), (e) => {
    assert.equal(e.reason, 'signature_mismatch')
    for (const text of [e.message, e.detail, String(e.stack)]) {
      assert.ok(!text.includes(v.secret) && !text.includes(expected))
    }
    return true
  })
  assert.throws(() => duo.verifyWebhook(v.payload, v.header, v.secret, { tolerance: -1 }), (e) => e.field === 'tolerance')
  assert.throws(() => duo.verifyWebhook(v.payload, v.header, ''), (e) => e.field === 'secret')
})

test('typed events keep everything', () => {
  const text = byName.v9_user_updated_deprecated_members.payload
  const e = duo.parseEvent(text)
  assert.equal(e.kind, 'user_updated')
  assert.deepEqual(e.previousAttributes, { state: 'active', custom_attributes: { department: null } })
  assert.equal(e.user.state, 'suspended')
  assert.equal(e.user.toJSON().job_title, 'Engineer')
  assert.equal(e.directoryId, e.user.directoryId)
  assert.deepEqual(e.toJSON(), JSON.parse(text))
  assert.equal(String(e), 'DirectoryEvent(id="event_01J8X00000000000000000009", event="dsync.user.updated")')
  const other = duo.parseEvent(byName.v8_unknown_event.payload)
  assert.equal(other.kind, 'other')
  assert.equal(other.user, null)
  assert.deepEqual(other.data, { anything: [1, 2, { x: null }] })
  const activated = duo.parseEvent(byName.v6_directory_activated.payload).directory
  assert.equal(activated.type, 'okta scim v2.0')
  assert.equal(activated.isActive, true)
  assert.equal(activated.extra.domains[0].domain, 'example.com')
  assert.equal(duo.parseEvent(byName.v7_token_created.payload).token.tokenSuffix, 'a1b2')
  assert.equal(duo.DirectoryEvent.fromJSON(text).id, e.id)
  assert.throws(() => duo.parseEvent('{"id":"e","event":"dsync.user.created","data":{"id":"u"}}'), (err) => err.field === 'data.idp_id')
})
