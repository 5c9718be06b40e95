//! The conformance suite: what every [`Store`] backend must do, written once. Each case is a
//! function taking a [`Backend`] (a way to open, and reopen, one fresh store);
//! `conformance_suite!` turns every case into one `#[test]` of the backend's test binary
//! (`tests/sqlite.rs`, `tests/postgres.rs`).

use greenlane_core::{
    Buyer, Decision, Inspection, InspectionOutcome, Lane, List, ListItem, ListKey, ListStatus, MessageTime, Order,
    OrderItem, OrderKey, Payment, Reason, ViolationKind, Waybill, WaybillKey,
};
use greenlane_store::{AuditEntry, Claim, ListFacts, QueueFilter, china_day};
use greenlane_store::{CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey, FlightStatus, UldBuild};
use greenlane_store::{
    Clearance, Digest, ListRow, NewMessage, OrderRow, ReadTx, Role, Store, StoreError, StoredMessage, TokenRow,
    WaybillRow,
};
use greenlane_store::{DepartureRow, SummaryRow};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

/// One fresh, empty store of a backend, which can be opened again to test durability.
pub trait Backend {
    /// Opens the store (the same one every time).
    fn open(&self) -> Box<dyn Store>;
    /// The location `greenlane_store::open` takes for it.
    fn location(&self) -> String;
}

/// Generates one `#[test]` per conformance case, each on a fresh store from `$fresh()`.
macro_rules! conformance_suite {
    ($fresh:expr) => {
        $crate::conformance::conformance_suite!(@cases $fresh;
            an_empty_store_has_nothing,
            messages_round_trip_with_increasing_seq,
            a_duplicate_digest_is_an_error_and_the_transaction_goes_on,
            enterprises_are_registered_once,
            orders_round_trip_upsert_and_delete,
            waybills_round_trip_upsert_and_delete,
            payments_round_trip_upsert_and_delete,
            lists_round_trip_upsert_and_delete,
            lists_are_found_by_order_waybill_and_number_oldest_first,
            pending_lists_before_a_time_oldest_first_with_limit,
            the_decision_feed_pages_in_order,
            inspections_are_kept_per_list_and_in_order,
            screening_clearances_are_kept_once,
            tokens_are_found_by_hash,
            mandates_are_kept_once,
            a_guid_keeps_its_first_digest,
            guids_are_looked_up_together_in_the_order_asked,
            sessions_are_found_and_revoked,
            the_log_position_is_kept_and_derived_rows_are_forgotten,
            counts_group_lists_by_lane_and_status,
            the_write_transaction_sees_its_own_writes,
            readers_see_nothing_before_commit_and_everything_after,
            a_dropped_transaction_leaves_no_trace,
            writers_take_turns,
            many_readers_at_once,
            non_finite_scores_are_refused,
            data_survives_reopening,
            a_large_transaction_commits_whole,
            every_list_pages_in_key_order,
            the_workbench_keeps_a_queue_claims_an_audit_trail_and_daily_totals,
            cargo_parcels_flights_mawbs_stock_and_clock_round_trip,
            summaries_keep_departures_and_hold_each_list_once,
            a_read_right_after_writes_sees_all_of_them_in_order,
            a_failed_write_fails_the_commit_and_nothing_is_kept,
            a_failed_write_fails_the_next_read,
        );
    };
    (@cases $fresh:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let backend = $fresh;
                conformance::$case(&backend);
            }
        )*
    };
}
pub(crate) use conformance_suite;

// ---------------------------------------------------------------------------------------------
// Realistic domain values: Chinese names, 5-decimal money, optional fields both ways.

pub fn at(app_time: &str) -> MessageTime {
    MessageTime::parse_app_time(app_time).expect("test time")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

pub fn digest(n: u32) -> Digest {
    let mut d = [0u8; 32];
    d[..4].copy_from_slice(&n.to_be_bytes());
    d[31] = 0xff; // not all zeros, and the high bit set: bytes, not text
    d
}

pub fn order_key(no: &str) -> OrderKey {
    OrderKey { ebp_code: "4403169D3W".into(), order_no: no.into() }
}

pub fn waybill_key(no: &str) -> WaybillKey {
    WaybillKey { logistics_code: "4403180B6Y".into(), logistics_no: no.into() }
}

pub fn list_key(cop_no: &str) -> ListKey {
    ListKey { ebc_code: "440316T004".into(), cop_no: cop_no.into() }
}

pub fn order(key: &OrderKey, with_buyer: bool) -> Order {
    Order {
        key: key.clone(),
        order_type: "E".into(),
        ebp_name: "深圳市跨境电商平台有限公司".into(),
        ebc_code: "440316T004".into(),
        ebc_name: "深圳市前海出口贸易有限公司".into(),
        goods_value: dec("12345678912345.12345"),
        freight: dec("0.00001"),
        currency: "142".into(),
        items: vec![
            OrderItem {
                gnum: 1,
                item_no: "SKU-蓝牙耳机-01".into(),
                item_name: "无线蓝牙耳机".into(),
                unit: "011".into(),
                currency: "142".into(),
                qty: dec("3"),
                price: dec("99.90000"),
                total_price: dec("299.7"),
            },
            OrderItem {
                gnum: 2,
                item_no: "SKU-2".into(),
                item_name: "手机壳 \"透明\" <硅胶>".into(),
                unit: "011".into(),
                currency: "142".into(),
                qty: dec("1.5"),
                price: dec("-0.00001"),
                total_price: dec("79228162514264337593543950335"),
            },
        ],
        buyer: with_buyer.then(|| Buyer {
            name: "Zoë Müller".into(),
            address: "Hauptstraße 1, 10115 Berlin".into(),
            country: "DE".into(),
            telephone: None,
        }),
        app_time: at("20261129103000"),
    }
}

pub fn waybill(key: &WaybillKey, ebc_code: Option<&str>) -> Waybill {
    Waybill {
        key: key.clone(),
        logistics_name: "顺丰速运有限公司".into(),
        freight: dec("25.5"),
        insured_fee: dec("0"),
        currency: "142".into(),
        gross_weight: dec("1.23456"),
        pack_no: 2,
        goods_info: "耳机、手机壳".into(),
        ebc_code: ebc_code.map(Into::into),
        app_time: at("20261129103100"),
    }
}

pub fn payment(key: &OrderKey, pay_no: Option<&str>) -> Payment {
    Payment {
        order: key.clone(),
        ebc_code: "440316T004".into(),
        pay_code: pay_no.map(|_| "312228034T".into()),
        pay_name: "财付通支付科技有限公司".into(),
        pay_no: pay_no.map(Into::into),
        charge: dec("12345678912345.12345"),
        currency: "142".into(),
        app_time: at("20261129103200"),
    }
}

pub fn list(key: &ListKey, order: &OrderKey, waybill: &WaybillKey) -> List {
    List {
        key: key.clone(),
        order: order.clone(),
        waybill: waybill.clone(),
        invt_no: None,
        customs_code: "5316".into(),
        port_code: "5316".into(),
        ie_date: "20261129".into(),
        statistics_flag: "A".into(),
        agent_code: "4403180B6Y".into(),
        agent_name: "深圳市报关代理有限公司".into(),
        ebc_name: "深圳市前海出口贸易有限公司".into(),
        owner_code: "440316T004".into(),
        owner_name: "深圳市前海出口贸易有限公司".into(),
        trade_mode: "9610".into(),
        traf_mode: "4".into(),
        license_no: Some("许可证-001".into()),
        country: "304".into(),
        freight: dec("25.5"),
        insured_fee: dec("0"),
        freight_mark: greenlane_core::ChargeMark::Total,
        freight_currency: String::new(),
        insurance_mark: greenlane_core::ChargeMark::Total,
        insurance_currency: String::new(),
        pack_no: 2,
        gross_weight: dec("1.23456"),
        net_weight: dec("1.1"),
        items: vec![ListItem {
            gnum: 1,
            item_no: "SKU-蓝牙耳机-01".into(),
            gcode: "8518300000".into(),
            gname: "无线蓝牙耳机".into(),
            gmodel: "0|0|品牌:小米|型号:Air2".into(),
            country: "304".into(),
            currency: "142".into(),
            qty: dec("3"),
            qty1: dec("0.3"),
            unit: "011".into(),
            unit1: "035".into(),
            price: dec("12345678912345.12345"),
            total_price: dec("37037036737035.37035"),
        }],
        app_time: at("20261129103300"),
    }
}

/// A pending list received at `received`, with its order and waybill numbered after it.
pub fn pending_row(cop_no: &str, received: MessageTime) -> ListRow {
    let l = list(&list_key(cop_no), &order_key(&format!("O-{cop_no}")), &waybill_key(&format!("W-{cop_no}")));
    ListRow {
        list: l,
        status: ListStatus::Pending,
        lane: Lane::Pending,
        return_status: 120,
        score: 0.0,
        reasons: Vec::new(),
        received_at: received,
        decided_at: None,
        criteria_version: None,
    }
}

/// A decided list: every optional field set, a score that is not a round binary number.
pub fn decided_row(cop_no: &str) -> ListRow {
    let mut row = pending_row(cop_no, at("20261129103300"));
    row.list.invt_no = Some("53162026E000001234".into());
    row.status = ListStatus::Review;
    row.lane = Lane::Yellow;
    row.return_status = 300;
    row.score = 0.1 + 0.2; // 0.30000000000000004: must come back bit for bit
    row.reasons = vec![
        Reason::new("value_mismatch", "申报总价与订单货值不符：37037036737035.37035 ≠ 12345678912345.12345"),
        Reason::new("new_exporter", "first list of this enterprise"),
    ];
    row.decided_at = Some(at("20261129103301"));
    row.criteria_version = Some("2026-11 规则 v3".into());
    row
}

/// The facts the caller gives with a list (the pipeline's `list_facts` works them out from the
/// customs rates): here the lists are in yuan, so the value is the lines' total in fen, and the
/// chapter is that of the most valuable line. The store only keeps them.
pub fn facts(row: &ListRow) -> ListFacts {
    let mut top: Option<&ListItem> = None;
    for item in &row.list.items {
        if top.is_none_or(|t| item.total_price > t.total_price) {
            top = Some(item);
        }
    }
    let fen = |i: &ListItem| (i.total_price * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(i64::MAX);
    ListFacts {
        day: china_day(row.received_at.0),
        dest_country: row.list.country.clone(),
        trade_mode: row.list.trade_mode.clone(),
        hs_chapter: top.map(|i| i.gcode.chars().take(2).collect()).unwrap_or_default(),
        value_fen: row.list.items.iter().map(fen).fold(0, i64::saturating_add),
        ebp_code: row.list.order.ebp_code.clone(),
        lane: row.lane,
    }
}

pub fn decision_of(row: &ListRow) -> Decision {
    Decision {
        key: row.list.key.clone(),
        invt_no: row.list.invt_no.clone(),
        order_no: row.list.order.order_no.clone(),
        logistics_no: row.list.waybill.logistics_no.clone(),
        return_status: row.return_status,
        lane: row.lane,
        score: row.score,
        reasons: row.reasons.clone(),
        received_at: row.received_at,
        decided_at: row.decided_at,
    }
}

/// A script as the tuple of [`SCRIPTS`].
macro_rules! script {
    ($name:literal, $file:literal) => {
        (
            $name,
            include_str!(concat!("../../migrations/sqlite/", $file)),
            include_str!(concat!("../../migrations/postgres/", $file)),
        )
    };
}

/// Every migration script of this build, by version: its refinery name, and its text for SQLite
/// and for PostgreSQL (the backend tests build stores as the runner before refinery left them).
pub const SCRIPTS: [(&str, &str, &str); 10] = [
    script!("V1__init", "0001_init.sql"),
    script!("V2__inspections", "0002_inspections.sql"),
    script!("V3__screening_clearances", "0003_screening_clearances.sql"),
    script!("V4__workbench", "0004_workbench.sql"),
    script!("V5__review_queue", "0005_review_queue.sql"),
    script!("V6__access", "0006_access.sql"),
    script!("V7__log_applied", "0007_log_applied.sql"),
    script!("V8__intake_log", "0008_intake_log.sql"),
    script!("V9__cargo", "0009_cargo.sql"),
    script!("V10__summaries", "0010_summaries.sql"),
];

/// What refinery's history must hold for this build on one backend (`postgres` or not): version,
/// name and refinery's own checksum of each script.
pub fn expected_history(postgres: bool) -> Vec<(i64, String, String)> {
    (1..)
        .zip(SCRIPTS)
        .map(|(version, (name, sqlite, pg))| {
            let m = refinery_core::Migration::unapplied(name, if postgres { pg } else { sqlite }).unwrap();
            (version, m.name().to_owned(), m.checksum().to_string())
        })
        .collect()
}

pub fn message<'a>(n: u32, body: &'a [u8], receipt: &'a [u8]) -> NewMessage<'a> {
    NewMessage {
        digest: digest(n),
        message_type: "CEB303",
        sender: "4403169D3W",
        app_time: n.is_multiple_of(2).then(|| at("20261129103000")),
        body,
        receipt,
    }
}

const BODY: &[u8] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ceb:CEB303Message>订单</ceb:CEB303Message>\0\u{1}".as_bytes();
const RECEIPT: &[u8] =
    "<ceb:CEB304Message><ceb:returnInfo>新增申报成功</ceb:returnInfo></ceb:CEB304Message>".as_bytes();

fn ok<T>(result: greenlane_store::Result<T>) -> T {
    result.unwrap_or_else(|e| panic!("store call failed: {e}"))
}

/// Writes one of everything and commits: the fixture of the visibility and durability cases.
fn write_one_of_everything(store: &dyn Store) -> (u64, u64, u64) {
    let mut tx = ok(store.write());
    let seq = ok(tx.insert_message(&message(1, BODY, RECEIPT)));
    ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
    ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: Some(list_key("C-1")) }));
    ok(tx.put_waybill(&WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None }));
    ok(tx.put_payment(&payment(&order_key("O-1"), Some("P-1"))));
    let row = decided_row("C-1");
    ok(tx.put_list(&row, &facts(&row)));
    let feed = ok(tx.append_decision(&decision_of(&row)));
    let token = ok(tx.insert_token("海关官员", Role::Officer, None, &digest(900)));
    ok(tx.commit());
    (seq, feed, token)
}

