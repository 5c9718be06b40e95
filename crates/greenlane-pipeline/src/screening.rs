//! Screening a parcel's parties against the denied-party lists in force, as the writer decides
//! it: the buyer abroad and the exporter, owner, agent and logistics firm at home. Hits an officer
//! has cleared (a false positive for that party and that entry) are left out, so the same party
//! is not stopped again for the same entry.

use greenlane_core::risk::{PartyRole, ScreeningHit};
use greenlane_core::{MessageTime, Parcel};
use greenlane_screen::{Kind, Query, Screener};
use greenlane_store::Clearance;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Screening results remembered at most. Chinese parties (exporters, agents, logistics firms)
/// recur on thousands of parcels; buyers rarely do.
const REMEMBERED: usize = 50_000;

/// The lists in force, shared by the writer (which screens parcels) and the server (which
/// answers ad-hoc checks and reloads them).
#[derive(Debug)]
pub struct Lists {
    screener: Screener,
    folder: Option<PathBuf>,
    hold_threshold: f64,
    /// Bumped by every reload, so that remembered results of older lists are dropped.
    generation: AtomicU64,
}

impl Lists {
    /// Loads the lists in `folder`.
    pub fn load(folder: &Path) -> Result<Lists, greenlane_screen::ScreenError> {
        let screener = Screener::load_dir(folder)?;
        Ok(Lists::from_screener(screener, Some(folder.to_owned())))
    }

    pub fn from_screener(screener: Screener, folder: Option<PathBuf>) -> Lists {
        Lists {
            screener,
            folder,
            hold_threshold: greenlane_screen::RECOMMENDED_HOLD_THRESHOLD,
            generation: AtomicU64::new(0),
        }
    }

    pub fn screener(&self) -> &Screener {
        &self.screener
    }

    pub fn hold_threshold(&self) -> f64 {
        self.hold_threshold
    }

    /// Loads the folder again; on any error the lists in force stay in force.
    pub fn reload(&self) -> Result<greenlane_screen::ReloadReport, greenlane_screen::ScreenError> {
        let Some(folder) = &self.folder else {
            return Ok(greenlane_screen::ReloadReport { lists: self.screener.lists(), skipped: vec![], names: 0 });
        };
        let report = self.screener.reload(folder)?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(report)
    }
}

/// The writer's side of screening: remembered results and the officers' clearances.
#[derive(Debug)]
pub(crate) struct PartyScreening {
    lists: Arc<Lists>,
    generation: u64,
    remembered: HashMap<(PartyRole, String, String), Vec<ScreeningHit>>,
    cleared: HashSet<(String, String, String)>,
}

impl PartyScreening {
    pub fn new(lists: Arc<Lists>, clearances: Vec<Clearance>) -> PartyScreening {
        let generation = lists.generation.load(Ordering::SeqCst);
        let cleared = clearances.into_iter().map(|c| (c.party, c.list, c.entry_id)).collect();
        PartyScreening { lists, generation, remembered: HashMap::new(), cleared }
    }

    /// The lists screened against.
    pub fn lists(&self) -> Arc<Lists> {
        self.lists.clone()
    }

    /// Every party of the parcel that resembles a listed entry, best first, clearances left out.
    pub fn screen(&mut self, parcel: &Parcel) -> Vec<ScreeningHit> {
        let generation = self.lists.generation.load(Ordering::SeqCst);
        if generation != self.generation || self.remembered.len() > REMEMBERED {
            self.remembered.clear();
            self.generation = generation;
        }
        let mut hits = Vec::new();
        for (role, name, country) in parties(parcel) {
            if name.trim().is_empty() {
                continue;
            }
            let key = (role, name.to_owned(), country.to_owned());
            if !self.remembered.contains_key(&key) {
                let found = screen_one(&self.lists, role, name, country);
                self.remembered.insert(key.clone(), found);
            }
            hits.extend(
                self.remembered[&key]
                    .iter()
                    .filter(|h| {
                        !self.cleared.contains(&(party_key(h.role, &h.party_name), h.list.clone(), h.entry_id.clone()))
                    })
                    .cloned(),
            );
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits
    }

    /// An officer found the parcel compliant: its held hits were false positives. Returns the
    /// clearances to store.
    pub fn clear(&mut self, parcel: &Parcel, officer: &str, at: MessageTime) -> Vec<Clearance> {
        let held: Vec<ScreeningHit> = self.screen(parcel).into_iter().filter(|h| h.above_hold_threshold).collect();
        held.into_iter()
            .map(|h| {
                let clearance = Clearance {
                    party: party_key(h.role, &h.party_name),
                    list: h.list,
                    entry_id: h.entry_id,
                    officer: officer.to_owned(),
                    cleared_at: at,
                };
                self.cleared.insert((clearance.party.clone(), clearance.list.clone(), clearance.entry_id.clone()));
                clearance
            })
            .collect()
    }
}

/// Every hit of every party of `parcel`, best first, without officers' clearances or memory: what
/// a backtest replays.
pub fn screen_parties(lists: &Lists, parcel: &Parcel) -> Vec<ScreeningHit> {
    let mut hits: Vec<ScreeningHit> = parties(parcel)
        .into_iter()
        .filter(|(_, name, _)| !name.trim().is_empty())
        .flat_map(|(role, name, country)| screen_one(lists, role, name, country))
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits
}

/// The parties of a parcel: role, name and country (ISO alpha-2 where known).
fn parties(parcel: &Parcel) -> Vec<(PartyRole, &str, &str)> {
    let mut out = Vec::with_capacity(5);
    if let Some(buyer) = &parcel.order.buyer {
        out.push((PartyRole::Buyer, buyer.name.as_str(), buyer.country.as_str()));
    }
    let list = &parcel.list;
    out.push((PartyRole::Exporter, list.ebc_name.as_str(), "CN"));
    if list.owner_name != list.ebc_name {
        out.push((PartyRole::Owner, list.owner_name.as_str(), "CN"));
    }
    out.push((PartyRole::Agent, list.agent_name.as_str(), "CN"));
    out.push((PartyRole::Logistics, parcel.waybill.logistics_name.as_str(), "CN"));
    out
}

fn screen_one(lists: &Lists, role: PartyRole, name: &str, country: &str) -> Vec<ScreeningHit> {
    // A buyer may be a person or a company; the parties at home are companies.
    let kind = if role == PartyRole::Buyer { None } else { Some(Kind::Organization) };
    let country = (!country.is_empty()).then_some(country);
    let query = Query { name, country, kind };
    lists
        .screener
        .screen(&query)
        .into_iter()
        .map(|m| ScreeningHit {
            role,
            party_name: name.to_owned(),
            list_version: m.list_version,
            list: m.list,
            entry_id: m.entry_id,
            listed_name: m.name,
            above_hold_threshold: m.score >= lists.hold_threshold,
            score: m.score,
        })
        .collect()
}

/// How a cleared party is remembered: its role and its name, case and spacing aside.
pub(crate) fn party_key(role: PartyRole, name: &str) -> String {
    let name: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    format!("{}:{}", role.as_str(), name.join(" "))
}
