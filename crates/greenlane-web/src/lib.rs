//! greenlane's web UI, served by the hub itself: sign-in with a token, the officers' queue and
//! case pages (claims, decisions, re-routing, the audit trail), the criteria, the dashboards and
//! the exporters' view, in Chinese and English. Pages are rendered on the server (askama, which
//! escapes everything); htmx and Chart.js are vendored and embedded (see assets/README.md).
//!
//! Handlers only read the store; every change goes to the pipeline's single writer
//! ([`greenlane_pipeline::Writer::officer`]).

mod assets;
mod dashboard;
mod i18n;
mod pages;
mod session;
mod summaries;

pub use i18n::Lang;

use axum::Router;
use axum::routing::{get, post};
use greenlane_server::AppState;

/// What the UI's handlers share: the API's state (store, writer, admin token, the risk
/// engine's criteria when it has any).
#[derive(Debug, Clone)]
pub struct WebState {
    pub app: AppState,
}

/// The UI's routes, to be merged with the API's router: `/` and the pages under it, and the
/// embedded assets under `/assets/`.
pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/signin", get(pages::signin_page).post(pages::signin))
        .route("/signout", post(pages::signout))
        .route("/lang/{lang}", get(pages::switch_lang))
        .route("/queue", get(pages::queue))
        .route("/case/{ebc}/{cop}", get(pages::case))
        .route("/case/{ebc}/{cop}/{action}", post(pages::case_action))
        .route("/dashboard", get(pages::dashboard))
        .route("/criteria", get(pages::criteria))
        .route("/criteria/reload", post(pages::criteria_reload))
        .route("/criteria/backtest", get(pages::criteria_backtest))
        .route("/criteria/file/{name}", get(pages::criteria_file).post(pages::criteria_file_post))
        .route("/exporter", get(pages::exporter))
        .route("/flights", get(pages::flights))
        .route("/mawbs/{mawb}", get(pages::mawb))
        .route("/summaries", get(summaries::page))
        .route("/assets/{name}", get(assets::get))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::guard))
        .layer(axum::middleware::from_fn(session::security_headers))
        .with_state(state)
}
