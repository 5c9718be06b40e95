//! JGS-20 measurement unit codes (计量单位代码) used in CEB `unit`/`unit1`/`unit2` fields.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// What a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Pieces, sets, packages, multiples of pieces (个, 件, 箱, 千个, ...).
    Count,
    /// Mass (千克, 克, 吨, 磅, ...).
    Weight,
    /// Volume (升, 立方米, 加仑, ...).
    Volume,
    /// Length (米, 码, 英尺, ...).
    Length,
    /// Area (平方米, 平方英尺, ...).
    Area,
    /// Power, energy, radioactivity and similar (千瓦, 千瓦时, 百万贝可, ...).
    Other,
}

/// One row of `data/units.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Unit {
    /// 3-digit unit code, e.g. `"011"`.
    pub code: String,
    /// Chinese name as in the customs table, e.g. `"件"`.
    pub name_zh: String,
    /// English rendering.
    pub name_en: String,
    /// What the unit measures.
    pub kind: UnitKind,
}

pub(crate) const FILE: &str = "units.csv";

static TABLE: LazyLock<Loaded<Unit>> = LazyLock::new(|| table::load(FILE, include_str!("../data/units.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static Unit>> =
    LazyLock::new(|| table::index(&TABLE.rows, |u| Some(u.code.as_str())));

/// Every row, in code order.
pub fn all_units() -> &'static [Unit] {
    &TABLE.rows
}

/// The unit with this 3-digit code, e.g. `"035"` -> 千克.
pub fn unit_by_code(code: &str) -> Option<&'static Unit> {
    BY_CODE.get(code).copied()
}

pub(crate) fn loaded() -> &'static Loaded<Unit> {
    &TABLE
}

pub(crate) fn check(rows: &[Unit]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let (mut codes, mut names) = (HashSet::new(), HashSet::new());
    for row in rows {
        let key = row.code.as_str();
        c.digits(key, "code", key, 3);
        c.unique(&mut codes, key, "code", key);
        c.chinese(key, "name_zh", &row.name_zh);
        c.unique(&mut names, key, "name_zh", &row.name_zh);
        c.text(key, "name_en", &row.name_en);
    }
    c.finish()
}
