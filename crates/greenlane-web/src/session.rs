//! Signing in to the UI: the token an officer pastes is kept in an HttpOnly, SameSite=Strict
//! cookie (script cannot read it, other sites cannot send it) and checked on every request
//! exactly as the API checks a bearer token, so roles mean the same in both.

use crate::WebState;
use axum::http::{HeaderMap, HeaderValue, header};
use greenlane_server::auth::{self, Caller, Denied};

pub const TOKEN_COOKIE: &str = "gl_token";
pub const LANG_COOKIE: &str = "gl_lang";

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

/// Who is signed in, checked against the token store.
pub fn caller(state: &WebState, headers: &HeaderMap) -> Result<Caller, Denied> {
    let token = cookie(headers, TOKEN_COOKIE).filter(|t| !t.is_empty()).ok_or(Denied::Unauthenticated)?;
    check(state, &token)
}

/// Checks a token as the API would.
pub fn check(state: &WebState, token: &str) -> Result<Caller, Denied> {
    let mut bearer = HeaderMap::new();
    let value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| Denied::Unauthenticated)?;
    bearer.insert(header::AUTHORIZATION, value);
    auth::authenticate(&bearer, &*state.app.store, state.app.admin_hash.as_ref())
}

/// The cookie that signs a browser in.
pub fn sign_in_cookie(token: &str) -> String {
    format!("{TOKEN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", token.trim())
}

pub fn sign_out_cookie() -> String {
    format!("{TOKEN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

pub fn lang_cookie(lang: &str) -> String {
    format!("{LANG_COOKIE}={lang}; SameSite=Strict; Path=/; Max-Age=31536000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; gl_token=gl_abc; gl_lang=zh"));
        assert_eq!(cookie(&h, "gl_token").as_deref(), Some("gl_abc"));
        assert_eq!(cookie(&h, "gl_lang").as_deref(), Some("zh"));
        assert_eq!(cookie(&h, "gl"), None);
        assert!(sign_in_cookie("t").contains("HttpOnly; SameSite=Strict"));
    }
}
