//! `greenlane evaluate`: scores a store's decisions against the truth of a simulated day — the
//! table a customs director asks for: how much was released, what share of each kind of violation
//! was stopped, how many interventions found something, how many clean parcels were stopped, and
//! how long lists waited for a decision. `greenlane demo` prints the same table from the same
//! function, so the two always agree on one store.

use greenlane_core::{Lane, ListKey, ListStatus, ViolationKind};
use greenlane_sim::{Subtlety, TruthRecord};
use greenlane_store::{ListRow, Store};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The scores of one store against one truth file. Parcels are declaration lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Parcels in the truth.
    pub parcels: u64,
    /// Parcels of the truth with a list in the store.
    pub stored: u64,
    /// Stored lists still waiting for their order or waybill.
    pub pending: u64,
    /// Decided lists per lane (the lane they were routed to, whatever an officer found later).
    pub lanes: BTreeMap<Lane, u64>,
    /// Decided lists released at once (green or blue).
    pub released: u64,
    /// Decided lists stopped (yellow, red, hold or refused).
    pub intervened: u64,
    /// Stopped lists whose parcel truly violated something.
    pub intervened_violating: u64,
    /// Clean parcels (decided) and the ones of them that were stopped.
    pub clean: u64,
    pub clean_stopped: u64,
    /// Clean parcels sent to `hold`, the costliest false alarm.
    pub clean_held: u64,
    /// Per violation kind: violating parcels decided, and those of them stopped.
    pub kinds: BTreeMap<ViolationKind, KindScore>,
    /// The parcels no hub may release: obvious and moderate `sanctioned_party`,
    /// `prohibited_goods` and `license_missing` parcels, and those of them stopped.
    pub must_stop: KindScore,
    /// Clean parcels per confounder (why an honest parcel looks suspicious), and those stopped:
    /// what the criteria cost honest traders, by cause.
    pub confounders: BTreeMap<String, KindScore>,
    /// Lists an officer inspected, and the inspections that confirmed a violation.
    pub inspected: u64,
    pub confirmed: u64,
    /// Seconds (message time) from a list's arrival to its decision: p50, p90 and max.
    pub wait_p50: i64,
    pub wait_p90: i64,
    pub wait_max: i64,
}

/// How one kind of violation fared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindScore {
    pub parcels: u64,
    pub stopped: u64,
}

