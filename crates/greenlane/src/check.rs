//! `greenlane check`: reads CEB message files the way the hub will and reports, per file, the
//! message type and spec version, or the fault with its element path and line.

use anyhow::Context;
use clap::{Args, ValueEnum};
use greenlane_ceb::{Profile, ReadOptions, Version};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Message files, or folders whose files are read in name order.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// `strict` also enforces the spec's code lists; `schema` only what the XSD says.
    #[arg(long, value_enum, default_value = "strict")]
    profile: ProfileArg,
    /// Check against one spec version instead of accepting either.
    #[arg(long, value_enum)]
    spec: Option<SpecArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    Strict,
    Schema,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SpecArg {
    #[value(name = "2018")]
    V2018,
    #[value(name = "202205")]
    V202205,
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let opts = ReadOptions {
        version: args.spec.map(|s| match s {
            SpecArg::V2018 => Version::V2018,
            SpecArg::V202205 => Version::V202205,
        }),
        profile: match args.profile {
            ProfileArg::Strict => Profile::Strict,
            ProfileArg::Schema => Profile::Schema,
        },
        ..ReadOptions::default()
    };
    let files = expand(&args.paths)?;
    let (mut ok, mut bad) = (0usize, 0usize);
    for file in &files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        match greenlane_ceb::read_with(&bytes, &opts) {
            Ok(parsed) => {
                ok += 1;
                let envelope = if parsed.envelope.is_some() { ", in a DXP envelope" } else { "" };
                println!(
                    "{}: ok {} (spec {}){envelope}",
                    file.display(),
                    parsed.message.message_type().code(),
                    parsed.version
                );
            }
            Err(e) => {
                bad += 1;
                println!("{}: error [{}] {e}", file.display(), e.code());
            }
        }
    }
    eprintln!("{} files: {ok} valid, {bad} invalid", files.len());
    Ok(if bad == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Files as given, folders as their regular files in name order (not recursive: a folder of
/// messages is flat, as `greenlane simulate` writes it).
fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("listing {}", path.display()))?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()?;
            entries.retain(|p| p.is_file() && is_message_file(p));
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn is_message_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}
