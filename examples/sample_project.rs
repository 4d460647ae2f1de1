//! Builds the coded sample study from `sample-corpus/` (import, then the coding plans), for
//! looking at the app and taking screenshots:
//!
//!     cargo run --example sample_project -- /tmp/sample.tema
//!     cargo run --release -- open /tmp/sample.tema

#[path = "../tests/common/sample.rs"]
mod sample;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "sample.tema".into());
    sample::build_sample(std::path::Path::new(&dir))?;
    println!("Built {dir}");
    Ok(())
}
