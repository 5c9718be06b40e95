//! The libFuzzer target for every input the HTTP API parses besides CEB messages (which
//! `greenlane-ceb/fuzz` covers): the JSON bodies of `/api/v1/screen` and `/api/v1/inspections`,
//! the query strings of `/api/v1/decisions`, `/api/v1/inventories/…` and `/api/v1/summaries`, the feed's cursor, the
//! web UI's sign-in form, the Authorization header, and a message body through the whole stack.
//! Requests go through the real router behind the body guard, on a real store; whatever the
//! input, the answer is never a 5xx and every JSON answer is JSON.

#![no_main]

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use greenlane_core::risk::DocumentRules;
use greenlane_pipeline::{Config, Lists, Pipeline, Writer};
use greenlane_server::{AppState, Limits, auth, listen};
use greenlane_store::{Role, SqliteStore, Store};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const ADMIN: &str = "fuzz-admin";

struct Hub {
    runtime: tokio::runtime::Runtime,
    router: Router,
    tokens: [String; 4],
    _dir: tempfile::TempDir,
}

fn hub() -> &'static Hub {
    static HUB: OnceLock<Hub> = OnceLock::new();
    HUB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let lists = dir.path().join("lists");
        std::fs::create_dir(&lists).unwrap();
        std::fs::write(
            lists.join("fuzz.list.csv"),
            "id,name,kind,countries,aliases\n1,Bank Melli Iran,organization,IR,Melli Bank\n2,\"AL-MAJID, Ali Hassan\",person,IQ,\n3,长安海连技术有限公司,organization,CN,\n",
        )
        .unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("store")).expect("a store"));
        let officer = auth::create_token(&*store, "officer", Role::Officer, None).unwrap();
        let exporter = auth::create_token(&*store, "shop", Role::Enterprise, Some("SHOP1")).unwrap();
        let viewer = auth::create_token(&*store, "viewer", Role::Viewer, None).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let pipeline = Pipeline::new(store.clone(), Box::new(DocumentRules), Config::default()).unwrap();
        let app = AppState {
            writer: runtime.block_on(async { Writer::spawn(pipeline, 16, 16, None) }),
            store,
            admin_hash: Some(auth::hash(ADMIN)),
            metrics: greenlane_server::install_metrics(),
            lists: Some(Arc::new(Lists::load(&lists).expect("the fuzz list loads"))),
            criteria: None,
            routes: None,
        };
        let web = greenlane_web::routes(greenlane_web::WebState { app: app.clone() });
        let router = listen::guarded(greenlane_server::router(app).merge(web), Limits::default());
        Hub { runtime, router, tokens: [ADMIN.to_owned(), officer, exporter, viewer], _dir: dir }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let hub = hub();
    let text = String::from_utf8_lossy(rest);
    let (method, uri, body, content_type): (&str, String, Vec<u8>, &str) = match selector % 9 {
        0 => ("POST", "/api/v1/screen".into(), rest.to_vec(), "application/json"),
        1 => ("POST", "/api/v1/inspections".into(), rest.to_vec(), "application/json"),
        2 => ("GET", format!("/api/v1/decisions?{text}"), Vec::new(), ""),
        3 => ("GET", format!("/api/v1/inventories/{text}"), Vec::new(), ""),
        4 => ("POST", "/signin".into(), rest.to_vec(), "application/x-www-form-urlencoded"),
        5 => ("POST", "/api/v1/messages".into(), rest.to_vec(), "application/xml"),
        6 => ("GET", format!("/api/v1/decisions?after={text}&limit=2"), Vec::new(), ""),
        8 => ("GET", format!("/api/v1/summaries?{text}"), Vec::new(), ""),
        _ => ("GET", "/api/v1/lists".into(), Vec::new(), ""),
    };
    let mut request = Request::builder().method(method).uri(uri.as_str());
    let token = (selector / 9) % 5;
    if selector % 9 == 7 {
        // The Authorization header itself, as sent.
        request = request.header(header::AUTHORIZATION, rest);
    } else if let Some(token) = hub.tokens.get(usize::from(token)) {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if !content_type.is_empty() {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    // Inputs that are no valid URI or header never reach the server: hyper refuses them.
    let Ok(request) = request.body(Body::from(body)) else { return };
    let (status, json_expected, answer) = hub.runtime.block_on(async {
        let response = hub.router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let answer = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("the answer reads");
        (status, json, answer)
    });
    assert!(!status.is_server_error(), "{uri}: {status} {}", String::from_utf8_lossy(&answer));
    if json_expected {
        assert!(
            std::str::from_utf8(&answer).is_ok_and(|a| a.trim_start().starts_with('{')),
            "{uri}: {status} not JSON: {}",
            String::from_utf8_lossy(&answer)
        );
    }
});
