// One measured workload in a fresh process: node worker.mjs <library> <workload> <emulator-json>
// Prints {"wall", "cpu" (user+system of every thread, process.cpuUsage), "rss" (peak), "rssBase", "n"}.
import { createRequire } from 'node:module'
import https from 'node:https'
import tls from 'node:tls'
import { readFileSync } from 'node:fs'

const [library, workload, infoJson] = process.argv.slice(2)
const info = JSON.parse(infoJson)
const require = createRequire(import.meta.url)
const DATE = 'Tue, 21 Aug 2012 17:29:18 -0000'
const limit = { 'list-10k': 10000, 'list-50k': 50000 }[workload]

let run
if (library === 'duo_api') {
  const duoApi = require('@duosecurity/duo_api')
  const duoSig = require('@duosecurity/duo_api/lib/duo_sig.js')
  const port = Number(info.host.split(':').pop())
  const ca = readFileSync(info.ca_cert_path, 'utf8')
  // duo_api dials port 443 with Duo's pinned CA; send its sockets to the emulator instead.
  https.globalAgent = new (class extends https.Agent {
    createConnection (options, callback) {
      return tls.connect({ ...options, host: '127.0.0.1', port, servername: 'localhost', ca }, callback)
    }
  })({ keepAlive: true })
  const client = new duoApi.Client(info.ikey, info.skey, info.host, duoApi.SIGNATURE_VERSION_5)
  const call = (params) => new Promise((resolve) => client.jsonApiCall('GET', '/admin/v1/users', params, resolve))
  run = async () => {
    if (workload === 'sign') {
      for (let i = 0; i < 100000; i++) duoSig.signV5(info.ikey, info.skey, 'GET', info.host, '/admin/v1/users', { limit: '300', offset: String(i) }, DATE, '')
      return 100000
    }
    let n = 0; let bytes = 0
    for (let offset = 0; n < limit;) {
      const page = await call({ limit: '300', offset: String(offset) })
      for (const user of page.response) { if (n++ >= limit) break; bytes += user.username.length + user.status.length }
      if (page.metadata.next_offset === undefined) break
      offset = page.metadata.next_offset
    }
    return Math.min(n, limit)
  }
} else {
  const duo = require('../index.js')
  const client = new duo.Client(info.ikey, info.skey, info.host, { caCerts: info.ca_cert_path, caPinning: true })
  run = async () => {
    if (workload === 'sign') {
      for (let i = 0; i < 100000; i++) duo.signRequest(info.ikey, info.skey, 'GET', info.host, '/admin/v1/users', { limit: '300', offset: String(i) }, { date: DATE })
      return 100000
    }
    let n = 0; let bytes = 0
    const listing = client.listUsers({ pageSize: 300 })
    if (library === 'duo-directory-json') {
      for (let text = await listing.nextPageJson(); text !== null && n < limit; text = await listing.nextPageJson()) {
        for (const user of JSON.parse(text)) { if (n++ >= limit) break; bytes += user.username.length + user.status.length }
      }
      listing.stop()
    } else {
      for await (const user of listing) {
        bytes += user.username.length + user.status.length
        if (++n >= limit) break
      }
    }
    return Math.min(n, limit)
  }
}

const rssBase = process.memoryUsage().rss
const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
const n = await run()
const wall = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(cpu0)
process.stdout.write(JSON.stringify({ n, wall, cpu: (cpu.user + cpu.system) / 1e6, rss: process.resourceUsage().maxRSS * 1024, rssBase }) + '\n')
process.exit(0)