/// Checks that everything `write_one_of_everything` wrote is visible through `r`.
fn assert_everything(r: &mut dyn ReadTx, (seq, feed, token): (u64, u64, u64)) {
    assert_eq!(
        ok(r.find_message(&digest(1))),
        Some(StoredMessage { seq, message_type: "CEB303".into(), receipt: RECEIPT.to_vec() })
    );
    assert!(ok(r.enterprise_exists("440316T004")));
    assert_eq!(
        ok(r.get_order(&order_key("O-1"))),
        Some(OrderRow { order: order(&order_key("O-1"), true), list: Some(list_key("C-1")) })
    );
    assert_eq!(
        ok(r.get_waybill(&waybill_key("W-1"))),
        Some(WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None })
    );
    assert_eq!(ok(r.get_payment(&order_key("O-1"))), Some(payment(&order_key("O-1"), Some("P-1"))));
    let row = decided_row("C-1");
    assert_eq!(ok(r.get_list(&list_key("C-1"))), Some(row.clone()));
    assert_eq!(ok(r.decisions_after(0, 10)), vec![(feed, decision_of(&row))]);
    assert_eq!(ok(r.token_by_hash(&digest(900))).map(|t| t.id), Some(token));
    assert_eq!(ok(r.counts()).messages, 1);
}

/// Checks that nothing `write_one_of_everything` writes is visible through `r`.
fn assert_nothing(r: &mut dyn ReadTx) {
    assert_eq!(ok(r.find_message(&digest(1))), None);
    assert!(!ok(r.enterprise_exists("440316T004")));
    assert_eq!(ok(r.get_order(&order_key("O-1"))), None);
    assert_eq!(ok(r.get_waybill(&waybill_key("W-1"))), None);
    assert_eq!(ok(r.get_payment(&order_key("O-1"))), None);
    assert_eq!(ok(r.get_list(&list_key("C-1"))), None);
    assert_eq!(ok(r.lists_for_order(&order_key("O-C-1"))), vec![]);
    assert_eq!(ok(r.decisions_after(0, 10)), vec![]);
    assert_eq!(ok(r.token_by_hash(&digest(900))), None);
    let counts = ok(r.counts());
    assert_eq!(counts.messages, 0);
    assert!(counts.lists_by_lane.iter().all(|&(_, n)| n == 0), "{counts:?}");
}

// ---------------------------------------------------------------------------------------------
// The cases.

pub fn an_empty_store_has_nothing(b: &dyn Backend) {
    let store = b.open();
    assert_nothing(&mut *ok(store.read()));
    assert_nothing(&mut *ok(store.write()));
    let mut r = ok(store.read());
    assert_eq!(ok(r.lists_for_waybill(&waybill_key("W-1"))), vec![]);
    assert_eq!(ok(r.lists_by_logistics_no("W-1")), vec![]);
    assert_eq!(ok(r.pending_lists_received_before(at("20991231000000"), 100)), vec![]);
    assert!(!store.describe().is_empty());
}

pub fn messages_round_trip_with_increasing_seq(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let first = ok(tx.insert_message(&message(1, BODY, RECEIPT)));
    let empty = ok(tx.insert_message(&NewMessage {
        digest: digest(2),
        message_type: "CEB505",
        sender: "",
        app_time: None,
        body: b"",
        receipt: b"",
    }));
    let third = ok(tx.insert_message(&message(3, b"<x/>", "回执".as_bytes())));
    assert!(first < empty && empty < third, "{first} {empty} {third}");
    ok(tx.commit());

    let mut r = ok(store.read());
    assert_eq!(
        ok(r.find_message(&digest(1))),
        Some(StoredMessage { seq: first, message_type: "CEB303".into(), receipt: RECEIPT.to_vec() })
    );
    assert_eq!(
        ok(r.find_message(&digest(2))),
        Some(StoredMessage { seq: empty, message_type: "CEB505".into(), receipt: vec![] })
    );
    assert_eq!(ok(r.find_message(&digest(3))).map(|m| m.receipt), Some("回执".as_bytes().to_vec()));
    assert_eq!(ok(r.find_message(&digest(4))), None);
    assert_eq!(ok(r.counts()).messages, 3);
    drop(r);

    // Later transactions keep counting up.
    let mut tx = ok(store.write());
    let fourth = ok(tx.insert_message(&message(4, BODY, RECEIPT)));
    ok(tx.commit());
    assert!(fourth > third);
}

pub fn a_duplicate_digest_is_an_error_and_the_transaction_goes_on(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let seq = ok(tx.insert_message(&message(1, BODY, RECEIPT)));
    let again = tx.insert_message(&message(1, b"other body", b"other receipt"));
    assert!(matches!(again, Err(StoreError::Backend(_))), "{again:?}");
    // The group commit's other messages are not lost to one re-send.
    let other = ok(tx.insert_message(&message(2, BODY, RECEIPT)));
    ok(tx.commit());

    let mut tx = ok(store.write());
    assert!(tx.insert_message(&message(1, BODY, RECEIPT)).is_err(), "a duplicate of a committed message");
    ok(tx.commit());

    let mut r = ok(store.read());
    assert_eq!(ok(r.find_message(&digest(1))).map(|m| (m.seq, m.receipt)), Some((seq, RECEIPT.to_vec())));
    assert_eq!(ok(r.find_message(&digest(2))).map(|m| m.seq), Some(other));
    assert_eq!(ok(r.counts()).messages, 2);
}

