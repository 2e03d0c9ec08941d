// Signing: the shared vectors, the generated canonicalization cases, and @duosecurity/duo_api
// (the official Node client) producing the same signatures for the same inputs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'
import { duo, vector } from './helpers.mjs'

const duoSig = createRequire(import.meta.url)('@duosecurity/duo_api/lib/duo_sig.js')
const SIGNING = vector('duo-signing.json')
const { ikey: IKEY, skey: SKEY } = SIGNING
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000'

test('every shared signing vector', () => {
  assert.ok(SIGNING.vectors.length >= 100)
  for (const v of SIGNING.vectors) {
    const signed = duo.signRequest(IKEY, SKEY, v.method, v.host, v.path, v.params, {
      date: v.date, sigVersion: v.sig_version, digest: v.digest, xDuoHeaders: v.x_duo_headers
    })
    assert.equal(signed.canonical, v.canonical, v.name)
    assert.equal(signed.authorization, v.authorization, v.name)
    assert.equal(signed.date, v.date, v.name)
    if (v.body) assert.equal(signed.body, v.body, v.name)
  }
})

test('generated canonicalization cases', () => {
  for (const c of vector('canonicalize-generated.json').cases) {
    const signed = duo.signRequest(IKEY, SKEY, 'GET', 'h', '/p', c.params, { date: 'd', sigVersion: 2 })
    assert.equal(signed.query, c.canonical)
    if (c.json_body !== undefined) {
      const posted = duo.signRequest(IKEY, SKEY, 'POST', 'h', '/p', c.params, { date: 'd' })
      assert.equal(posted.body, c.json_body)
      assert.equal(posted.contentType, 'application/json')
    }
  }
})

test('@duosecurity/duo_api signs exactly as we do', () => {
  const cases = [
    ['GET', '/admin/v1/users', { limit: '300', offset: '600' }],
    ['GET', '/admin/v1/users', { username: 'zoë o\'neil (x)*' }],
    ['DELETE', '/admin/v1/users/DU3RP9I2WOC59VZX672N', {}],
    // duo_api writes a v5 body with JSON.stringify (raw UTF-8, keys as given); Duo's canonical body
    // (duo_client, and ours) sorts the keys and escapes non-ASCII, so compare on ASCII, sorted.
    ['POST', '/admin/v1/users', { email: 'a@example.com', realname: "Zoe O'Neil", username: 'zoe' }]
  ]
  for (const [method, path, params] of cases) {
    const host = 'api-3f2a91c4.duosecurity.com'
    const inQuery = method === 'POST' ? {} : params
    const body = method === 'POST' ? JSON.stringify(params) : ''
    const v5 = duo.signRequest(IKEY, SKEY, method, host, path, params, { date: DATE })
    assert.equal(v5.authorization, duoSig.signV5(IKEY, SKEY, method, host, path, inQuery, DATE, body), `${method} v5`)
    assert.equal(v5.body ?? '', body)
    const v2 = duo.signRequest(IKEY, SKEY, method, host, path, params, { date: DATE, sigVersion: 2 })
    assert.equal(v2.authorization, duoSig.sign(IKEY, SKEY, method, host, path, params, DATE), `${method} v2`)
  }
})

test('a bad signature option is an InvalidInputError naming it', () => {
  assert.throws(() => duo.signRequest(IKEY, SKEY, 'GET', 'h', '/p', {}, { sigVersion: 3 }),
    (e) => e instanceof duo.InvalidInputError && e.field === 'sig_version' && e.code === 'invalid_input')
  assert.throws(() => duo.signRequest(IKEY, SKEY, 'GET', 'h', '/p', { a: 1 }),
    (e) => e instanceof duo.InvalidInputError && e.field.startsWith('params'))
})

test('a signed request prints its Authorization masked', () => {
  const signed = duo.signRequest(IKEY, SKEY, 'GET', 'h', '/p', {}, { date: DATE })
  assert.match(inspect(signed), /^SignedRequest\(authorization="Basic \*\*\*"/)
  assert.ok(!inspect(signed).includes(signed.authorization.slice(6)))
  assert.equal(signed.toJSON().authorization, signed.authorization)
})
