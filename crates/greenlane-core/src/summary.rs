//! The monthly summary declaration (汇总申报): an exporter's lists released and departed in a
//! month, merged into draft export declarations (报关单) whose lines add up exactly to the lists
//! behind them, and the deadline by which they must be declared.
//!
//! Exports under "清单核放、汇总申报" (GACC Announcement 2018 No. 194) are released list by list;
//! by the 15th of the following month the lists cleared in a month are merged into 报关单. The
//! CEB701 application says how: `summaryFlag` 1 merges by consignor (the e-commerce enterprise,
//! `ebcCode`), 2 by consignor and producer/seller (`ownerCode`); `itemNameFlag` 1 keeps the
//! original item names apart, any other value merges goods of one commodity code under one name.
//! Within a declaration, a line is one 10-digit HS code, destination country, currency and unit
//! (the fields a 报关单 line states once), so nothing with a different duty, statistic or unit
//! is added together.
//!
//! Pure: lists in, declarations out; times are message time.

use crate::{BusinessError, List, MessageTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A 报关单 holds at most 50 commodity lines (the customs declaration form's own limit); a group
/// with more lines is split into further declarations.
pub const MAX_LINES: usize = 50;

/// Weights are apportioned to lines at the precision CEB amounts carry (decimal(19,5)): the
/// smallest unit a list's weight can be written in, so the apportioned shares add back to it
/// exactly.
pub const WEIGHT_SCALE: u32 = 5;

/// How a CEB701 asks its lists to be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SummaryFlags {
    /// `summaryFlag` 2: one declaration per consignor and producer/seller, not per consignor.
    pub by_producer: bool,
    /// `itemNameFlag` 1: lines keep the original item names apart.
    pub by_item_name: bool,
}

impl SummaryFlags {
    /// The flags of a CEB701 head; a `summaryFlag` other than 1 or 2 is refused, since the
    /// spec defines no other merge.
    pub fn parse(summary_flag: &str, item_name_flag: &str) -> Result<SummaryFlags, BusinessError> {
        let by_producer = match summary_flag.trim() {
            "1" => false,
            "2" => true,
            other => {
                return Err(BusinessError::SummaryInvalid {
                    why: format!("summaryFlag {other:?} is neither 1 (consignor) nor 2 (consignor + producer/seller)"),
                });
            }
        };
        Ok(SummaryFlags { by_producer, by_item_name: item_name_flag.trim() == "1" })
    }

    /// What greenlane drafts before any application names its flags: by consignor, item names
    /// kept apart. `itemNameFlag` is a required one-character field whose only documented value
    /// is 1, so that is what an application will say.
    pub const DEFAULT: SummaryFlags = SummaryFlags { by_producer: false, by_item_name: true };

    pub fn summary_flag(self) -> &'static str {
        if self.by_producer { "2" } else { "1" }
    }

    pub fn item_name_flag(self) -> &'static str {
        if self.by_item_name { "1" } else { "2" }
    }
}

/// A list released and departed (899), with its number and when it departed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartedList {
    pub invt_no: String,
    pub list: List,
    pub departed_at: MessageTime,
}

/// Which lists a line came from: one goods line (`gnum`) of one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSource {
    pub invt_no: String,
    pub logistics_no: String,
    pub gnum: i32,
}

/// One line of a draft declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationLine {
    /// 1-based, in the declaration.
    pub line_no: u32,
    /// 10-digit HS code.
    pub hs_code: String,
    /// The item name: the original one when merged by item name, otherwise the first one met
    /// (lists in invtNo order).
    pub name: String,
    /// Destination country (customs code).
    pub country: String,
    pub currency: String,
    pub unit: String,
    pub qty: Decimal,
    /// Quantity in the legal first unit.
    pub qty1: Decimal,
    pub value: Decimal,
    pub gross_weight: Decimal,
    pub net_weight: Decimal,
    pub sources: Vec<LineSource>,
}

impl DeclarationLine {
    /// The lists behind the line, in order, each once (a list with two goods lines of one code
    /// is behind the line twice).
    pub fn invt_nos(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.sources {
            if !out.contains(&s.invt_no.as_str()) {
                out.push(&s.invt_no);
            }
        }
        out
    }
}

