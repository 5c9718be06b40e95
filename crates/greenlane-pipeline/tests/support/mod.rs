//! Builders for realistic export messages (an order, its waybill, its declaration list, arrival,
//! departure, cancellation) and a harness that runs them through a real pipeline on a fresh
//! SQLite store, describing every outcome in a few lines for snapshot tests.

#![allow(dead_code)]

pub mod scenarios;

use greenlane_ceb::{Message, Version, export, write};
use greenlane_core::ListKey;
use greenlane_pipeline::{Config, Outcome, Pipeline, Prepared};
use greenlane_store::{SqliteStore, Store};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

pub const EBP: &str = "4403960ABC";
pub const EBC: &str = "4403160XYZ";
pub const LOGISTICS: &str = "4403980SF1";
pub const AGENT: &str = "4403180AG1";

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn guid(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let hex = format!("{h:016X}{:016X}", h.rotate_left(17) ^ 0x9E37_79B9_7F4A_7C15);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn transfer() -> export::BaseTransfer {
    export::BaseTransfer {
        cop_code: EBC.into(),
        cop_name: "深圳示例电子商务有限公司".into(),
        dxp_mode: "DXP".into(),
        dxp_id: "DXPENT0000000001".into(),
        note: None,
    }
}

/// One goods line: item number, HS code, quantity, unit price.
#[derive(Clone)]
pub struct Item {
    pub item_no: &'static str,
    pub gcode: &'static str,
    pub name: &'static str,
    pub qty: &'static str,
    pub price: &'static str,
}

/// Parcel `n`'s list, order and waybill (one line of earphones, 0.2 kg, one package), in that
/// arrival order: the smallest complete parcel, released green.
pub fn one_parcel(n: u32) -> Vec<Message> {
    let (order_no, logistics_no, cop) = (format!("SZ{n:04}"), format!("SF{n:04}"), format!("C{n:04}"));
    vec![
        list(&cop, "1", "20261129100000", &order_no, &logistics_no, &[earphones()], "0.2", 1),
        order(&order_no, "1", "20261129100100", &[earphones()]),
        waybill(&logistics_no, "1", "20261129100200", "0.2", 1),
    ]
}

pub fn earphones() -> Item {
    Item { item_no: "SKU-EAR", gcode: "8518300000", name: "蓝牙耳机", qty: "1", price: "59.90" }
}

pub fn phone_case(qty: &'static str) -> Item {
    Item { item_no: "SKU-CASE", gcode: "3926909090", name: "手机壳", qty, price: "15" }
}

fn total(items: &[Item]) -> Decimal {
    items.iter().map(|i| dec(i.qty) * dec(i.price)).sum()
}

pub fn order(order_no: &str, app_type: &str, time: &str, items: &[Item]) -> Message {
    Message::Ceb303(export::Ceb303Message {
        guid: guid(&format!("303{order_no}{app_type}{time}")),
        version: "1.0".into(),
        orders: vec![export::Order {
            order_head: export::OrderHead {
                guid: guid(&format!("303h{order_no}{app_type}{time}")),
                app_type: app_type.into(),
                app_time: time.into(),
                app_status: "2".into(),
                order_type: "E".into(),
                order_no: order_no.into(),
                ebp_code: EBP.into(),
                ebp_name: "深圳示例跨境平台有限公司".into(),
                ebc_code: EBC.into(),
                ebc_name: "深圳示例电子商务有限公司".into(),
                goods_value: total(items),
                freight: dec("0"),
                currency: "142".into(),
                note: None,
            },
            order_lists: items
                .iter()
                .enumerate()
                .map(|(i, item)| export::OrderList {
                    gnum: i as i32 + 1,
                    item_no: item.item_no.into(),
                    item_name: item.name.into(),
                    item_describe: None,
                    bar_code: None,
                    unit: "011".into(),
                    currency: "142".into(),
                    qty: dec(item.qty),
                    price: dec(item.price),
                    total_price: dec(item.qty) * dec(item.price),
                    note: None,
                })
                .collect(),
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

pub fn waybill(logistics_no: &str, app_type: &str, time: &str, weight: &str, packs: i32) -> Message {
    Message::Ceb505(export::Ceb505Message {
        guid: guid(&format!("505{logistics_no}{app_type}{time}")),
        version: "1.0".into(),
        logistics: vec![export::Logistics {
            guid: guid(&format!("505h{logistics_no}{app_type}{time}")),
            app_type: app_type.into(),
            app_time: time.into(),
            app_status: "2".into(),
            logistics_code: LOGISTICS.into(),
            logistics_name: "示例国际物流有限公司".into(),
            logistics_no: logistics_no.into(),
            freight: dec("12.5"),
            insured_fee: dec("0"),
            currency: "142".into(),
            gross_weight: dec(weight),
            pack_no: packs,
            goods_info: "电子产品".into(),
            ebc_code: None,
            ebc_name: None,
            ebc_telephone: None,
            note: None,
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

/// A declaration list: copNo, its order and waybill numbers, goods, weight and packages (the
/// arguments mirror the fields a test varies, so each reads as one line of a scenario).
#[allow(clippy::too_many_arguments)]
pub fn list(
    cop_no: &str,
    app_type: &str,
    time: &str,
    order_no: &str,
    logistics_no: &str,
    items: &[Item],
    weight: &str,
    packs: i32,
) -> Message {
    Message::Ceb603(export::Ceb603Message {
        guid: guid(&format!("603{cop_no}{app_type}{time}")),
        version: "1.0".into(),
        inventories: vec![export::Inventory {
            inventory_head: export::InventoryHead {
                guid: guid(&format!("603h{cop_no}{app_type}{time}")),
                app_type: app_type.into(),
                app_time: time.into(),
                app_status: "2".into(),
                customs_code: "5345".into(),
                ebp_code: EBP.into(),
                ebp_name: "深圳示例跨境平台有限公司".into(),
                order_no: order_no.into(),
                logistics_code: LOGISTICS.into(),
                logistics_name: "示例国际物流有限公司".into(),
                logistics_no: logistics_no.into(),
                cop_no: cop_no.into(),
                pre_no: None,
                invt_no: None,
                ie_flag: "E".into(),
                port_code: "5345".into(),
                ie_date: time[..8].into(),
                statistics_flag: "A".into(),
                agent_code: AGENT.into(),
                agent_name: "深圳示例报关有限公司".into(),
                ebc_code: EBC.into(),
                ebc_name: "深圳示例电子商务有限公司".into(),
                owner_code: EBC.into(),
                owner_name: "深圳示例电子商务有限公司".into(),
                iac_code: None,
                iac_name: None,
                ems_no: None,
                trade_mode: "9610".into(),
                traf_mode: "5".into(),
                traf_name: None,
                voyage_no: None,
                bill_no: None,
                total_package_no: None,
                loct_no: None,
                license_no: None,
                country: "502".into(),
                pod: "USA".into(),
                freight: dec("12.5"),
                f_currency: "142".into(),
                f_flag: "3".into(),
                insured_fee: dec("0"),
                i_currency: "142".into(),
                i_flag: "3".into(),
                wrap_type: "2".into(),
                pack_no: packs,
                gross_weight: dec(weight),
                net_weight: dec(weight),
                note: None,
            },
            inventory_lists: items
                .iter()
                .enumerate()
                .map(|(i, item)| export::InventoryList {
                    gnum: i as i32 + 1,
                    item_no: item.item_no.into(),
                    item_record_no: None,
                    item_name: Some(item.name.into()),
                    gcode: item.gcode.into(),
                    gname: item.name.into(),
                    gmodel: "无".into(),
                    bar_code: "无".into(),
                    country: "502".into(),
                    currency: "142".into(),
                    qty: dec(item.qty),
                    qty1: dec(item.qty),
                    qty2: None,
                    unit: "011".into(),
                    unit1: "011".into(),
                    unit2: None,
                    price: dec(item.price),
                    total_price: dec(item.qty) * dec(item.price),
                    note: None,
                })
                .collect(),
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

pub fn cancel(cop_no: &str, time: &str) -> Message {
    Message::Ceb605(export::Ceb605Message {
        guid: guid(&format!("605{cop_no}{time}")),
        version: "1.0".into(),
        invt_cancels: vec![export::InvtCancel {
            guid: guid(&format!("605h{cop_no}{time}")),
            app_type: "1".into(),
            app_time: time.into(),
            app_status: "2".into(),
            customs_code: "5345".into(),
            cop_no: cop_no.into(),
            pre_no: None,
            invt_no: "53452026E000000001".into(),
            reason: "买家取消订单".into(),
            agent_code: AGENT.into(),
            agent_name: "深圳示例报关有限公司".into(),
            ebc_code: EBC.into(),
            ebc_name: "深圳示例电子商务有限公司".into(),
            note: None,
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

pub fn arrival(time: &str, logistics_nos: &[&str]) -> Message {
    Message::Ceb507(export::Ceb507Message {
        guid: guid(&format!("507{time}{logistics_nos:?}")),
        version: "1.0".into(),
        arrivals: vec![export::Arrival {
            arrival_head: export::ArrivalHead {
                guid: guid(&format!("507h{time}{logistics_nos:?}")),
                app_type: "1".into(),
                app_time: time.into(),
                app_status: "2".into(),
                customs_code: "5345".into(),
                cop_no: format!("ARR{time}"),
                pre_no: None,
                operator_code: "4403660OP1".into(),
                operator_name: "深圳机场监管作业场所".into(),
                loct_no: None,
                ie_flag: "E".into(),
                traf_mode: "5".into(),
                bill_no: None,
                domestic_traf_no: "粤B12345".into(),
                logistics_code: LOGISTICS.into(),
                logistics_name: "示例国际物流有限公司".into(),
                msg_count: 1,
                msg_seq_no: 1,
                note: None,
            },
            arrival_lists: logistics_nos
                .iter()
                .enumerate()
                .map(|(i, no)| export::ArrivalList {
                    gnum: i as i32 + 1,
                    logistics_no: (*no).into(),
                    total_package_no: None,
                    note: None,
                })
                .collect(),
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

pub fn departure(time: &str, logistics_nos: &[&str]) -> Message {
    Message::Ceb509(export::Ceb509Message {
        guid: guid(&format!("509{time}{logistics_nos:?}")),
        version: "1.0".into(),
        departures: vec![export::Departure {
            departure_head: export::DepartureHead {
                guid: guid(&format!("509h{time}{logistics_nos:?}")),
                app_type: "1".into(),
                app_time: time.into(),
                app_status: "2".into(),
                customs_code: "5345".into(),
                cop_no: format!("DEP{time}"),
                pre_no: None,
                logistics_code: LOGISTICS.into(),
                logistics_name: "示例国际物流有限公司".into(),
                traf_mode: "5".into(),
                traf_name: Some("CZ0327".into()),
                voyage_no: Some("CZ0327".into()),
                bill_no: Some("784-12345675".into()),
                leave_time: time.into(),
                msg_count: 1,
                msg_seq_no: 1,
                note: None,
            },
            departure_lists: logistics_nos
                .iter()
                .enumerate()
                .map(|(i, no)| export::DepartureList {
                    gnum: i as i32 + 1,
                    total_package_no: None,
                    logistics_no: (*no).into(),
                    note: None,
                })
                .collect(),
        }],
        base_transfer: transfer(),
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

pub fn xml(message: &Message) -> Vec<u8> {
    write(message, Version::V2018).expect("test messages are valid").into_bytes()
}

/// A pipeline on a fresh SQLite store in a temporary folder.
pub struct Harness {
    pub pipeline: Pipeline,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(config: Config) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let engine = greenlane_risk::Engine::with_default_criteria().unwrap();
        let pipeline = Pipeline::new(store.clone(), Box::new(engine), config).unwrap();
        Harness { pipeline, store, _dir: dir }
    }

    /// Sends raw bytes (one batch) and describes the outcome in one line.
    pub fn send_bytes(&mut self, bytes: Vec<u8>) -> String {
        let (outcomes, _) = self.pipeline.apply(&[Prepared::new(bytes)]).unwrap();
        describe(&outcomes[0])
    }

    pub fn send(&mut self, message: &Message) -> String {
        self.send_bytes(xml(message))
    }

    /// The list's decision as `lane returnStatus [reason codes]`.
    pub fn decision(&self, cop_no: &str) -> String {
        let key = ListKey { ebc_code: EBC.into(), cop_no: cop_no.into() };
        match self.store.read().unwrap().get_list(&key).unwrap() {
            None => "no such list".into(),
            Some(row) => {
                let d = row.decision();
                let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
                format!(
                    "{} {} {:?} invt_no={}",
                    d.lane.as_str(),
                    d.return_status,
                    reasons,
                    d.invt_no.unwrap_or_default()
                )
            }
        }
    }
}

/// Validates a receipt with xmllint against the official XSD (CEB900 is defined in the import
/// schema, every other receipt in the export schema).
pub fn assert_schema_valid(xml: &str) {
    use std::io::Write as _;
    let xsd_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/xsd");
    let xsd = if xml.contains("CEB900Message") { "import-2018.xsd" } else { "export-2018.xsd" };
    let mut child = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd_dir.join(xsd))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xmllint is required by the test suite (apt-get install libxml2-utils)");
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "receipt not schema-valid: {}\n{xml}", String::from_utf8_lossy(&out.stderr));
}

/// One line for an answer, as the scenario transcripts show it.
pub fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Receipt { xml, replay, .. } => scenarios::describe_answer(200, xml, *replay),
        Outcome::Refused { xml, .. } => scenarios::describe_answer(400, xml, false),
    }
}
