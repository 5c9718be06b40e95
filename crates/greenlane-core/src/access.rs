//! Who may act on what: the one rule set behind every "may this caller do this" in the hub, from
//! which endpoints a role reaches to which enterprise may file, change or cancel which document.
//!
//! The HTTP server asks [`Actor::may`] per endpoint and [`Actor::may_see`] per enterprise; the
//! pipeline asks [`may_file`] and [`may_amend`] per entity, because only it sees the stored list
//! (its exporter and its first filer) inside the write transaction. Both read the same rules,
//! so `tests/data/access.tsv` in crates/greenlane can test every role × endpoint × own/other
//! enterprise against the real binary.

use crate::BusinessError;

/// Roles of API tokens (INTERFACES.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Officer,
    Enterprise,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Enterprise => "enterprise",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Officer, Role::Enterprise, Role::Viewer].into_iter().find(|r| r.as_str() == s)
    }
}

/// What a caller asks to do, one per route (API and web UI alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /api/v1/messages`.
    SendMessage,
    /// `GET /api/v1/inventories/{copNo}`, `GET /api/v1/decisions`: filtered by [`Actor::may_see`].
    ReadDecisions,
    /// `POST /api/v1/inspections` and the workbench's claims, decisions and re-routes.
    Inspect,
    /// `POST /api/v1/screen`.
    Screen,
    /// `GET /api/v1/lists`.
    ReadScreeningLists,
    /// `POST /api/v1/lists/reload`.
    ReloadScreeningLists,
    /// `GET /api/v1/criteria` and the criteria pages.
    ReadCriteria,
    /// `POST /api/v1/criteria/reload`, editing and saving criteria files.
    ChangeCriteria,
    /// `POST /api/v1/routes/reload`: the route table decides which flights close and when.
    ReloadRoutes,
    /// The officers' queue and case pages.
    Workbench,
    /// The dashboards.
    Dashboard,
    /// The exporters' own view of their lists.
    ExporterView,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::SendMessage => "send_message",
            Endpoint::ReadDecisions => "read_decisions",
            Endpoint::Inspect => "inspect",
            Endpoint::Screen => "screen",
            Endpoint::ReadScreeningLists => "read_screening_lists",
            Endpoint::ReloadScreeningLists => "reload_screening_lists",
            Endpoint::ReadCriteria => "read_criteria",
            Endpoint::ChangeCriteria => "change_criteria",
            Endpoint::ReloadRoutes => "reload_routes",
            Endpoint::Workbench => "workbench",
            Endpoint::Dashboard => "dashboard",
            Endpoint::ExporterView => "exporter_view",
        }
    }
}

/// Who is calling: a role and, for an enterprise token, the enterprise it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub enterprise: Option<String>,
}

impl Actor {
    /// Whether the role reaches `endpoint` at all; which enterprise's data it then sees is
    /// [`Actor::may_see`]'s question. `Err` says why not, for the 403.
    pub fn may(&self, endpoint: Endpoint) -> Result<(), String> {
        use Endpoint as E;
        use Role as R;
        let allowed = match (self.role, endpoint) {
            (R::Admin, _) => true,
            (R::Officer, E::ChangeCriteria | E::ReloadScreeningLists | E::ReloadRoutes) => false,
            (R::Officer, _) => true,
            // Enterprises send and read their own data; the selectivity criteria and the
            // officers' work would tell them how to slip through.
            (
                R::Enterprise,
                E::SendMessage | E::ReadDecisions | E::Screen | E::ReadScreeningLists | E::ExporterView,
            ) => true,
            (R::Enterprise, _) => false,
            // A viewer reads everything an officer reads and changes nothing.
            (
                R::Viewer,
                E::SendMessage | E::Inspect | E::ReloadScreeningLists | E::ChangeCriteria | E::ReloadRoutes,
            ) => false,
            (R::Viewer, _) => true,
        };
        if allowed { Ok(()) } else { Err(format!("role {} may not {}", self.role.as_str(), endpoint.as_str())) }
    }

    /// May see the data of enterprise `code`: an enterprise token only its own.
    pub fn may_see(&self, code: &str) -> bool {
        match self.role {
            Role::Enterprise => self.enterprise.as_deref() == Some(code),
            _ => true,
        }
    }
}

/// How a party acts for an exporter, as a mandate records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MandateKind {
    /// Files declaration lists (CEB603/605) for the exporter: a customs broker.
    Agent,
    /// Files the exporter's waybills (CEB505).
    Logistics,
}

