//! The CEB603 workloads and the tokenize-only baseline shared by the reader benchmarks.
//!
//! Messages are built through the typed API from the official 2018 sample (read under
//! [`Profile::Schema`], since it carries placeholder codes), given realistic export values that
//! vary per entity, and written with [`write`] as the 2018 spec. Each workload is checked to read
//! back under the default strict profile before anything is timed.

use greenlane_ceb::export::{Ceb603Message, Inventory, InventoryList};
use greenlane_ceb::{Message, Profile, ReadOptions, Version, read, read_with, write};
use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;

const SAMPLE: &[u8] = include_bytes!("../../tests/data/samples-2018/CEB603Message.xml");

/// One message to read: its bytes and how many declaration lists (`Inventory` entities) it holds.
#[derive(Debug)]
pub struct Workload {
    pub name: String,
    pub entities: usize,
    pub xml: String,
}

/// The measured workloads: a CEB603 of 1 entity and one of 100 (the schema's maximum).
pub fn workloads() -> Vec<Workload> {
    [1, 100].into_iter().map(|n| Workload { name: format!("ceb603_x{n}"), entities: n, xml: ceb603(n) }).collect()
}

/// The limit: quick-xml tokenizing the same text with the reader configuration greenlane uses
/// (the default), doing nothing with the events. Returns the event count so nothing is elided.
pub fn tokenize(xml: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("the workload is not well-formed: {e}"),
        }
    }
}

/// The typed, validated parse with the default options: strict profile, version detected.
pub fn typed(xml: &str) -> greenlane_ceb::Parsed {
    read(xml.as_bytes()).expect("the workload reads under the strict profile")
}

/// The same parse with the version given: no detection.
pub fn typed_v2018(xml: &str) -> greenlane_ceb::Parsed {
    let opts = ReadOptions { version: Some(Version::V2018), ..ReadOptions::default() };
    read_with(xml.as_bytes(), &opts).expect("the workload reads under the strict profile")
}

/// A small deterministic generator, so every run builds the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A 36-character upper-case GUID, as the spec asks.
    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFF,
            0x8000 | ((b >> 48) & 0x3FFF),
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// Goods: (HS code, customs name, model, legal unit, price in CNY cents).
const GOODS: &[(&str, &str, &str, &str, i64)] = &[
    ("8517629900", "蓝牙耳机", "TWS-X3 白色", "011", 12900),
    ("6109100021", "女式纯棉针织T恤", "M码 100%棉", "011", 3950),
    ("8541401000", "小米盒子", "44mm", "007", 19900),
    ("3304990099", "保湿面霜", "50g/瓶", "142", 8800),
    ("9503008900", "塑料拼装积木玩具", "1200片/盒", "011", 25900),
    ("6404199000", "运动鞋", "42码 橡胶底", "025", 15900),
    ("4202920000", "尼龙双肩包", "30L 黑色", "011", 9900),
];

/// Destination countries (customs country codes) with their port of destination.
const DESTINATIONS: &[(&str, &str)] =
    &[("502", "5020"), ("303", "3030"), ("116", "1160"), ("133", "1330"), ("601", "6010")];

/// A CEB603 message of `entities` declaration lists, each with 1 to 3 goods lines, as a sender
/// would write it (tab-indented, `ceb:` prefix, signed).
pub fn ceb603(entities: usize) -> String {
    let sample = read_with(SAMPLE, &ReadOptions { profile: Profile::Schema, ..ReadOptions::default() })
        .expect("the official sample reads under the schema profile");
    let Message::Ceb603(sample) = sample.message else { panic!("the sample is a CEB603") };
    let template = &sample.inventories[0];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ entities as u64);
    let inventories = (0..entities).map(|i| inventory(template, i, &mut rng)).collect();
    let message = Ceb603Message { guid: rng.guid(), inventories, ..sample };
    let message = Message::Ceb603(message);
    let xml = write(&message, Version::V2018).expect("the workload is schema-valid");
    let back = read(xml.as_bytes()).expect("the workload reads under the strict profile");
    assert_eq!(back.version, Version::V2018);
    assert_eq!(back.message, message, "the workload round-trips");
    xml
}

fn inventory(template: &Inventory, i: usize, rng: &mut Rng) -> Inventory {
    let day = 1 + i % 28;
    let mut head = template.inventory_head.clone();
    head.guid = rng.guid();
    head.app_type = "1".into();
    head.app_status = "2".into();
    head.app_time = format!("202405{day:02}{:02}{:02}{:02}", 8 + i % 12, i % 60, (i * 7) % 60);
    head.customs_code = "5141".into();
    head.port_code = "5141".into();
    head.order_no = format!("SO2024050{}{:08}", i % 10, 31_000_000 + i * 37);
    head.logistics_no = format!("YT{:013}", 7_500_000_000_000u64 + rng.below(1_000_000_000));
    head.cop_no = format!("GL20240500{i:06}");
    head.ie_flag = "E".into();
    head.ie_date = format!("202405{day:02}");
    head.statistics_flag = if i % 4 == 3 { "B" } else { "A" }.into();
    head.trade_mode = "9610".into();
    head.traf_mode = "5".into();
    head.traf_name = Some("CZ3012".into());
    head.voyage_no = Some(format!("CZ3012/{day:02}MAY"));
    head.bill_no = Some(format!("784-{:08}", 10_000_000 + rng.below(90_000_000)));
    head.total_package_no = None;
    head.loct_no = None;
    head.license_no = None;
    let (country, pod) = DESTINATIONS[i % DESTINATIONS.len()];
    head.country = country.into();
    head.pod = pod.into();
    head.freight = Decimal::new(1500 + rng.below(5000) as i64, 2);
    head.f_flag = "3".into();
    head.insured_fee = Decimal::new(rng.below(300) as i64, 2);
    head.i_flag = "3".into();
    head.wrap_type = "2".into();
    head.pack_no = 1;
    head.note = if i.is_multiple_of(5) { Some("加急".into()) } else { None };

    let lines = 1 + i % 3;
    let mut gross = Decimal::ZERO;
    let inventory_lists: Vec<InventoryList> = (0..lines)
        .map(|g| {
            let (gcode, gname, gmodel, unit, cents) = GOODS[(i * 3 + g) % GOODS.len()];
            let qty = Decimal::from(1 + rng.below(5));
            let price = Decimal::new(cents, 2);
            let weight = Decimal::new(150 + rng.below(1500) as i64, 3);
            gross += weight * qty;
            InventoryList {
                gnum: g as i32 + 1,
                item_no: format!("SKU-{:05}-{g}", (i * 131) % 100_000),
                item_record_no: None,
                item_name: Some(gname.into()),
                gcode: gcode.into(),
                gname: gname.into(),
                gmodel: gmodel.into(),
                bar_code: format!("69{:011}", rng.below(100_000_000_000)),
                country: "142".into(),
                currency: "142".into(),
                qty,
                qty1: weight * qty,
                qty2: None,
                unit: unit.into(),
                unit1: "035".into(),
                unit2: None,
                price,
                total_price: price * qty,
                note: None,
            }
        })
        .collect();
    head.gross_weight = gross + Decimal::new(120, 3);
    head.net_weight = gross;
    Inventory { inventory_head: head, inventory_lists }
}
