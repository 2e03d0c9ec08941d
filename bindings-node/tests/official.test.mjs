// The official client, @duosecurity/duo_api 1.5.0 (npm, unmodified), succeeding against the same
// emulator this package ships. duo_api always dials port 443 with Duo's pinned CA, so an
// https.Agent sends its sockets to the emulator's port with the emulator's CA.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import https from 'node:https'
import tls from 'node:tls'
import { Emulator } from './helpers.mjs'

const duoApi = createRequire(import.meta.url)('@duosecurity/duo_api')
let emu
let savedAgent

before(() => {
  emu = new Emulator({ users: 120, directories: { DKTEST: [{ id: 'du_1', idp_id: '1', directory_id: 'd', first_name: 'Ann', last_name: 'Lee', email: 'ann.lee@example.com', state: 'active', custom_attributes: {}, created_at: '', updated_at: '' }] } })
  const { port, caCertPem } = emu
  savedAgent = https.globalAgent
  https.globalAgent = new (class extends https.Agent {
    createConnection (options, callback) {
      return tls.connect({ ...options, host: '127.0.0.1', port, servername: 'localhost', ca: caCertPem }, callback)
    }
  })({ keepAlive: false })
})
after(() => { https.globalAgent = savedAgent; emu.close() })

const call = (client, method, path, params = {}) => new Promise((resolve) => client.jsonApiCall(method, path, params, resolve))

for (const sigVersion of [duoApi.SIGNATURE_VERSION_2, duoApi.SIGNATURE_VERSION_5]) {
  test(`duo_api v${sigVersion}: list, get, create, modify, delete, sync`, async () => {
    const c = new duoApi.Client(emu.ikey, emu.skey, emu.host, sigVersion)
    const page = await call(c, 'GET', '/admin/v1/users', { limit: '100', offset: '100' })
    assert.equal(page.stat, 'OK', JSON.stringify(page))
    assert.ok(page.response.length >= 20)
    const one = await call(c, 'GET', `/admin/v1/users/${page.response[0].user_id}`)
    assert.deepEqual(one.response, page.response[0])
    const created = await call(c, 'POST', '/admin/v1/users', { username: `official.v${sigVersion}`, realname: 'Zoë' })
    assert.equal(created.stat, 'OK', JSON.stringify(created))
    const updated = await call(c, 'POST', `/admin/v1/users/${created.response.user_id}`, { status: 'disabled' })
    assert.equal(updated.response.status, 'disabled')
    assert.equal((await call(c, 'DELETE', `/admin/v1/users/${created.response.user_id}`)).stat, 'OK')
    const synced = await call(c, 'POST', '/admin/v1/users/directorysync/DKTEST/syncuser', { username: 'ann.lee' })
    assert.equal(synced.response.realname, 'Ann Lee')
  })
}

test('duo_api with a wrong secret is refused (40103)', async () => {
  const res = await call(new duoApi.Client(emu.ikey, '0'.repeat(40), emu.host), 'GET', '/admin/v1/users')
  assert.equal(res.code, 40103)
})
