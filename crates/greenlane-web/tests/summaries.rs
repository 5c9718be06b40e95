//! The monthly summary declarations as the API (`GET /api/v1/summaries`) and the summaries page
//! give them, on a real SQLite store: lines with the invtNos behind them, drafts of what is still
//! to declare, the deadline and the lists at risk; an enterprise sees only its own exporter; bad
//! months are refused with a stable code.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use greenlane_core::risk::DocumentRules;
use greenlane_core::summary::{self, DepartedList, SummaryFlags};
use greenlane_core::{ChargeMark, Lane, List, ListItem, ListKey, ListStatus, MessageTime, OrderKey, WaybillKey};
use greenlane_pipeline::{Config, Pipeline, Writer};
use greenlane_server::{AppState, auth};
use greenlane_store::{DepartureRow, ListRow, Role, SqliteStore, Store, SummaryRow};
use greenlane_web::{WebState, routes};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use tower::ServiceExt;

const ADMIN: &str = "admin-secret";

fn at(s: &str) -> MessageTime {
    MessageTime::parse_app_time(s).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A departed list of `ebc` with one line of `gcode`, numbered `n`.
fn departed(ebc: &str, n: u32, gcode: &str, value: &str, weight: &str) -> ListRow {
    let cop = format!("C{n}");
    ListRow {
        list: List {
            key: ListKey { ebc_code: ebc.into(), cop_no: cop.clone() },
            order: OrderKey { ebp_code: "P1".into(), order_no: format!("O-{cop}") },
            waybill: WaybillKey { logistics_code: "L1".into(), logistics_no: format!("W-{cop}") },
            invt_no: Some(format!("53162026E{n:09}")),
            customs_code: "5316".into(),
            port_code: "5316".into(),
            ie_date: "20261110".into(),
            statistics_flag: "B".into(),
            agent_code: "A1".into(),
            agent_name: "agent".into(),
            ebc_name: "shop".into(),
            owner_code: ebc.into(),
            owner_name: "shop".into(),
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
            gross_weight: d(weight),
            net_weight: d(weight),
            items: vec![ListItem {
                gnum: 1,
                item_no: "SKU".into(),
                gcode: gcode.into(),
                gname: "蓝牙耳机".into(),
                gmodel: "无".into(),
                country: "502".into(),
                currency: "142".into(),
                qty: Decimal::ONE,
                qty1: Decimal::ONE,
                unit: "011".into(),
                unit1: "011".into(),
                price: d(value),
                total_price: d(value),
            }],
            app_time: at("20261110100000"),
        },
        status: ListStatus::Departed,
        lane: Lane::Green,
        return_status: 899,
        score: 0.0,
        reasons: Vec::new(),
        received_at: at("20261110100000"),
        decided_at: Some(at("20261110100000")),
        criteria_version: None,
    }
}

struct Hub {
    _dir: tempfile::TempDir,
    router: Router,
    exporter: String,
}

/// SHOP1: lists 1 and 2 in a summary, list 3 departed on the 30th and still open; SHOP2: list 4.
/// Message time "now" is 12 December, within five days of the 15 December deadline.
fn hub() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let rows = [
        departed("SHOP1", 1, "8518300000", "59.9", "0.2"),
        departed("SHOP1", 2, "8518300000", "40.1", "0.3"),
        departed("SHOP1", 3, "6109100021", "35", "0.25"),
        departed("SHOP2", 4, "3926909090", "15", "0.05"),
    ];
    let mut tx = store.write().unwrap();
    for (i, row) in rows.iter().enumerate() {
        tx.put_list(row, &greenlane_pipeline::list_facts(row)).unwrap();
        let departed_at = if i == 2 { at("20261130230000") } else { at("20261111220000") };
        tx.put_departure(&DepartureRow {
            invt_no: row.list.invt_no.clone().unwrap(),
            list: row.list.key.clone(),
            month: 202611,
            departed_at,
            sum_no: None,
        })
        .unwrap();
    }
    let mut late = departed("SHOP2", 5, "3926909090", "15", "0.05");
    late.decided_at = Some(at("20261212100000"));
    tx.put_list(&late, &greenlane_pipeline::list_facts(&late)).unwrap();
    tx.append_decision(&late.decision()).unwrap();
    let lists: Vec<DepartedList> = rows[..2]
        .iter()
        .map(|r| DepartedList {
            invt_no: r.list.invt_no.clone().unwrap(),
            list: r.list.clone(),
            departed_at: at("20261111220000"),
        })
        .collect();
    tx.insert_summary(&SummaryRow {
        sum_no: "S20261201000000100".into(),
        ebc_code: "SHOP1".into(),
        cop_no: "SUM-1".into(),
        month: 202611,
        summary_flag: "1".into(),
        item_name_flag: "1".into(),
        applied_at: at("20261201100000"),
        declarations: summary::compute(SummaryFlags::DEFAULT, &lists),
        result: "<ceb:CEB792Message/>".into(),
    })
    .unwrap();
    tx.commit().unwrap();
    let exporter = auth::create_token(&*store, "shop one", Role::Enterprise, Some("SHOP1")).unwrap();
    let pipeline = Pipeline::new(store.clone(), Box::new(DocumentRules), Config::default()).unwrap();
    let app = AppState {
        writer: Writer::spawn(pipeline, 16, 16, None),
        store: store.clone(),
        admin_hash: Some(auth::hash(ADMIN)),
        metrics: greenlane_server::install_metrics(),
        lists: None,
        criteria: None,
        routes: None,
    };
    let router = greenlane_server::router(app.clone()).merge(routes(WebState { app }));
    Hub { _dir: dir, router, exporter }
}

