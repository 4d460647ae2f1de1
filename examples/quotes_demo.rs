//! Builds the small study of the quote tests (themes, subthemes, trimmed, translated and
//! focus-group quotes) as a project folder, for looking at the Quotes view:
//!
//!     cargo run --example quotes_demo -- /tmp/quotes.tema
//!     cargo run -- open /tmp/quotes.tema      # then the Quotes tab (Ctrl+4)

#[path = "../tests/quotes_fixture/mod.rs"]
mod quotes_fixture;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "quotes.tema".into());
    let mut store = tema::store::Store::create(std::path::Path::new(&dir), "Working together")?;
    for edit in quotes_fixture::study_edits() {
        store.apply(edit)?;
    }
    store.save()?;
    println!("Built {dir}");
    Ok(())
}