/// A draft export declaration (报关单) of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    /// 1-based, in the summary.
    pub seq: u32,
    /// The consignor (发货人): the e-commerce enterprise.
    pub ebc_code: String,
    /// The producer/seller, when merged by it.
    pub owner_code: Option<String>,
    pub lines: Vec<DeclarationLine>,
    pub gross_weight: Decimal,
    pub net_weight: Decimal,
    /// The lists behind the declaration, in order.
    pub invt_nos: Vec<String>,
}

/// `YYYYMM` of the China calendar month in which a list departed.
pub fn month_of(t: MessageTime) -> u32 {
    t.month()
}

/// Parses `YYYY-MM` into `YYYYMM`.
pub fn parse_month(s: &str) -> Option<u32> {
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    ((1..=12).contains(&m) && y >= 1970).then_some(y * 100 + m)
}

/// `YYYYMM` as `YYYY-MM`.
pub fn format_month(month: u32) -> String {
    format!("{:04}-{:02}", month / 100, month % 100)
}

/// The last second of the 15th of the month after `month` (China time): the deadline by which the
/// lists of `month` must be declared in summary.
pub fn deadline(month: u32) -> MessageTime {
    let (y, m) = if month % 100 == 12 { (month / 100 + 1, 1) } else { (month / 100, month % 100 + 1) };
    let t = format!("{y:04}{m:02}15235959");
    MessageTime::parse_app_time(&t).unwrap_or(MessageTime(0))
}

/// Days before the deadline from which an unsummarised list is at risk: a declaring agent needs
/// some working days to prepare, have the exporter confirm and send the application, and the
/// 15th may fall after a weekend or the National Day / Spring Festival holidays; five days keep
/// one working week in hand.
pub const RISK_DAYS: i64 = 5;

/// Where an unsummarised list stands against its deadline at message time `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// More than [`RISK_DAYS`] left.
    InTime,
    /// Fewer than [`RISK_DAYS`] left.
    AtRisk,
    /// The deadline has passed.
    Overdue,
}

