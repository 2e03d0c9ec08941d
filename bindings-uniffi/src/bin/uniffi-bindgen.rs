//! `uniffi-bindgen`, built from this crate so that it shares the workspace's target directory and
//! uniffi version: `cargo run -p duo-directory-uniffi --features bindgen --bin uniffi-bindgen -- generate --library ...`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
