//! The summaries page: a month's summary declarations (汇总申报) per exporter, each declaration's
//! lines with the lists behind them, the draft of what is still to declare, the deadline (the 15th
//! of the next month) and the lists at risk of missing it. Staff see every exporter (or one, with
//! `?ebc=`); an enterprise sees its own only. Reads the store through the pipeline's `month_view`.

use crate::WebState;
use crate::i18n::{Lang, Tr};
use crate::pages::{Nav, blocking, message, page as signed_in, render, unavailable};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use greenlane_core::access::Endpoint;
use greenlane_core::summary::{self, DeadlineState, Declaration};
use greenlane_pipeline::summaries::month_view;
use greenlane_store::Role;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct SummariesQuery {
    #[serde(default)]
    ebc: String,
    #[serde(default)]
    month: String,
}

/// A page's words that only this page uses, in both languages.
struct Words {
    month: &'static str,
    deadline: &'static str,
    now: &'static str,
    exporter: &'static str,
    summary: &'static str,
    draft: &'static str,
    declaration: &'static str,
    list: &'static str,
    lists: &'static str,
    goods: &'static str,
    at_risk: &'static str,
    none: &'static str,
    show: &'static str,
    state: [&'static str; 3],
}

const EN: Words = Words {
    month: "Month",
    deadline: "Deadline",
    now: "Message time now",
    exporter: "Exporter",
    summary: "Summary",
    draft: "Still to declare (draft, summaryFlag 1, itemNameFlag 1)",
    declaration: "Declaration",
    list: "list",
    lists: "lists",
    goods: "goods",
    at_risk: "Lists not yet in a summary",
    none: "No list departed in this month.",
    show: "Show",
    state: ["in time", "at risk: fewer than 5 days left", "overdue"],
};

const ZH: Words = Words {
    month: "月份",
    deadline: "申报期限",
    now: "当前报文时间",
    exporter: "电商企业",
    summary: "汇总申请",
    draft: "待申报（草稿，summaryFlag 1，itemNameFlag 1）",
    declaration: "报关单",
    list: "份清单",
    lists: "份清单",
    goods: "商品名称",
    at_risk: "尚未汇总的清单",
    none: "本月没有离境的清单。",
    show: "查看",
    state: ["期限内", "临近期限：不足5天", "已逾期"],
};

struct LineView {
    line_no: u32,
    hs_code: String,
    name: String,
    country: String,
    currency: String,
    unit: String,
    qty: String,
    value: String,
    gross: String,
    net: String,
    invt_nos: String,
}

struct DeclView {
    seq: u32,
    owner: String,
    gross: String,
    net: String,
    lists: usize,
    lines: Vec<LineView>,
}

struct SummaryView {
    sum_no: String,
    cop_no: String,
    flags: String,
    applied_at: String,
    declarations: Vec<DeclView>,
}

struct OpenView {
    invt_no: String,
    cop_no: String,
    state: &'static str,
    class: &'static str,
}

struct ExporterView {
    ebc_code: String,
    summaries: Vec<SummaryView>,
    draft: Vec<DeclView>,
    open: Vec<OpenView>,
}

#[derive(Template)]
#[template(path = "summaries.html")]
struct SummariesPage {
    t: &'static Tr,
    w: &'static Words,
    nav: Nav,
    month: String,
    ebc: String,
    staff: bool,
    deadline: String,
    now: String,
    exporters: Vec<ExporterView>,
}

/// A customs code with its name from the customs tables, so that an agent reads "502 美国" where
/// the declaration carries "502"; a code the tables do not know is shown as it is.
fn named(code: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{code} {name}"),
        None => code.to_owned(),
    }
}

fn country(code: &str, lang: Lang) -> String {
    let c = greenlane_codes::country_by_customs_code(code);
    named(code, c.map(|c| if lang == Lang::Zh { c.name_zh.as_str() } else { c.name_en.as_str() }))
}

fn currency(code: &str) -> String {
    named(code, greenlane_codes::currency_by_customs_code(code).map(|c| c.iso_alpha.as_str()))
}

fn unit(code: &str, lang: Lang) -> String {
    let u = greenlane_codes::unit_by_code(code);
    named(code, u.map(|u| if lang == Lang::Zh { u.name_zh.as_str() } else { u.name_en.as_str() }))
}