pub fn enterprises_are_registered_once(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    assert!(!ok(tx.enterprise_exists("440316T004")));
    ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
    // Seen again (under another name): no error, still one.
    ok(tx.register_enterprise("440316T004", "另一个名字", at("20261130103000")));
    ok(tx.register_enterprise("4403169D3W", "深圳市跨境电商平台有限公司", at("20261129103000")));
    assert!(ok(tx.enterprise_exists("440316T004")));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert!(ok(r.enterprise_exists("440316T004")));
    assert!(ok(r.enterprise_exists("4403169D3W")));
    assert!(!ok(r.enterprise_exists("440316t004")), "codes are exact, not case-folded");
    assert!(!ok(r.enterprise_exists("")));
}

pub fn orders_round_trip_upsert_and_delete(b: &dyn Backend) {
    let store = b.open();
    let (k1, k2) = (order_key("O-1"), order_key("O-2"));
    let first = OrderRow { order: order(&k1, true), list: None };
    let other = OrderRow { order: order(&k2, false), list: Some(list_key("C-2")) };
    let mut tx = ok(store.write());
    ok(tx.put_order(&first));
    ok(tx.put_order(&other));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_order(&k1)), Some(first.clone()));
    assert_eq!(ok(ok(store.read()).get_order(&k2)), Some(other.clone()));
    assert_eq!(
        ok(ok(store.read()).get_order(&OrderKey { ebp_code: "OTHER".into(), order_no: "O-1".into() })),
        None,
        "the platform is part of the key"
    );

    // Upsert: the list link and the document are replaced.
    let mut changed = first.clone();
    changed.order.freight = dec("7.77777");
    changed.order.buyer = None;
    changed.list = Some(list_key("C-1"));
    let mut tx = ok(store.write());
    ok(tx.put_order(&changed));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_order(&k1)), Some(changed));

    let mut tx = ok(store.write());
    ok(tx.delete_order(&k1));
    ok(tx.delete_order(&order_key("never stored")));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_order(&k1)), None);
    assert_eq!(ok(r.get_order(&k2)), Some(other));
}

pub fn waybills_round_trip_upsert_and_delete(b: &dyn Backend) {
    let store = b.open();
    let (k1, k2) = (waybill_key("SF1234567890"), waybill_key("SF0000000002"));
    let first = WaybillRow { waybill: waybill(&k1, Some("440316T004")), list: None };
    let other = WaybillRow { waybill: waybill(&k2, None), list: Some(list_key("C-2")) };
    let mut tx = ok(store.write());
    ok(tx.put_waybill(&first));
    ok(tx.put_waybill(&other));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_waybill(&k1)), Some(first.clone()));
    assert_eq!(ok(ok(store.read()).get_waybill(&k2)), Some(other.clone()));
    assert_eq!(
        ok(ok(store.read())
            .get_waybill(&WaybillKey { logistics_code: "OTHER".into(), logistics_no: k1.logistics_no.clone() })),
        None
    );

    let mut changed = first.clone();
    changed.waybill.gross_weight = dec("99.99999");
    changed.waybill.ebc_code = None;
    changed.list = Some(list_key("C-1"));
    let mut tx = ok(store.write());
    ok(tx.put_waybill(&changed));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_waybill(&k1)), Some(changed));

    let mut tx = ok(store.write());
    ok(tx.delete_waybill(&k1));
    ok(tx.delete_waybill(&waybill_key("never stored")));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_waybill(&k1)), None);
    assert_eq!(ok(r.get_waybill(&k2)), Some(other));
}

pub fn payments_round_trip_upsert_and_delete(b: &dyn Backend) {
    let store = b.open();
    let (k1, k2) = (order_key("O-1"), order_key("O-2"));
    let mut tx = ok(store.write());
    ok(tx.put_payment(&payment(&k1, Some("P-1"))));
    ok(tx.put_payment(&payment(&k2, None)));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_payment(&k1)), Some(payment(&k1, Some("P-1"))));
    assert_eq!(ok(ok(store.read()).get_payment(&k2)), Some(payment(&k2, None)));

    let mut changed = payment(&k1, None);
    changed.charge = dec("0.00001");
    let mut tx = ok(store.write());
    ok(tx.put_payment(&changed));
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).get_payment(&k1)), Some(changed));

    let mut tx = ok(store.write());
    ok(tx.delete_payment(&k1));
    ok(tx.delete_payment(&order_key("never stored")));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_payment(&k1)), None);
    assert_eq!(ok(r.get_payment(&k2)), Some(payment(&k2, None)));
}

pub fn lists_round_trip_upsert_and_delete(b: &dyn Backend) {
    let store = b.open();
    let pending = pending_row("C-1", at("20261129103300"));
    let decided = decided_row("C-2");
    let mut tx = ok(store.write());
    ok(tx.put_list(&pending, &facts(&pending)));
    ok(tx.put_list(&decided, &facts(&decided)));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_list(&list_key("C-1"))), Some(pending.clone()));
    let back = ok(r.get_list(&list_key("C-2"))).expect("stored");
    assert_eq!(back, decided);
    assert_eq!(back.score.to_bits(), (0.1f64 + 0.2).to_bits());
    assert_eq!(back.decision(), decision_of(&decided));
    assert_eq!(ok(r.get_list(&ListKey { ebc_code: "OTHER".into(), cop_no: "C-1".into() })), None);
    drop(r);

    // Upsert: a decision on the pending list replaces every column, keys included.
    let mut now = decided_row("C-1");
    now.status = ListStatus::Departed;
    now.lane = Lane::Green;
    now.return_status = 899;
    now.score = -1.5e-300;
    now.list.waybill = waybill_key("W-changed");
    let mut tx = ok(store.write());
    ok(tx.put_list(&now, &facts(&now)));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_list(&list_key("C-1"))), Some(now));
    assert_eq!(ok(r.lists_by_logistics_no("W-C-1")), vec![], "the old waybill index entry is gone");
    assert_eq!(ok(r.lists_by_logistics_no("W-changed")), vec![list_key("C-1")]);
    drop(r);

    let mut tx = ok(store.write());
    ok(tx.delete_list(&list_key("C-1")));
    ok(tx.delete_list(&list_key("never stored")));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_list(&list_key("C-1"))), None);
    assert_eq!(ok(r.lists_by_logistics_no("W-changed")), vec![]);
    assert_eq!(ok(r.get_list(&list_key("C-2"))), Some(decided));
}

pub fn lists_are_found_by_order_waybill_and_number_oldest_first(b: &dyn Backend) {
    let store = b.open();
    let shared_order = order_key("O-shared");
    let shared_waybill = waybill_key("SF-shared");
    let other_firm = WaybillKey { logistics_code: "3120980025".into(), logistics_no: "SF-shared".into() };
    // Inserted Z, A, M: "oldest first" is insertion order, not key order.
    let mut rows = Vec::new();
    for (cop, waybill) in [("Z", &shared_waybill), ("A", &other_firm), ("M", &shared_waybill)] {
        let mut row = pending_row(cop, at("20261129103300"));
        row.list.order = shared_order.clone();
        row.list.waybill = waybill.clone();
        rows.push(row);
    }
    let mut tx = ok(store.write());
    for row in &rows {
        ok(tx.put_list(row, &facts(row)));
    }
    let unrelated = pending_row("unrelated", at("20261129103300"));
    ok(tx.put_list(&unrelated, &facts(&unrelated)));
    ok(tx.commit());

    let keys = |cops: &[&str]| cops.iter().map(|c| list_key(c)).collect::<Vec<_>>();
    let mut r = ok(store.read());
    assert_eq!(ok(r.lists_for_order(&shared_order)), keys(&["Z", "A", "M"]));
    assert_eq!(ok(r.lists_for_waybill(&shared_waybill)), keys(&["Z", "M"]));
    assert_eq!(ok(r.lists_for_waybill(&other_firm)), keys(&["A"]));
    assert_eq!(ok(r.lists_by_logistics_no("SF-shared")), keys(&["Z", "A", "M"]));
    assert_eq!(ok(r.lists_for_order(&order_key("O-unrelated"))), keys(&["unrelated"]));
    assert_eq!(ok(r.lists_for_order(&order_key("nothing"))), keys(&[]));
    drop(r);

    // An upsert keeps a list's place; a delete and re-insert makes it the youngest.
    let mut tx = ok(store.write());
    let mut z = rows[0].clone();
    z.status = ListStatus::Released;
    ok(tx.put_list(&z, &facts(&z)));
    ok(tx.delete_list(&list_key("A")));
    ok(tx.put_list(&rows[1], &facts(&rows[1])));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.lists_for_order(&shared_order)), keys(&["Z", "M", "A"]));
    assert_eq!(ok(r.lists_by_logistics_no("SF-shared")), keys(&["Z", "M", "A"]));
}

