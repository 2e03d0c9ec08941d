//! Empty on purpose: this crate exists for its `Cargo.toml`, which enables on the workspace's
//! shared dependencies the union of the features its members need, so that every cargo
//! invocation in `scripts/test.sh` (and maturin's, napi's and uniffi's) builds them, core and the
//! emulator once instead of once per invocation.
