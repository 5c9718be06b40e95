//! What officers do on the workbench, applied by the single writer: claiming a case so that no
//! two officers work it, deciding it (an inspection) and re-routing it to another lane, each
//! written to the case audit trail.

use crate::{InspectionRequest, Pipeline, PipelineError};
use greenlane_core::{BusinessError, InspectionOutcome, Lane, ListKey, ListStatus, Reason};
use greenlane_store::{AuditEntry, Claim, ListRow, WriteTx};

/// One thing an officer does. `at` is the wall-clock time the officer acted (Unix seconds),
/// given by the caller: the audit trail records people, and the pipeline itself reads no clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficerAction {
    /// Takes the case; refused while another officer holds it.
    Claim { list: ListKey, officer: String, at: i64 },
    /// Gives the case back (only its holder may).
    Unclaim { list: ListKey, officer: String, at: i64 },
    /// Closes the case with an inspection (release or violation); the note is required.
    Decide { request: InspectionRequest, at: i64 },
    /// Moves the case to another officer lane (yellow, red, hold) with a rationale.
    Reroute { list: ListKey, lane: Lane, rationale: String, officer: String, at: i64 },
}

/// Why an officer's action was not taken. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no declaration list {cop_no} of enterprise {ebc_code}")]
    NotFound { ebc_code: String, cop_no: String },
    #[error("list {cop_no} is {status}, not under review")]
    NotUnderReview { cop_no: String, status: &'static str },
    #[error("{officer} is working this case")]
    HeldBy { officer: String },
    #[error("a note is required")]
    NoteRequired,
    #[error("a case can be re-routed only to yellow, red or hold, and not to the lane it is in ({0})")]
    BadLane(&'static str),
    #[error(transparent)]
    Business(#[from] BusinessError),
}

impl Refusal {
    /// A stable code for the refusal, for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound { .. } => "not_found",
            Refusal::NotUnderReview { .. } => "not_under_review",
            Refusal::HeldBy { .. } => "held_by_another_officer",
            Refusal::NoteRequired => "note_required",
            Refusal::BadLane(_) => "bad_lane",
            Refusal::Business(e) => e.name(),
        }
    }
}

/// What an accepted action left: the list as it stands and who holds it now.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionDone {
    pub row: ListRow,
    pub claim: Option<Claim>,
}

impl Pipeline {
    /// Applies an officer's action. The inner `Err` is the officer's (refused, nothing stored);
    /// the outer one is ours.
    pub fn officer(&mut self, action: &OfficerAction) -> Result<Result<ActionDone, Refusal>, PipelineError> {
        if self.inside_logged() {
            return self.officer_unlogged(action);
        }
        let seq = self.log_officer(action)?;
        self.logged(seq, |p| p.officer_unlogged(action))
    }

