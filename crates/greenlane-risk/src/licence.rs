//! The shape of a list's licence number (`licenseNo`): missing, a placeholder, or given. The
//! engine cannot prove a number real (no public layout of MOFCOM licence numbers was found), but
//! it can refuse junk that declarants type to get past a presence check.

use greenlane_core::Parcel;

/// What the licence field holds, by shape alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenceState {
    /// Absent or blank.
    Missing,
    /// Filled with something that cannot be a licence number (see [`placeholder_reason`]).
    Placeholder,
    /// Something shaped like a number customs can check.
    Given,
}

impl LicenceState {
    pub const ALL: [(&'static str, LicenceState); 3] = [
        ("missing", LicenceState::Missing),
        ("placeholder", LicenceState::Placeholder),
        ("given", LicenceState::Given),
    ];

    pub fn parse(s: &str) -> Option<LicenceState> {
        LicenceState::ALL.iter().find(|(n, _)| *n == s).map(|(_, l)| *l)
    }
}

/// Words that say "no licence" (risk-knowledge-sources.md §10, and their usual variants).
const NO_LICENCE: &[&str] = &[
    "N/A",
    "NA",
    "N.A.",
    "NONE",
    "NIL",
    "NULL",
    "NO",
    "NOLICENCE",
    "NOLICENSE",
    "无",
    "没有",
    "暂无",
    "空",
    "不需要",
    "不适用",
    "免",
    "-",
    "/",
    "0",
];

/// Licence numbers are at least this many characters (a shorter one is no MOFCOM number).
pub const MIN_LEN: usize = 8;

/// Why `licence` is no licence number for `parcel`, or `None` when it is shaped like one. Blank
/// input is not a placeholder: it is missing.
pub fn placeholder_reason(licence: &str, parcel: &Parcel) -> Option<&'static str> {
    let s = licence.trim();
    if s.is_empty() {
        return None;
    }
    let upper = s.to_uppercase();
    let compact: String = upper.chars().filter(|c| !c.is_whitespace()).collect();
    if NO_LICENCE.iter().any(|w| *w == compact) {
        return Some("says there is none");
    }
    let significant: Vec<char> = compact.chars().filter(|c| c.is_alphanumeric()).collect();
    if significant.is_empty() {
        return Some("has no letters or digits");
    }
    if significant.iter().all(|c| *c == significant[0]) {
        return Some("is one character repeated");
    }
    if compact.chars().count() < MIN_LEN {
        return Some("is too short");
    }
    // The list's own numbers, copied into the field to fill it.
    let own = [
        parcel.list.key.cop_no.as_str(),
        parcel.list.order.order_no.as_str(),
        parcel.list.waybill.logistics_no.as_str(),
        parcel.list.invt_no.as_deref().unwrap_or(""),
        parcel.list.key.ebc_code.as_str(),
    ];
    if own.iter().any(|o| !o.trim().is_empty() && o.trim().eq_ignore_ascii_case(s)) {
        return Some("repeats the list's own copNo, order, waybill or enterprise number");
    }
    if is_counting_run(&significant) {
        return Some("is a counting sequence");
    }
    None
}

/// "12345678", "87654321": digits that only count up or down by one.
fn is_counting_run(chars: &[char]) -> bool {
    let digits: Option<Vec<i32>> = chars.iter().map(|c| c.to_digit(10).map(|d| d as i32)).collect();
    let Some(d) = digits else { return false };
    if d.len() < 2 {
        return false;
    }
    let step = (d[1] - d[0]).rem_euclid(10);
    (step == 1 || step == 9) && d.windows(2).all(|w| (w[1] - w[0]).rem_euclid(10) == step)
}

