// The published shape: typings without `any` that type-check a strict usage example, the README's
// examples (its code blocks are these files), and `npm pack` installing and running the README
// example in an empty folder.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs'
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

test('npm pack installs into an empty folder and runs the README example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duo-directory-pack-'))
  try {
    const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkg, encoding: 'utf8' }))
    execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'pipe' })
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, filename)], { cwd: dir, stdio: 'pipe' })
    copyFileSync(join(pkg, 'examples', 'readme.mjs'), join(dir, 'example.mjs'))
    const out = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' })
    assert.match(out, /^\d+ enrolled users, 3 pages\nPreparedRequest\(method="DELETE", path="\/admin\/v1\/users\/DU[A-Z0-9]{18}".*\ngone: not_found 404 40401\n$/)
  } finally { rmSync(dir, { recursive: true, force: true }) }
})
