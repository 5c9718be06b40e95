//! `GET /api/v1/mawbs/{mawb}/onerecord`: a MAWB and its houses as IATA ONE Record JSON-LD
//! (`application/ld+json`), greenlane's second output beside the Cargo-IMP FWB and FHL. It is
//! mapped from the very FWB and FHL text the hub stored and serves, so the two outputs cannot
//! disagree, with the parcels in each bag from the hub's arrivals; who may read it is who may read
//! those.

use crate::flights::{reader, visible_mawb};
use crate::{AppState, json_error};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use greenlane_cargo::Handling;
use greenlane_cargo::imp::{fhl, fwb};
use greenlane_cargo::onerecord::{self, MEDIA_TYPE};
use greenlane_store::CargoParcel;

/// The IRI the document is published at, from the request: the node ids are its fragments, so
/// that they resolve to this document. The hub speaks plain HTTP; a proxy that ends TLS in front
/// of it says so in `X-Forwarded-Proto`. The web UI names the documents it shows the same way.
pub fn published_at(headers: &HeaderMap, mawb: &str) -> String {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
    let scheme = match value("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    // A host that could break out of the IRI is not used; the id then names the hub locally.
    let host = value("host")
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')))
        .unwrap_or("localhost");
    format!("{scheme}://{host}/api/v1/mawbs/{mawb}/onerecord")
}

/// The parcels of the MAWB the caller may see, for the bags' `containedPieces` (an enterprise sees
/// its own parcels only: another's logistics numbers are not its business).
pub fn contained(parcels: &[CargoParcel]) -> Vec<onerecord::Parcel> {
    parcels
        .iter()
        .filter_map(|p| {
            Some(onerecord::Parcel {
                hawb: p.hawb.clone()?,
                logistics_no: p.logistics_no.clone(),
                weight_g: p.weight_g,
                handling: handling(p.handling),
            })
        })
        .collect()
}

/// The store's handling bits (ELI 1, ELM 2, MAG 4, as the pipeline writes them).
fn handling(bits: u8) -> Handling {
    [(1, Handling::ELI), (2, Handling::ELM), (4, Handling::MAG)]
        .into_iter()
        .filter(|(bit, _)| bits & bit != 0)
        .fold(Handling::default(), |h, (_, flag)| h.union(flag))
}

/// `GET /api/v1/mawbs/{mawb}/onerecord`.
pub(crate) async fn mawb(State(state): State<AppState>, headers: HeaderMap, Path(mawb): Path<String>) -> Response {
    let caller = match reader(&state, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (m, parcels) = match visible_mawb(&state, &caller, &mawb).await {
        Ok(found) => found,
        Err(r) => return r,
    };
    // The stored texts are greenlane's own: one that does not read back is a fault of ours.
    let ours = |what: String| json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", what);
    let fwb = match fwb::read(&m.fwb) {
        Ok(f) => f,
        Err(e) => return ours(format!("the stored FWB of {}: {e}", m.mawb)),
    };
    let fhl = match fhl::read(&m.fhl) {
        Ok(f) => f,
        Err(e) => return ours(format!("the stored FHL of {}: {e}", m.mawb)),
    };
    match onerecord::document(&fwb, &fhl, &published_at(&headers, &m.mawb)) {
        Ok(mut doc) => {
            onerecord::add_parcels(&mut doc, &contained(&parcels));
            ([(header::CONTENT_TYPE, MEDIA_TYPE)], doc.to_json()).into_response()
        }
        Err(e) => ours(format!("{}: {e}", m.mawb)),
    }
}

#[cfg(test)]
mod tests {
    use super::published_at;
    use axum::http::HeaderMap;

    #[test]
    fn the_document_is_named_by_the_request() {
        let mut h = HeaderMap::new();
        assert_eq!(published_at(&h, "784-40000004"), "http://localhost/api/v1/mawbs/784-40000004/onerecord");
        h.insert("host", "hub.example:8080".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(published_at(&h, "784-40000004"), "https://hub.example:8080/api/v1/mawbs/784-40000004/onerecord");
        h.insert("host", "evil.example/x#".parse().unwrap());
        assert!(published_at(&h, "784-40000004").starts_with("https://localhost/"));
    }
}
