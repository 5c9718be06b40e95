//! Shenzhen customs district codes (关区代码): the district, its subordinate customs and port areas.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// What a 4-digit customs code denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictKind {
    /// A whole customs district (关区) under a directly-administered customs, code `NN00`.
    District,
    /// A subordinate customs office (隶属海关).
    Customs,
    /// A port area or supervision site with its own code (港区/口岸/物流园).
    Port,
}

/// One row of `data/customs_districts.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CustomsDistrict {
    /// 4-digit code as used in CEB `customsCode`/`portCode`, e.g. `"5301"`.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English rendering.
    pub name_en: String,
    /// District, customs office or port area.
    pub kind: DistrictKind,
}

pub(crate) const FILE: &str = "customs_districts.csv";

static TABLE: LazyLock<Loaded<CustomsDistrict>> =
    LazyLock::new(|| table::load(FILE, include_str!("../data/customs_districts.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static CustomsDistrict>> =
    LazyLock::new(|| table::index(&TABLE.rows, |d| Some(d.code.as_str())));

/// Every row, in code order.
pub fn all_customs_districts() -> &'static [CustomsDistrict] {
    &TABLE.rows
}

/// The district, customs office or port area with this 4-digit code.
pub fn customs_district(code: &str) -> Option<&'static CustomsDistrict> {
    BY_CODE.get(code).copied()
}

/// The district (`NN00` row) that a code belongs to, e.g. `"5345"` -> 5300.
pub fn parent_district(code: &str) -> Option<&'static CustomsDistrict> {
    let prefix = code.get(..2)?;
    if !crate::check::is_digits(code, 4) {
        return None;
    }
    customs_district(&format!("{prefix}00")).filter(|d| d.kind == DistrictKind::District)
}

pub(crate) fn loaded() -> &'static Loaded<CustomsDistrict> {
    &TABLE
}

pub(crate) fn check(rows: &[CustomsDistrict]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let mut codes = HashSet::new();
    let districts: HashSet<&str> =
        rows.iter().filter(|d| d.kind == DistrictKind::District).filter_map(|d| d.code.get(..2)).collect();
    for row in rows {
        let key = row.code.as_str();
        c.digits(key, "code", key, 4);
        c.unique(&mut codes, key, "code", key);
        c.chinese(key, "name_zh", &row.name_zh);
        c.text(key, "name_en", &row.name_en);
        let is_nn00 = key.ends_with("00");
        if (row.kind == DistrictKind::District) != is_nn00 {
            c.fail(key, "kind district if and only if the code ends in 00");
        }
        if !key.get(..2).is_some_and(|p| districts.contains(p)) {
            c.fail(key, "no district row (NN00) for this code's prefix");
        }
    }
    c.finish()
}
