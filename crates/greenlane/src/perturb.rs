//! `greenlane perturb`: a `greenlane simulate` folder in, the same day changed only in ways that
//! leave every parcel's truth as it is out (greenlane-sim's `perturb`), in the same layout, so
//! that `ingest` and `evaluate` measure how much the decisions depend on what should not matter.

use anyhow::{Context, bail};
use greenlane_sim::perturb::{Kind, Options, parse_kinds};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub struct PerturbOptions<'a> {
    pub input: &'a Path,
    pub out: &'a Path,
    /// `weights,rounding,…`; `None` for every kind.
    pub kinds: Option<&'a str>,
    pub seed: u64,
}

pub fn run(options: &PerturbOptions<'_>) -> anyhow::Result<()> {
    let kinds = match options.kinds {
        Some(list) => parse_kinds(list)?,
        None => Kind::ALL.to_vec(),
    };
    if kinds.is_empty() {
        bail!("--kinds names no perturbation");
    }
    let messages_in = options.input.join("messages");
    let truth_in = options.input.join("truth.jsonl");
    let files = crate::ingest::message_files(std::slice::from_ref(&messages_in))?;
    let truth = crate::evaluate::read_truth(&truth_in)?;
    let messages_out = options.out.join("messages");
    if messages_out.exists()
        && std::fs::read_dir(&messages_out)
            .with_context(|| format!("reading {}", messages_out.display()))?
            .next()
            .is_some()
    {
        bail!("{} already holds messages; perturb into an empty folder", messages_out.display());
    }

    let bar = ProgressBar::new(files.len() as u64 * 3).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} steps ({msg})  eta {eta}")
            .expect("a valid progress template"),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_message("reading");
    let mut messages = Vec::with_capacity(files.len());
    for f in &files {
        messages.push(std::fs::read(f).with_context(|| format!("reading {}", f.display()))?);
        bar.inc(1);
    }
    bar.set_message("perturbing");
    let perturbed = greenlane_sim::perturb::perturb(
        &messages,
        &truth,
        &Options { kinds: kinds.clone(), seed: options.seed },
        &|| bar.inc(1),
    )
    .map_err(|e| match e {
        greenlane_sim::perturb::PerturbError::Read { index, source } => {
            anyhow::anyhow!("{}: {source}", files[index].display())
        }
        other => other.into(),
    })?;
    drop(messages);

    bar.set_message("writing");
    std::fs::create_dir_all(&messages_out).with_context(|| format!("creating {}", messages_out.display()))?;
    for (n, m) in perturbed.messages.iter().enumerate() {
        let path = messages_out.join(format!("{:09}-{}.xml", n + 1, m.message_type.code()));
        std::fs::write(&path, &m.bytes).with_context(|| format!("writing {}", path.display()))?;
        bar.inc(1);
    }
    let truth_out = options.out.join("truth.jsonl");
    std::fs::copy(&truth_in, &truth_out).with_context(|| format!("copying the truth to {}", truth_out.display()))?;
    bar.finish_and_clear();

    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    println!(
        "{} messages in, {} out ({}; seed {}) written to {}; truth copied to {}",
        files.len(),
        perturbed.messages.len(),
        names.join(","),
        options.seed,
        messages_out.display(),
        truth_out.display()
    );
    for (what, n) in &perturbed.changes {
        println!("  {what:<32} {n:>9}");
    }
    Ok(())
}
