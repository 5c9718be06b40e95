//! China Customs 3-digit country/region codes (海关国别(地区)代码) with ISO 3166-1 mappings.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// One row of `data/countries.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Country {
    /// 3-digit customs code used in CEB `country` fields, e.g. `"502"`.
    pub customs_code: String,
    /// ISO 3166-1 alpha-2, when the customs entry is one whole ISO territory.
    ///
    /// `None` for parts of a territory (Canary Islands, Ceuta, Gambier Islands, ...)
    /// and for the "other"/"unknown" catch-all codes. Withdrawn ISO codes are kept
    /// where the customs table still has the old entity (349 `CS`, 449 `AN`).
    pub iso2: Option<String>,
    /// ISO 3166-1 alpha-3 (or ISO 3166-3 for withdrawn codes); present iff `iso2` is.
    pub iso3: Option<String>,
    /// English short name.
    pub name_en: String,
    /// Chinese name as in the customs table.
    pub name_zh: String,
}

pub(crate) const FILE: &str = "countries.csv";

static TABLE: LazyLock<Loaded<Country>> = LazyLock::new(|| table::load(FILE, include_str!("../data/countries.csv")));

static BY_CODE: LazyLock<HashMap<&'static str, &'static Country>> =
    LazyLock::new(|| table::index(&TABLE.rows, |c| Some(c.customs_code.as_str())));

static BY_ISO2: LazyLock<HashMap<&'static str, &'static Country>> =
    LazyLock::new(|| table::index(&TABLE.rows, |c| c.iso2.as_deref()));

static BY_ISO3: LazyLock<HashMap<&'static str, &'static Country>> =
    LazyLock::new(|| table::index(&TABLE.rows, |c| c.iso3.as_deref()));

/// Every row, in customs-code order.
pub fn all_countries() -> &'static [Country] {
    &TABLE.rows
}

/// The country/region with this 3-digit customs code, e.g. `"142"` -> China.
pub fn country_by_customs_code(code: &str) -> Option<&'static Country> {
    BY_CODE.get(code).copied()
}

/// The country/region with this ISO 3166-1 alpha-2 code (case-insensitive).
///
/// A few ISO codes appear on two customs rows (Kazakhstan 145/341, Kyrgyzstan
/// 146/342, Tajikistan 147/345, Turkmenistan 148/346, Uzbekistan 149/348); the
/// lower customs code is returned.
pub fn country_by_iso2(iso2: &str) -> Option<&'static Country> {
    table::get_upper(&BY_ISO2, iso2)
}

/// The country/region with this ISO 3166-1 alpha-3 code (case-insensitive).
/// Duplicates resolve as in [`country_by_iso2`].
pub fn country_by_iso3(iso3: &str) -> Option<&'static Country> {
    table::get_upper(&BY_ISO3, iso3)
}

pub(crate) fn loaded() -> &'static Loaded<Country> {
    &TABLE
}

pub(crate) fn check(rows: &[Country]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let mut codes = HashSet::new();
    let mut pairs: HashMap<&str, &str> = HashMap::new();
    let mut pairs_rev: HashMap<&str, &str> = HashMap::new();
    for row in rows {
        let key = row.customs_code.as_str();
        c.digits(key, "customs_code", key, 3);
        c.unique(&mut codes, key, "customs_code", key);
        match (&row.iso2, &row.iso3) {
            (Some(a2), Some(a3)) => {
                c.upper(key, "iso2", a2, 2);
                c.upper(key, "iso3", a3, 3);
                // One ISO territory may sit on two customs rows, but always as the same pair.
                if let Some(prev) = pairs.insert(a2.as_str(), a3.as_str())
                    && prev != a3
                {
                    c.fail(key, format!("iso2 {a2:?} paired with both {prev:?} and {a3:?}"));
                }
                if let Some(prev) = pairs_rev.insert(a3.as_str(), a2.as_str())
                    && prev != a2
                {
                    c.fail(key, format!("iso3 {a3:?} paired with both {prev:?} and {a2:?}"));
                }
            }
            (None, None) => {}
            _ => c.fail(key, "iso2 and iso3 must be both present or both empty"),
        }
        c.text(key, "name_en", &row.name_en);
        c.chinese(key, "name_zh", &row.name_zh);
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, iso2: Option<&str>, iso3: Option<&str>) -> Country {
        Country {
            customs_code: code.into(),
            iso2: iso2.map(Into::into),
            iso3: iso3.map(Into::into),
            name_en: "X".into(),
            name_zh: "某国".into(),
        }
    }

    #[test]
    fn check_rejects_bad_rows() {
        assert!(check(&[row("142", Some("CN"), Some("CHN"))]).is_ok());
        for bad in [
            vec![row("42", None, None)],
            vec![row("14a", None, None)],
            vec![row("142", Some("cn"), Some("CHN"))],
            vec![row("142", Some("CN"), None)],
            vec![row("145", Some("KZ"), Some("KAZ")), row("341", Some("KZ"), Some("KGZ"))],
            vec![row("142", None, None), row("142", None, None)],
        ] {
            assert!(check(&bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn malformed_csv_is_reported_not_panicking() {
        let bad: Loaded<Country> = table::load(FILE, "customs_code,iso2\n142,CN\n");
        assert!(bad.rows.is_empty());
        assert!(matches!(bad.error, Some(CodesError::Parse { .. })));
    }
}
