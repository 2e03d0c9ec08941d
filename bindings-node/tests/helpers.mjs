// Shared by the suites: the package under test, its emulator, and the repository's vectors.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

export * as duo from '../index.mjs'
export { Emulator } from '../testing.mjs'

const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, '..', '..')

/** A JSON file of tests/vectors. */
export function vector (name) {
  return JSON.parse(readFileSync(join(root, 'tests', 'vectors', name), 'utf8'))
}

/** Collects an async iterable into an array. */
export async function collect (iterable) {
  const out = []
  for await (const item of iterable) out.push(item)
  return out
}
