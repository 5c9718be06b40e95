//! API tokens: how they are made, stored (only their SHA-256) and checked, and what each role may
//! do. An enterprise token is bound to one enterprise code and sees and sends only its data; the
//! rules themselves are greenlane-core's `access`, shared with the pipeline.

use axum::http::{HeaderMap, StatusCode};
use greenlane_core::access::{Actor, Endpoint};
use greenlane_store::{Digest, Role, Store, StoreError};
use sha2::{Digest as _, Sha256};

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    /// For enterprise tokens: the enterprise code the token is bound to.
    pub ebc_code: Option<String>,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor { role: self.role, enterprise: self.ebc_code.clone() }
    }

    /// May act on data of enterprise `code`.
    pub fn may_see(&self, code: &str) -> bool {
        self.actor().may_see(code)
    }

    /// Whether the role reaches `endpoint`; `Err` is the 403.
    pub fn may(&self, endpoint: Endpoint) -> Result<(), Denied> {
        self.actor().may(endpoint).map_err(Denied::Forbidden)
    }

    pub fn may_send(&self) -> bool {
        self.may(Endpoint::SendMessage).is_ok()
    }

    pub fn may_inspect(&self) -> bool {
        self.may(Endpoint::Inspect).is_ok()
    }

    /// The enterprise this caller's messages are applied as (greenlane-core's `access`): an
    /// enterprise token's own code; staff act as the parties the messages name.
    pub fn acting_enterprise(&self) -> Option<String> {
        (self.role == Role::Enterprise).then(|| self.ebc_code.clone()).flatten()
    }
}

pub fn hash(secret: &str) -> Digest {
    Sha256::digest(secret.as_bytes()).into()
}

/// A new random token: `gl_` and 40 hex characters (160 bits from the OS).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("gl_{hex}")
}

/// Stores a new token and returns its secret, which is shown once and never stored.
pub fn create_token(store: &dyn Store, name: &str, role: Role, ebc_code: Option<&str>) -> Result<String, StoreError> {
    let secret = new_secret();
    let mut tx = store.write()?;
    tx.insert_token(name, role, ebc_code, &hash(&secret))?;
    tx.commit()?;
    Ok(secret)
}

/// Why a request is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// No or unknown token: 401.
    Unauthenticated,
    /// Known token, not allowed: 403.
    Forbidden(String),
    /// The token store failed: 503.
    Unavailable(String),
}

impl Denied {
    pub fn status(&self) -> StatusCode {
        match self {
            Denied::Unauthenticated => StatusCode::UNAUTHORIZED,
            Denied::Forbidden(_) => StatusCode::FORBIDDEN,
            Denied::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Denied::Unauthenticated => "a valid token is required: Authorization: Bearer TOKEN".into(),
            Denied::Forbidden(why) => why.clone(),
            Denied::Unavailable(why) => format!("the token store is unavailable: {why}"),
        }
    }
}

/// Resolves the bearer token of a request.
pub fn authenticate(headers: &HeaderMap, store: &dyn Store, admin_hash: Option<&Digest>) -> Result<Caller, Denied> {
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // RFC 9110 §11.1: the scheme is case-insensitive ("bearer", "BEARER").
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, token)| token.trim())
        .filter(|s| !s.is_empty())
        .ok_or(Denied::Unauthenticated)?;
    let digest = hash(secret);
    if admin_hash == Some(&digest) {
        return Ok(Caller { name: "GREENLANE_ADMIN_TOKEN".into(), role: Role::Admin, ebc_code: None });
    }
    let row = store
        .read()
        .and_then(|mut r| r.token_by_hash(&digest))
        .map_err(|e| Denied::Unavailable(e.to_string()))?
        .ok_or(Denied::Unauthenticated)?;
    Ok(Caller { name: row.name, role: row.role, ebc_code: row.ebc_code })
}