pub fn pending_lists_before_a_time_oldest_first_with_limit(b: &dyn Backend) {
    let store = b.open();
    let t0 = at("20261129000000");
    let mut tx = ok(store.write());
    // Inserted out of time order; two share a time (then insertion order decides).
    for (cop, offset) in [("late", 300), ("early", 100), ("tie-1", 200), ("tie-2", 200), ("edge", 400)] {
        let row = pending_row(cop, t0.plus_seconds(offset));
        ok(tx.put_list(&row, &facts(&row)));
    }
    // Older, but no longer pending.
    let mut decided = pending_row("decided", t0);
    decided.status = ListStatus::Released;
    decided.lane = Lane::Green;
    ok(tx.put_list(&decided, &facts(&decided)));
    let mut expired = pending_row("expired", t0);
    expired.status = ListStatus::Expired;
    ok(tx.put_list(&expired, &facts(&expired)));
    ok(tx.commit());

    let keys = |cops: &[&str]| cops.iter().map(|c| list_key(c)).collect::<Vec<_>>();
    let mut r = ok(store.read());
    let before = t0.plus_seconds(400); // strictly before: "edge" is not included
    assert_eq!(ok(r.pending_lists_received_before(before, 100)), keys(&["early", "tie-1", "tie-2", "late"]));
    assert_eq!(ok(r.pending_lists_received_before(before, 2)), keys(&["early", "tie-1"]));
    assert_eq!(ok(r.pending_lists_received_before(before, 0)), keys(&[]));
    assert_eq!(ok(r.pending_lists_received_before(t0.plus_seconds(100), 100)), keys(&[]));
    assert_eq!(ok(r.pending_lists_received_before(t0.plus_seconds(401), usize::MAX)).len(), 5);
}

pub fn inspections_are_kept_per_list_and_in_order(b: &dyn Backend) {
    let store = b.open();
    let key = |cop: &str| ListKey { ebc_code: "3301960001".into(), cop_no: cop.into() };
    let inspection = |cop: &str, outcome, note: &str, at| Inspection {
        list: key(cop),
        outcome,
        note: note.into(),
        officer: "王警官 officer-1".into(),
        at: MessageTime(at),
    };
    let recorded = [
        inspection(
            "C-1",
            InspectionOutcome::Violation(ViolationKind::Counterfeit),
            "假冒 Nike, 38 pairs",
            1_700_000_000,
        ),
        inspection("C-2", InspectionOutcome::Compliant, "", 1_700_000_100),
        inspection("C-1", InspectionOutcome::Compliant, "re-inspected after appeal", 1_700_000_200),
    ];
    let mut tx = ok(store.write());
    let seqs: Vec<u64> = recorded.iter().map(|i| ok(tx.insert_inspection(i))).collect();
    // The writer sees its own inspections before commit; readers do not.
    assert_eq!(ok(tx.inspections_of(&key("C-2"))), vec![recorded[1].clone()]);
    assert!(ok(ok(store.read()).inspections_after(0, 10)).is_empty());
    ok(tx.commit());
    assert!(seqs.windows(2).all(|w| w[0] < w[1]) && seqs[0] > 0, "{seqs:?}");

    let mut r = ok(store.read());
    assert_eq!(ok(r.inspections_of(&key("C-1"))), vec![recorded[0].clone(), recorded[2].clone()]);
    assert!(ok(r.inspections_of(&key("C-9"))).is_empty());
    let all = ok(r.inspections_after(0, 10));
    assert_eq!(all, seqs.iter().copied().zip(recorded.iter().cloned()).collect::<Vec<_>>());
    assert_eq!(ok(r.inspections_after(seqs[0], 1)), vec![(seqs[1], recorded[1].clone())]);
}

pub fn screening_clearances_are_kept_once(b: &dyn Backend) {
    let store = b.open();
    let clearance = |party: &str, entry: &str, officer: &str| Clearance {
        party: party.into(),
        list: "us_ofac_sdn".into(),
        entry_id: entry.into(),
        officer: officer.into(),
        cleared_at: MessageTime(1_700_000_000),
    };
    assert!(ok(ok(store.read()).clearances()).is_empty());
    let mut tx = ok(store.write());
    ok(tx.insert_clearance(&clearance("buyer:ivan petrov", "36", "officer-1")));
    ok(tx.insert_clearance(&clearance("buyer:ali hassan", "7001", "officer-1")));
    // The same party and entry again: the first clearance stands.
    ok(tx.insert_clearance(&clearance("buyer:ivan petrov", "36", "officer-2")));
    ok(tx.insert_clearance(&clearance("buyer:ivan petrov", "37", "officer-2")));
    ok(tx.commit());
    let all = ok(ok(store.read()).clearances());
    assert_eq!(
        all,
        vec![
            clearance("buyer:ali hassan", "7001", "officer-1"),
            clearance("buyer:ivan petrov", "36", "officer-1"),
            clearance("buyer:ivan petrov", "37", "officer-2"),
        ]
    );
}

pub fn the_decision_feed_pages_in_order(b: &dyn Backend) {
    let store = b.open();
    let mut decisions = Vec::new();
    for i in 0..7 {
        let mut d = decision_of(&decided_row(&format!("C-{i}")));
        d.score = f64::from(i) / 3.0;
        if i % 2 == 0 {
            d.decided_at = None;
            d.invt_no = None;
            d.reasons.clear();
        }
        decisions.push(d);
    }
    // Two transactions, so that numbering carries across commits.
    let mut seqs = Vec::new();
    for chunk in decisions.chunks(4) {
        let mut tx = ok(store.write());
        for d in chunk {
            seqs.push(ok(tx.append_decision(d)));
        }
        ok(tx.commit());
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "strictly increasing: {seqs:?}");
    assert!(seqs[0] > 0, "0 is the cursor before the first entry");

    let mut r = ok(store.read());
    let all = ok(r.decisions_after(0, 100));
    assert_eq!(all, seqs.iter().copied().zip(decisions.iter().cloned()).collect::<Vec<_>>());
    for (i, (_, d)) in all.iter().enumerate() {
        assert_eq!(d.score.to_bits(), decisions[i].score.to_bits());
    }

    // Paging with the cursor of the last entry seen.
    let mut cursor = 0;
    let mut paged = Vec::new();
    loop {
        let page = ok(r.decisions_after(cursor, 3));
        assert!(page.len() <= 3);
        let Some(&(last, _)) = page.last() else { break };
        cursor = last;
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert_eq!(ok(r.decisions_after(seqs[2], 2)), all[3..5].to_vec());
    assert_eq!(ok(r.decisions_after(*seqs.last().unwrap(), 10)), vec![]);
    assert_eq!(ok(r.decisions_after(u64::MAX, 10)), vec![]);
    assert_eq!(ok(r.decisions_after(0, 0)), vec![]);
}

pub fn tokens_are_found_by_hash(b: &dyn Backend) {
    let store = b.open();
    let roles = [Role::Admin, Role::Officer, Role::Enterprise, Role::Viewer];
    let mut tx = ok(store.write());
    let mut ids = Vec::new();
    for (i, role) in roles.into_iter().enumerate() {
        let ebc = (role == Role::Enterprise).then_some("440316T004");
        ids.push(ok(tx.insert_token(&format!("令牌 {i}"), role, ebc, &digest(100 + i as u32))));
    }
    let duplicate = tx.insert_token("again", Role::Admin, None, &digest(100));
    assert!(matches!(duplicate, Err(StoreError::Backend(_))), "{duplicate:?}");
    ok(tx.commit());
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    let mut r = ok(store.read());
    for (i, role) in roles.into_iter().enumerate() {
        assert_eq!(
            ok(r.token_by_hash(&digest(100 + i as u32))),
            Some(TokenRow {
                id: ids[i],
                name: format!("令牌 {i}"),
                role,
                ebc_code: (role == Role::Enterprise).then(|| "440316T004".into()),
                secret_hash: digest(100 + i as u32),
            })
        );
    }
    assert_eq!(ok(r.token_by_hash(&digest(99))), None);
}

pub fn mandates_are_kept_once(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    ok(tx.insert_mandate("440316EXP1", "440318AGT1", "agent"));
    ok(tx.insert_mandate("440316EXP1", "440318AGT1", "agent"));
    ok(tx.insert_mandate("440316EXP1", "440398LOG1", "logistics"));
    assert!(ok(tx.mandate_exists("440316EXP1", "440318AGT1", "agent")), "a transaction sees its own writes");
    ok(tx.commit());
    let mut r = ok(store.read());
    assert!(ok(r.mandate_exists("440316EXP1", "440318AGT1", "agent")));
    assert!(!ok(r.mandate_exists("440316EXP1", "440318AGT1", "logistics")));
    assert!(!ok(r.mandate_exists("440316EXP2", "440318AGT1", "agent")));
    assert_eq!(
        ok(r.mandates()),
        vec![
            ("440316EXP1".to_owned(), "440318AGT1".to_owned(), "agent".to_owned()),
            ("440316EXP1".to_owned(), "440398LOG1".to_owned(), "logistics".to_owned()),
        ]
    );
}

pub fn a_guid_keeps_its_first_digest(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let guid = "0A1B2C3D-0000-4000-8000-00000000CAFE";
    ok(tx.insert_guid(guid, &digest(1)));
    ok(tx.insert_guid(guid, &digest(2)));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.guid_digests(&[guid])), vec![Some(digest(1))]);
    assert_eq!(ok(r.guid_digests(&["0A1B2C3D-0000-4000-8000-00000000BEEF"])), vec![None]);
}

pub fn guids_are_looked_up_together_in_the_order_asked(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let (first, second) = ("0A1B2C3D-0000-4000-8000-000000000001", "0A1B2C3D-0000-4000-8000-000000000002");
    ok(tx.insert_guid(first, &digest(1)));
    ok(tx.insert_guid(second, &digest(2)));
    // Unknown and repeated guids, and one with a quote, which must reach the query as data.
    let unknown = "0A1B2C3D-0000-4000-8000-00000000BEEF\"')";
    assert_eq!(
        ok(tx.guid_digests(&[second, unknown, first, second])),
        vec![Some(digest(2)), None, Some(digest(1)), Some(digest(2))]
    );
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.guid_digests(&[])), vec![]);
    let many: Vec<String> = (0..500).map(|n| format!("0A1B2C3D-0000-4000-9000-{n:012}")).collect();
    let mut asked: Vec<&str> = many.iter().map(String::as_str).collect();
    asked.push(first);
    let found = ok(r.guid_digests(&asked));
    assert_eq!(found.len(), 501);
    assert_eq!(found.iter().filter(|d| d.is_some()).count(), 1);
    assert_eq!(found[500], Some(digest(1)));
}

