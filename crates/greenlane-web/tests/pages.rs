//! The UI's pages through its router, without a browser: signing in opens a server-side session
//! named by an HttpOnly, SameSite=Strict cookie (never the token), roles decide what each page
//! shows, Chinese is the default where the browser asks for it, whatever a sender wrote is
//! escaped, and no other site can make a signed-in browser change anything.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use greenlane_core::risk::DocumentRules;
use greenlane_core::{Lane, List, ListKey, ListStatus, MessageTime, OrderKey, Reason, WaybillKey};
use greenlane_pipeline::{Config, Pipeline, Writer};
use greenlane_server::{AppState, auth};
use greenlane_store::{ListRow, Role, SqliteStore, Store};
use greenlane_web::{WebState, routes};
use std::sync::Arc;
use tower::ServiceExt;

const ADMIN: &str = "admin-secret";

fn list_row(ebc: &str, cop: &str, reason: &str) -> ListRow {
    let received = MessageTime::parse_app_time("20261129103000").unwrap();
    ListRow {
        list: List {
            key: ListKey { ebc_code: ebc.into(), cop_no: cop.into() },
            order: OrderKey { ebp_code: "P1".into(), order_no: format!("O-{cop}") },
            waybill: WaybillKey { logistics_code: "L1".into(), logistics_no: format!("W-{cop}") },
            invt_no: None,
            customs_code: "5316".into(),
            port_code: "5316".into(),
            ie_date: "20261129".into(),
            statistics_flag: "A".into(),
            agent_code: "A1".into(),
            agent_name: "agent".into(),
            ebc_name: "shop".into(),
            owner_code: ebc.into(),
            owner_name: "shop".into(),
            trade_mode: "9610".into(),
            traf_mode: "5".into(),
            license_no: None,
            country: "502".into(),
            freight: Default::default(),
            insured_fee: Default::default(),
            freight_mark: greenlane_core::ChargeMark::Total,
            freight_currency: String::new(),
            insurance_mark: greenlane_core::ChargeMark::Total,
            insurance_currency: String::new(),
            pack_no: 1,
            gross_weight: Default::default(),
            net_weight: Default::default(),
            items: Vec::new(),
            app_time: received,
        },
        status: ListStatus::Review,
        lane: Lane::Hold,
        return_status: 600,
        score: 0.9,
        reasons: vec![Reason::new("screening.denied_party", reason)],
        received_at: received,
        decided_at: Some(received),
        criteria_version: None,
    }
}

struct Hub {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    router: Router,
    exporter: String,
}

async fn hub() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let mut tx = store.write().unwrap();
    for row in [
        list_row("SHOP1", "C1", "<script>alert(1)</script> resembles a listed entry"),
        list_row("SHOP2", "C2", "someone else's list"),
    ] {
        tx.put_list(&row, &greenlane_pipeline::list_facts(&row)).unwrap();
    }
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
    Hub { _dir: dir, store, router: routes(WebState { app }), exporter }
}

