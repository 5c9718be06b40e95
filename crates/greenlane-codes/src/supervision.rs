//! Customs supervision modes (监管方式) relevant to CBEC exports, with their legal basis.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// The business flow a supervision mode stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionFlow {
    /// B2C retail parcels declared on lists (9610).
    RetailExport,
    /// B2B direct export (9710).
    B2bExport,
    /// Export to an overseas warehouse (9810).
    OverseasWarehouse,
    /// Through special customs supervision zones or bonded places (1210, 1239).
    Bonded,
    /// Ordinary trade (0110).
    General,
    /// Market procurement trade (1039).
    MarketProcurement,
}

/// One row of `data/supervision_modes.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SupervisionMode {
    /// 4-digit code as used in CEB `tradeMode`, e.g. `"9610"`.
    pub code: String,
    /// Official short name (简称), e.g. `"电子商务"`.
    pub short_name_zh: String,
    /// English rendering.
    pub name_en: String,
    /// Which flow it is.
    pub flow: SupervisionFlow,
    /// The GACC announcement that created the code, e.g. `"GACC Announcement 2014 No.12"`.
    pub legal_basis: String,
}

pub(crate) const FILE: &str = "supervision_modes.csv";

static TABLE: LazyLock<Loaded<SupervisionMode>> =
    LazyLock::new(|| table::load(FILE, include_str!("../data/supervision_modes.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static SupervisionMode>> =
    LazyLock::new(|| table::index(&TABLE.rows, |s| Some(s.code.as_str())));

/// Every row, in code order.
pub fn all_supervision_modes() -> &'static [SupervisionMode] {
    &TABLE.rows
}

/// The supervision mode with this 4-digit code, e.g. `"9610"`.
pub fn supervision_mode(code: &str) -> Option<&'static SupervisionMode> {
    BY_CODE.get(code).copied()
}

pub(crate) fn loaded() -> &'static Loaded<SupervisionMode> {
    &TABLE
}

pub(crate) fn check(rows: &[SupervisionMode]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let mut codes = HashSet::new();
    for row in rows {
        let key = row.code.as_str();
        c.digits(key, "code", key, 4);
        c.unique(&mut codes, key, "code", key);
        c.chinese(key, "short_name_zh", &row.short_name_zh);
        c.text(key, "name_en", &row.name_en);
        c.text(key, "legal_basis", &row.legal_basis);
    }
    c.finish()
}
