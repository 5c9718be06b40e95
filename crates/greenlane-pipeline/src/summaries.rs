//! The monthly summary declaration in the flow: departures recorded for the month they count in,
//! CEB701 applications matched against what greenlane computes from the departed lists (CEB702
//! accepted or refused with a stated code, a CEB792 result issued for each accepted one), lists in
//! a summary kept from change and cancellation, and the month's view (summaries, drafts of what is
//! still to declare, the deadline and the lists at risk) that the API and the web pages show.

use crate::apply::{Applied, ApplyCx, Fault};
use crate::convert::{self, AppType};
use crate::receipts::{guid_from, pre_no};
use greenlane_ceb::{Message, Version, export, write};
use greenlane_core::access::{self, MandateKind};
use greenlane_core::summary::{self, DeadlineState, Declaration, DepartedList, SummaryFlags};
use greenlane_core::{BusinessError, ListKey, ListStatus, MessageTime};
use greenlane_store::{DepartureRow, IntakeRead, ListRow, ReadTx, StoreError, SummaryRead, SummaryRow, SummaryWrite};
use sha2::{Digest as _, Sha256};

/// The summary number greenlane gives an accepted application: `S` + date + the 9-digit serial
/// of its pre-entry number, the 18-character form of the official sample (`S20180507000000001`).
pub fn sum_no(pre_no: &str) -> String {
    format!("S{}", pre_no.get(1..).unwrap_or_default())
}

/// The state customs gives a declaration in CEB792 `decState`. The code list is not public; "A"
/// is the value of the official sample, the state of a declaration formed from a summary.
const DEC_STATE: &str = "A";

impl ApplyCx<'_, '_> {
    /// Records when each list carrying one of `numbers` departed, once it is departed: the month
    /// it is summarised in is the month of its departure (结关), by message time.
    pub(crate) fn record_departures(
        &mut self,
        logistics_code: &str,
        numbers: &[&str],
        at: MessageTime,
    ) -> Result<(), Fault> {
        for number in numbers {
            let key = greenlane_core::WaybillKey {
                logistics_code: logistics_code.to_owned(),
                logistics_no: (*number).to_owned(),
            };
            for list in self.tx.lists_for_waybill(&key)? {
                let Some(row) = self.tx.get_list(&list)? else { continue };
                if row.status != ListStatus::Departed {
                    continue;
                }
                if let Some(invt_no) = &row.list.invt_no {
                    self.tx.put_departure(&DepartureRow {
                        invt_no: invt_no.clone(),
                        list: list.clone(),
                        month: summary::month_of(at),
                        departed_at: at,
                        sum_no: None,
                    })?;
                }
            }
        }
        Ok(())
    }

    /// A list declared in a summary is part of a customs declaration: it can no longer be changed
    /// or cancelled by list messages (the declaration itself would have to be amended).
    pub(crate) fn refuse_if_summarised(&mut self, row: &ListRow, action: &'static str) -> Result<(), Fault> {
        let Some(invt_no) = &row.list.invt_no else { return Ok(()) };
        if let Some(DepartureRow { sum_no: Some(sum_no), .. }) = self.tx.departure(invt_no)? {
            return Err(BusinessError::ListInSummary { cop_no: row.list.key.cop_no.clone(), sum_no, action }.into());
        }
        Ok(())
    }

