//! Customs exchange rates: CNY per unit of a currency for each month (`data/exchange_rates.csv`).
//!
//! Customs convert foreign amounts at one rate per month, the central parity of the third
//! Wednesday of the month before (征税管理办法 art. 16). The table approximates it from the ECB's
//! euro reference rates of that day (see `data/README.md`). A month after the table's last is
//! given the last month's rate, and a month before its first the first month's: a stale rate
//! beats none, and the table's end is in the rate's `month` for whoever reads it.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::check::Checker;
use crate::error::CodesError;
use crate::table::{self, Loaded};

/// One row of `data/exchange_rates.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExchangeRate {
    /// The customs month the rate applies to, `YYYY-MM`.
    pub month: String,
    /// ISO 4217 alphabetic code.
    pub iso_alpha: String,
    /// CNY for one unit of the currency.
    pub cny_per_unit: Decimal,
    /// The day whose parity the rate is, `YYYY-MM-DD`.
    pub parity_date: String,
}

pub(crate) const FILE: &str = "exchange_rates.csv";

static TABLE: LazyLock<Loaded<ExchangeRate>> =
    LazyLock::new(|| table::load(FILE, include_str!("../data/exchange_rates.csv")));

/// Per currency, its rows in month order with each month as `YYYYMM`: a lookup runs for every
/// amount the document check compares, so it allocates nothing.
static BY_CURRENCY: LazyLock<HashMap<&'static str, Vec<(u32, &'static ExchangeRate)>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<(u32, &'static ExchangeRate)>> = HashMap::new();
    for row in &TABLE.rows {
        map.entry(row.iso_alpha.as_str()).or_default().push((month_key(&row.month), row));
    }
    for rows in map.values_mut() {
        rows.sort_by_key(|(month, _)| *month);
    }
    map
});

/// `YYYY-MM` as `YYYYMM` (0 for a malformed month, which `check` reports).
fn month_key(month: &str) -> u32 {
    let (year, m) = month.split_once('-').unwrap_or(("0", "0"));
    year.parse::<u32>().unwrap_or(0) * 100 + m.parse::<u32>().unwrap_or(0)
}

/// Every row, as in the file.
pub fn all_exchange_rates() -> &'static [ExchangeRate] {
    &TABLE.rows
}

/// The rate for `iso_alpha` (or a 3-digit customs currency code) in the customs month
/// `year`-`month`: that month's row, else the nearest month the table has. `None` for a currency
/// the table does not carry. The yuan is not in the table; callers treat it as 1.
pub fn exchange_rate(currency: &str, year: i32, month: u32) -> Option<&'static ExchangeRate> {
    let alpha = if crate::check::is_digits(currency, 3) {
        crate::currency_by_customs_code(currency)?.iso_alpha.as_str()
    } else {
        currency
    };
    let rows = match BY_CURRENCY.get(alpha) {
        Some(rows) => rows,
        None => BY_CURRENCY.get(alpha.to_ascii_uppercase().as_str())?,
    };
    let wanted = u32::try_from(year).unwrap_or(0) * 100 + month;
    let at = rows.partition_point(|(m, _)| *m <= wanted);
    rows.get(at.saturating_sub(1)).map(|(_, row)| *row)
}

pub(crate) fn loaded() -> &'static Loaded<ExchangeRate> {
    &TABLE
}

pub(crate) fn check(rows: &[ExchangeRate]) -> Result<(), Vec<CodesError>> {
    let mut c = Checker::new(FILE);
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let key = format!("{} {}", row.month, row.iso_alpha);
        let month_ok = row.month.len() == 7
            && row.month.as_bytes()[4] == b'-'
            && row.month[..4].bytes().all(|b| b.is_ascii_digit())
            && matches!(row.month[5..].parse::<u32>(), Ok(1..=12));
        if !month_ok {
            c.fail(&key, format!("month {:?} is not YYYY-MM", row.month));
        }
        c.upper(&key, "iso_alpha", &row.iso_alpha, 3);
        if row.cny_per_unit <= Decimal::ZERO {
            c.fail(&key, format!("cny_per_unit {} is not positive", row.cny_per_unit));
        }
        if !seen.insert(key.clone()) {
            c.fail(&key, "a second rate for the same month and currency");
        }
    }
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_finds_its_own_rate_or_the_nearest_one() {
        let nov = exchange_rate("USD", 2026, 11).unwrap();
        assert_eq!(nov.month, "2026-11");
        assert_eq!(nov.parity_date, "2026-10-21", "the third Wednesday of the month before");
        let by_code = exchange_rate("502", 2026, 11).unwrap();
        assert_eq!(by_code, nov);
        // After the table's end the last month serves; before its start, the first.
        assert_eq!(exchange_rate("USD", 2031, 1).unwrap().month, nov.month);
        assert_eq!(exchange_rate("usd", 1999, 1).unwrap().month, "2024-01");
        assert!(exchange_rate("XYZ", 2026, 11).is_none());
        assert!(exchange_rate("999", 2026, 11).is_none());
    }

    #[test]
    fn rates_are_plausible_against_the_dollar() {
        // The renminbi traded between 6 and 8 per dollar throughout the table's years.
        for row in all_exchange_rates().iter().filter(|r| r.iso_alpha == "USD") {
            assert!(row.cny_per_unit > Decimal::from(6) && row.cny_per_unit < Decimal::from(8), "{row:?}");
        }
        let jpy = exchange_rate("JPY", 2026, 11).unwrap().cny_per_unit;
        assert!(jpy > Decimal::new(3, 2) && jpy < Decimal::new(6, 2), "a yen is a few fen: {jpy}");
    }
}
