//! The dashboards' figures, from the store's daily totals and a few indexed reads: throughput,
//! lanes, release rate and time, pending lists, and trade value by day, month and quarter and by
//! destination, platform, HS chapter and supervision mode, with year-on-year growth and shares.
//! Everything here is arithmetic on at most a few tens of thousands of rows.

use greenlane_core::{Lane, ListStatus, MessageTime};
use greenlane_store::{DailyTotal, DashboardRead, StoreError, china_day};
use serde::Serialize;
use std::collections::BTreeMap;

/// One chart as the page's script draws it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub id: &'static str,
    /// Chart.js type: `bar`, `line`, `doughnut`.
    pub kind: &'static str,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// A breakdown's row in a table: key, value, share of the total, growth on a year before.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub key: String,
    pub value_yuan: f64,
    pub lists: i64,
    pub share: f64,
    pub yoy: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Breakdown {
    pub dim: &'static str,
    pub rows: Vec<ShareRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow {
    pub period: String,
    pub value_yuan: f64,
    pub lists: i64,
    pub yoy: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub charts: Vec<Chart>,
    pub quarters: Vec<PeriodRow>,
    pub latest_quarter: Option<PeriodRow>,
    pub breakdowns: Vec<Breakdown>,
    pub release_rate: Option<f64>,
    pub p50: Option<i64>,
    pub p90: Option<i64>,
    pub pending: u64,
    pub review: u64,
}

/// Days of daily totals read: two years and a quarter, so that the latest quarter and every
/// month shown have their year-before to compare with.
const SPAN_DAYS: i64 = 2 * 366 + 92;

pub fn build(read: &mut dyn DashboardRead, lane_label: impl Fn(&str) -> String) -> Result<Dashboard, StoreError> {
    let latest = read.latest_decision_time()?;
    let pending = read.lists_in_status(ListStatus::Pending)?;
    let review = read.lists_in_status(ListStatus::Review)?;
    let Some(now) = latest else {
        return Ok(Dashboard {
            charts: Vec::new(),
            quarters: Vec::new(),
            latest_quarter: None,
            breakdowns: Vec::new(),
            release_rate: None,
            p50: None,
            p90: None,
            pending,
            review,
        });
    };
    let today = china_day(now.0);
    let totals = read.daily_totals(today - SPAN_DAYS, today)?;
    let per_minute = read.decided_per_minute(MessageTime(now.0 - 3600))?;
    let mut times = read.release_times(MessageTime(now.0 - 24 * 3600), 200_000)?;
    times.sort_unstable();
    let p = |q: f64| (!times.is_empty()).then(|| times[((times.len() - 1) as f64 * q).round() as usize]);
    let (p50, p90) = (p(0.5), p(0.9));

    let mut charts = Vec::new();
    // Throughput, one point per minute of the last hour (zeros included: a gap is news).
    let first_minute = now.0 / 60 - 59;
    let counts: BTreeMap<i64, u64> = per_minute.into_iter().collect();
    let minutes: Vec<i64> = (first_minute..=now.0 / 60).collect();
    charts.push(Chart {
        id: "throughput",
        kind: "line",
        labels: minutes.iter().map(|m| clock_of_minute(*m)).collect(),
        series: vec![Series {
            label: "decisions/min".into(),
            values: minutes.iter().map(|m| *counts.get(m).unwrap_or(&0) as f64).collect(),
        }],
    });

    let lanes = sum_by_key(&totals, "lane", |_| true);
    let lane_order: Vec<(String, i64)> = Lane::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), lanes.get(l.as_str()).map_or(0, |(n, _)| *n)))
        .filter(|(_, n)| *n > 0)
        .collect();
    charts.push(Chart {
        id: "lanes",
        kind: "doughnut",
        labels: lane_order.iter().map(|(l, _)| lane_label(l)).collect(),
        series: vec![Series { label: "lists".into(), values: lane_order.iter().map(|(_, n)| *n as f64).collect() }],
    });
    let decided: i64 = lane_order.iter().filter(|(l, _)| l != "pending").map(|(_, n)| n).sum();
    let released: i64 = lane_order.iter().filter(|(l, _)| l == "green" || l == "blue").map(|(_, n)| n).sum();
    let release_rate = (decided > 0).then(|| released as f64 / decided as f64);
    charts.push(Chart {
        id: "release",
        kind: "doughnut",
        labels: vec!["released".into(), "other".into()],
        series: vec![Series { label: "lists".into(), values: vec![released as f64, (decided - released) as f64] }],
    });
    charts.push(Chart {
        id: "ttr",
        kind: "bar",
        labels: vec!["p50".into(), "p90".into()],
        series: vec![Series {
            label: "seconds".into(),
            values: vec![p50.unwrap_or(0) as f64, p90.unwrap_or(0) as f64],
        }],
    });
    charts.push(Chart {
        id: "pending",
        kind: "bar",
        labels: vec!["pending".into(), "review".into()],
        series: vec![Series { label: "lists".into(), values: vec![pending as f64, review as f64] }],
    });

    // Trade value over time.
    let all: BTreeMap<i64, (i64, i64)> =
        totals.iter().filter(|t| t.dim == "all").map(|t| (t.day, (t.lists, t.value_fen))).collect();
    let days: Vec<i64> = (today - 30..=today).collect();
    charts.push(Chart {
        id: "by_day",
        kind: "bar",
        labels: days.iter().map(|d| date_of(*d).to_string()).collect(),
        series: vec![Series {
            label: "CNY".into(),
            values: days.iter().map(|d| yuan(all.get(d).map_or(0, |v| v.1))).collect(),
        }],
    });
    let months = periods(&all, |d| {
        let date = date_of(d);
        (date.year(), u8::from(date.month()) as i32)
    });
    let last_months: Vec<&PeriodRow> = months.iter().rev().take(13).rev().collect();
    charts.push(period_chart("by_month", &last_months));
    let quarters = periods(&all, |d| {
        let date = date_of(d);
        (date.year(), (u8::from(date.month()) as i32 - 1) / 3 + 1)
    });
    let quarters: Vec<PeriodRow> = quarters
        .into_iter()
        .map(|mut q| {
            // periods() names (year, n) as YYYY-NN; a quarter reads YYYY-Qn.
            if let Some((year, n)) = q.period.split_once('-') {
                q.period = format!("{year}-Q{}", n.trim_start_matches('0'));
            }
            q
        })
        .collect();
    let last_quarters: Vec<&PeriodRow> = quarters.iter().rev().take(8).rev().collect();
    charts.push(period_chart("by_quarter", &last_quarters));
    let latest_quarter = quarters.last().cloned();

    // Breakdowns over the latest quarter, with the same quarter a year before.
    let today_date = date_of(today);
    let quarter_of = |d: i64| {
        let date = date_of(d);
        (date.year(), (u8::from(date.month()) as i32 - 1) / 3)
    };
    let (year, quarter) = (today_date.year(), (u8::from(today_date.month()) as i32 - 1) / 3);
    let mut breakdowns = Vec::new();
    for (dim, id) in [("dest", "by_dest"), ("ebp", "by_ebp"), ("hs", "by_hs"), ("mode", "by_mode")] {
        let now_q = sum_by_key(&totals, dim, |d| quarter_of(d) == (year, quarter));
        let before = sum_by_key(&totals, dim, |d| quarter_of(d) == (year - 1, quarter));
        let total: i64 = now_q.values().map(|(_, v)| v).sum();
        let mut rows: Vec<ShareRow> = now_q
            .iter()
            .map(|(key, (lists, value))| ShareRow {
                key: if key.is_empty() { "?".into() } else { key.clone() },
                value_yuan: yuan(*value),
                lists: *lists,
                share: if total > 0 { *value as f64 / total as f64 } else { 0.0 },
                yoy: before.get(key).and_then(|(_, b)| growth(*value, *b)),
            })
            .collect();
        rows.sort_by(|a, b| b.value_yuan.total_cmp(&a.value_yuan).then(a.key.cmp(&b.key)));
        rows.truncate(15);
        charts.push(Chart {
            id,
            kind: if dim == "mode" { "doughnut" } else { "bar" },
            labels: rows.iter().map(|r| r.key.clone()).collect(),
            series: vec![Series { label: "CNY".into(), values: rows.iter().map(|r| r.value_yuan).collect() }],
        });
        breakdowns.push(Breakdown { dim, rows });
    }
    Ok(Dashboard { charts, quarters, latest_quarter, breakdowns, release_rate, p50, p90, pending, review })
}

