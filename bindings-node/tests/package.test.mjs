// The published shape: typings without `any` that type-check a strict usage example, the README's
// examples (its code blocks are these files), and the napi-rs publishing layout as a user receives
// it: `npm pack` of the main package (no addon) and of its linux-x64-gnu package (the addon),
// both installed offline into an empty folder, running the README example, ESM and CommonJS
// sharing one native instance.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, copyFileSync, writeFileSync, lstatSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkg = fileURLToPath(new URL('..', import.meta.url))
const read = (p) => readFileSync(join(pkg, p), 'utf8')

test('index.d.ts has no `any`', () => {
  const dts = read('index.d.ts')
  assert.ok(dts.includes('export declare class Client'))
  assert.deepEqual(dts.split('\n').filter((line) => /\bany\b/.test(line.replace(/\/\*\*.*|\s\*.*/g, ''))), [])
})

test('the typed usage example compiles with tsc --strict', () => {
  execFileSync(join(pkg, 'node_modules', '.bin', 'tsc'), ['-p', join(pkg, 'tests', 'types')], { stdio: 'pipe' })
})

test('the README shows the tested examples verbatim', () => {
  const readme = read('README.md')
  for (const file of ['examples/readme.mjs', 'tests/types/usage.ts']) {
    assert.ok(readme.includes(read(file).trim()), `${file} is not in the README as it is`)
  }
})

const manifest = JSON.parse(read('package.json'))
const platformDir = join(pkg, 'npm', 'linux-x64-gnu')
const platform = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'))
const addon = 'duo-directory.linux-x64-gnu.node'
const packJson = (cwd, ...args) => JSON.parse(execFileSync('npm', ['pack', '--json', ...args], { cwd, encoding: 'utf8' }))
const workspace = JSON.parse(readFileSync(join(pkg, '..', 'Cargo.toml'), 'utf8').match(/\[workspace\.package\][^[]*?version = ("[^"]+")/)[1])

test('package.json: engines, types, exports and one optional dependency per napi target', () => {
  assert.equal(manifest.engines.node, '>=20')
  assert.equal(manifest.types, 'index.d.ts')
  assert.equal(manifest.exports['.'].types, './index.d.ts')
  assert.equal(manifest.exports['./testing'].types, './testing.d.ts')
  assert.deepEqual(manifest.napi.targets, ['x86_64-unknown-linux-gnu'])
  assert.deepEqual(manifest.optionalDependencies, { [platform.name]: manifest.version })
  assert.equal(manifest.version, workspace, 'the npm version is the workspace version')
  assert.equal(platform.name, `${manifest.name}-linux-x64-gnu`)
  assert.equal(platform.version, manifest.version)
  assert.deepEqual([platform.os, platform.cpu, platform.libc], [['linux'], ['x64'], ['glibc']])
  assert.equal(platform.main, addon)
  assert.deepEqual(platform.files, [addon])
  // binding.js (napi's loader) falls back to exactly this package
  assert.ok(read('binding.js').includes(`require('${platform.name}')`))
})

test('npm pack --dry-run lists only what a user needs', () => {
  const [{ files }] = packJson(pkg, '--dry-run')
  const paths = files.map((f) => f.path).sort()
  assert.deepEqual(paths, ['LICENSE', 'README.md', 'binding.js', 'errors.js', 'index.d.ts', 'index.js', 'index.mjs',
    'package.json', 'testing.d.ts', 'testing.js', 'testing.mjs', 'users.js'])
  for (const p of paths) assert.doesNotMatch(p, /^(target|tests|bench|src|scripts|examples|npm|node_modules)\/|\.node$/)
})

test('both tarballs install offline into an empty folder; the README example runs; ESM and CommonJS share one addon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duo-directory-pack-'))
  const staged = join(platformDir, addon)
  try {
    const [main] = packJson(pkg, '--pack-destination', dir)
    copyFileSync(join(pkg, addon), staged) // what `napi artifacts` does with a CI build's addon
    const [native] = packJson(platformDir, '--pack-destination', dir)
    assert.deepEqual(native.files.map((f) => f.path).sort(), ['LICENSE', 'README.md', addon, 'package.json'])
    assert.equal(native.name, platform.name)
    execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'pipe' })
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, main.filename), join(dir, native.filename)],
      { cwd: dir, stdio: 'pipe' })
    const installed = join(dir, 'node_modules')
    assert.ok(lstatSync(join(installed, platform.name)).isDirectory(), 'the platform package is a real folder, not a link')
    assert.deepEqual(readdirSync(join(installed, 'duo-directory')).filter((f) => f.endsWith('.node')), [], 'no addon in the main package')

    copyFileSync(join(pkg, 'examples', 'readme.mjs'), join(dir, 'example.mjs'))
    const out = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' })
    assert.match(out, /^\d+ enrolled users, 3 pages\nPreparedRequest\(method="DELETE", path="\/admin\/v1\/users\/DU[A-Z0-9]{18}".*\ngone: not_found 404 40401\n$/)

    const check = `
      const cjs = require('duo-directory'), cjsTesting = require('duo-directory/testing')
      import('duo-directory').then(async (esm) => {
        const esmTesting = await import('duo-directory/testing')
        const addons = Object.keys(require.cache).filter((p) => p.endsWith('.node'))
        const emu = new esmTesting.Emulator({ users: 2 })
        const client = new cjs.Client(emu.ikey, emu.skey, emu.host, { caCerts: emu.caCertPem })
        const users = []
        for await (const u of client.listUsers()) users.push(u)
        console.log(JSON.stringify({
          client: esm.Client === cjs.Client, emulator: esmTesting.Emulator === cjsTesting.Emulator,
          error: esm.NotFoundError === cjs.NotFoundError, fromEsm: users[0] instanceof esm.User,
          addons, users: users.length, version: cjs.VERSION }))
        client.close(); emu.close()
      })`
    writeFileSync(join(dir, 'check.cjs'), check)
    const seen = JSON.parse(execFileSync(process.execPath, ['check.cjs'], { cwd: dir, encoding: 'utf8' }))
    assert.deepEqual(seen, { client: true, emulator: true, error: true, fromEsm: true, users: 2, version: manifest.version,
      addons: [join(installed, platform.name, addon)] })
  } finally {
    rmSync(staged, { force: true })
    rmSync(dir, { recursive: true, force: true })
  }
})
