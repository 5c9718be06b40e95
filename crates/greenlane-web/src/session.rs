//! Browser sessions: signing in with a token creates a server-side session (the store's
//! `sessions`, kept as the SHA-256 of its id) that expires after [`LIFETIME`] and is revoked at
//! sign-out; the HttpOnly, SameSite=Strict cookie holds the session's random id, never the API
//! token. Every state-changing form carries a CSRF token derived from the session id, and every
//! POST is refused when `Origin` or `Sec-Fetch-Site` says it comes from another site.

use crate::WebState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use greenlane_server::auth::{self, Caller, Denied};
use greenlane_store::SessionRow;

pub const SESSION_COOKIE: &str = "gl_session";
pub const LANG_COOKIE: &str = "gl_lang";

/// How long a sign-in lasts: one officer's shift.
pub const LIFETIME: i64 = 8 * 3600;

/// The largest form the UI takes (a criteria file being edited is the largest).
const MAX_FORM: usize = 1024 * 1024;

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Who is signed in: the session the cookie names, if it exists and has not expired.
pub fn caller(state: &WebState, headers: &HeaderMap) -> Result<Caller, Denied> {
    let id = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()).ok_or(Denied::Unauthenticated)?;
    let row = state
        .app
        .store
        .read()
        .and_then(|mut r| r.session(&auth::hash(&id)))
        .map_err(|e| Denied::Unavailable(e.to_string()))?
        .filter(|s| s.expires_at > now())
        .ok_or(Denied::Unauthenticated)?;
    Ok(Caller { name: row.name, role: row.role, ebc_code: row.ebc_code })
}

/// Checks a token as the API would and opens a session for it; returns the session id.
pub fn sign_in(state: &WebState, token: &str) -> Result<String, Denied> {
    let mut bearer = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| Denied::Unauthenticated)?;
    bearer.insert(header::AUTHORIZATION, value);
    let caller = auth::authenticate(&bearer, &*state.app.store, state.app.admin_hash.as_ref())?;
    let id = auth::new_secret();
    let row =
        SessionRow { name: caller.name, role: caller.role, ebc_code: caller.ebc_code, expires_at: now() + LIFETIME };
    // Each sign-in also forgets the sessions that have expired, so the table holds only the
    // sessions in use.
    let stored = state.app.store.write().and_then(|mut tx| {
        tx.delete_expired_sessions(now())?;
        tx.insert_session(&auth::hash(&id), &row)?;
        tx.commit()
    });
    stored.map_err(|e| Denied::Unavailable(e.to_string()))?;
    Ok(id)
}

/// Revokes the request's session, if any.
pub fn sign_out(state: &WebState, headers: &HeaderMap) {
    if let Some(id) = cookie(headers, SESSION_COOKIE) {
        let revoked = state.app.store.write().and_then(|mut tx| {
            tx.delete_session(&auth::hash(&id))?;
            tx.commit()
        });
        if let Err(e) = revoked {
            tracing::warn!(error = %e, "a session could not be revoked");
        }
    }
}

/// The CSRF token of a session: a hash of its id, so that only a page of this origin (which
/// the session cookie reached) can know it.
pub fn csrf_token(session_id: &str) -> String {
    auth::hash(&format!("greenlane-csrf:{session_id}")).iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token for the request's session, for the forms of its page.
pub fn csrf_of(headers: &HeaderMap) -> String {
    cookie(headers, SESSION_COOKIE).map(|id| csrf_token(&id)).unwrap_or_default()
}

/// The cookie that signs a browser in.
pub fn sign_in_cookie(session_id: &str) -> String {
    format!("{SESSION_COOKIE}={session_id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={LIFETIME}")
}

pub fn sign_out_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

pub fn lang_cookie(lang: &str) -> String {
    format!("{LANG_COOKIE}={lang}; SameSite=Strict; Path=/; Max-Age=31536000")
}

/// Whether the request says it comes from another site: `Sec-Fetch-Site` other than
/// same-origin or none (typed by the user), or an `Origin` whose host is not this one.
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The value of field `name` in a form body (the CSRF token is hex, so no decoding is needed).
fn form_field<'b>(body: &'b [u8], name: &str) -> Option<&'b str> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn refused(why: &'static str) -> Response {
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why).into_response()
}

/// Guards every state change of the UI: a POST from another site is refused, and one without
/// the session's CSRF token (form field `csrf` or header `X-CSRF-Token`) too. Signing in has
/// no session yet, so only the origin is checked there.
pub async fn guard(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if cross_site(request.headers()) {
        return refused("cross-site requests may not change anything");
    }
    if request.uri().path() == "/signin" {
        return next.run(request).await;
    }
    // Who is asking is known before the body is read: a form posted without a live session is
    // sent to sign in unread (issue 12: no body is read before authentication). A store that
    // cannot answer is left to the handler, which says so.
    if matches!(caller(&state, request.headers()), Err(Denied::Unauthenticated | Denied::Forbidden(_))) {
        return axum::response::Redirect::to("/signin").into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
    };
    let expected = csrf_of(&parts.headers);
    let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    let sent = header_token.or_else(|| form_field(&bytes, "csrf"));
    // Without a session there is nothing to forge: the handler sends the browser to sign in.
    if !expected.is_empty() && sent != Some(expected.as_str()) {
        return refused("the form is stale or did not come from this site: reload the page and try again");
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The headers every UI answer carries: no script but the hub's own files, no framing, no
/// guessing of content types.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// A path to send a browser back to after a switch: only a same-origin relative path
/// (`/queue?lane=red`), never another host (`//evil`, `/\evil`, `https://…`).
pub fn same_origin_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.bytes().any(|b| b.is_ascii_control() || b == b' ');
    ok.then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; gl_session=gl_abc; gl_lang=zh"));
        assert_eq!(cookie(&h, "gl_session").as_deref(), Some("gl_abc"));
        assert_eq!(cookie(&h, "gl_lang").as_deref(), Some("zh"));
        assert_eq!(cookie(&h, "gl"), None);
        assert!(sign_in_cookie("t").contains("HttpOnly; SameSite=Strict"));
    }

    #[test]
    fn only_same_origin_paths_are_redirect_targets() {
        assert_eq!(same_origin_path("/queue?lane=red"), Some("/queue?lane=red"));
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example/", "evil", "/\\/x", "/a\r\nb"] {
            assert_eq!(same_origin_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn other_sites_are_recognised_by_origin_or_fetch_metadata() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&h));
    }
}
