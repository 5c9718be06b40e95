//! Customs transport mode codes (运输方式代码) used in CEB `trafMode` fields.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// One row of `data/transport_modes.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TransportMode {
    /// One character: a digit or an upper-case letter, e.g. `"5"` (air), `"W"`.
    pub code: String,
    /// Chinese name as in the customs table.
    pub name_zh: String,
    /// English rendering.
    pub name_en: String,
}

pub(crate) const FILE: &str = "transport_modes.csv";

static TABLE: LazyLock<Loaded<TransportMode>> =
    LazyLock::new(|| table::load(FILE, include_str!("../data/transport_modes.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static TransportMode>> =
    LazyLock::new(|| table::index(&TABLE.rows, |t| Some(t.code.as_str())));

/// Every row: digits first, then letters.
pub fn all_transport_modes() -> &'static [TransportMode] {
    &TABLE.rows
}

/// The transport mode with this code (letters case-insensitive), e.g. `"5"` -> 航空运输.
pub fn transport_mode(code: &str) -> Option<&'static TransportMode> {
    table::get_upper(&BY_CODE, code)
}

pub(crate) fn loaded() -> &'static Loaded<TransportMode> {
    &TABLE
}

pub(crate) fn check(rows: &[TransportMode]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let mut codes = HashSet::new();
    for row in rows {
        let key = row.code.as_str();
        let ok = key.len() == 1 && key.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if !ok {
            c.fail(key, "code must be one ASCII digit or upper-case letter");
        }
        c.unique(&mut codes, key, "code", key);
        c.chinese(key, "name_zh", &row.name_zh);
        c.text(key, "name_en", &row.name_en);
    }
    c.finish()
}
