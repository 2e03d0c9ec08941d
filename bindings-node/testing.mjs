// ESM entry of duo-directory/testing.
import { createRequire } from 'node:module'
export const { Emulator } = createRequire(import.meta.url)('./testing.js')
