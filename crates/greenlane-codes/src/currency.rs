//! China Customs 3-digit currency codes (币制代码) with ISO 4217 mappings.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// One row of `data/currencies.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Currency {
    /// 3-digit customs code used in CEB `currency` fields, e.g. `"142"`.
    pub customs_code: String,
    /// ISO 4217 alphabetic code, e.g. `"CNY"`. Euro-legacy rows keep their
    /// withdrawn ISO code (`DEM`, `FRF`, ...).
    pub iso_alpha: String,
    /// ISO 4217 numeric code as three digits, e.g. `"156"`.
    pub iso_numeric: String,
    /// English name.
    pub name_en: String,
    /// Chinese name as in the customs table.
    pub name_zh: String,
    /// Decimal places of the minor unit (ISO 4217 exponent): 2 for most, 0 for the yen and the
    /// won, 3 for the Kuwaiti dinar. Amounts are compared after rounding to it.
    pub minor_units: u32,
}

pub(crate) const FILE: &str = "currencies.csv";

static TABLE: LazyLock<Loaded<Currency>> = LazyLock::new(|| table::load(FILE, include_str!("../data/currencies.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static Currency>> =
    LazyLock::new(|| table::index(&TABLE.rows, |c| Some(c.customs_code.as_str())));

static BY_ALPHA: LazyLock<HashMap<&'static str, &'static Currency>> =
    LazyLock::new(|| table::index(&TABLE.rows, |c| Some(c.iso_alpha.as_str())));

/// Every row, in customs-code order.
pub fn all_currencies() -> &'static [Currency] {
    &TABLE.rows
}

/// The currency with this 3-digit customs code, e.g. `"502"` -> US dollar.
pub fn currency_by_customs_code(code: &str) -> Option<&'static Currency> {
    BY_CODE.get(code).copied()
}

/// The currency with this ISO 4217 alphabetic code (case-insensitive), e.g. `"USD"`.
pub fn currency_by_iso_alpha(alpha: &str) -> Option<&'static Currency> {
    table::get_upper(&BY_ALPHA, alpha)
}

pub(crate) fn loaded() -> &'static Loaded<Currency> {
    &TABLE
}

pub(crate) fn check(rows: &[Currency]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let (mut codes, mut alphas, mut numerics) = (HashSet::new(), HashSet::new(), HashSet::new());
    for row in rows {
        let key = row.customs_code.as_str();
        c.digits(key, "customs_code", key, 3);
        c.unique(&mut codes, key, "customs_code", key);
        c.upper(key, "iso_alpha", &row.iso_alpha, 3);
        c.unique(&mut alphas, key, "iso_alpha", &row.iso_alpha);
        c.digits(key, "iso_numeric", &row.iso_numeric, 3);
        c.unique(&mut numerics, key, "iso_numeric", &row.iso_numeric);
        c.text(key, "name_en", &row.name_en);
        c.chinese(key, "name_zh", &row.name_zh);
        if row.minor_units > 4 {
            c.fail(key, format!("minor_units is {}; ISO 4217 uses 0 to 4", row.minor_units));
        }
    }
    c.finish()
}