/// The state of the parcel's licence field.
pub fn licence_state(parcel: &Parcel) -> LicenceState {
    match parcel.list.license_no.as_deref().map(str::trim) {
        None | Some("") => LicenceState::Missing,
        Some(s) if placeholder_reason(s, parcel).is_some() => LicenceState::Placeholder,
        Some(_) => LicenceState::Given,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenlane_core::{List, ListKey, MessageTime, Order, OrderKey, Waybill, WaybillKey};
    use rust_decimal::Decimal;

    fn parcel(licence: Option<&str>) -> Parcel {
        let t = MessageTime::parse_app_time("20261111100000").unwrap();
        let order = OrderKey { ebp_code: "4403900001".into(), order_no: "ORD20261111001".into() };
        let waybill = WaybillKey { logistics_code: "4403960001".into(), logistics_no: "SF1234567890".into() };
        Parcel {
            list: List {
                key: ListKey { ebc_code: "4403160001".into(), cop_no: "COP2026111100001".into() },
                order: order.clone(),
                waybill: waybill.clone(),
                invt_no: Some("53162026E000000001".into()),
                customs_code: "5316".into(),
                port_code: "5316".into(),
                ie_date: "20261111".into(),
                statistics_flag: "A".into(),
                agent_code: String::new(),
                agent_name: String::new(),
                ebc_name: String::new(),
                owner_code: String::new(),
                owner_name: String::new(),
                trade_mode: "9610".into(),
                traf_mode: "5".into(),
                license_no: licence.map(str::to_owned),
                country: "502".into(),
                freight: Decimal::ZERO,
                insured_fee: Decimal::ZERO,
                freight_mark: greenlane_core::ChargeMark::Total,
                freight_currency: String::new(),
                insurance_mark: greenlane_core::ChargeMark::Total,
                insurance_currency: String::new(),
                pack_no: 1,
                gross_weight: Decimal::ONE,
                net_weight: Decimal::ONE,
                items: Vec::new(),
                app_time: t,
            },
            order: Order {
                key: order,
                order_type: "E".into(),
                ebp_name: String::new(),
                ebc_code: "4403160001".into(),
                ebc_name: String::new(),
                goods_value: Decimal::ZERO,
                freight: Decimal::ZERO,
                currency: "142".into(),
                items: Vec::new(),
                buyer: None,
                app_time: t,
            },
            waybill: Waybill {
                key: waybill,
                logistics_name: String::new(),
                freight: Decimal::ZERO,
                insured_fee: Decimal::ZERO,
                currency: "142".into(),
                gross_weight: Decimal::ONE,
                pack_no: 1,
                goods_info: String::new(),
                ebc_code: None,
                app_time: t,
            },
            payment: None,
        }
    }

    fn state(licence: Option<&str>) -> LicenceState {
        licence_state(&parcel(licence))
    }

    #[test]
    fn blank_is_missing_not_a_placeholder() {
        assert_eq!(state(None), LicenceState::Missing);
        assert_eq!(state(Some("")), LicenceState::Missing);
        assert_eq!(state(Some("   ")), LicenceState::Missing);
    }

    #[test]
    fn words_for_none_are_placeholders() {
        for s in ["N/A", "n/a", "NA", "None", "NONE", "无", "-", "/", "0", " nil ", "暂无", "N A", "--", "//"] {
            assert_eq!(state(Some(s)), LicenceState::Placeholder, "{s:?}");
        }
    }

    #[test]
    fn one_repeated_character_and_short_numbers_are_placeholders() {
        for s in ["000000", "0000000000", "111111111", "XXXXXXXX", "0-0-0-0-0-0", "1234567", "AB-123", "26AB12"] {
            assert_eq!(state(Some(s)), LicenceState::Placeholder, "{s:?}");
        }
        for s in ["12345678", "98765432", "0123456789"] {
            assert_eq!(state(Some(s)), LicenceState::Placeholder, "counting: {s:?}");
        }
    }

    #[test]
    fn the_lists_own_numbers_are_placeholders() {
        for s in ["COP2026111100001", "cop2026111100001", "ORD20261111001", "SF1234567890", "53162026E000000001"] {
            assert_eq!(state(Some(s)), LicenceState::Placeholder, "{s:?}");
        }
    }

    #[test]
    fn numbers_shaped_like_licences_are_given() {
        for s in ["26-AB-123456", "2026LY0012345", "DE2026000137", "20261234567890"] {
            assert_eq!(state(Some(s)), LicenceState::Given, "{s:?}");
        }
        assert_eq!(placeholder_reason("26-AB-123456", &parcel(None)), None);
        assert_eq!(placeholder_reason("N/A", &parcel(None)), Some("says there is none"));
    }
}
