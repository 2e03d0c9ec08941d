// Each error kind as its class, instanceof, properties; secrets never shown; panics contained.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { duo, Emulator } from './helpers.mjs'

let emu
before(() => { emu = new Emulator({ users: 5 }) })
after(() => emu.close())

test('the class tree', () => {
  for (const Class of [duo.DuoApiError, duo.InvalidInputError, duo.TransportError, duo.DuoTimeoutError, duo.DecodeError]) {
    assert.ok(Class.prototype instanceof duo.DuoError)
  }
  for (const Class of [duo.NotFoundError, duo.AuthError, duo.RateLimitedError]) assert.ok(Class.prototype instanceof duo.DuoApiError)
  assert.ok(duo.DuoError.prototype instanceof Error)
})

test('not_found', async () => {
  const c = emu.client()
  const e = await c.getUser('DUNOSUCHUSER00000000').catch((x) => x)
  assert.ok(e instanceof duo.NotFoundError && e instanceof duo.DuoApiError && e instanceof Error)
  assert.deepEqual([e.code, e.status, e.duoCode, e.name], ['not_found', 404, 40401, 'NotFoundError'])
  assert.equal(e.field, null)
  assert.equal(e.attempts, 1)
})

test('unauthorized, with the secret nowhere', async () => {
  const secret = 'Z'.repeat(40)
  const c = new duo.Client(emu.ikey, secret, emu.host, { caCerts: emu.caCertPem })
  const e = await c.getUser('DU3RP9I2WOC59VZX672N').catch((x) => x)
  assert.ok(e instanceof duo.AuthError)
  assert.deepEqual([e.code, e.status, e.duoCode], ['unauthorized', 401, 40103])
  for (const shown of [String(e), e.stack, inspect(e), JSON.stringify(e), e.message, inspect(c), String(c), JSON.stringify(c)]) {
    assert.ok(!shown.includes(secret), shown)
  }
  assert.ok(!inspect(emu).includes(emu.skey))
})

test('rate_limited after every retry', async () => {
  // 'standard': back off and retry at most maxRetries times (the adaptive default paces instead)
  const c = emu.client({ maxRetries: 2, retryMode: 'standard' })
  emu.injectFault('rate_limited', 5, { retryAfter: 0 })
  const e = await c.getUserByUsername('x').catch((x) => x)
  emu.clearFaults()
  assert.ok(e instanceof duo.RateLimitedError, String(e))
  assert.deepEqual([e.code, e.status, e.duoCode, e.attempts], ['rate_limited', 429, 42901, 3])
  assert.equal(e.retryAfter, 0)
})

test('api_error', async () => {
  const c = emu.client()
  const e = await c.createUser(emu.users()[0].username).catch((x) => x)
  assert.ok(e instanceof duo.DuoApiError && !(e instanceof duo.NotFoundError))
  assert.deepEqual([e.code, e.status, e.duoCode], ['api_error', 400, 40003])
})

test('invalid_input', () => {
  const e = (() => { try { new duo.Client('', 'x', 'h') } catch (x) { return x } })()
  assert.ok(e instanceof duo.InvalidInputError)
  assert.equal(e.code, 'invalid_input')
  assert.equal(typeof e.field, 'string')
  assert.equal(typeof e.reason, 'string')
})

test('transport', async () => {
  const c = new duo.Client(emu.ikey, emu.skey, '127.0.0.1:1', { scheme: 'http', maxRetries: 0 })
  const e = await c.getUser('DU1').catch((x) => x)
  assert.ok(e instanceof duo.TransportError)
  assert.deepEqual([e.code, e.sent], ['transport', false])
})

test('timeout', async () => {
  const c = emu.client({ timeout: 0.2, maxRetries: 0 })
  emu.injectFault('delay', 1, { delay: 2 })
  const e = await c.getUser(emu.users()[0].userId).catch((x) => x)
  assert.ok(e instanceof duo.DuoTimeoutError, String(e))
  assert.equal(e.code, 'timeout')
})

test('decode', async () => {
  const c = emu.client({ maxRetries: 0 })
  emu.injectFault('malformed_body', 1)
  const e = await c.getUser(emu.users()[0].userId).catch((x) => x)
  assert.ok(e instanceof duo.DecodeError, String(e))
  assert.equal(e.code, 'decode')
  const bad = (() => { try { duo.User.fromJSON('{"user_id": 5}') } catch (x) { return x } })()
  assert.ok(bad instanceof duo.DecodeError)
  assert.equal(bad.field, 'user_id')
})

test('a forced panic becomes a DuoError, sync and async, and the addon keeps working', async () => {
  assert.throws(() => duo._forcePanic(), (e) => e instanceof duo.DuoError && e.code === 'internal' && /forced panic/.test(e.message))
  await assert.rejects(duo._forcePanicAsync(), (e) => e instanceof duo.DuoError && e.code === 'internal')
  assert.equal((await emu.client().getUser(emu.users()[0].userId)).userId, emu.users()[0].userId)
})
