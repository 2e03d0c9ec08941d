// `testing.Emulator` for your own tests: a local Duo-compatible Admin API server in this JVM.
package com.duosecurity.directory.testing

/** The in-process emulator (the generated object `com.duosecurity.directory.Emulator`). */
typealias Emulator = com.duosecurity.directory.Emulator

/** Its settings, each optional. */
typealias EmulatorOptions = com.duosecurity.directory.EmulatorOptions
