// The official Node client (@duosecurity/duo_api from npm), unmodified, against the emulator.
//
// Run with DUO_EMULATOR_BIN pointing at the built `duo-emulator` binary (see run.sh):
//   node --test duo_api.test.mjs
//
// duo_api 1.5.0 always connects to port 443 of `host` and passes Duo's pinned CA bundle as the
// `ca` option of https.request (which replaces Node's CA store, so NODE_EXTRA_CA_CERTS cannot
// help). This test therefore installs an https.Agent whose sockets go to the emulator's port and
// trust the emulator's CA. Everything above the socket is the client's own code: signing (v2 and
// v5), the Date/Host headers (`Host: localhost:PORT`, as printed and signed), bodies and JSON parsing.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import https from 'node:https'
import tls from 'node:tls'

const require = createRequire(import.meta.url)
const duoApi = require('@duosecurity/duo_api')

const GENERATED_USERS = 250
let proc
let info
let seedDir

class EmulatorAgent extends https.Agent {
  constructor (port, ca) {
    super({ keepAlive: false })
    this.emulatorPort = port
    this.emulatorCa = ca
  }

  createConnection (options, callback) {
    return tls.connect(
      { ...options, host: '127.0.0.1', port: this.emulatorPort, servername: 'localhost', ca: this.emulatorCa },
      callback
    )
  }
}

before(async () => {
  const binary = process.env.DUO_EMULATOR_BIN
  assert.ok(binary, 'set DUO_EMULATOR_BIN to the built duo-emulator binary')
  seedDir = mkdtempSync(join(tmpdir(), 'duo-emulator-node-'))
  const seedFile = join(seedDir, 'seed.json')
  writeFileSync(seedFile, JSON.stringify({
    directories: {
      DKTEST: [{
        id: 'directory_user_01E1JG7J09H96KYP8HM9B0G5SJ',
        idp_id: '2836',
        directory_id: 'directory_01ECAZ4NV9QMV47GW873HDCX74',
        first_name: 'Marcelina',
        last_name: 'Davis',
        email: 'marcelina.davis@example.com',
        state: 'active',
        custom_attributes: {},
        created_at: '2021-06-25T19:07:33.155Z',
        updated_at: '2021-06-25T19:07:33.155Z'
      }]
    }
  }))
  proc = spawn(binary, ['--users', String(GENERATED_USERS), '--seed', seedFile], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: proc.stdout })
  info = await new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)))
    lines.once('line', (line) => resolve(JSON.parse(line)))
  })
  const port = Number(info.host.split(':').pop())
  https.globalAgent = new EmulatorAgent(port, readFileSync(info.ca_cert_path, 'utf8'))
})

after(() => {
  proc?.kill('SIGTERM')
  if (seedDir) rmSync(seedDir, { recursive: true, force: true })
})

function call (client, method, path, params = {}) {
  return new Promise((resolve) => client.jsonApiCall(method, path, params, resolve))
}

async function ok (client, method, path, params) {
  const res = await call(client, method, path, params)
  assert.equal(res.stat, 'OK', JSON.stringify(res))
  return res
}

for (const [label, sigVersion] of [['v2', duoApi.SIGNATURE_VERSION_2], ['v5', duoApi.SIGNATURE_VERSION_5]]) {
  const client = () => new duoApi.Client(info.ikey, info.skey, info.host, sigVersion)

  test(`${label}: list users page by page`, async () => {
    const c = client()
    const ids = []
    let offset = 0
    let pages = 0
    for (;;) {
      const res = await ok(c, 'GET', '/admin/v1/users', { limit: '100', offset: String(offset) })
      ids.push(...res.response.map((u) => u.user_id))
      pages += 1
      assert.ok(res.metadata.total_objects >= GENERATED_USERS)
      if (res.metadata.next_offset === undefined) break
      offset = res.metadata.next_offset
    }
    assert.ok(pages >= 3)
    assert.ok(ids.length >= GENERATED_USERS)
    assert.equal(new Set(ids).size, ids.length)
  })

  test(`${label}: get by id and by username`, async () => {
    const c = client()
    const page = await ok(c, 'GET', '/admin/v1/users', { limit: '3', offset: '5' })
    const user = page.response[2]
    const byId = await ok(c, 'GET', `/admin/v1/users/${user.user_id}`)
    assert.deepEqual(byId.response, user)
    const byName = await ok(c, 'GET', '/admin/v1/users', { username: user.username })
    assert.deepEqual(byName.response, [user])
    const missing = await call(c, 'GET', '/admin/v1/users/DUNOSUCHUSER00000000')
    assert.equal(missing.stat, 'FAIL')
    assert.equal(missing.code, 40401)
  })

  test(`${label}: create, modify, delete`, async () => {
    const c = client()
    const username = `node.${label}.user`
    const created = await ok(c, 'POST', '/admin/v1/users', {
      username, realname: "Zoë O'Neil (node)", email: `${username}@example.com`, status: 'bypass', alias1: `${username}.alias`
    })
    assert.equal(created.response.username, username)
    assert.equal(created.response.status, 'bypass')
    assert.deepEqual(created.response.aliases, { alias1: `${username}.alias` })
    const dup = await call(c, 'POST', '/admin/v1/users', { username })
    assert.equal(dup.stat, 'FAIL')
    assert.equal(dup.code, 40003)
    const id = created.response.user_id
    const updated = await ok(c, 'POST', `/admin/v1/users/${id}`, { status: 'disabled', alias1: '', notes: 'via node' })
    assert.equal(updated.response.status, 'disabled')
    assert.equal(updated.response.alias1, null)
    assert.equal(updated.response.notes, 'via node')
    const bad = await call(c, 'POST', `/admin/v1/users/${id}`, { status: 'asleep' })
    assert.equal(bad.code, 40002)
    assert.equal(bad.message_detail, 'status')
    const deleted = await ok(c, 'DELETE', `/admin/v1/users/${id}`)
    assert.equal(deleted.response, '')
    const gone = await call(c, 'GET', `/admin/v1/users/${id}`)
    assert.equal(gone.code, 40401)
  })

  test(`${label}: sync from directory`, async () => {
    const c = client()
    const synced = await ok(c, 'POST', '/admin/v1/users/directorysync/DKTEST/syncuser', { username: 'marcelina.davis' })
    assert.equal(synced.response.username, 'marcelina.davis')
    assert.equal(synced.response.realname, 'Marcelina Davis')
    assert.ok(synced.response.last_directory_sync > 0)
    const unknown = await call(c, 'POST', '/admin/v1/users/directorysync/DKNOPE/syncuser', { username: 'marcelina.davis' })
    assert.equal(unknown.code, 40401)
  })
}

test('a wrong secret key is refused', async () => {
  const c = new duoApi.Client(info.ikey, '0'.repeat(40), info.host)
  const res = await call(c, 'GET', '/admin/v1/users', { limit: '1' })
  assert.equal(res.stat, 'FAIL')
  assert.equal(res.code, 40103)
})