/// How a list that departed in `month` stands at `now`, if it is still not in a summary.
pub fn deadline_state(month: u32, now: MessageTime) -> DeadlineState {
    let end = deadline(month);
    if now > end {
        DeadlineState::Overdue
    } else if now.plus_seconds(RISK_DAYS * 86_400) > end {
        DeadlineState::AtRisk
    } else {
        DeadlineState::InTime
    }
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    ebc_code: String,
    owner_code: Option<String>,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LineKey {
    hs_code: String,
    name: Option<String>,
    country: String,
    currency: String,
    unit: String,
}

/// Merges departed lists into draft declarations under `flags`. Lists are taken in invtNo order
/// whatever order they come in, so the same lists always give the same declarations. Every
/// value, quantity and weight of every list lands on exactly one line.
pub fn compute(flags: SummaryFlags, lists: &[DepartedList]) -> Vec<Declaration> {
    let mut sorted: Vec<&DepartedList> = lists.iter().collect();
    sorted.sort_by(|a, b| a.invt_no.cmp(&b.invt_no));
    let mut groups: BTreeMap<GroupKey, BTreeMap<LineKey, DeclarationLine>> = BTreeMap::new();
    let mut group_lists: BTreeMap<GroupKey, Vec<String>> = BTreeMap::new();
    for d in sorted {
        let list = &d.list;
        let group = GroupKey {
            ebc_code: list.key.ebc_code.clone(),
            owner_code: flags.by_producer.then(|| list.owner_code.clone()),
        };
        group_lists.entry(group.clone()).or_default().push(d.invt_no.clone());
        let lines = groups.entry(group).or_default();
        let gross = apportion(list.gross_weight, list);
        let net = apportion(list.net_weight, list);
        for (i, item) in list.items.iter().enumerate() {
            let key = LineKey {
                hs_code: item.gcode.clone(),
                name: flags.by_item_name.then(|| item.gname.clone()),
                country: item.country.clone(),
                currency: item.currency.clone(),
                unit: item.unit.clone(),
            };
            let line = lines.entry(key).or_insert_with(|| DeclarationLine {
                line_no: 0,
                hs_code: item.gcode.clone(),
                name: item.gname.clone(),
                country: item.country.clone(),
                currency: item.currency.clone(),
                unit: item.unit.clone(),
                qty: Decimal::ZERO,
                qty1: Decimal::ZERO,
                value: Decimal::ZERO,
                gross_weight: Decimal::ZERO,
                net_weight: Decimal::ZERO,
                sources: Vec::new(),
            });
            line.qty += item.qty;
            line.qty1 += item.qty1;
            line.value += item.total_price;
            line.gross_weight += gross[i];
            line.net_weight += net[i];
            line.sources.push(LineSource {
                invt_no: d.invt_no.clone(),
                logistics_no: list.waybill.logistics_no.clone(),
                gnum: item.gnum,
            });
        }
    }
    let mut out = Vec::new();
    for (group, lines) in groups {
        let lines: Vec<DeclarationLine> = lines.into_values().collect();
        for chunk in lines.chunks(MAX_LINES) {
            let mut lines = chunk.to_vec();
            for (i, line) in lines.iter_mut().enumerate() {
                line.line_no = i as u32 + 1;
            }
            let mut invt_nos: Vec<String> =
                lines.iter().flat_map(|l| l.sources.iter().map(|s| s.invt_no.clone())).collect();
            invt_nos.sort();
            invt_nos.dedup();
            // Keep the group's list order (invtNo order) for readability.
            let order = &group_lists[&group];
            invt_nos.sort_by_key(|n| order.iter().position(|o| o == n));
            out.push(Declaration {
                seq: out.len() as u32 + 1,
                ebc_code: group.ebc_code.clone(),
                owner_code: group.owner_code.clone(),
                gross_weight: lines.iter().map(|l| l.gross_weight).sum(),
                net_weight: lines.iter().map(|l| l.net_weight).sum(),
                lines,
                invt_nos,
            });
        }
    }
    out
}

/// Splits a list's weight over its goods lines in proportion to their value (by count when the
/// list has no value), in units of 10^-[`WEIGHT_SCALE`] kg, the remainder going to the lines with
/// the largest fractional shares (ties to the earlier line): the shares add up to the weight
/// exactly. A list states one weight for the parcel, not one per line, and value is the only
/// per-line measure every list carries in comparable terms.
pub fn apportion(weight: Decimal, list: &List) -> Vec<Decimal> {
    let n = list.items.len();
    if n == 0 {
        return Vec::new();
    }
    let mut w = weight;
    w.rescale(WEIGHT_SCALE.max(weight.scale()));
    let scale = w.scale();
    let units = w.mantissa();
    let mut shares: Vec<i128> = list.items.iter().map(|i| to_units(i.total_price.max(Decimal::ZERO))).collect();
    if shares.iter().all(|&s| s == 0) {
        shares = vec![1; n];
    }
    let total: i128 = shares.iter().sum();
    let mut parts: Vec<i128> = Vec::with_capacity(n);
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(n);
    for (i, &s) in shares.iter().enumerate() {
        let p = units.saturating_mul(s);
        parts.push(p.div_euclid(total));
        rems.push((p.rem_euclid(total), i));
    }
    let mut left = units - parts.iter().sum::<i128>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| Decimal::from_i128_with_scale(p, scale)).collect()
}

