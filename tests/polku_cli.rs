//! The `polku` command line's integration tests, compiled into one test binary (as the core's
//! `crates/polku/tests/tests.rs`): the real binary driven end to end (`cli`) and the demo
//! project it builds (`demo`), and its exports opened by LibreOffice and Chromium (`export`). Declared in crates/polku-cli/Cargo.toml; `desktop_e2e.rs` next to
//! it is the desktop shell's own binary, not a module here.
//!
//! ```text
//! cargo test -p polku-cli --test polku_cli
//! ```

mod cli;
mod demo;
mod export;
