//! What both backends share about turning rows into columns and back: the JSON documents, the
//! text names of lanes, statuses and roles, digests, sequence numbers and the errors that go with
//! them. Keeping this in one place is what makes the two backends store the same thing.

use crate::{Counts, Digest, ListRow, Result, Role, StoreError};
use greenlane_core::{Lane, ListKey, ListStatus};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A domain struct as the JSON text kept in a `doc` column.
pub(crate) fn to_json<T: Serialize>(what: &'static str, value: &T) -> Result<String> {
    // The domain types are plain structs with string keys: serialising them cannot fail, but a
    // future type with, say, a map keyed by a struct would, and that must not panic the writer.
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("cannot encode {what} as JSON: {e}")))
}

/// A `doc` column back into its domain struct; text that does not decode is corruption.
pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("{what} does not decode: {e}")))
}

pub(crate) fn lane(text: &str) -> Result<Lane> {
    Lane::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown lane {text:?}")))
}

pub(crate) fn status(text: &str) -> Result<ListStatus> {
    ListStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown list status {text:?}")))
}

pub(crate) fn role(text: &str) -> Result<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown token role {text:?}")))
}

pub(crate) fn digest(what: &'static str, bytes: &[u8]) -> Result<Digest> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(format!("{what} is {} bytes, not 32", bytes.len())))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A sequence number or id as the database hands it out (always positive).
pub(crate) fn seq(what: &'static str, value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} is negative")))
}

/// A feed cursor as a database integer. Cursors above `i64::MAX` are past every possible entry.
pub(crate) fn cursor(after: u64) -> Option<i64> {
    i64::try_from(after).ok()
}

/// A `LIMIT` as a database integer (a `usize` can exceed `i64::MAX` in principle only).
pub(crate) fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// A list key from the two nullable columns that point from an order or a waybill to its list.
pub(crate) fn list_link(
    what: &'static str,
    ebc_code: Option<String>,
    cop_no: Option<String>,
) -> Result<Option<ListKey>> {
    match (ebc_code, cop_no) {
        (Some(ebc_code), Some(cop_no)) => Ok(Some(ListKey { ebc_code, cop_no })),
        (None, None) => Ok(None),
        _ => Err(StoreError::Corrupt(format!("{what} names half a declaration list"))),
    }
}

/// Scores are stored as numbers (a column and inside JSON): NaN and the infinities have no JSON
/// form and SQLite turns NaN into NULL, so they are refused before anything is written rather
/// than found corrupt later.
pub(crate) fn check_score(operation: &'static str, score: f64) -> Result<()> {
    if score.is_finite() {
        Ok(())
    } else {
        Err(StoreError::Backend(format!("{operation}: score {score} is not a finite number and cannot be stored")))
    }
}

/// The columns of a `lists` row other than its keys, encoded.
pub(crate) struct ListColumns {
    pub status: &'static str,
    pub lane: &'static str,
    pub return_status: i32,
    pub score: f64,
    pub received_at: i64,
    pub decided_at: Option<i64>,
    pub criteria_version: Option<String>,
    pub reasons: String,
    pub doc: String,
}

impl ListColumns {
    pub(crate) fn encode(row: &ListRow) -> Result<ListColumns> {
        check_score("put_list", row.score)?;
        Ok(ListColumns {
            status: row.status.as_str(),
            lane: row.lane.as_str(),
            return_status: row.return_status,
            score: row.score,
            received_at: row.received_at.0,
            decided_at: row.decided_at.map(|t| t.0),
            criteria_version: row.criteria_version.clone(),
            reasons: to_json("reasons", &row.reasons)?,
            doc: to_json("list", &row.list)?,
        })
    }
}

/// Builds [`Counts`] from `GROUP BY` results, listing every lane and every status (zero
/// included, in declaration order) so that metrics keep a stable set of series whatever the
/// backend and whatever has happened so far.
pub(crate) fn counts(by_lane: Vec<(String, i64)>, by_status: Vec<(String, i64)>, messages: i64) -> Result<Counts> {
    let count = |what: &'static str, n: i64| {
        u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative count of {what}")))
    };
    let mut lanes: Vec<(Lane, u64)> = Lane::ALL.into_iter().map(|l| (l, 0)).collect();
    for (text, n) in by_lane {
        let l = lane(&text)?;
        let n = count("lists", n)?;
        match lanes.iter_mut().find(|(x, _)| *x == l) {
            Some(slot) => slot.1 = n,
            None => lanes.push((l, n)),
        }
    }
    let mut statuses: Vec<(ListStatus, u64)> = ListStatus::ALL.into_iter().map(|s| (s, 0)).collect();
    for (text, n) in by_status {
        let s = status(&text)?;
        let n = count("lists", n)?;
        // A status the core gained after ListStatus::ALL was written is still counted.
        match statuses.iter_mut().find(|(x, _)| *x == s) {
            Some(slot) => slot.1 = n,
            None => statuses.push((s, n)),
        }
    }
    Ok(Counts { lists_by_lane: lanes, lists_by_status: statuses, messages: count("messages", messages)? })
}
