//! Server time of the UI's pages with 1,000,000 declaration lists stored (SQLite): the queue
//! (plain and filtered), a case, the dashboards and the exporters' view, each against a
//! baseline measured in the same run, a raw `SELECT count(*) FROM lists`.
//!
//! `cargo bench -p greenlane-web --bench pages`. The lists are put through the store API (the
//! same `put_list` the pipeline calls, so the dashboards' daily totals are kept as in
//! production), spread over two years so that year-on-year growth has something to compare.
//! `GREENLANE_BENCH_LISTS` changes the count; `GREENLANE_BENCH_DIR` keeps the store between
//! runs (it is filled only when empty).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use greenlane_core::risk::DocumentRules;
use greenlane_core::{Lane, List, ListItem, ListKey, ListStatus, MessageTime, Order, OrderKey, Reason};
use greenlane_core::{Waybill, WaybillKey};
use greenlane_pipeline::{Config, Pipeline, Writer};
use greenlane_server::{AppState, auth};
use greenlane_store::{ListRow, OrderRow, SqliteStore, Store, WaybillRow};
use greenlane_web::{WebState, routes};
use rust_decimal::Decimal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ADMIN: &str = "bench-admin-token";
const DESTS: &[&str] = &["502", "303", "304", "305", "307", "132", "116", "601", "344", "136", "143", "133", "501"];
const EBPS: &[&str] = &["AMAZON0001", "ALIEXPR002", "SHEIN00003", "TEMU000004", "TIKTOK0005", "SHOPEE0006"];
const MODES: &[&str] = &["9610", "9610", "9610", "9610", "9710", "9810", "1210"];
const CHAPTERS: &[&str] = &["85", "84", "61", "62", "64", "95", "39", "42", "94", "90", "71", "33", "63", "96"];

/// A small deterministic generator (xorshift): the same store every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn row(i: u64, rng: &mut Rng, received: MessageTime) -> ListRow {
    let ebc = format!("4403{:06}", rng.next() % 5000);
    let (status, lane) = match rng.next() % 1000 {
        0..=899 => (ListStatus::Released, Lane::Green),
        900..=939 => (ListStatus::Released, Lane::Blue),
        940..=969 => (ListStatus::Review, Lane::Yellow),
        970..=984 => (ListStatus::Review, Lane::Red),
        985..=989 => (ListStatus::Review, Lane::Hold),
        990..=994 => (ListStatus::Rejected, Lane::Rejected),
        _ => (ListStatus::Pending, Lane::Pending),
    };
    let dest = rng.pick(DESTS);
    let items = (0..1 + rng.next() % 3)
        .map(|n| ListItem {
            gnum: n as i32 + 1,
            item_no: format!("SKU{n}"),
            gcode: format!("{}{:08}", rng.pick(CHAPTERS), rng.next() % 100_000_000),
            gname: "商品".into(),
            gmodel: "0|0".into(),
            country: dest.into(),
            currency: "142".into(),
            qty: Decimal::from(1 + rng.next() % 5),
            qty1: Decimal::ONE,
            unit: "011".into(),
            unit1: "035".into(),
            price: Decimal::new((rng.next() % 50_000) as i64 + 100, 2),
            total_price: Decimal::new((rng.next() % 200_000) as i64 + 100, 2),
        })
        .collect();
    let cop_no = format!("C{i:09}");
    let list = List {
        key: ListKey { ebc_code: ebc.clone(), cop_no: cop_no.clone() },
        order: OrderKey { ebp_code: rng.pick(EBPS).into(), order_no: format!("O{i:09}") },
        waybill: WaybillKey { logistics_code: "4403980SF1".into(), logistics_no: format!("SF{i:012}") },
        invt_no: Some(format!("53162026E{i:09}")),
        customs_code: "5316".into(),
        port_code: "5316".into(),
        ie_date: "20261129".into(),
        statistics_flag: "A".into(),
        agent_code: "4403180AG1".into(),
        agent_name: "报关行".into(),
        ebc_name: "深圳出口企业".into(),
        owner_code: ebc,
        owner_name: "深圳出口企业".into(),
        trade_mode: rng.pick(MODES).into(),
        traf_mode: "5".into(),
        license_no: None,
        country: dest.into(),
        freight: Decimal::new(2000, 2),
        insured_fee: Decimal::ZERO,
        freight_mark: greenlane_core::ChargeMark::Total,
        freight_currency: String::new(),
        insurance_mark: greenlane_core::ChargeMark::Total,
        insurance_currency: String::new(),
        pack_no: 1,
        gross_weight: Decimal::new(500, 3),
        net_weight: Decimal::new(400, 3),
        items,
        app_time: received,
    };
    let reasons = match lane {
        Lane::Hold => vec![Reason::new("screening.denied_party", "buyer resembles a listed entry")],
        Lane::Yellow | Lane::Red => vec![Reason::new("value.undervalued", "declared value below the market range")],
        _ => Vec::new(),
    };
    let decided_at = (lane != Lane::Pending).then_some(MessageTime(received.0 + (rng.next() % 600) as i64));
    ListRow {
        list,
        status,
        lane,
        return_status: status.return_status(lane),
        score: 0.1,
        reasons,
        received_at: received,
        decided_at,
        criteria_version: None,
    }
}