async fn api(router: &Router, path: &str, token: &str) -> (StatusCode, serde_json::Value) {
    let request =
        Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_gives_summaries_with_their_lines_and_lists() {
    let hub = hub();
    let (status, all) = api(&hub.router, "/api/v1/summaries?month=2026-11", ADMIN).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["deadline"], "2026-12-15T23:59:59+08:00");
    assert_eq!(all["now"], "2026-12-12T10:00:00+08:00");
    let exporters = all["exporters"].as_array().unwrap();
    assert_eq!(exporters.len(), 2, "staff see every exporter");
    let shop1 = &exporters[0];
    assert_eq!(shop1["ebcCode"], "SHOP1");
    let line = &shop1["summaries"][0]["declarations"][0]["lines"][0];
    assert_eq!(line["hsCode"], "8518300000");
    assert_eq!(line["value"], "100.0");
    assert_eq!(line["grossWeight"], "0.50000", "weights at the 5 decimals CEB amounts carry");
    assert_eq!(line["invtNos"], serde_json::json!(["53162026E000000001", "53162026E000000002"]));
    assert_eq!(shop1["draft"][0]["invtNos"], serde_json::json!(["53162026E000000003"]));
    assert_eq!(shop1["open"][0]["deadlineState"], "at_risk");

    // An enterprise token sees its own exporter, named or not, and no other.
    let (status, own) = api(&hub.router, "/api/v1/summaries?month=2026-11", &hub.exporter).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["exporters"].as_array().unwrap().len(), 1);
    assert_eq!(own["exporters"][0]["ebcCode"], "SHOP1");
    let (status, body) = api(&hub.router, "/api/v1/summaries?month=2026-11&ebcCode=SHOP2", &hub.exporter).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));

    for (path, code) in [
        ("/api/v1/summaries", "missing_month"),
        ("/api/v1/summaries?month=2026-13", "bad_month"),
        ("/api/v1/summaries?month=202611", "bad_month"),
        ("/api/v1/summaries?month=2026-11&x=1", "bad_query"),
    ] {
        let (status, body) = api(&hub.router, path, ADMIN).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)), "{path}");
    }
    let (status, _) = api(&hub.router, "/api/v1/summaries?month=2026-11", "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, empty) = api(&hub.router, "/api/v1/summaries?month=2026-10", ADMIN).await;
    assert_eq!(empty["exporters"], serde_json::json!([]));
}

async fn sign_in(router: &Router, token: &str) -> String {
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}")))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(router: &Router, path: &str, cookie: &str) -> (StatusCode, String) {
    let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_summaries_page_shows_the_month_the_deadline_and_the_lists_at_risk() {
    let hub = hub();
    let admin = sign_in(&hub.router, ADMIN).await;
    let (status, html) = page(&hub.router, "/summaries?month=2026-11", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"nav-summaries\""), "linked from the nav");
    assert!(html.contains("2026-12-15 23:59:59"), "{html}");
    assert!(html.contains("S20261201000000100") && html.contains("53162026E000000001 53162026E000000002"));
    assert!(html.contains("open-list at-risk") && html.contains("53162026E000000003"));
    assert!(html.contains("data-ebc=\"SHOP2\""));
    // The line's codes are named from the customs tables: country 502, currency 142, unit 011.
    assert!(html.contains("<td>502 United States</td><td>142 CNY</td><td>011 piece (article)</td>"), "{html}");
    // Without a month, the month of the latest departure.
    let (_, latest) = page(&hub.router, "/summaries", &admin).await;
    assert!(latest.contains("id=\"summary-month\">2026-11<"));
    let (status, _) = page(&hub.router, "/summaries?month=11-2026", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let shop = sign_in(&hub.router, &hub.exporter).await;
    let (status, own) = page(&hub.router, "/summaries?month=2026-11&ebc=SHOP2", &shop).await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("data-ebc=\"SHOP1\"") && !own.contains("data-ebc=\"SHOP2\""), "{own}");
}