pub fn the_log_position_is_kept_and_derived_rows_are_forgotten(b: &dyn Backend) {
    let store = b.open();
    assert_eq!(ok(ok(store.read()).log_applied()), 0);
    let written = write_one_of_everything(&*store);
    let mut tx = ok(store.write());
    ok(tx.set_log_applied(41));
    ok(tx.set_log_applied(42));
    ok(tx.insert_mandate("EXPORTER", "AGENT", "agent"));
    // Not visible before commit, nor after a rollback.
    assert_eq!(ok(ok(store.read()).log_applied()), 0);
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).log_applied()), 42);
    assert_everything(&mut *ok(store.read()), written);

    let mut tx = ok(store.write());
    ok(tx.forget_derived());
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.log_applied()), 0);
    assert_eq!(ok(r.find_message(&digest(1))), None);
    assert!(!ok(r.enterprise_exists("440316T004")));
    assert_eq!(ok(r.get_list(&list_key("C-1"))), None);
    assert_eq!(ok(r.decisions_after(0, 10)), vec![]);
    assert_eq!(ok(r.counts()).messages, 0);
    // What people configured stays.
    assert!(ok(r.token_by_hash(&digest(900))).is_some());
    assert!(ok(r.mandate_exists("EXPORTER", "AGENT", "agent")));
}

pub fn sessions_are_found_and_revoked(b: &dyn Backend) {
    let store = b.open();
    let session = greenlane_store::SessionRow {
        name: "审单员 王".into(),
        role: Role::Officer,
        ebc_code: None,
        expires_at: 1_796_000_000,
    };
    let exporter = greenlane_store::SessionRow {
        name: "shop".into(),
        role: Role::Enterprise,
        ebc_code: Some("440316T004".into()),
        expires_at: 1_796_000_100,
    };
    let mut tx = ok(store.write());
    ok(tx.insert_session(&digest(7), &session));
    ok(tx.insert_session(&digest(8), &exporter));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.session(&digest(7))), Some(session));
    assert_eq!(ok(r.session(&digest(8))), Some(exporter.clone()));
    drop(r);
    let mut tx = ok(store.write());
    ok(tx.delete_session(&digest(7)));
    ok(tx.delete_session(&digest(9)));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.session(&digest(7))), None);
    assert_eq!(ok(r.session(&digest(8))), Some(exporter.clone()));
    drop(r);
    let mut tx = ok(store.write());
    assert_eq!(ok(tx.delete_expired_sessions(exporter.expires_at - 1)), 0);
    assert_eq!(ok(tx.delete_expired_sessions(exporter.expires_at)), 1);
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).session(&digest(8))), None);
}

pub fn counts_group_lists_by_lane_and_status(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let t = at("20261129103300");
    let placed = [
        ("p1", ListStatus::Pending, Lane::Pending),
        ("p2", ListStatus::Pending, Lane::Pending),
        ("g1", ListStatus::Released, Lane::Green),
        ("g2", ListStatus::Departed, Lane::Green),
        ("g3", ListStatus::Arrived, Lane::Green),
        ("r1", ListStatus::Review, Lane::Red),
        ("x1", ListStatus::Cancelled, Lane::Blue),
    ];
    for (cop, status, lane) in placed {
        let mut row = pending_row(cop, t);
        row.status = status;
        row.lane = lane;
        ok(tx.put_list(&row, &facts(&row)));
    }
    for n in 0..3 {
        ok(tx.insert_message(&message(n, BODY, RECEIPT)));
    }
    ok(tx.commit());

    let counts = ok(ok(store.read()).counts());
    assert_eq!(counts.messages, 3);
    let lane = |l: Lane| counts.lists_by_lane.iter().find(|(x, _)| *x == l).map_or(0, |&(_, n)| n);
    let status = |s: ListStatus| counts.lists_by_status.iter().find(|(x, _)| *x == s).map_or(0, |&(_, n)| n);
    assert_eq!(Lane::ALL.map(lane), [2, 3, 1, 0, 1, 0, 0], "pending green blue yellow red hold rejected: {counts:?}");
    assert_eq!(status(ListStatus::Pending), 2);
    assert_eq!(status(ListStatus::Released), 1);
    assert_eq!(status(ListStatus::Arrived), 1);
    assert_eq!(status(ListStatus::Departed), 1);
    assert_eq!(status(ListStatus::Review), 1);
    assert_eq!(status(ListStatus::Cancelled), 1);
    assert_eq!(status(ListStatus::Expired), 0);
    assert_eq!(counts.lists_by_status.iter().map(|&(_, n)| n).sum::<u64>(), 7);
    // Every lane and status is listed, zeros included, once each: stable series for metrics.
    assert_eq!(counts.lists_by_lane.iter().map(|&(l, _)| l).collect::<Vec<_>>(), Lane::ALL.to_vec());
    assert_eq!(counts.lists_by_status.len(), 8);
}

pub fn the_write_transaction_sees_its_own_writes(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let ids = {
        let seq = ok(tx.insert_message(&message(1, BODY, RECEIPT)));
        ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
        ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: Some(list_key("C-1")) }));
        ok(tx.put_waybill(&WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None }));
        ok(tx.put_payment(&payment(&order_key("O-1"), Some("P-1"))));
        let row = decided_row("C-1");
        ok(tx.put_list(&row, &facts(&row)));
        let feed = ok(tx.append_decision(&decision_of(&row)));
        let token = ok(tx.insert_token("海关官员", Role::Officer, None, &digest(900)));
        (seq, feed, token)
    };
    assert_everything(&mut *tx, ids);
    assert_eq!(ok(tx.lists_for_order(&order_key("O-C-1"))), vec![list_key("C-1")]);
    ok(tx.delete_order(&order_key("O-1")));
    assert_eq!(ok(tx.get_order(&order_key("O-1"))), None);
    ok(tx.commit());
}

pub fn readers_see_nothing_before_commit_and_everything_after(b: &dyn Backend) {
    let store = b.open();
    let mut before = ok(store.read());
    let mut tx = ok(store.write());
    let ids = {
        let seq = ok(tx.insert_message(&message(1, BODY, RECEIPT)));
        ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
        ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: Some(list_key("C-1")) }));
        ok(tx.put_waybill(&WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None }));
        ok(tx.put_payment(&payment(&order_key("O-1"), Some("P-1"))));
        let row = decided_row("C-1");
        ok(tx.put_list(&row, &facts(&row)));
        let feed = ok(tx.append_decision(&decision_of(&row)));
        let token = ok(tx.insert_token("海关官员", Role::Officer, None, &digest(900)));
        (seq, feed, token)
    };
    // Readers run beside the open write transaction and see none of it.
    let mut during = ok(store.read());
    assert_nothing(&mut *during);
    assert_nothing(&mut *before);
    ok(tx.commit());

    // A view is consistent for its lifetime: those opened before the commit still see nothing.
    assert_nothing(&mut *during);
    assert_nothing(&mut *before);
    drop((before, during));
    assert_everything(&mut *ok(store.read()), ids);
    // And the writer's next transaction too.
    assert_everything(&mut *ok(store.write()), ids);
}

pub fn a_dropped_transaction_leaves_no_trace(b: &dyn Backend) {
    let store = b.open();
    // A committed decision first, to see that numbering after a rollback still goes up.
    let mut tx = ok(store.write());
    let committed = ok(tx.append_decision(&decision_of(&decided_row("C-0"))));
    ok(tx.commit());

    let mut tx = ok(store.write());
    ok(tx.insert_message(&message(1, BODY, RECEIPT)));
    ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
    ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: None }));
    ok(tx.put_waybill(&WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None }));
    ok(tx.put_payment(&payment(&order_key("O-1"), None)));
    let c1 = decided_row("C-1");
    ok(tx.put_list(&c1, &facts(&c1)));
    ok(tx.delete_list(&list_key("C-0")));
    ok(tx.append_decision(&decision_of(&decided_row("C-1"))));
    ok(tx.insert_token("海关官员", Role::Officer, None, &digest(900)));
    drop(tx);

    let check = |r: &mut dyn ReadTx| {
        assert_eq!(ok(r.find_message(&digest(1))), None);
        assert!(!ok(r.enterprise_exists("440316T004")));
        assert_eq!(ok(r.get_order(&order_key("O-1"))), None);
        assert_eq!(ok(r.get_waybill(&waybill_key("W-1"))), None);
        assert_eq!(ok(r.get_payment(&order_key("O-1"))), None);
        assert_eq!(ok(r.get_list(&list_key("C-1"))), None);
        assert_eq!(ok(r.decisions_after(0, 10)).len(), 1);
        assert_eq!(ok(r.token_by_hash(&digest(900))), None);
        assert_eq!(ok(r.counts()).messages, 0);
    };
    check(&mut *ok(store.read()));
    let mut tx = ok(store.write());
    check(&mut *tx);
    // What was rolled back can be written again; numbering still only goes up.
    ok(tx.insert_message(&message(1, BODY, RECEIPT)));
    ok(tx.insert_token("海关官员", Role::Officer, None, &digest(900)));
    let next = ok(tx.append_decision(&decision_of(&decided_row("C-1"))));
    assert!(next > committed);
    ok(tx.commit());
    assert_eq!(ok(ok(store.read()).decisions_after(committed, 10)).len(), 1);
}