/// Signs in with `token`; returns the cookie the browser would send back (`gl_session=…`).
async fn sign_in(router: &Router, token: &str) -> String {
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}")))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn post(
    router: &Router,
    path: &str,
    cookie: &str,
    body: String,
    extra: &[(&str, &str)],
) -> (StatusCode, HeaderMap) {
    let mut request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:8080");
    for (k, v) in extra {
        request = request.header(*k, *v);
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    (response.status(), response.headers().clone())
}

async fn get(router: &Router, path: &str, cookie: &str, lang: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, lang)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_sets_a_cookie_scripts_and_other_sites_cannot_use() {
    let hub = hub().await;
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={ADMIN}")))
        .unwrap();
    let response = hub.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("gl_session=gl_")
            && !cookie.contains(ADMIN)
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Max-Age="),
        "{cookie}"
    );
    let request = Request::post("/signin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("token=wrong"))
        .unwrap();
    let response = hub.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    let (status, _) = get(&hub.router, "/queue", "gl_session=wrong", "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "an unknown session is sent to sign in");
    let (status, _) = get(&hub.router, "/queue", &format!("gl_token={ADMIN}"), "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the API token is no cookie");
}

#[tokio::test(flavor = "multi_thread")]
async fn officers_see_the_queue_escaped_and_in_chinese_when_asked() {
    let hub = hub().await;
    let admin = sign_in(&hub.router, ADMIN).await;
    let (status, queue) = get(&hub.router, "/queue", &admin, "zh-CN,zh;q=0.9").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains("<html lang=\"zh-CN\">") && queue.contains("待办队列"));
    assert!(queue.contains("C1") && queue.contains("C2"));
    let (_, english) = get(&hub.router, "/queue", &format!("{admin}; gl_lang=en"), "zh-CN").await;
    assert!(english.contains("<html lang=\"en\">"), "the switch beats the browser");
    let (status, case) = get(&hub.router, "/case/SHOP1/C1", &admin, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!case.contains("<script>alert(1)"), "a sender's text is never markup");
    assert!(case.contains("&#60;script&#62;alert(1)") || case.contains("&lt;script&gt;alert(1)"));
    assert!(case.contains("id=\"screening\""), "the screening match is shown apart");
    let (status, _) = get(&hub.router, "/case/SHOP1/NOPE", &admin, "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exporter_sees_its_own_lists_only() {
    let hub = hub().await;
    let cookie = sign_in(&hub.router, &hub.exporter).await;
    let (status, page) = get(&hub.router, "/exporter?ebc=SHOP2", &cookie, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("C1") && !page.contains("C2"), "{page}");
    assert!(page.contains("Send customs proof"), "a held list says what to do next");
    for path in ["/queue", "/case/SHOP2/C2", "/dashboard", "/criteria"] {
        let (status, _) = get(&hub.router, path, &cookie, "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_revokes_the_session_on_the_server() {
    let hub = hub().await;
    let admin = sign_in(&hub.router, ADMIN).await;
    let (_, page) = get(&hub.router, "/queue", &admin, "en").await;
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (status, _) = post(&hub.router, "/signout", &admin, format!("csrf={csrf}"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The browser may keep the cookie; the hub no longer knows it.
    let (status, _) = get(&hub.router, "/queue", &admin, "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread")]
async fn other_sites_cannot_make_a_signed_in_browser_act() {
    let hub = hub().await;
    let admin = sign_in(&hub.router, ADMIN).await;
    let (_, page) = get(&hub.router, "/case/SHOP1/C1", &admin, "en").await;
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert_eq!(csrf.len(), 64, "every form carries the session's token");
    let claim = "/case/SHOP1/C1/claim";
    // The officer's cookie, from evil.example: refused whatever the body says.
    let evil = [("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")];
    let (status, _) = post(&hub.router, claim, &admin, format!("csrf={csrf}"), &evil).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        post(&hub.router, claim, &admin, format!("csrf={csrf}"), &[("origin", "http://evil.example")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Same origin but no token, or another session's: refused.
    let (status, _) = post(&hub.router, claim, &admin, String::new(), &[("origin", "http://127.0.0.1:8080")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = sign_in(&hub.router, ADMIN).await;
    let (status, _) = post(&hub.router, claim, &other, format!("csrf={csrf}"), &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The page's own form, from the page's origin: taken.
    let same = [("origin", "http://127.0.0.1:8080"), ("sec-fetch-site", "same-origin")];
    let (status, headers) = post(&hub.router, claim, &admin, format!("csrf={csrf}"), &same).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/case/SHOP1/C1");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switch_goes_back_only_to_a_page_of_this_hub() {
    let hub = hub().await;
    for (referer, back) in [
        ("http://127.0.0.1:8080/queue?lane=red", "/queue?lane=red"),
        ("http://127.0.0.1:8080/\\evil.example", "/"),
        ("http://127.0.0.1:8080//evil.example", "/"),
        ("http://evil.example", "/"),
    ] {
        let request = Request::get("/lang/en").header(header::REFERER, referer).body(Body::empty()).unwrap();
        let response = hub.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.headers()[header::LOCATION], back, "{referer}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_forbids_inline_script_framing_and_sniffing() {
    let hub = hub().await;
    let admin = sign_in(&hub.router, ADMIN).await;
    for path in ["/signin", "/queue", "/dashboard"] {
        let request = Request::get(path).header(header::COOKIE, &admin).body(Body::empty()).unwrap();
        let response = hub.router.clone().oneshot(request).await.unwrap();
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        for script in html.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap();
            assert!(tag.contains("src=") || tag.contains("application/json"), "inline script on {path}: {tag}");
        }
        assert!(!html.contains(" onclick=") && !html.contains("javascript:"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_signs_nobody_in() {
    let hub = hub().await;
    let session = greenlane_store::SessionRow { name: "old".into(), role: Role::Admin, ebc_code: None, expires_at: 1 };
    let mut tx = hub.store.write().unwrap();
    tx.insert_session(&auth::hash("gl_expired"), &session).unwrap();
    tx.commit().unwrap();
    let (status, _) = get(&hub.router, "/queue", "gl_session=gl_expired", "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_posted_without_a_session_is_sent_to_sign_in_unread() {
    // Two megabytes: were the body read before the session is checked, the form limit would
    // answer 413; unread, the answer is the way to sign in.
    let hub = hub().await;
    let (status, _) = post(&hub.router, "/case/SHOP2/C2/claim", "", "x".repeat(2 << 20), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = post(&hub.router, "/criteria/reload", "gl_session=gl_forged", "csrf=x".into(), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}