impl Evaluation {
    /// Scores `rows` (every list of a store) against `truth`.
    pub fn score(
        truth: &[TruthRecord],
        rows: impl IntoIterator<Item = ListRow>,
        inspected: u64,
        confirmed: u64,
    ) -> Self {
        let mut by_key: HashMap<ListKey, ListRow> = HashMap::new();
        for row in rows {
            by_key.insert(row.list.key.clone(), row);
        }
        let mut e = Evaluation {
            parcels: truth.len() as u64,
            stored: 0,
            pending: 0,
            lanes: BTreeMap::new(),
            released: 0,
            intervened: 0,
            intervened_violating: 0,
            clean: 0,
            clean_stopped: 0,
            clean_held: 0,
            kinds: ViolationKind::ALL.iter().map(|k| (*k, KindScore::default())).collect(),
            must_stop: KindScore::default(),
            confounders: BTreeMap::new(),
            inspected,
            confirmed,
            wait_p50: 0,
            wait_p90: 0,
            wait_max: 0,
        };
        let mut waits = Vec::new();
        for record in truth {
            let key = ListKey { ebc_code: record.ebc_code.clone(), cop_no: record.cop_no.clone() };
            let Some(row) = by_key.get(&key) else { continue };
            e.stored += 1;
            if row.status == ListStatus::Pending {
                e.pending += 1;
                continue;
            }
            *e.lanes.entry(row.lane).or_default() += 1;
            if let Some(decided) = row.decided_at {
                waits.push(decided.0 - row.received_at.0);
            }
            let stopped = !row.lane.is_released();
            let violations = &record.violations;
            if stopped {
                e.intervened += 1;
            } else {
                e.released += 1;
            }
            if violations.is_empty() {
                e.clean += 1;
                e.clean_stopped += u64::from(stopped);
                e.clean_held += u64::from(row.lane == Lane::Hold);
                if let Some(c) = record.confounder {
                    let name = serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned));
                    let score = e.confounders.entry(name.unwrap_or_default()).or_default();
                    score.parcels += 1;
                    score.stopped += u64::from(stopped);
                }
            } else {
                e.intervened_violating += u64::from(stopped);
                for &kind in violations {
                    let score = e.kinds.entry(kind).or_default();
                    score.parcels += 1;
                    score.stopped += u64::from(stopped);
                }
                let never_released =
                    [ViolationKind::SanctionedParty, ViolationKind::ProhibitedGoods, ViolationKind::LicenseMissing];
                if record.subtlety != Some(Subtlety::Subtle) && violations.iter().any(|k| never_released.contains(k)) {
                    e.must_stop.parcels += 1;
                    e.must_stop.stopped += u64::from(stopped);
                }
            }
        }
        waits.sort_unstable();
        let at = |q: f64| waits.get(((waits.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
        (e.wait_p50, e.wait_p90, e.wait_max) = (at(0.5), at(0.9), waits.last().copied().unwrap_or(0));
        e
    }

    /// Reads every list and the inspection trail of `store` and scores them against `truth`.
    pub fn of_store(store: &dyn Store, truth: &[TruthRecord]) -> anyhow::Result<Evaluation> {
        let mut read = store.read()?;
        let mut rows = Vec::new();
        let mut after: Option<ListKey> = None;
        loop {
            let page = read.lists_after(after.as_ref(), 5000)?;
            let Some(last) = page.last() else { break };
            after = Some(last.list.key.clone());
            rows.extend(page);
        }
        let (mut inspected, mut confirmed, mut cursor) = (0, 0, 0);
        loop {
            let page = read.inspections_after(cursor, 5000)?;
            let Some(&(last, _)) = page.last() else { break };
            cursor = last;
            inspected += page.len() as u64;
            confirmed += page
                .iter()
                .filter(|(_, i)| matches!(i.outcome, greenlane_core::InspectionOutcome::Violation(_)))
                .count() as u64;
        }
        Ok(Evaluation::score(truth, rows, inspected, confirmed))
    }

    pub fn decided(&self) -> u64 {
        self.released + self.intervened
    }

    /// The headline figures on a few lines: release, recall, precision, clean parcels stopped
    /// and held, and the parcels no hub may release.
    pub fn headline(&self) -> String {
        let (violating, stopped) = self.kinds.values().fold((0, 0), |(p, s), k| (p + k.parcels, s + k.stopped));
        format!(
            "  release {}, recall {} ({stopped}/{violating}), precision {}, clean to an officer {}, clean held {}, never-release stopped {}/{}\n",
            percent(self.released, self.decided()),
            percent(stopped, violating),
            percent(self.intervened_violating, self.intervened),
            percent(self.clean_stopped, self.clean),
            percent(self.clean_held, self.clean),
            self.must_stop.stopped,
            self.must_stop.parcels
        )
    }

    /// The same figures as the table, as JSON (`greenlane evaluate --format json`): counts, and
    /// the shares the table prints as fractions (`null` where there is nothing to divide).
    pub fn to_json(&self) -> serde_json::Value {
        let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
        let (violating, stopped) = self.kinds.values().fold((0, 0), |(p, s), k| (p + k.parcels, s + k.stopped));
        serde_json::json!({
            "parcels": self.parcels,
            "stored": self.stored,
            "decided": self.decided(),
            "pending": self.pending,
            "lanes": self.lanes.iter().map(|(l, n)| (l.as_str().to_owned(), *n)).collect::<BTreeMap<_, _>>(),
            "released": self.released,
            "releaseRate": share(self.released, self.decided()),
            "intervened": self.intervened,
            "intervenedViolating": self.intervened_violating,
            "precision": share(self.intervened_violating, self.intervened),
            "violating": violating,
            "violatingStopped": stopped,
            "recall": share(stopped, violating),
            "clean": self.clean,
            "cleanStopped": self.clean_stopped,
            "cleanHeld": self.clean_held,
            "mustStop": {"parcels": self.must_stop.parcels, "stopped": self.must_stop.stopped},
            "confounders": self.confounders.iter().map(|(c, s)| (c.clone(), serde_json::json!({
                "parcels": s.parcels,
                "stopped": s.stopped,
            }))).collect::<BTreeMap<_, _>>(),
            "kinds": self.kinds.iter().map(|(k, s)| (k.as_str().to_owned(), serde_json::json!({
                "parcels": s.parcels,
                "stopped": s.stopped,
                "recall": share(s.stopped, s.parcels),
            }))).collect::<BTreeMap<_, _>>(),
            "inspected": self.inspected,
            "confirmed": self.confirmed,
            "waitSeconds": {"p50": self.wait_p50, "p90": self.wait_p90, "max": self.wait_max},
        })
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.1}%", 100.0 * part as f64 / whole as f64) }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decided = self.decided();
        writeln!(f, "parcels in the truth     {:>9}", self.parcels)?;
        writeln!(f, "stored / decided         {:>9} / {decided}   ({} still pending)", self.stored, self.pending)?;
        let lanes: Vec<String> = Lane::ALL
            .iter()
            .filter_map(|l| self.lanes.get(l).map(|n| format!("{} {n} ({})", l.as_str(), percent(*n, decided))))
            .collect();
        writeln!(f, "lanes                    {}", lanes.join(", "))?;
        writeln!(f, "release rate             {:>9}   (green + blue, of decided)", percent(self.released, decided))?;
        writeln!(
            f,
            "recall, all kinds        {:>9}   (violating parcels stopped)",
            percent(self.kinds.values().map(|k| k.stopped).sum(), self.kinds.values().map(|k| k.parcels).sum())
        )?;
        writeln!(
            f,
            "precision                {:>9}   ({} of {} interventions found a violation)",
            percent(self.intervened_violating, self.intervened),
            self.intervened_violating,
            self.intervened
        )?;
        writeln!(
            f,
            "false stops on clean     {:>9}   ({} of {} clean parcels; {} held)",
            percent(self.clean_stopped, self.clean),
            self.clean_stopped,
            self.clean,
            self.clean_held
        )?;
        writeln!(
            f,
            "must never be released   {:>9}   ({} of {} obvious and moderate sanctioned, prohibited, unlicensed parcels stopped)",
            percent(self.must_stop.stopped, self.must_stop.parcels),
            self.must_stop.stopped,
            self.must_stop.parcels
        )?;
        writeln!(f, "inspections recorded     {:>9}   ({} confirmed a violation)", self.inspected, self.confirmed)?;
        writeln!(
            f,
            "arrival → decision       p50 {}, p90 {}, max {}   (message time; lists wait for their order and waybill)",
            duration(self.wait_p50),
            duration(self.wait_p90),
            duration(self.wait_max)
        )?;
        writeln!(f)?;
        writeln!(f, "{:<20} {:>9} {:>9} {:>8}", "violation kind", "parcels", "stopped", "recall")?;
        for (kind, score) in &self.kinds {
            writeln!(
                f,
                "{:<20} {:>9} {:>9} {:>8}",
                kind.as_str(),
                score.parcels,
                score.stopped,
                percent(score.stopped, score.parcels)
            )?;
        }
        if !self.confounders.is_empty() {
            writeln!(f)?;
            writeln!(f, "{:<26} {:>9} {:>9} {:>8}", "clean parcel, looks like", "parcels", "stopped", "share")?;
            for (name, score) in &self.confounders {
                writeln!(
                    f,
                    "{:<26} {:>9} {:>9} {:>8}",
                    name,
                    score.parcels,
                    score.stopped,
                    percent(score.stopped, score.parcels)
                )?;
            }
        }
        Ok(())
    }
}

fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{:.1} h", s as f64 / 3600.0),
    }
}

/// Reads a `truth.jsonl` file.
pub fn read_truth(path: &std::path::Path) -> anyhow::Result<Vec<TruthRecord>> {
    use anyhow::Context;
    let file = std::fs::File::open(path).with_context(|| format!("cannot open the truth file {}", path.display()))?;
    greenlane_sim::read_truth(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a truth file of `greenlane simulate`", path.display()))
}