pub fn writers_take_turns(b: &dyn Backend) {
    let store = b.open();
    let mut first = ok(store.write());
    let first_seq = ok(first.append_decision(&decision_of(&decided_row("C-1"))));
    let (started, waiting) = mpsc::channel();
    let second_seq = std::thread::scope(|s| {
        let second = s.spawn(|| {
            let mut tx = ok(store.write());
            started.send(()).expect("main thread listens");
            let seq = ok(tx.append_decision(&decision_of(&decided_row("C-2"))));
            ok(tx.commit());
            seq
        });
        assert!(
            waiting.recv_timeout(Duration::from_millis(300)).is_err(),
            "a second write transaction began while the first was open"
        );
        ok(first.commit());
        waiting.recv_timeout(Duration::from_secs(20)).expect("the second writer proceeds after the commit");
        second.join().expect("second writer")
    });
    assert!(second_seq > first_seq);
    let feed = ok(ok(store.read()).decisions_after(0, 10));
    assert_eq!(feed.iter().map(|(_, d)| d.key.cop_no.as_str()).collect::<Vec<_>>(), ["C-1", "C-2"]);
}

pub fn many_readers_at_once(b: &dyn Backend) {
    let store = b.open();
    write_one_of_everything(&*store);
    // More than any pool keeps idle: the pool grows, and shrinks back without losing data.
    let mut readers: Vec<_> = (0..10).map(|_| ok(store.read())).collect();
    for r in &mut readers {
        assert!(ok(r.enterprise_exists("440316T004")));
    }
    drop(readers);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    let mut r = ok(store.read());
                    assert_eq!(ok(r.counts()).messages, 1);
                }
            });
        }
    });
}

pub fn non_finite_scores_are_refused(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut row = decided_row("C-1");
        row.score = bad;
        assert!(tx.put_list(&row, &facts(&row)).is_err(), "list score {bad}");
        let mut d = decision_of(&decided_row("C-1"));
        d.score = bad;
        assert!(tx.append_decision(&d).is_err(), "decision score {bad}");
    }
    // Refused before reaching the database: the transaction is still good.
    let c2 = decided_row("C-2");
    ok(tx.put_list(&c2, &facts(&c2)));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_list(&list_key("C-1"))), None);
    assert_eq!(ok(r.decisions_after(0, 10)), vec![]);
    assert_eq!(ok(r.get_list(&list_key("C-2"))), Some(decided_row("C-2")));
}

pub fn data_survives_reopening(b: &dyn Backend) {
    let ids = {
        let store = b.open();
        write_one_of_everything(&*store)
    };
    // Reopened the same way, and through `open` with the location (migrations already applied).
    assert_everything(&mut *ok(b.open().read()), ids);
    let store = ok(greenlane_store::open(&b.location()));
    assert_everything(&mut *ok(store.read()), ids);
    // Numbering continues after a reopen.
    let mut tx = ok(store.write());
    let seq = ok(tx.insert_message(&message(2, BODY, RECEIPT)));
    let feed = ok(tx.append_decision(&decision_of(&decided_row("C-2"))));
    let token = ok(tx.insert_token("viewer", Role::Viewer, None, &digest(901)));
    ok(tx.commit());
    assert!(seq > ids.0 && feed > ids.1 && token > ids.2);
}

pub fn a_large_transaction_commits_whole(b: &dyn Backend) {
    let store = b.open();
    let t0 = at("20261129000000");
    let mut tx = ok(store.write());
    for i in 0..2_000u32 {
        let row = pending_row(&format!("C-{i:05}"), t0.plus_seconds(i64::from(i)));
        ok(tx.put_list(&row, &facts(&row)));
        ok(tx.insert_message(&message(i, BODY, RECEIPT)));
    }
    ok(tx.commit());
    let mut r = ok(store.read());
    let counts = ok(r.counts());
    assert_eq!(counts.messages, 2_000);
    assert_eq!(counts.lists_by_status[0], (ListStatus::Pending, 2_000));
    let first = ok(r.pending_lists_received_before(t0.plus_seconds(10_000), 3));
    assert_eq!(first, vec![list_key("C-00000"), list_key("C-00001"), list_key("C-00002")]);
    assert_eq!(ok(r.lists_by_logistics_no("W-C-01999")), vec![list_key("C-01999")]);
}

/// `lists_after` walks every list once, in (enterprise, copNo) order, whatever the insertion order.
pub fn every_list_pages_in_key_order(b: &dyn Backend) {
    let store = b.open();
    let mut tx = store.write().unwrap();
    let mut expected = Vec::new();
    for (ebc, cop) in [("440316T004", "C3"), ("110105A001", "C9"), ("440316T004", "C1"), ("440316T004", "C10")] {
        let mut row = pending_row(cop, at("20261129103000"));
        row.list.key.ebc_code = ebc.into();
        tx.put_list(&row, &facts(&row)).unwrap();
        expected.push(row.list.key.clone());
    }
    tx.commit().unwrap();
    expected.sort();
    let mut read = store.read().unwrap();
    let mut seen = Vec::new();
    let mut after: Option<ListKey> = None;
    loop {
        let page = read.lists_after(after.as_ref(), 3).unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some(last.list.key.clone());
        seen.extend(page.into_iter().map(|r| r.list.key));
    }
    assert_eq!(seen, expected);
    assert_eq!(seen[0].ebc_code, "110105A001");
    assert_eq!(seen[1].cop_no, "C1");
    assert_eq!(seen[2].cop_no, "C10", "text order: C10 before C3");
}

/// The officers' queue (review lists, oldest first, filtered), claims, the case audit trail, a
/// list's decision history, the exporters' view and the dashboards' daily totals, which follow
/// every put and delete of a list.
pub fn the_workbench_keeps_a_queue_claims_an_audit_trail_and_daily_totals(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    // C-2 arrives first but C-1 was received earlier: oldest first is by receipt time.
    let mut c2 = decided_row("C-2");
    c2.received_at = at("20261129110000");
    c2.lane = Lane::Red;
    c2.list.country = "502".into();
    c2.reasons = vec![Reason::new("screening.denied_party", "名单命中")];
    ok(tx.put_list(&c2, &facts(&c2)));
    let c1 = decided_row("C-1");
    ok(tx.put_list(&c1, &facts(&c1)));
    let mut released = decided_row("C-3");
    released.status = ListStatus::Released;
    released.lane = Lane::Green;
    ok(tx.put_list(&released, &facts(&released)));
    ok(tx.append_decision(&decision_of(&c1)));
    ok(tx.append_decision(&decision_of(&c2)));
    let claim = Claim { list: list_key("C-1"), officer: "王警官".into(), claimed_at: 1_800_000_000 };
    ok(tx.put_claim(&claim));
    let entry = AuditEntry {
        list: list_key("C-1"),
        officer: "王警官".into(),
        action: "claim".into(),
        detail: "".into(),
        at: 1_800_000_000,
    };
    ok(tx.insert_audit(&entry));
    ok(tx.commit());

    let mut r = ok(store.read());
    let queue = ok(r.review_queue(&QueueFilter::default(), 10));
    let keys: Vec<&str> = queue.iter().map(|q| q.list.cop_no.as_str()).collect();
    assert_eq!(keys, ["C-1", "C-2"]);
    assert_eq!(queue[0].claim.as_ref(), Some(&claim));
    assert_eq!(queue[0].hs_chapter.as_deref(), Some("85"));
    assert_eq!(queue[0].dest_country.as_deref(), Some("304"));
    assert_eq!(queue[0].trade_mode.as_deref(), Some("9610"));
    assert_eq!(queue[0].value_fen, Some(3_703_703_673_703_537));
    assert_eq!(queue[1].claim, None);
    let only = |f: QueueFilter, r: &mut dyn ReadTx| -> Vec<String> {
        ok(r.review_queue(&f, 10)).into_iter().map(|q| q.list.cop_no).collect()
    };
    assert_eq!(only(QueueFilter { lane: Some(Lane::Red), ..Default::default() }, &mut *r), ["C-2"]);
    assert_eq!(only(QueueFilter { dest_country: Some("502".into()), ..Default::default() }, &mut *r), ["C-2"]);
    assert_eq!(
        only(QueueFilter { reason: Some("screening.denied_party".into()), ..Default::default() }, &mut *r),
        ["C-2"]
    );
    assert_eq!(only(QueueFilter { reason: Some("screening".into()), ..Default::default() }, &mut *r), [] as [&str; 0]);
    assert_eq!(only(QueueFilter { hs_chapter: Some("85".into()), ..Default::default() }, &mut *r).len(), 2);
    assert_eq!(only(QueueFilter { exporter: Some("nobody".into()), ..Default::default() }, &mut *r).len(), 0);
    assert_eq!(ok(r.review_queue(&QueueFilter::default(), 1)).len(), 1);

    assert_eq!(ok(r.claim_of(&list_key("C-1"))), Some(claim.clone()));
    assert_eq!(ok(r.audit_of(&list_key("C-1"))), vec![entry.clone()]);
    assert_eq!(ok(r.audit_of(&list_key("C-2"))), vec![]);
    let history = ok(r.decisions_of(&list_key("C-2")));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].1, decision_of(&c2));
    assert_eq!(ok(r.lists_in_status(ListStatus::Review)), 2);
    assert_eq!(ok(r.lists_in_status(ListStatus::Pending)), 0);
    let mine: Vec<String> =
        ok(r.lists_of_enterprise("440316T004", 10)).into_iter().map(|l| l.list.key.cop_no).collect();
    assert_eq!(mine, ["C-2", "C-3", "C-1"], "newest first, then the later stored");
    assert!(ok(r.lists_of_enterprise("nobody", 10)).is_empty());
    assert_eq!(ok(r.latest_decision_time()), Some(at("20261129103301")));
    let per_minute = ok(r.decided_per_minute(at("20261129103000")));
    assert_eq!(per_minute, vec![(at("20261129103301").0 / 60, 3)]);
    assert_eq!(ok(r.release_times(at("20261129100000"), 10)), vec![1]);

    let day = china_day(at("20261129103300").0);
    let totals = ok(r.daily_totals(day - 1, day + 1));
    let cell =
        |dim: &str, key: &str| totals.iter().find(|t| t.dim == dim && t.key == key).map(|t| (t.lists, t.value_fen));
    let v = 3_703_703_673_703_537;
    assert_eq!(cell("all", ""), Some((3, 3 * v)));
    assert_eq!(cell("lane", "yellow"), Some((1, v)));
    assert_eq!(cell("lane", "red"), Some((1, v)));
    assert_eq!(cell("dest", "502"), Some((1, v)));
    assert_eq!(cell("dest", "304"), Some((2, 2 * v)));
    assert_eq!(cell("mode", "9610"), Some((3, 3 * v)));
    assert_eq!(cell("hs", "85"), Some((3, 3 * v)));
    drop(r);

    // A decision moves only the lane; a delete takes the list out; the claim goes.
    let mut tx = ok(store.write());
    let mut c1 = c1;
    c1.status = ListStatus::Released;
    c1.lane = Lane::Green;
    ok(tx.put_list(&c1, &facts(&c1)));
    ok(tx.delete_list(&list_key("C-2")));
    ok(tx.delete_claim(&list_key("C-1")));
    ok(tx.commit());
    let mut r = ok(store.read());
    let totals = ok(r.daily_totals(day, day));
    let cell =
        |dim: &str, key: &str| totals.iter().find(|t| t.dim == dim && t.key == key).map(|t| (t.lists, t.value_fen));
    assert_eq!(cell("all", ""), Some((2, 2 * v)));
    assert_eq!(cell("lane", "yellow"), None, "cells that fall to zero are not reported");
    assert_eq!(cell("lane", "green"), Some((2, 2 * v)));
    assert_eq!(cell("dest", "502"), None);
    assert!(ok(r.review_queue(&QueueFilter::default(), 10)).is_empty());
    assert_eq!(ok(r.claim_of(&list_key("C-1"))), None);
}