    pub(crate) fn officer_unlogged(
        &mut self,
        action: &OfficerAction,
    ) -> Result<Result<ActionDone, Refusal>, PipelineError> {
        match action {
            OfficerAction::Decide { request, at } => self.decide(request, *at),
            _ => {
                let store = self.store.clone();
                let mut tx = store.write()?;
                let done = match self.claim_or_reroute(&mut *tx, action)? {
                    Ok(done) => done,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                self.mark_applied(&mut *tx)?;
                tx.commit()?;
                // The writer's cache may hold the list as it was before a re-route.
                self.cache.clear();
                Ok(Ok(done))
            }
        }
    }

    fn claim_or_reroute(
        &mut self,
        tx: &mut dyn WriteTx,
        action: &OfficerAction,
    ) -> Result<Result<ActionDone, Refusal>, PipelineError> {
        let (list, officer) = match action {
            OfficerAction::Claim { list, officer, .. }
            | OfficerAction::Unclaim { list, officer, .. }
            | OfficerAction::Reroute { list, officer, .. } => (list, officer),
            OfficerAction::Decide { .. } => unreachable!("decisions go through the inspection"),
        };
        let mut row = match case_under_review(tx, list)? {
            Ok(row) => row,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let held = tx.claim_of(list)?;
        if let Some(claim) = &held
            && claim.officer != *officer
        {
            return Ok(Err(Refusal::HeldBy { officer: claim.officer.clone() }));
        }
        let (action_name, detail, claim, at) = match action {
            OfficerAction::Claim { at, .. } => {
                let claim = held.unwrap_or(Claim { list: list.clone(), officer: officer.clone(), claimed_at: *at });
                tx.put_claim(&claim)?;
                ("claim", String::new(), Some(claim), *at)
            }
            OfficerAction::Unclaim { at, .. } => {
                tx.delete_claim(list)?;
                ("unclaim", String::new(), None, *at)
            }
            OfficerAction::Reroute { lane, rationale, at, .. } => {
                if rationale.trim().is_empty() {
                    return Ok(Err(Refusal::NoteRequired));
                }
                if !lane.needs_officer() || *lane == row.lane {
                    return Ok(Err(Refusal::BadLane(lane.as_str())));
                }
                let from = row.lane;
                row.lane = *lane;
                row.return_status = row.status.return_status(*lane);
                row.reasons.push(Reason::new(
                    "rerouted",
                    format!("re-routed from {} to {} by {officer}: {}", from.as_str(), lane.as_str(), rationale.trim()),
                ));
                tx.put_list(&row, &crate::facts::list_facts(&row))?;
                tx.append_decision(&row.decision())?;
                // Whoever re-routes keeps the case: the new lane's work is still theirs to hand on.
                ("reroute", format!("{} → {}: {}", from.as_str(), lane.as_str(), rationale.trim()), held, *at)
            }
            OfficerAction::Decide { .. } => unreachable!("decisions go through the inspection"),
        };
        tx.insert_audit(&AuditEntry {
            list: list.clone(),
            officer: officer.clone(),
            action: action_name.into(),
            detail,
            at,
        })?;
        Ok(Ok(ActionDone { row, claim }))
    }

    /// An inspection through [`Pipeline::inspect`] (the API's path, so the risk engine learns the
    /// same way), then its audit entry with the claim let go. Two transactions: should the hub
    /// stop between them, the inspection itself (officer, outcome, note) is still on record.
    fn decide(&mut self, request: &InspectionRequest, at: i64) -> Result<Result<ActionDone, Refusal>, PipelineError> {
        if request.note.trim().is_empty() {
            return Ok(Err(Refusal::NoteRequired));
        }
        {
            let mut read = self.store.read()?;
            if let Some(claim) = read.claim_of(&request.list)?
                && claim.officer != request.officer
            {
                return Ok(Err(Refusal::HeldBy { officer: claim.officer }));
            }
        }
        let row = match self.inspect(request)? {
            Ok(row) => row,
            Err(e) => return Ok(Err(e.into())),
        };
        let (action, detail) = match request.outcome {
            InspectionOutcome::Compliant => ("release", request.note.trim().to_owned()),
            InspectionOutcome::Violation(kind) => ("reject", format!("{}: {}", kind.as_str(), request.note.trim())),
        };
        let store = self.store.clone();
        let mut tx = store.write()?;
        tx.delete_claim(&request.list)?;
        tx.insert_audit(&AuditEntry {
            list: request.list.clone(),
            officer: request.officer.clone(),
            action: action.into(),
            detail,
            at,
        })?;
        self.mark_applied(&mut *tx)?;
        tx.commit()?;
        Ok(Ok(ActionDone { row, claim: None }))
    }
}

fn case_under_review(tx: &mut dyn WriteTx, list: &ListKey) -> Result<Result<ListRow, Refusal>, PipelineError> {
    let Some(row) = tx.get_list(list)? else {
        return Ok(Err(Refusal::NotFound { ebc_code: list.ebc_code.clone(), cop_no: list.cop_no.clone() }));
    };
    if row.status != ListStatus::Review {
        return Ok(Err(Refusal::NotUnderReview { cop_no: list.cop_no.clone(), status: row.status.as_str() }));
    }
    Ok(Ok(row))
}