fn period_chart(id: &'static str, rows: &[&PeriodRow]) -> Chart {
    Chart {
        id,
        kind: "bar",
        labels: rows.iter().map(|r| r.period.clone()).collect(),
        series: vec![
            Series { label: "CNY".into(), values: rows.iter().map(|r| r.value_yuan).collect() },
            Series { label: "YoY %".into(), values: rows.iter().map(|r| r.yoy.map_or(0.0, |g| g * 100.0)).collect() },
        ],
    }
}

/// Totals per period (year, n), oldest first, each with its growth on the same period a year
/// before when that year is in the data.
fn periods(all: &BTreeMap<i64, (i64, i64)>, period: impl Fn(i64) -> (i32, i32)) -> Vec<PeriodRow> {
    let mut sums: BTreeMap<(i32, i32), (i64, i64)> = BTreeMap::new();
    for (day, (lists, value)) in all {
        let slot = sums.entry(period(*day)).or_default();
        slot.0 += lists;
        slot.1 += value;
    }
    sums.iter()
        .map(|((year, n), (lists, value))| PeriodRow {
            period: format!("{year}-{n:02}"),
            value_yuan: yuan(*value),
            lists: *lists,
            yoy: sums.get(&(year - 1, *n)).and_then(|(_, before)| growth(*value, *before)),
        })
        .collect()
}

