//! Builds a small coded project from the sample corpus's plain-text interviews, for looking
//! at the app (screenshots) before the importer and the sample project exist:
//!
//!     cargo run --example demo_project -- /tmp/demo.tema
//!     cargo run --release -- open /tmp/demo.tema

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "demo.tema".into());
    common::build(std::path::Path::new(&dir), "Working together (demo)", &["J3", "J4", "S2", "T3"], true)?;
    println!("Built {dir}");
    Ok(())
}
