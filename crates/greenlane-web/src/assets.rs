//! The vendored front-end files (see assets/README.md) and greenlane's own stylesheet and script,
//! embedded in the binary so that the UI needs no network and no files beside the executable.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/htmx.min.js")),
    ("chart.umd.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/chart.umd.min.js")),
    ("greenlane.js", "text/javascript; charset=utf-8", include_bytes!("../assets/greenlane.js")),
    ("greenlane.css", "text/css; charset=utf-8", include_bytes!("../assets/greenlane.css")),
];

pub async fn get(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, bytes)) => (
            StatusCode::OK,
            // Versioned by the binary: a day's caching is safe between releases of a hub.
            [(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, "public, max-age=86400")],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
