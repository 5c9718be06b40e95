//! `greenlane trial`: several simulated days, seeds by honest-noise levels, each through a fresh
//! hub over HTTP with simulated officers at work, scored against their truth in one table. One
//! seed at one noise level says little: a rule fitted to one day shows as a figure that moves
//! from seed to seed, or that falls when senders get noisier.

use crate::demo::{self, DemoOptions};
use crate::evaluate::{Evaluation, KindScore};
use greenlane_core::ViolationKind;
use std::fmt::Write as _;
use std::path::PathBuf;

pub struct TrialOptions {
    pub seeds: Vec<u64>,
    pub noise: Vec<f64>,
    pub parcels: usize,
    pub data: PathBuf,
    pub clients: usize,
    pub lists: Option<PathBuf>,
    pub criteria: Option<PathBuf>,
}

/// One day of the trial: its seed, noise level, and scores on all parcels and on the parcels
/// of products held out of tuning.
pub struct TrialDay {
    pub seed: u64,
    pub noise: f64,
    pub all: Evaluation,
    pub held_out: Evaluation,
}

pub fn run(options: &TrialOptions) -> anyhow::Result<()> {
    let mut days = Vec::new();
    for &noise in &options.noise {
        for &seed in &options.seeds {
            let day = demo::run_day(&DemoOptions {
                parcels: options.parcels,
                seed,
                noise,
                listen: "127.0.0.1:0".into(),
                data: options.data.join(format!("seed-{seed}-noise-{noise}")),
                exit: true,
                clients: options.clients,
                lists: options.lists.clone(),
                criteria: options.criteria.clone(),
            })?;
            let (all, held_out) = (day.evaluation.clone(), day.held_out.clone());
            day.stop()?;
            eprintln!("seed {seed}, noise {noise}: {}", summary_line(&all));
            days.push(TrialDay { seed, noise, all, held_out });
        }
    }
    print!("{}", table(&days));
    Ok(())
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.1}%", 100.0 * part as f64 / whole as f64) }
}

fn recall(e: &Evaluation) -> KindScore {
    KindScore { parcels: e.kinds.values().map(|k| k.parcels).sum(), stopped: e.kinds.values().map(|k| k.stopped).sum() }
}

fn summary_line(e: &Evaluation) -> String {
    let r = recall(e);
    format!(
        "release {}, clean to an officer {}, recall {}, precision {}",
        pct(e.released, e.decided()),
        pct(e.clean_stopped, e.clean),
        pct(r.stopped, r.parcels),
        pct(e.intervened_violating, e.intervened)
    )
}

/// The trial's table: a row per day and subset, then recall per violation kind per day.
pub fn table(days: &[TrialDay]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<5} {:>5} {:<9} {:>8} {:>8} {:>9} {:>10} {:>8} {:>9} {:>11}",
        "seed", "noise", "parcels", "n", "release", "clean→off", "clean hold", "recall", "precision", "never-rel."
    );
    for d in days {
        for (subset, e) in [("all", &d.all), ("held-out", &d.held_out)] {
            let r = recall(e);
            let _ = writeln!(
                out,
                "{:<5} {:>5} {:<9} {:>8} {:>8} {:>9} {:>10} {:>8} {:>9} {:>11}",
                d.seed,
                d.noise,
                subset,
                e.decided(),
                pct(e.released, e.decided()),
                pct(e.clean_stopped, e.clean),
                pct(e.clean_held, e.clean),
                pct(r.stopped, r.parcels),
                pct(e.intervened_violating, e.intervened),
                format!("{}/{}", e.must_stop.stopped, e.must_stop.parcels),
            );
        }
    }
    let _ = writeln!(out);
    let _ = write!(out, "{:<20}", "recall by kind");
    for d in days {
        let _ = write!(out, " {:>20}", format!("seed {} noise {}", d.seed, d.noise));
    }
    let _ = writeln!(out);
    for kind in ViolationKind::ALL {
        let _ = write!(out, "{:<20}", kind.as_str());
        for d in days {
            let k = d.all.kinds.get(&kind).copied().unwrap_or_default();
            let _ = write!(out, " {:>20}", format!("{} {}/{}", pct(k.stopped, k.parcels), k.stopped, k.parcels));
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_day_and_subset_and_a_column_per_day_of_recall() {
        let empty = Evaluation::score(&[], Vec::new(), 0, 0);
        let day = |seed, noise| TrialDay { seed, noise, all: empty.clone(), held_out: empty.clone() };
        let text = table(&[day(1, 0.0), day(2, 1.0)]);
        assert_eq!(text.lines().filter(|l| l.contains(" all ")).count(), 2, "{text}");
        assert_eq!(text.lines().filter(|l| l.contains(" held-out ")).count(), 2, "{text}");
        assert!(text.contains("seed 2 noise 1"), "{text}");
        assert!(text.lines().any(|l| l.starts_with("undervaluation")), "{text}");
    }
}