fn decl(d: &Declaration, lang: Lang) -> DeclView {
    DeclView {
        seq: d.seq,
        owner: d.owner_code.clone().unwrap_or_default(),
        gross: d.gross_weight.normalize().to_string(),
        net: d.net_weight.normalize().to_string(),
        lists: d.invt_nos.len(),
        lines: d
            .lines
            .iter()
            .map(|l| {
                let invt = l.invt_nos();
                LineView {
                    line_no: l.line_no,
                    hs_code: l.hs_code.clone(),
                    name: l.name.clone(),
                    country: country(&l.country, lang),
                    currency: currency(&l.currency),
                    unit: unit(&l.unit, lang),
                    qty: l.qty.to_string(),
                    value: l.value.to_string(),
                    gross: l.gross_weight.normalize().to_string(),
                    net: l.net_weight.normalize().to_string(),
                    invt_nos: invt.join(" "),
                }
            })
            .collect(),
    }
}

fn fmt(t: greenlane_core::MessageTime) -> String {
    let s = t.to_app_time();
    format!("{}-{}-{} {}:{}:{}", &s[0..4], &s[4..6], &s[6..8], &s[8..10], &s[10..12], &s[12..14])
}

pub async fn page(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<SummariesQuery>) -> Response {
    let p = match signed_in(&state, &headers, Endpoint::ReadDecisions) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let w = if p.lang == Lang::Zh { &ZH } else { &EN };
    let staff = p.caller.role != Role::Enterprise;
    // An enterprise sees its own exporter, whatever the query says.
    let ebc = match (&p.caller.role, &p.caller.ebc_code) {
        (Role::Enterprise, Some(own)) => own.clone(),
        (Role::Enterprise, None) => return message(StatusCode::FORBIDDEN, p.t, p.nav, p.t.forbidden.to_owned()),
        _ => q.ebc.trim().to_owned(),
    };
    let code = (!ebc.is_empty()).then(|| ebc.clone());
    // The month shown: the one asked for, else the month of the latest departure.
    let month = if q.month.trim().is_empty() {
        None
    } else {
        match summary::parse_month(q.month.trim()) {
            Some(m) => Some(m),
            None => return message(StatusCode::BAD_REQUEST, p.t, p.nav, format!("{}: YYYY-MM", w.month)),
        }
    };
    let view = blocking(&state, move |r| {
        let month = match month {
            Some(m) => m,
            None => r.latest_departure()?.map_or(202601, summary::month_of),
        };
        month_view(r, code.as_deref(), month)
    })
    .await;
    let view = match view {
        Ok(v) => v,
        Err(why) => return unavailable(&p, why),
    };
    let exporters = view
        .exporters
        .iter()
        .map(|e| ExporterView {
            ebc_code: e.ebc_code.clone(),
            summaries: e
                .summaries
                .iter()
                .map(|s| SummaryView {
                    sum_no: s.sum_no.clone(),
                    cop_no: s.cop_no.clone(),
                    flags: format!("summaryFlag {} · itemNameFlag {}", s.summary_flag, s.item_name_flag),
                    applied_at: fmt(s.applied_at),
                    declarations: s.declarations.iter().map(|d| decl(d, p.lang)).collect(),
                })
                .collect(),
            draft: e.draft.iter().map(|d| decl(d, p.lang)).collect(),
            open: e
                .open
                .iter()
                .map(|(invt, key, state)| {
                    let (i, class) = match state {
                        DeadlineState::InTime => (0, "in-time"),
                        DeadlineState::AtRisk => (1, "at-risk"),
                        DeadlineState::Overdue => (2, "overdue"),
                    };
                    OpenView { invt_no: invt.clone(), cop_no: key.cop_no.clone(), state: w.state[i], class }
                })
                .collect(),
        })
        .collect();
    let page = SummariesPage {
        t: p.t,
        w,
        nav: p.nav,
        month: summary::format_month(view.month),
        ebc,
        staff,
        deadline: fmt(view.deadline),
        now: view.now.map(fmt).unwrap_or_default(),
        exporters,
    };
    render(StatusCode::OK, &page)
}
