//! Screens names given on the command line against the lists in `data/` (or `$SCREEN_LISTS`) and
//! prints the hits down to 0.5: `cargo run -p greenlane-screen --example screen -- "Bank Melli" "Путин" "John Smith@GB"`.

use std::path::PathBuf;
use std::time::Instant;

use greenlane_screen::{Query, RECOMMENDED_HOLD_THRESHOLD, Screener};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::var_os("SCREEN_LISTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"));
    let started = Instant::now();
    let screener = Screener::load_dir(&dir)?;
    eprintln!("loaded {:?} in {:?}", screener.lists(), started.elapsed());
    for name in std::env::args().skip(1) {
        let started = Instant::now();
        // "NAME@CC" screens with a country, as the pipeline does for a buyer.
        let (name, country) = match name.rsplit_once('@') {
            Some((name, country)) => (name.to_string(), Some(country.to_string())),
            None => (name, None),
        };
        let hits = screener.screen_with_floor(&Query { name: &name, country: country.as_deref(), kind: None }, 0.5);
        println!("{name:?} ({:?})", started.elapsed());
        for hit in hits {
            let hold = if hit.score >= RECOMMENDED_HOLD_THRESHOLD { "HOLD" } else { "    " };
            println!("  {hold} {:.3} {} {} {:?} ({})", hit.score, hit.list, hit.entry_id, hit.name, hit.primary_name);
        }
    }
    Ok(())
}