    /// A CEB701 summary application: the lists it names (or, with startTime and endTime, the
    /// exporter's departed lists of that period not yet summarised) must be the applicant's, have
    /// departed in one month and be in no other summary; greenlane merges them by the
    /// application's flags, keeps the summary and issues the CEB792 result.
    pub(crate) fn summary_apply(&mut self, wire: &export::SummaryApply, serial: u64) -> Applied {
        let head = &wire.summary_apply_head;
        let at = convert::app_time(&head.app_time)?;
        self.register(&head.agent_code, &head.agent_name, at)?;
        self.register(&head.ebc_code, &head.ebc_name, at)?;
        self.register(&head.decl_agent_code, &head.decl_agent_name, at)?;
        if convert::app_type(&head.app_type)? != AppType::New {
            return Err(BusinessError::SummaryInvalid {
                why: format!(
                    "appType {}: an accepted summary is final; its declarations are amended with customs, not by CEB701",
                    head.app_type
                ),
            }
            .into());
        }
        let flags = SummaryFlags::parse(&head.summary_flag, &head.item_name_flag)?;
        let acting = self.acting(&head.agent_code);
        let what = format!("summary application {} of enterprise {}", head.cop_no, head.ebc_code);
        let registry = self.registry(&head.ebc_code, &acting, MandateKind::Agent)?;
        access::may_file(&acting, &head.ebc_code, MandateKind::Agent, registry, &what)?;
        if self.tx.summary_exists(&head.ebc_code, &head.cop_no)? {
            return Err(BusinessError::DuplicateSummary {
                ebc_code: head.ebc_code.clone(),
                cop_no: head.cop_no.clone(),
            }
            .into());
        }
        let departures = match (&head.start_time, &head.end_time) {
            // The spec: with a period given, the list body is ignored.
            (Some(start), Some(end)) => self.departed_between(&head.ebc_code, start, end)?,
            _ => self.named_departures(&head.ebc_code, wire)?,
        };
        let Some(first) = departures.first() else {
            return Err(BusinessError::SummaryEmpty { cop_no: head.cop_no.clone() }.into());
        };
        let month = first.month;
        if let Some(other) = departures.iter().find(|d| d.month != month) {
            return Err(BusinessError::SummaryMixedMonths {
                invt_no: other.invt_no.clone(),
                month: summary::format_month(other.month),
                expected: summary::format_month(month),
            }
            .into());
        }
        let mut lists = Vec::with_capacity(departures.len());
        for d in &departures {
            let row =
                self.tx.get_list(&d.list)?.ok_or_else(|| StoreError::Corrupt(format!("list {:?} vanished", d.list)))?;
            lists.push(DepartedList { invt_no: d.invt_no.clone(), list: row.list, departed_at: d.departed_at });
        }
        let declarations = summary::compute(flags, &lists);
        let sum_no = sum_no(&pre_no(at, serial));
        let result = ceb792(head, &sum_no, at, serial, &declarations)?;
        let lines: usize = declarations.iter().map(|d| d.lines.len()).sum();
        let (n_lists, n_decl) = (lists.len(), declarations.len());
        self.tx.insert_summary(&SummaryRow {
            sum_no: sum_no.clone(),
            ebc_code: head.ebc_code.clone(),
            cop_no: head.cop_no.clone(),
            month,
            summary_flag: flags.summary_flag().to_owned(),
            item_name_flag: flags.item_name_flag().to_owned(),
            applied_at: at,
            declarations,
            result,
        })?;
        let deadline = summary::deadline(month);
        let late = if at > deadline {
            format!("; declared after the deadline {}", deadline.to_app_time())
        } else {
            String::new()
        };
        Ok((
            120,
            format!(
                "汇总申请已受理 accepted: summary {sum_no} of {}, {n_lists} lists in {n_decl} declarations, {lines} lines{late}",
                summary::format_month(month)
            ),
        ))
    }

    /// The departures of the lists an application names, each checked.
    fn named_departures(&mut self, ebc_code: &str, wire: &export::SummaryApply) -> Result<Vec<DepartureRow>, Fault> {
        let mut out: Vec<DepartureRow> = Vec::new();
        for line in &wire.summary_apply_lists {
            let invt_no = line.invt_no.trim();
            if out.iter().any(|d| d.invt_no == invt_no) {
                continue;
            }
            // Another exporter's list is as unknown to the applicant as one that does not exist.
            let unknown =
                || BusinessError::SummaryUnknownList { ebc_code: ebc_code.to_owned(), invt_no: invt_no.to_owned() };
            let Some(key) = self.tx.list_by_invt_no(invt_no)? else { return Err(unknown().into()) };
            if key.ebc_code != ebc_code {
                return Err(unknown().into());
            }
            let Some(departure) = self.tx.departure(invt_no)? else {
                let status = self.tx.get_list(&key)?.map(|r| r.status.as_str()).unwrap_or("unknown");
                return Err(BusinessError::SummaryNotDeparted {
                    invt_no: invt_no.to_owned(),
                    status: status.to_owned(),
                }
                .into());
            };
            if let Some(sum_no) = departure.sum_no {
                return Err(BusinessError::SummaryListTaken { invt_no: invt_no.to_owned(), sum_no }.into());
            }
            out.push(departure);
        }
        out.sort_by(|a, b| a.invt_no.cmp(&b.invt_no));
        Ok(out)
    }

    /// The exporter's departed lists not yet summarised whose departure falls in `start..=end`.
    fn departed_between(&mut self, ebc_code: &str, start: &str, end: &str) -> Result<Vec<DepartureRow>, Fault> {
        let (start, end) = (convert::app_time(start)?, convert::app_time(end)?);
        if end < start {
            return Err(BusinessError::SummaryInvalid {
                why: format!("endTime {} is before startTime {}", end.to_app_time(), start.to_app_time()),
            }
            .into());
        }
        let mut months = vec![summary::month_of(start)];
        let mut m = months[0];
        while m < summary::month_of(end) {
            m = if m % 100 == 12 { (m / 100 + 1) * 100 + 1 } else { m + 1 };
            months.push(m);
        }
        let mut out = Vec::new();
        for month in months {
            for d in self.tx.departures(Some(ebc_code), month)? {
                if d.sum_no.is_none() && d.departed_at >= start && d.departed_at <= end {
                    out.push(d);
                }
            }
        }
        Ok(out)
    }
}