fn fill(store: &dyn Store, lists: u64) {
    let started = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Two years to the day before 2026-11-29.
    let end = MessageTime::parse_app_time("20261129000000").unwrap().0;
    let start = end - 2 * 365 * 86_400;
    let mut i = 0;
    while i < lists {
        let mut tx = store.write().unwrap();
        for _ in 0..10_000.min(lists - i) {
            let received = MessageTime(start + ((end - start) as u128 * i as u128 / lists as u128) as i64);
            let r = row(i, &mut rng, received);
            tx.put_list(&r, &greenlane_pipeline::list_facts(&r)).unwrap();
            if r.lane != Lane::Pending {
                tx.append_decision(&r.decision()).unwrap();
            }
            if r.status == ListStatus::Review {
                tx.put_order(&OrderRow { order: order_of(&r), list: Some(r.list.key.clone()) }).unwrap();
                tx.put_waybill(&WaybillRow { waybill: waybill_of(&r), list: Some(r.list.key.clone()) }).unwrap();
            }
            i += 1;
        }
        tx.commit().unwrap();
        if i % 100_000 == 0 {
            eprintln!("  {i} lists stored ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
}

fn order_of(r: &ListRow) -> Order {
    Order {
        key: r.list.order.clone(),
        order_type: "E".into(),
        ebp_name: "平台".into(),
        ebc_code: r.list.key.ebc_code.clone(),
        ebc_name: "深圳出口企业".into(),
        goods_value: r.list.goods_value(),
        freight: Decimal::ZERO,
        currency: "142".into(),
        items: Vec::new(),
        buyer: None,
        app_time: r.received_at,
    }
}

fn waybill_of(r: &ListRow) -> Waybill {
    Waybill {
        key: r.list.waybill.clone(),
        logistics_name: "顺丰".into(),
        freight: r.list.freight,
        insured_fee: Decimal::ZERO,
        currency: "142".into(),
        gross_weight: r.list.gross_weight,
        pack_no: 1,
        goods_info: "商品".into(),
        ebc_code: Some(r.list.key.ebc_code.clone()),
        app_time: r.received_at,
    }
}

/// Median and 90th percentile of `runs` timings of `f`, in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[(ms.len() * 9 / 10).min(ms.len() - 1)])
}

fn main() {
    let lists: u64 = std::env::var("GREENLANE_BENCH_LISTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("GREENLANE_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(temp.path().to_owned());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir).unwrap());
    let stored = store.read().unwrap().lists_after(None, 1).unwrap().len();
    if stored == 0 {
        eprintln!("storing {lists} lists in {}", dir.display());
        fill(&*store, lists);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let pipeline = Pipeline::new(store.clone(), Box::new(DocumentRules), Config::default()).unwrap();
    let app = runtime.block_on(async {
        AppState {
            writer: Writer::spawn(pipeline, 16, 16, None),
            store: store.clone(),
            admin_hash: Some(auth::hash(ADMIN)),
            metrics: greenlane_server::install_metrics(),
            lists: None,
            criteria: None,
            routes: None,
        }
    });
    let router = routes(WebState { app });
    let rt = &runtime;
    // Pages are read by a signed-in browser: a session, as the sign-in form opens one.
    let session = {
        let request = Request::post("/signin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={ADMIN}")))
            .unwrap();
        let response = rt.block_on(router.clone().oneshot(request)).unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    };
    let get = |path: String| {
        let router = router.clone();
        let session = session.clone();
        move || {
            let request = Request::get(&path).header("cookie", &session).body(Body::empty()).unwrap();
            let response = rt.block_on(router.clone().oneshot(request)).unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let body = rt.block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
            assert!(body.len() > 500, "{path} rendered a page");
            body
        }
    };

    // A case from the middle of the queue, and the busiest exporter's view.
    let (case, exporter) = {
        let mut read = store.read().unwrap();
        let queue = read.review_queue(&Default::default(), 1000).unwrap();
        let case = queue[queue.len() / 2].list.clone();
        (case.clone(), case.ebc_code)
    };
    let db = rusqlite::Connection::open(dir.join(SqliteStore::FILE_NAME)).unwrap();
    let (baseline, _) = time(20, || {
        let n: i64 = db.query_row("SELECT count(*) FROM lists", [], |r| r.get(0)).unwrap();
        assert!(n as u64 >= lists.min(1));
    });
    let total: i64 = db.query_row("SELECT count(*) FROM lists", [], |r| r.get(0)).unwrap();
    let review: i64 = db.query_row("SELECT count(*) FROM lists WHERE status = 'review'", [], |r| r.get(0)).unwrap();
    println!("{total} lists stored, {review} under review; baseline SELECT count(*) FROM lists: {baseline:.1} ms");
    println!("{:<40} {:>7} {:>6} {:>8} {:>8} {:>9}  aim", "page", "KiB", "rows", "p50 ms", "p90 ms", "p50/base");
    let pages: [(&str, String, f64); 8] = [
        ("queue", "/queue".into(), 200.0),
        ("queue, lane=hold", "/queue?lane=hold".into(), 200.0),
        ("queue, dest=502 and hs=85", "/queue?dest=502&hs=85".into(), 200.0),
        ("queue, reason=screening.denied_party", "/queue?reason=screening.denied_party".into(), 200.0),
        ("queue, rare exporter", format!("/queue?exporter={exporter}"), 200.0),
        ("case", format!("/case/{}/{}", case.ebc_code, case.cop_no), 200.0),
        ("exporter view", format!("/exporter?ebc={exporter}"), 200.0),
        ("dashboards", "/dashboard".into(), 1000.0),
    ];
    for (name, path, aim) in pages {
        let fetch = get(path);
        // What the page holds: its size and its table rows, so that a fast page is not an empty one.
        let body = fetch();
        let rows = String::from_utf8_lossy(&body).matches("<tr").count();
        let kib = body.len() as f64 / 1024.0;
        let (p50, p90) = time(if aim > 500.0 { 10 } else { 30 }, || {
            fetch();
        });
        let ok = if p90 < aim { "ok" } else { "MISSED" };
        println!("{name:<40} {kib:>7.1} {rows:>6} {p50:>8.1} {p90:>8.1} {:>8.1}×  < {aim:.0} ms {ok}", p50 / baseline);
    }
    drop(router);
    std::thread::sleep(Duration::from_millis(10));
}
