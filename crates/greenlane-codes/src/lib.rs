//! China Customs code tables for CEB messages, embedded as CSV and exposed as typed lookups.
//!
//! The tables live in `data/*.csv` (sources in `data/README.md`) and are compiled
//! in with `include_str!`. Each is parsed once, on first use. Lookups never panic:
//! a table that failed to parse behaves as empty, and [`validate`] reports why.
//!
//! ```
//! let us = greenlane_codes::country_by_customs_code("502").unwrap();
//! assert_eq!(us.iso2.as_deref(), Some("US"));
//! assert_eq!(greenlane_codes::currency_by_iso_alpha("CNY").unwrap().customs_code, "142");
//! assert_eq!(greenlane_codes::unit_by_code("011").unwrap().name_zh, "件");
//! ```

mod check;
mod country;
mod currency;
mod district;
mod error;
mod exchange;
mod supervision;
mod table;
mod transport;
mod unit;

pub use country::{Country, all_countries, country_by_customs_code, country_by_iso2, country_by_iso3};
pub use currency::{Currency, all_currencies, currency_by_customs_code, currency_by_iso_alpha};
pub use district::{CustomsDistrict, DistrictKind, all_customs_districts, customs_district, parent_district};
pub use error::CodesError;
pub use exchange::{ExchangeRate, all_exchange_rates, exchange_rate};
pub use supervision::{SupervisionFlow, SupervisionMode, all_supervision_modes, supervision_mode};
pub use transport::{TransportMode, all_transport_modes, transport_mode};
pub use unit::{Unit, UnitKind, all_units, unit_by_code};

use table::Loaded;

fn gather<T>(loaded: &Loaded<T>, check: fn(&[T]) -> Result<(), Vec<CodesError>>, out: &mut Vec<CodesError>) {
    if let Some(err) = &loaded.error {
        out.push(err.clone());
        return;
    }
    if loaded.rows.is_empty() {
        out.push(CodesError::Invariant { table: loaded.name, key: String::new(), message: "table has no rows".into() });
    }
    if let Err(mut errs) = check(&loaded.rows) {
        out.append(&mut errs);
    }
}

/// Loads every embedded table and checks its rules (code formats, uniqueness,
/// ISO code shapes, non-empty names, ...).
///
/// Returns every problem found. The crate's tests require this to be `Ok`, so a
/// malformed data file cannot ship; callers may also run it once at start-up.
pub fn validate() -> Result<(), Vec<CodesError>> {
    let mut errors = Vec::new();
    gather(country::loaded(), country::check, &mut errors);
    gather(currency::loaded(), currency::check, &mut errors);
    gather(unit::loaded(), unit::check, &mut errors);
    gather(transport::loaded(), transport::check, &mut errors);
    gather(supervision::loaded(), supervision::check, &mut errors);
    gather(district::loaded(), district::check, &mut errors);
    gather(exchange::loaded(), exchange::check, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_table_loads_and_satisfies_its_rules() {
        if let Err(errors) = validate() {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("embedded tables are invalid:\n{}", text.join("\n"));
        }
    }

    #[test]
    fn row_counts_match_the_data_files() {
        assert_eq!(all_countries().len(), 248);
        assert_eq!(all_currencies().len(), 33);
        assert_eq!(all_units().len(), 123);
        assert_eq!(all_transport_modes().len(), 18);
        assert_eq!(all_supervision_modes().len(), 7);
        assert_eq!(all_customs_districts().len(), 34);
    }
}