/// The CEB792 result of an accepted summary: one `SummaryResult` per declaration, with the goods
/// line of every list behind it. Written in spec 2018 and read back by the same codec.
fn ceb792(
    head: &export::SummaryApplyHead,
    sum_no: &str,
    at: MessageTime,
    serial: u64,
    declarations: &[Declaration],
) -> Result<String, Fault> {
    let guid = |what: &str| guid_from(&Sha256::digest(format!("{sum_no}/{what}").as_bytes()).into());
    let date = &at.to_app_time()[..8];
    let results = declarations
        .iter()
        .map(|d| export::SummaryResult {
            summary_result_head: export::SummaryResultHead {
                guid: guid(&d.seq.to_string()),
                customs_code: head.customs_code.clone(),
                sum_no: sum_no.to_owned(),
                op_date: at.to_return_time(),
                decl_seq_no: format!("D{date}{:07}{:02}", serial % 10_000_000, d.seq % 100),
                dec_tmp_no: None,
                dec_pre_no: None,
                entry_id: None,
                dec_state: DEC_STATE.to_owned(),
                agent_code: head.agent_code.clone(),
                agent_name: head.agent_name.clone(),
                ebc_code: head.ebc_code.clone(),
                ebc_name: head.ebc_name.clone(),
                decl_agent_code: head.decl_agent_code.clone(),
                decl_agent_name: head.decl_agent_name.clone(),
                gross_weight: d.gross_weight,
                net_weight: d.net_weight,
                msg_count: declarations.len() as i32,
                msg_seq_no: d.seq as i32,
                note: None,
            },
            summary_result_lists: d
                .lines
                .iter()
                .flat_map(|l| {
                    l.sources.iter().map(|s| export::SummaryResultList {
                        invt_no: s.invt_no.clone(),
                        logistics_no: s.logistics_no.clone(),
                        gseqno: None,
                        gnum: s.gnum,
                        gcode: l.hs_code.clone(),
                    })
                })
                .collect(),
        })
        .collect();
    let message = Message::Ceb792(export::Ceb792Message {
        guid: guid("message"),
        version: "1.0".into(),
        summary_results: results,
    });
    write(&message, Version::V2018).map_err(|e| {
        Fault::Business(BusinessError::SummaryInvalid { why: format!("the summary result cannot be written: {e}") })
    })
}

/// One exporter's month: the accepted summaries, the draft of what is still to declare, the
/// deadline and the lists at risk of missing it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExporterMonth {
    pub ebc_code: String,
    pub summaries: Vec<SummaryRow>,
    /// Departed lists in no summary, merged by consignor, item names apart
    /// ([`SummaryFlags::DEFAULT`]): what an application for the rest would declare.
    pub draft: Vec<Declaration>,
    /// The lists in no summary yet, with how each stands against the deadline.
    pub open: Vec<(String, ListKey, DeadlineState)>,
}

/// A month of summaries, per exporter.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthView {
    pub month: u32,
    pub deadline: MessageTime,
    /// Message time "now": the latest decision or departure the hub has seen.
    pub now: Option<MessageTime>,
    pub exporters: Vec<ExporterMonth>,
}

/// The summaries of `month` (`YYYYMM`), of one exporter or of all.
pub fn month_view(r: &mut dyn ReadTx, ebc_code: Option<&str>, month: u32) -> Result<MonthView, StoreError> {
    let now = match (r.latest_decision_time()?, r.latest_departure()?) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let mut exporters: Vec<ExporterMonth> = Vec::new();
    fn entry<'a>(exporters: &'a mut Vec<ExporterMonth>, ebc: &str) -> &'a mut ExporterMonth {
        if let Some(i) = exporters.iter().position(|e| e.ebc_code == ebc) {
            return &mut exporters[i];
        }
        exporters.push(ExporterMonth { ebc_code: ebc.to_owned(), summaries: vec![], draft: vec![], open: vec![] });
        exporters.last_mut().expect("just pushed")
    }
    for s in r.summaries(ebc_code, month)? {
        let ebc = s.ebc_code.clone();
        entry(&mut exporters, &ebc).summaries.push(s);
    }
    let mut pending: Vec<(String, Vec<DepartedList>)> = Vec::new();
    for d in r.departures(ebc_code, month)? {
        if d.sum_no.is_some() {
            continue;
        }
        let state = now.map_or(DeadlineState::InTime, |now| summary::deadline_state(month, now));
        entry(&mut exporters, &d.list.ebc_code).open.push((d.invt_no.clone(), d.list.clone(), state));
        if let Some(row) = r.get_list(&d.list)? {
            let item = DepartedList { invt_no: d.invt_no, list: row.list, departed_at: d.departed_at };
            match pending.iter_mut().find(|(e, _)| *e == d.list.ebc_code) {
                Some((_, lists)) => lists.push(item),
                None => pending.push((d.list.ebc_code.clone(), vec![item])),
            }
        }
    }
    for (ebc, lists) in pending {
        entry(&mut exporters, &ebc).draft = summary::compute(SummaryFlags::DEFAULT, &lists);
    }
    exporters.sort_by(|a, b| a.ebc_code.cmp(&b.ebc_code));
    Ok(MonthView { month, deadline: summary::deadline(month), now, exporters })
}
