// duo-directory (release addon) vs @duosecurity/duo_api 1.5.0 on the same emulator (the release
// duo-emulator binary, 50,000 generated users, HTTPS), each workload in 3 fresh processes per
// library; medians. Client CPU = process.cpuUsage() of the worker (all threads), peak RSS = its
// maxRSS. `duo-directory-json` is the alternative listing design (page JSON text + JSON.parse).
//
//   node bindings-node/bench/bench_vs_duo_api.mjs [--markdown docs/benchmarks.md]
import { spawn, execFileSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const bin = process.env.DUO_EMULATOR_BIN ?? join(root, 'target', 'release', 'duo-emulator')
const emu = spawn(bin, ['--users', '50000'], { stdio: ['ignore', 'pipe', 'inherit'] })
const info = await new Promise((resolve, reject) => {
  emu.once('exit', (code) => reject(new Error(`duo-emulator exited with ${code}`)))
  createInterface({ input: emu.stdout }).once('line', (line) => resolve(JSON.parse(line)))
})

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = []
const WORKLOADS = [['sign', 'sign (100,000)'], ['list-10k', 'list-10k (10,000, read username+status)'], ['list-50k', 'list-50k (50,000, read username+status)']]
for (const [workload, label] of WORKLOADS) {
  const libs = workload === 'sign' ? ['duo-directory', 'duo_api'] : ['duo-directory', 'duo-directory-json', 'duo_api']
  const results = {}
  for (const lib of libs) {
    const runs = []
    for (let i = 0; i < 3; i++) {
      const out = execFileSync(process.execPath, [join(here, 'worker.mjs'), lib, workload, JSON.stringify(info)], { encoding: 'utf8' })
      runs.push(JSON.parse(out))
    }
    results[lib] = { n: runs[0].n, wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)), rss: median(runs.map((r) => r.rss)), rssBase: median(runs.map((r) => r.rssBase)) }
  }
  for (const lib of libs) {
    const r = results[lib]; const base = results.duo_api
    const ratio = lib === 'duo_api' ? ['', ''] : [`${(base.cpu / r.cpu).toFixed(1)}x`, `${(base.rss / r.rss).toFixed(2)}x`]
    rows.push(`| ${label} | ${lib} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(3)} | ${(r.rss / 2 ** 20).toFixed(0)} (${(r.rssBase / 2 ** 20).toFixed(0)}) | ${ratio[0]} | ${ratio[1]} |`)
  }
}
emu.kill('SIGTERM')

const table = [
  `Node ${process.version}, @duosecurity/duo_api 1.5.0, duo-directory ${JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version} (release addon), emulator: target/release/duo-emulator --users 50000 (HTTPS), 2 cores; medians of 3 fresh processes.`,
  '',
  '| workload | library | wall s | client CPU s | peak RSS MB (after imports) | CPU: duo_api / ours | peak RSS: duo_api / ours |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows
].join('\n')
console.log(table)
const mdIndex = process.argv.indexOf('--markdown')
if (mdIndex > 0) {
  const path = process.argv[mdIndex + 1]
  const doc = readFileSync(path, 'utf8')
  const start = '<!-- node-bench:start -->'; const end = '<!-- node-bench:end -->'
  const a = doc.indexOf(start); const b = doc.indexOf(end)
  if (a < 0 || b < 0) throw new Error(`${path} has no ${start} ... ${end} section`)
  writeFileSync(path, doc.slice(0, a + start.length) + '\n' + table + '\n' + doc.slice(b))
}