impl MandateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MandateKind::Agent => "agent",
            MandateKind::Logistics => "logistics",
        }
    }

    pub fn parse(s: &str) -> Option<MandateKind> {
        [MandateKind::Agent, MandateKind::Logistics].into_iter().find(|k| k.as_str() == s)
    }
}

/// How the hub knows who acts for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    /// The filer an entity names is believed (staff and offline ingest in the open registry);
    /// a list's first filer binds it.
    Open,
    /// Only mandated parties act for an exporter (`--closed-registry`, and any token bound to
    /// another enterprise); `mandated` says whether a mandate exists for the pair in question
    /// (the store's `mandates` table).
    Closed { mandated: bool },
}

/// May `actor` file a new document (list, order or waybill) for `exporter`?
///
/// `actor` is the enterprise the sender's token is bound to, or, for an administrator's token
/// and offline ingest, the party the entity itself names as its filer. The exporter itself
/// always may. Under [`Registry::Closed`] another party needs a mandate of `kind`; under
/// [`Registry::Open`] the declared filer is believed, as the open registry believes any new
/// code, and [`may_amend`] then holds every later change to that first filer.
pub fn may_file(
    actor: &str,
    exporter: &str,
    kind: MandateKind,
    registry: Registry,
    what: &str,
) -> Result<(), BusinessError> {
    if actor == exporter || exporter.is_empty() {
        return Ok(());
    }
    match registry {
        Registry::Open | Registry::Closed { mandated: true } => Ok(()),
        Registry::Closed { mandated: false } => Err(BusinessError::NoMandate {
            party: actor.to_owned(),
            exporter: exporter.to_owned(),
            kind: kind.as_str(),
            what: what.to_owned(),
        }),
    }
}

/// May `actor` change or cancel a stored document of `exporter` that `filer` first filed
/// (`what` names it: "declaration list C1 of enterprise B")?
///
/// Only the exporter (the `ebcCode`) or the first filer (a list's `agentCode`, an order's
/// platform, a waybill's logistics firm) may. The refusal is the same whether the document
/// exists or not (`filer` is then `None`), and names no lane or status, so that a non-party
/// learns nothing from it.
pub fn may_amend(actor: &str, exporter: &str, filer: Option<&str>, what: &str) -> Result<(), BusinessError> {
    if actor == exporter || filer == Some(actor) {
        return Ok(());
    }
    Err(BusinessError::NotParty { party: actor.to_owned(), what: what.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enterprise(code: &str) -> Actor {
        Actor { role: Role::Enterprise, enterprise: Some(code.into()) }
    }

    #[test]
    fn only_the_exporter_or_the_first_filer_amends() {
        assert!(may_amend("B", "B", Some("C"), "L1").is_ok());
        assert!(may_amend("C", "B", Some("C"), "L1").is_ok());
        let refused = may_amend("A", "B", Some("C"), "L1").unwrap_err();
        assert_eq!(refused.code(), -990010);
        // The refusal of a list that does not exist reads the same.
        assert_eq!(may_amend("A", "B", None, "L1").unwrap_err(), refused);
        assert!(!refused.to_string().contains("green") && !refused.to_string().contains("review"));
    }

    #[test]
    fn the_closed_registry_needs_a_mandate() {
        let closed = |mandated| Registry::Closed { mandated };
        assert!(may_file("B", "B", MandateKind::Agent, closed(false), "list L1").is_ok());
        assert!(may_file("C", "B", MandateKind::Agent, closed(true), "list L1").is_ok());
        assert_eq!(may_file("A", "B", MandateKind::Agent, closed(false), "list L1").unwrap_err().code(), -990011);
        assert!(may_file("A", "B", MandateKind::Agent, Registry::Open, "list L1").is_ok());
    }

    #[test]
    fn enterprises_reach_no_officer_or_criteria_endpoint() {
        let a = enterprise("A");
        assert!(a.may(Endpoint::SendMessage).is_ok());
        assert!(a.may(Endpoint::Inspect).is_err());
        assert!(a.may(Endpoint::ReadCriteria).is_err());
        assert!(a.may_see("A") && !a.may_see("B"));
        let viewer = Actor { role: Role::Viewer, enterprise: None };
        assert!(viewer.may(Endpoint::SendMessage).is_err());
        assert!(viewer.may(Endpoint::Dashboard).is_ok());
    }
}
