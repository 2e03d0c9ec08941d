'use strict'
// duo-directory/testing: a local Duo-compatible Admin API server for tests (the Rust emulator,
// in this process). The same class Python users get as duo_directory.testing.Emulator.
require('./index.js')
const { Emulator } = require('./binding.js')
if (Symbol.dispose) Emulator.prototype[Symbol.dispose] = function () { this.close() }
module.exports = { Emulator }