// ----- cargo (issue #15) -----

fn cargo_parcel(cop_no: &str, state: CargoState, destination: Option<&str>, flight: Option<&FlightKey>) -> CargoParcel {
    CargoParcel {
        list: list_key(cop_no),
        invt_no: Some(format!("53452026E{cop_no}")),
        logistics_code: "4403660LOG".into(),
        logistics_no: format!("SF{cop_no}"),
        arrived_at: at("20261111100000"),
        destination: destination.map(str::to_owned),
        weight_g: 1250,
        volume_cm3: 11_468,
        handling: 1,
        state,
        flight: flight.cloned(),
        hawb: flight.map(|_| "GLH00000001".into()),
        mawb: flight.map(|_| "071-10000003".into()),
        reasons: vec![Reason::new("missed_cutoff", "re-planned onto the next flight")],
    }
}

pub fn cargo_parcels_flights_mawbs_stock_and_clock_round_trip(b: &dyn Backend) {
    let store = b.open();
    let flight = FlightKey { flight_no: "ET3634".into(), departure: at("20261112013000") };
    let other = FlightKey { flight_no: "ET3634".into(), departure: at("20261114013000") };
    let waiting = cargo_parcel("C-1", CargoState::Waiting, Some("LGG"), None);
    let waiting_elsewhere = cargo_parcel("C-2", CargoState::Waiting, Some("ORD"), None);
    let mut loaded = cargo_parcel("C-3", CargoState::Loaded, Some("LGG"), Some(&flight));
    let unflown = cargo_parcel("C-4", CargoState::Unflown, None, None);
    let cargo_flight = CargoFlight {
        key: flight.clone(),
        route: "SZX-LGG-ET".into(),
        origin: "SZX".into(),
        destination: "LGG".into(),
        status: FlightStatus::Closed,
        capacity_g: 102_800_000,
        capacity_cm3: 436_320_000,
        uld_type: "PMC".into(),
        uld_net_g: 6_804_000,
        uld_volume_cm3: 16_160_000,
        positions: 27,
        parcels: 1,
        gross_g: 1250,
        volume_cm3: 11_468,
        chargeable_g: 2000,
        ulds: vec![UldBuild { id: "PMC00001ET".into(), gross_g: 1250, volume_cm3: 11_468 }],
        mawbs: vec!["071-10000003".into()],
        ffm: "FFM/8\n1/ET3634/12NOV0130/SZX\nLAST\n".into(),
    };
    let mawb = CargoMawb {
        mawb: "071-10000003".into(),
        flight: flight.clone(),
        origin: "SZX".into(),
        destination: "LGG".into(),
        pieces: 1,
        gross_g: 1250,
        chargeable_g: 2000,
        fwb: "FWB/17\n071-10000003SZXLGG/T1K1.3\n".into(),
        fhl: "FHL/5\n".into(),
    };
    {
        let mut tx = ok(store.write());
        assert_eq!(ok(tx.cargo_clock()), None);
        assert_eq!(ok(tx.cargo_stock_next(71)), None);
        for p in [&waiting, &waiting_elsewhere, &loaded, &unflown] {
            ok(tx.put_cargo_parcel(p));
        }
        ok(tx.put_cargo_flight(&cargo_flight));
        ok(tx.put_cargo_mawb(&CargoMawb { pieces: 9, ..mawb.clone() }));
        // A rebuilt load keeps its number and replaces its documents.
        ok(tx.put_cargo_mawb(&mawb));
        ok(tx.set_cargo_stock_next(71, 1_000_001));
        ok(tx.set_cargo_clock(at("20261111200000")));
        // The transaction sees its own writes.
        assert_eq!(ok(tx.cargo_parcel(&list_key("C-3"))), Some(loaded.clone()));
        ok(tx.commit());
    }
    let mut r = ok(store.read());
    assert_eq!(ok(r.cargo_parcel(&list_key("C-1"))), Some(waiting.clone()));
    assert_eq!(ok(r.cargo_parcel(&list_key("C-9"))), None);
    assert_eq!(ok(r.cargo_parcels_in(CargoState::Waiting, Some("LGG"))), vec![waiting.clone()]);
    assert_eq!(ok(r.cargo_parcels_in(CargoState::Waiting, None)), vec![waiting.clone(), waiting_elsewhere.clone()]);
    assert_eq!(ok(r.cargo_parcels_in(CargoState::Unflown, None)), vec![unflown.clone()]);
    assert_eq!(ok(r.cargo_parcels_on(&flight)), vec![loaded.clone()]);
    assert_eq!(ok(r.cargo_parcels_on(&other)), vec![]);
    assert_eq!(ok(r.cargo_parcels_of_mawb("071-10000003")), vec![loaded.clone()]);
    let page = ok(r.cargo_parcels_after(None, 2));
    assert_eq!(page.iter().map(|p| p.list.cop_no.as_str()).collect::<Vec<_>>(), ["C-1", "C-2"]);
    let page = ok(r.cargo_parcels_after(Some(&list_key("C-2")), 10));
    assert_eq!(page.iter().map(|p| p.list.cop_no.as_str()).collect::<Vec<_>>(), ["C-3", "C-4"]);
    assert_eq!(ok(r.cargo_flight(&flight)), Some(cargo_flight.clone()));
    assert_eq!(ok(r.cargo_flight(&other)), None);
    assert_eq!(ok(r.cargo_flights_between(at("20261112000000"), at("20261113000000"))), vec![cargo_flight.clone()]);
    assert_eq!(ok(r.cargo_flights_between(at("20261112013001"), at("20261113000000"))), vec![]);
    assert_eq!(ok(r.cargo_mawb("071-10000003")), Some(mawb.clone()));
    assert_eq!(ok(r.cargo_mawb("071-10000014")), None);
    assert_eq!(ok(r.cargo_stock_next(71)), Some(1_000_001));
    assert_eq!(ok(r.cargo_clock()), Some(at("20261111200000")));
    drop(r);

    // Upserts move a parcel between states and flights; the flight moves to departed.
    loaded.state = CargoState::Departed;
    let departed_flight = CargoFlight { status: FlightStatus::Departed, ..cargo_flight.clone() };
    {
        let mut tx = ok(store.write());
        ok(tx.put_cargo_parcel(&loaded));
        ok(tx.put_cargo_parcel(&CargoParcel {
            state: CargoState::Loaded,
            flight: Some(other.clone()),
            ..waiting.clone()
        }));
        ok(tx.put_cargo_flight(&departed_flight));
        ok(tx.set_cargo_stock_next(71, 1_000_002));
        ok(tx.set_cargo_clock(at("20261112020000")));
        ok(tx.commit());
    }
    let mut r = ok(store.read());
    assert_eq!(ok(r.cargo_parcels_in(CargoState::Departed, None)), vec![loaded.clone()]);
    assert_eq!(ok(r.cargo_parcels_in(CargoState::Waiting, Some("LGG"))), vec![]);
    assert_eq!(ok(r.cargo_parcels_on(&other)).len(), 1);
    assert_eq!(ok(r.cargo_flight(&flight)).map(|f| f.status), Some(FlightStatus::Departed));
    assert_eq!(ok(r.cargo_stock_next(71)), Some(1_000_002));
    assert_eq!(ok(r.cargo_clock()), Some(at("20261112020000")));
    drop(r);

    // All of it is derived from messages: a rebuild forgets it.
    let mut tx = ok(store.write());
    ok(tx.forget_derived());
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.cargo_parcels_after(None, 10)), vec![]);
    assert_eq!(ok(r.cargo_flight(&flight)), None);
    assert_eq!(ok(r.cargo_mawb("071-10000003")), None);
    assert_eq!(ok(r.cargo_stock_next(71)), None);
    assert_eq!(ok(r.cargo_clock()), None);
}

