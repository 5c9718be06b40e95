//! What the officers' workbench and the dashboards keep: the facts of a list that the queue
//! filters on and the dashboards add up, claims, the case audit trail and the daily totals, with
//! the rules (shared by both backends) that keep the daily totals in step with the lists.

use greenlane_core::{Lane, ListKey};

/// The facts of a list kept in columns beside its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFacts {
    /// Days since 1970-01-01 in China Standard Time, of `received_at`.
    pub day: i64,
    /// Country of arrival (customs code).
    pub dest_country: String,
    /// Supervision mode (tradeMode: 9610, 9710, 9810, 1210, …).
    pub trade_mode: String,
    /// The first two digits of the HS code of the most valuable line (the first of equals).
    pub hs_chapter: String,
    /// Declared value in fen (CNY cents).
    pub value_fen: i64,
    pub ebp_code: String,
    pub lane: Lane,
}

impl ListFacts {
    /// The daily totals a list counts in: (dimension, key).
    pub(crate) fn cells(&self) -> [(&'static str, &str); 6] {
        [
            ("all", ""),
            ("lane", self.lane.as_str()),
            ("dest", &self.dest_country),
            ("ebp", &self.ebp_code),
            ("hs", &self.hs_chapter),
            ("mode", &self.trade_mode),
        ]
    }
}

/// The day (CST) of a Unix time.
pub fn china_day(unix: i64) -> i64 {
    (unix + 8 * 3600).div_euclid(86_400)
}

/// The changes to the daily totals when a list's facts go from `old` to `new`: (day, dimension,
/// key, lists, value in fen), to be added. Nothing when nothing counted changed.
pub(crate) fn deltas(old: Option<&ListFacts>, new: Option<&ListFacts>) -> Vec<(i64, &'static str, String, i64, i64)> {
    if old == new {
        return Vec::new();
    }
    let mut out: Vec<(i64, &'static str, String, i64, i64)> = Vec::with_capacity(12);
    let mut add = |facts: &ListFacts, sign: i64| {
        for (dim, key) in facts.cells() {
            let value = facts.value_fen.saturating_mul(sign);
            match out.iter_mut().find(|(d, m, k, _, _)| *d == facts.day && *m == dim && k == key) {
                Some(cell) => {
                    cell.3 += sign;
                    cell.4 = cell.4.saturating_add(value);
                }
                None => out.push((facts.day, dim, key.to_owned(), sign, value)),
            }
        }
    };
    if let Some(o) = old {
        add(o, -1);
    }
    if let Some(n) = new {
        add(n, 1);
    }
    out.retain(|(_, _, _, lists, value)| *lists != 0 || *value != 0);
    out
}

/// An officer holding a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub list: ListKey,
    pub officer: String,
    /// Wall-clock Unix seconds.
    pub claimed_at: i64,
}

/// One thing an officer did on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub list: ListKey,
    pub officer: String,
    /// `claim`, `unclaim`, `release`, `reject`, `reroute`.
    pub action: String,
    /// The note or rationale, and what changed.
    pub detail: String,
    /// Wall-clock Unix seconds.
    pub at: i64,
}

/// The queue's filters; `None` lets everything through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub lane: Option<Lane>,
    /// A reason code the list carries.
    pub reason: Option<String>,
    /// The exporter (ebcCode).
    pub exporter: Option<String>,
    /// Destination country (customs code).
    pub dest_country: Option<String>,
    /// Two-digit HS chapter.
    pub hs_chapter: Option<String>,
}

/// A list in the officers' queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub list: ListKey,
    pub lane: Lane,
    pub received_at: i64,
    pub reasons: Vec<greenlane_core::Reason>,
    pub ebp_code: String,
    pub dest_country: Option<String>,
    pub hs_chapter: Option<String>,
    pub trade_mode: Option<String>,
    pub value_fen: Option<i64>,
    pub claim: Option<Claim>,
}

/// The columns of a queue row besides its key, lane, time and reasons, as both backends read them.
pub(crate) struct QueueCols {
    pub ebp_code: String,
    pub dest_country: Option<String>,
    pub hs_chapter: Option<String>,
    pub trade_mode: Option<String>,
    pub value_fen: Option<i64>,
    pub officer: Option<String>,
    pub claimed_at: Option<i64>,
}

impl QueueCols {
    pub(crate) fn into_row(
        self,
        list: ListKey,
        lane: Lane,
        received_at: i64,
        reasons: Vec<greenlane_core::Reason>,
    ) -> crate::Result<QueueRow> {
        let claim = match (self.officer, self.claimed_at) {
            (Some(officer), Some(claimed_at)) => Some(Claim { list: list.clone(), officer, claimed_at }),
            _ => None,
        };
        Ok(QueueRow {
            list,
            lane,
            received_at,
            reasons,
            ebp_code: self.ebp_code,
            dest_country: self.dest_country,
            hs_chapter: self.hs_chapter,
            trade_mode: self.trade_mode,
            value_fen: self.value_fen,
            claim,
        })
    }
}

/// One cell of the daily totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyTotal {
    pub day: i64,
    pub dim: String,
    pub key: String,
    pub lists: i64,
    pub value_fen: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(lane: Lane, value: i64) -> ListFacts {
        ListFacts {
            day: 20_000,
            dest_country: "502".into(),
            trade_mode: "9610".into(),
            hs_chapter: "85".into(),
            value_fen: value,
            ebp_code: "P1".into(),
            lane,
        }
    }

    #[test]
    fn a_new_list_counts_once_in_every_dimension() {
        let d = deltas(None, Some(&facts(Lane::Pending, 500)));
        assert_eq!(d.len(), 6);
        assert!(d.iter().all(|(day, _, _, n, v)| *day == 20_000 && *n == 1 && *v == 500));
    }

    #[test]
    fn a_lane_change_moves_only_the_lane_cells() {
        let d = deltas(Some(&facts(Lane::Pending, 500)), Some(&facts(Lane::Green, 500)));
        assert_eq!(
            d,
            vec![(20_000, "lane", "pending".to_owned(), -1, -500), (20_000, "lane", "green".to_owned(), 1, 500)]
        );
        assert!(deltas(Some(&facts(Lane::Green, 1)), Some(&facts(Lane::Green, 1))).is_empty());
    }

    #[test]
    fn china_days_start_at_midnight_beijing_time() {
        // 2026-11-28T16:00:00Z is midnight of the 29th in Beijing.
        assert_eq!(china_day(1_795_881_600) - china_day(1_795_881_599), 1);
    }
}