/// Lists and value per key of one dimension over the days `keep` accepts.
fn sum_by_key(totals: &[DailyTotal], dim: &str, keep: impl Fn(i64) -> bool) -> BTreeMap<String, (i64, i64)> {
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for t in totals.iter().filter(|t| t.dim == dim && keep(t.day)) {
        let slot = out.entry(t.key.clone()).or_default();
        slot.0 += t.lists;
        slot.1 += t.value_fen;
    }
    out
}

fn growth(now: i64, before: i64) -> Option<f64> {
    (before > 0).then(|| now as f64 / before as f64 - 1.0)
}

fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// The calendar date of a CST day number.
pub fn date_of(day: i64) -> time::Date {
    // 2440588 is the Julian day of 1970-01-01; days beyond the calendar's range fall back to it.
    i32::try_from(day + 2_440_588)
        .ok()
        .and_then(|j| time::Date::from_julian_day(j).ok())
        .unwrap_or(time::Date::from_julian_day(2_440_588).unwrap_or(time::Date::MIN))
}

/// `hh:mm` (CST) of a Unix minute.
fn clock_of_minute(minute: i64) -> String {
    let in_day = (minute * 60 + 8 * 3600).rem_euclid(86_400) / 60;
    format!("{:02}:{:02}", in_day / 60, in_day % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: i64, dim: &str, key: &str, lists: i64, value_fen: i64) -> DailyTotal {
        DailyTotal { day, dim: dim.into(), key: key.into(), lists, value_fen }
    }

    #[test]
    fn quarters_compare_with_the_same_quarter_a_year_before() {
        // 2025-01-15 and 2026-02-10 (both first quarters), 2026-04-01 (second).
        let d = |y, m, dd| {
            time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), dd).unwrap().to_julian_day() as i64
                - 2_440_588
        };
        let all: BTreeMap<i64, (i64, i64)> =
            [(d(2025, 1, 15), (2, 10_000)), (d(2026, 2, 10), (3, 19_500)), (d(2026, 4, 1), (1, 100))]
                .into_iter()
                .collect();
        let q = periods(&all, |day| {
            let date = date_of(day);
            (date.year(), (u8::from(date.month()) as i32 - 1) / 3 + 1)
        });
        assert_eq!(q.len(), 3);
        assert_eq!(q[1].period, "2026-01");
        assert_eq!(q[1].value_yuan, 195.0);
        assert!((q[1].yoy.unwrap() - 0.95).abs() < 1e-9, "the article's +95%");
        assert_eq!(q[0].yoy, None);
        assert_eq!(q[2].yoy, None);
    }

    #[test]
    fn shares_and_sums_per_key() {
        let totals = [t(1, "dest", "502", 2, 300), t(2, "dest", "502", 1, 100), t(2, "dest", "304", 1, 400)];
        let sums = sum_by_key(&totals, "dest", |d| d >= 2);
        assert_eq!(sums.get("502"), Some(&(1, 100)));
        assert_eq!(sums.get("304"), Some(&(1, 400)));
        assert_eq!(growth(150, 100), Some(0.5));
        assert_eq!(growth(150, 0), None);
        assert_eq!(clock_of_minute(0), "08:00");
    }
}