/// A non-negative value in units of 10^-9 (value shares only need to be proportional; capped so
/// that weight × share stays inside i128).
fn to_units(v: Decimal) -> i128 {
    let mut v = v;
    v.rescale(9);
    v.mantissa().min(1_000_000_000_000_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChargeMark, ListItem, ListKey, OrderKey, WaybillKey};
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn item(gnum: i32, gcode: &str, name: &str, qty: Decimal, price: Decimal) -> ListItem {
        ListItem {
            gnum,
            item_no: format!("SKU{gnum}"),
            gcode: gcode.into(),
            gname: name.into(),
            gmodel: "无".into(),
            country: "502".into(),
            currency: "142".into(),
            qty,
            qty1: qty,
            unit: "011".into(),
            unit1: "011".into(),
            price,
            total_price: qty * price,
        }
    }

    fn list(n: usize, owner: &str, items: Vec<ListItem>, weight: Decimal) -> DepartedList {
        DepartedList {
            invt_no: format!("53452026E{n:09}"),
            list: List {
                key: ListKey { ebc_code: "4403160XYZ".into(), cop_no: format!("C{n}") },
                order: OrderKey { ebp_code: "P".into(), order_no: format!("O{n}") },
                waybill: WaybillKey { logistics_code: "L".into(), logistics_no: format!("SF{n}") },
                invt_no: Some(format!("53452026E{n:09}")),
                customs_code: "5345".into(),
                port_code: "5345".into(),
                ie_date: "20261129".into(),
                statistics_flag: "B".into(),
                agent_code: "A".into(),
                agent_name: "A".into(),
                ebc_name: "E".into(),
                owner_code: owner.into(),
                owner_name: owner.into(),
                trade_mode: "9610".into(),
                traf_mode: "5".into(),
                license_no: None,
                country: "502".into(),
                freight: Decimal::ZERO,
                freight_mark: ChargeMark::Total,
                freight_currency: String::new(),
                insured_fee: Decimal::ZERO,
                insurance_mark: ChargeMark::Total,
                insurance_currency: String::new(),
                pack_no: 1,
                gross_weight: weight,
                net_weight: weight * d("0.9"),
                items,
                app_time: MessageTime(0),
            },
            departed_at: MessageTime(0),
        }
    }

    #[test]
    fn lines_merge_by_code_and_split_by_name_and_producer_when_asked() {
        let lists = vec![
            list(1, "OWN1", vec![item(1, "8518300000", "耳机", d("1"), d("59.9"))], d("0.2")),
            list(2, "OWN2", vec![item(1, "8518300000", "蓝牙耳机", d("2"), d("50"))], d("0.4")),
        ];
        let merged = compute(SummaryFlags { by_producer: false, by_item_name: false }, &lists);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].lines.len(), 1);
        assert_eq!(merged[0].lines[0].value, d("159.9"));
        assert_eq!(merged[0].lines[0].name, "耳机");
        let by_name = compute(SummaryFlags { by_producer: false, by_item_name: true }, &lists);
        assert_eq!(by_name[0].lines.len(), 2);
        let by_producer = compute(SummaryFlags { by_producer: true, by_item_name: false }, &lists);
        assert_eq!(by_producer.len(), 2);
        assert_eq!(by_producer[1].owner_code.as_deref(), Some("OWN2"));
    }

    #[test]
    fn a_group_of_more_than_fifty_codes_becomes_several_declarations() {
        let items: Vec<ListItem> = (0..51).map(|i| item(i + 1, &format!("85{i:08}"), "货物", d("1"), d("1"))).collect();
        let out = compute(SummaryFlags::DEFAULT, &[list(1, "O", items, d("5.1"))]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].lines.len(), 50);
        assert_eq!(out[1].lines[0].line_no, 1);
        assert_eq!(out[0].gross_weight + out[1].gross_weight, d("5.1"));
    }

    #[test]
    fn the_deadline_is_the_fifteenth_of_the_next_month() {
        assert_eq!(deadline(202611).to_app_time(), "20261215235959");
        assert_eq!(deadline(202612).to_app_time(), "20270115235959");
        let t = MessageTime::parse_app_time;
        assert_eq!(deadline_state(202611, t("20261209000000").unwrap()), DeadlineState::InTime);
        assert_eq!(deadline_state(202611, t("20261211000000").unwrap()), DeadlineState::AtRisk);
        assert_eq!(deadline_state(202611, t("20261216000000").unwrap()), DeadlineState::Overdue);
        assert_eq!(parse_month("2026-11"), Some(202611));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("2026-1"), None);
        assert_eq!(format_month(202611), "2026-11");
    }

    #[test]
    fn flags_outside_the_spec_are_refused() {
        assert!(SummaryFlags::parse("3", "1").is_err());
        assert_eq!(SummaryFlags::parse("2", "1").unwrap(), SummaryFlags { by_producer: true, by_item_name: true });
    }

    fn decimal(max_units: i64, scale: u32) -> impl Strategy<Value = Decimal> {
        (0..=max_units).prop_map(move |u| Decimal::new(u, scale))
    }

    /// A goods line: code index, currency index, quantity, unit price.
    type ArbItem = (usize, usize, Decimal, Decimal);

    fn arb_item() -> impl Strategy<Value = ArbItem> {
        (0..4usize, 0..3usize, decimal(100_000, 3), decimal(10_000_000, 5))
    }

    fn arb_list() -> impl Strategy<Value = (usize, Vec<ArbItem>, Decimal)> {
        (0..3usize, prop::collection::vec(arb_item(), 1..6), decimal(100_000_000, 5))
    }

    proptest! {
        /// Every list's value, quantity and weight lands on the lines exactly: per currency,
        /// per unit and in total, whatever the flags.
        #[test]
        fn lines_add_up_exactly_to_their_lists(
            raw in prop::collection::vec(arb_list(), 1..30),
            by_producer: bool,
            by_item_name: bool,
        ) {
            let codes = ["8518300000", "3926909090", "6109100021", "9503008900"];
            let currencies = ["142", "502", "303"];
            let lists: Vec<DepartedList> = raw
                .iter()
                .enumerate()
                .map(|(n, (owner, items, weight))| {
                    let items = items
                        .iter()
                        .enumerate()
                        .map(|(g, (c, cur, qty, price))| {
                            let mut it = item(g as i32 + 1, codes[*c], if g % 2 == 0 { "甲" } else { "乙" }, *qty, *price);
                            it.currency = currencies[*cur].into();
                            it
                        })
                        .collect();
                    list(n, &format!("OWN{owner}"), items, *weight)
                })
                .collect();
            let out = compute(SummaryFlags { by_producer, by_item_name }, &lists);
            let lines: Vec<&DeclarationLine> = out.iter().flat_map(|d| d.lines.iter()).collect();
            let sum = |f: &dyn Fn(&DeclarationLine) -> Decimal| lines.iter().map(|l| f(l)).sum::<Decimal>();
            prop_assert_eq!(sum(&|l| l.gross_weight), lists.iter().map(|l| l.list.gross_weight).sum::<Decimal>());
            prop_assert_eq!(sum(&|l| l.net_weight), lists.iter().map(|l| l.list.net_weight).sum::<Decimal>());
            prop_assert_eq!(sum(&|l| l.qty), lists.iter().flat_map(|l| &l.list.items).map(|i| i.qty).sum::<Decimal>());
            for cur in currencies {
                let by_lines: Decimal = lines.iter().filter(|l| l.currency == cur).map(|l| l.value).sum();
                let by_lists: Decimal = lists.iter().flat_map(|l| &l.list.items).filter(|i| i.currency == cur).map(|i| i.total_price).sum();
                prop_assert_eq!(by_lines, by_lists);
            }
            // Each goods line of each list is behind exactly one declaration line.
            let mut sources: Vec<(String, i32)> = lines.iter().flat_map(|l| l.sources.iter().map(|s| (s.invt_no.clone(), s.gnum))).collect();
            let n = sources.len();
            sources.sort();
            sources.dedup();
            prop_assert_eq!(n, sources.len());
            prop_assert_eq!(n, lists.iter().map(|l| l.list.items.len()).sum::<usize>());
            for decl in &out {
                prop_assert!(decl.lines.len() <= MAX_LINES);
                prop_assert_eq!(decl.gross_weight, decl.lines.iter().map(|l| l.gross_weight).sum::<Decimal>());
            }
        }

        /// A list's weight shares add back to the weight exactly, and none is negative.
        #[test]
        fn apportioned_weights_add_back(weight in decimal(1_000_000_000, 5), values in prop::collection::vec(decimal(10_000_000, 5), 1..8)) {
            let items = values.iter().enumerate().map(|(g, v)| item(g as i32 + 1, "8518300000", "甲", Decimal::ONE, *v)).collect();
            let l = list(1, "O", items, weight);
            let parts = apportion(weight, &l.list);
            prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), weight);
            prop_assert!(parts.iter().all(|p| *p >= Decimal::ZERO));
        }
    }
}