// ===== summaries ==================================================================================

/// A departure of list `cop_no` numbered `invt_no` in November 2026.
fn departure_of(invt_no: &str, cop_no: &str, app_time: &str) -> DepartureRow {
    DepartureRow {
        invt_no: invt_no.into(),
        list: list_key(cop_no),
        month: 202611,
        departed_at: at(app_time),
        sum_no: None,
    }
}

pub fn summaries_keep_departures_and_hold_each_list_once(b: &dyn Backend) {
    use greenlane_core::summary::{self, DepartedList, SummaryFlags};
    let store = b.open();
    // A list numbered while pending is found by its number; deleted, it is not.
    let mut numbered = pending_row("C-1", at("20261129103300"));
    numbered.list.invt_no = Some("53162026E000000001".into());
    let mut gone = pending_row("C-9", at("20261129103300"));
    gone.list.invt_no = Some("53162026E000000009".into());
    let mut tx = ok(store.write());
    ok(tx.put_list(&numbered, &facts(&numbered)));
    ok(tx.put_list(&gone, &facts(&gone)));
    ok(tx.delete_list(&list_key("C-9")));
    let first = departure_of("53162026E000000001", "C-1", "20261130090000");
    ok(tx.put_departure(&first));
    // A re-sent departure keeps the first time.
    ok(tx.put_departure(&departure_of("53162026E000000001", "C-1", "20261201090000")));
    ok(tx.put_departure(&departure_of("53162026E000000002", "C-2", "20261130100000")));
    let mut december = departure_of("53162026E000000003", "C-3", "20261201080000");
    december.month = 202612;
    ok(tx.put_departure(&december));
    ok(tx.commit());

    let mut r = ok(store.read());
    assert_eq!(ok(r.list_by_invt_no("53162026E000000001")), Some(list_key("C-1")));
    assert_eq!(ok(r.list_by_invt_no("53162026E000000009")), None);
    assert_eq!(ok(r.departure("53162026E000000001")), Some(first.clone()));
    assert_eq!(ok(r.departures(Some("440316T004"), 202611)).len(), 2);
    assert_eq!(ok(r.departures(None, 202612)), vec![december]);
    assert_eq!(ok(r.departures(Some("OTHER"), 202611)), vec![]);
    assert_eq!(ok(r.latest_departure()), Some(at("20261201080000")));
    drop(r);

    let lists: Vec<DepartedList> = ["53162026E000000001", "53162026E000000002"]
        .iter()
        .map(|n| DepartedList { invt_no: (*n).into(), list: numbered.list.clone(), departed_at: at("20261130090000") })
        .collect();
    let declarations = summary::compute(SummaryFlags::DEFAULT, &lists);
    let row = SummaryRow {
        sum_no: "S20261205000000101".into(),
        ebc_code: "440316T004".into(),
        cop_no: "SUM-1".into(),
        month: 202611,
        summary_flag: "1".into(),
        item_name_flag: "2".into(),
        applied_at: at("20261205100000"),
        declarations,
        result: "<ceb:CEB792Message/>".into(),
    };
    let mut tx = ok(store.write());
    ok(tx.insert_summary(&row));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.summaries(Some("440316T004"), 202611)), vec![row.clone()]);
    assert_eq!(ok(r.summaries(None, 202612)), vec![]);
    assert!(ok(r.summary_exists("440316T004", "SUM-1")));
    assert!(!ok(r.summary_exists("440316T004", "SUM-2")));
    assert_eq!(ok(r.departure("53162026E000000002")).unwrap().sum_no.as_deref(), Some("S20261205000000101"));
    drop(r);

    // The database itself refuses a list in a second summary.
    let mut again = row.clone();
    again.sum_no = "S20261205000000102".into();
    again.cop_no = "SUM-2".into();
    let mut tx = ok(store.write());
    assert!(matches!(tx.insert_summary(&again), Err(StoreError::Backend(_))));
    drop(tx);
    assert_eq!(ok(ok(store.read()).summaries(None, 202611)).len(), 1);

    // Derived from messages: a rebuild forgets them.
    let mut tx = ok(store.write());
    ok(tx.forget_derived());
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.summaries(None, 202611)), vec![]);
    assert_eq!(ok(r.departures(None, 202611)), vec![]);
    assert_eq!(ok(r.list_by_invt_no("53162026E000000001")), None);
}

// ---------------------------------------------------------------------------------------------
// Writes a backend may hold back and send together (PostgreSQL pipelines those whose answer
// nobody waits for, until the next read or the commit): the order they were made in and their
// failures must be exactly as if each had run at once.

/// A read right after any number of writes sees every one of them, the last write of a row
/// winning, whether or not a read came between them.
pub fn a_read_right_after_writes_sees_all_of_them_in_order(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    let key = order_key("O-1");
    ok(tx.put_order(&OrderRow { order: order(&key, true), list: None }));
    ok(tx.put_order(&OrderRow { order: order(&key, false), list: Some(list_key("C-1")) }));
    ok(tx.put_payment(&payment(&key, Some("P-1"))));
    ok(tx.delete_payment(&key));
    ok(tx.register_enterprise("440316T004", "深圳市前海出口贸易有限公司", at("20261129103000")));
    // Reads straight after: the second order, no payment, the enterprise.
    assert_eq!(ok(tx.get_order(&key)), Some(OrderRow { order: order(&key, false), list: Some(list_key("C-1")) }));
    assert_eq!(ok(tx.get_payment(&key)), None);
    assert!(ok(tx.enterprise_exists("440316T004")));
    // Thousands of writes with no read between them, then one read and the commit.
    for i in 0..3_000u32 {
        let k = order_key(&format!("O-{i:05}"));
        ok(tx.put_order(&OrderRow { order: order(&k, i % 2 == 0), list: None }));
        if i % 3 == 0 {
            ok(tx.delete_order(&k));
        }
    }
    ok(tx.set_log_applied(41));
    ok(tx.set_log_applied(42));
    assert_eq!(ok(tx.log_applied()), 42);
    let last = order_key("O-02999");
    assert_eq!(ok(tx.get_order(&last)), Some(OrderRow { order: order(&last, false), list: None }));
    assert_eq!(ok(tx.get_order(&order_key("O-02997"))), None);
    ok(tx.put_order(&OrderRow { order: order(&last, true), list: None }));
    ok(tx.commit());
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_order(&last)), Some(OrderRow { order: order(&last, true), list: None }));
    assert_eq!(ok(r.get_order(&order_key("O-00003"))), None);
    assert_eq!(
        ok(r.get_order(&order_key("O-00004"))),
        Some(OrderRow { order: order(&order_key("O-00004"), true), list: None })
    );
    assert_eq!(ok(r.log_applied()), 42);
}

/// Two sessions with one id: the second insert breaks the table's key.
fn a_duplicate_session(tx: &mut dyn greenlane_store::WriteTx) -> greenlane_store::Result<()> {
    let session = greenlane_store::SessionRow {
        name: "审单员 王".into(),
        role: Role::Officer,
        ebc_code: None,
        expires_at: 1_796_000_000,
    };
    tx.insert_session(&digest(7), &session)?;
    tx.insert_session(&digest(7), &session)
}

/// A write that fails, whenever the backend reports it (at once, or at the commit), fails the
/// commit: nothing of the transaction is kept, the first error the caller sees names the write,
/// and the next transaction works.
pub fn a_failed_write_fails_the_commit_and_nothing_is_kept(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: None }));
    let mut first_error = a_duplicate_session(&mut *tx).err();
    // Writes after it are refused, or held back and refused at the commit.
    let later = tx.put_waybill(&WaybillRow { waybill: waybill(&waybill_key("W-1"), None), list: None });
    if first_error.is_none() {
        first_error = later.err();
    }
    let commit = tx.commit();
    assert!(commit.is_err(), "a transaction with a failed write committed");
    let first_error = first_error.or(commit.err()).map(|e| e.to_string()).unwrap_or_default();
    assert!(first_error.contains("insert_session"), "{first_error}");
    let mut r = ok(store.read());
    assert_eq!(ok(r.get_order(&order_key("O-1"))), None);
    assert_eq!(ok(r.get_waybill(&waybill_key("W-1"))), None);
    assert_eq!(ok(r.session(&digest(7))), None);
    drop(r);
    let mut tx = ok(store.write());
    ok(tx.put_order(&OrderRow { order: order(&order_key("O-2"), true), list: None }));
    ok(tx.commit());
    assert!(ok(ok(store.read()).get_order(&order_key("O-2"))).is_some());
}

/// A failed write makes the next read of its transaction fail (naming the write if that is the
/// first the caller hears of it), and the transaction can then only be dropped.
pub fn a_failed_write_fails_the_next_read(b: &dyn Backend) {
    let store = b.open();
    let mut tx = ok(store.write());
    ok(tx.put_order(&OrderRow { order: order(&order_key("O-1"), true), list: None }));
    let write = a_duplicate_session(&mut *tx);
    let read = tx.get_order(&order_key("O-1"));
    let Err(read_error) = read else { panic!("a read after a failed write answered {read:?}") };
    let first_error = write.err().unwrap_or(read_error).to_string();
    assert!(first_error.contains("insert_session"), "{first_error}");
    assert!(tx.commit().is_err());
    assert_eq!(ok(ok(store.read()).get_order(&order_key("O-1"))), None);
}
