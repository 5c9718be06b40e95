//! Project automation. `cargo xtask codegen` writes the CEB message types of `greenlane-ceb`
//! from the official XSDs; `cargo xtask codegen --check` fails when the committed code is stale.

mod codegen;
mod tidy;

use anyhow::{Context, bail};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            let stale = codegen::run(&root, check).context("codegen failed")?;
            if check && !stale.is_empty() {
                bail!("generated files are stale: {}; run `cargo xtask codegen`", stale.join(", "));
            }
            Ok(())
        }
        _ => bail!("usage: cargo xtask codegen [--check]"),
    }
}

fn workspace_root() -> PathBuf {
    // CARGO_MANIFEST_DIR is crates/xtask; the workspace is two levels up.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("xtask lives at crates/xtask").to_path_buf()
}
