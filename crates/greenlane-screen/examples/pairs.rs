//! Scores the public labelled pairs (`tests/data/public_pairs.csv`, or the CSV given as the first
//! argument) as `tests/public_pairs.rs` does and prints one tab-separated line per pair (row
//! number, split, label, score, µs to screen): the input of `benches/pairs_vs_peer.py`, which
//! compares the scores with a peer matcher's on the same pairs.
//! `cargo run --release -p greenlane-screen --example pairs > scores.tsv`

#[path = "../tests/common/pairs.rs"]
mod pairs;

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| root.join("tests/data/public_pairs.csv"));
    let all = pairs::load(&file);
    let screener = pairs::screener(&root.join("data"), &all);
    println!("row\tsplit\tis_match\tscore\tmicros");
    for (row, pair) in all.iter().enumerate() {
        let started = Instant::now();
        let score = pairs::score(&screener, pair);
        let micros = started.elapsed().as_secs_f64() * 1e6;
        println!("{row}\t{}\t{}\t{score:.4}\t{micros:.1}", pair.split, pair.is_match);
    }
}
