//! The UI's words in Chinese and English, and which language a request gets: the `lang` cookie
//! (set by the switch) first, then the browser's Accept-Language (zh → Chinese), else English.

use axum::http::HeaderMap;
use greenlane_core::{Lane, ListStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "zh" | "zh-CN" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The language of a request.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::session::cookie(headers, "gl_lang").and_then(|v| Lang::parse(&v)) {
            return lang;
        }
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        // The first language the browser names decides; quality values rarely reorder in practice.
        match accept.split(',').next().map(|l| l.trim().to_ascii_lowercase()) {
            Some(l) if l.starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// Every word of the UI.
#[derive(Debug)]
pub struct Tr {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub title: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub token: &'static str,
    pub token_help: &'static str,
    pub bad_token: &'static str,
    pub queue: &'static str,
    pub dashboard: &'static str,
    pub flights: &'static str,
    pub criteria: &'static str,
    pub my_lists: &'static str,
    /// The monthly summary declarations page.
    pub summaries: &'static str,
    pub signed_in_as: &'static str,
    pub filter: &'static str,
    pub any: &'static str,
    pub lane: &'static str,
    pub reason: &'static str,
    pub exporter: &'static str,
    pub destination: &'static str,
    pub hs_chapter: &'static str,
    pub platform: &'static str,
    pub trade_mode: &'static str,
    pub received: &'static str,
    pub value_cny: &'static str,
    pub reasons: &'static str,
    pub claimed_by: &'static str,
    pub unclaimed: &'static str,
    pub open: &'static str,
    pub empty_queue: &'static str,
    pub oldest_first: &'static str,
    pub case: &'static str,
    pub claim: &'static str,
    pub unclaim: &'static str,
    pub order: &'static str,
    pub waybill: &'static str,
    pub list: &'static str,
    pub field: &'static str,
    pub missing: &'static str,
    pub differences: &'static str,
    pub document_check: &'static str,
    pub other_document: &'static str,
    pub difference: &'static str,
    pub tolerance: &'static str,
    pub within_tolerance: &'static str,
    pub criteria_fired: &'static str,
    pub screening_match: &'static str,
    pub no_screening_match: &'static str,
    pub score: &'static str,
    pub decide: &'static str,
    pub release: &'static str,
    pub reject: &'static str,
    pub violation_kind: &'static str,
    pub note: &'static str,
    pub note_required: &'static str,
    pub reroute: &'static str,
    pub rationale: &'static str,
    pub to_lane: &'static str,
    pub history: &'static str,
    pub audit_trail: &'static str,
    pub decision_feed: &'static str,
    pub inspections: &'static str,
    pub officer: &'static str,
    pub action: &'static str,
    pub detail: &'static str,
    pub when: &'static str,
    pub status: &'static str,
    pub not_under_review: &'static str,
    pub read_only: &'static str,
    pub no_criteria_engine: &'static str,
    pub criterion: &'static str,
    pub hits: &'static str,
    pub hit_rate: &'static str,
    pub criteria_version: &'static str,
    pub assessed: &'static str,
    pub reload: &'static str,
    pub reloaded: &'static str,
    pub source: &'static str,
    pub selected: &'static str,
    pub confirmed: &'static str,
    pub confirmation_rate: &'static str,
    pub throughput: &'static str,
    pub decisions_per_minute: &'static str,
    pub lane_shares: &'static str,
    pub release_rate: &'static str,
    pub released_at_once: &'static str,
    pub time_to_release: &'static str,
    pub seconds: &'static str,
    pub pending_lists: &'static str,
    pub in_review: &'static str,
    pub value_by_day: &'static str,
    pub value_by_month: &'static str,
    pub value_by_quarter: &'static str,
    pub by_destination: &'static str,
    pub by_platform: &'static str,
    pub by_category: &'static str,
    pub by_mode: &'static str,
    pub yoy: &'static str,
    pub share: &'static str,
    pub lists: &'static str,
    pub no_data: &'static str,
    pub latest_quarter: &'static str,
    pub period: &'static str,
    pub value: &'static str,
    pub where_it_stands: &'static str,
    pub why: &'static str,
    pub what_next: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    pub no_such_criteria_file: &'static str,
    pub your_lists: &'static str,
    pub criteria_files: &'static str,
    pub criteria_shipped: &'static str,
    pub lines: &'static str,
    pub edit: &'static str,
    pub view: &'static str,
    pub check: &'static str,
    pub run_backtest: &'static str,
    pub save_apply: &'static str,
    pub valid_set: &'static str,
    pub not_saved: &'static str,
    pub backtest: &'static str,
    pub no_backtest: &'static str,
    pub backtest_running: &'static str,
    pub backtest_failed: &'static str,
    pub backtest_of: &'static str,
    pub replayed: &'static str,
    pub metric: &'static str,
    pub in_force: &'static str,
    pub candidate: &'static str,
    pub change: &'static str,
    pub known_caught: &'static str,
    pub compliant_stopped: &'static str,
}

pub static EN: Tr = Tr {
    lang: "en",
    other_lang: "zh",
    other_lang_name: "中文",
    title: "greenlane customs workbench",
    sign_in: "Sign in",
    sign_out: "Sign out",
    token: "Access token",
    token_help: "Paste the token you were given (greenlane token create).",
    bad_token: "This token is not valid.",
    queue: "Queue",
    dashboard: "Dashboards",
    flights: "Flights",
    criteria: "Criteria",
    my_lists: "My lists",
    summaries: "Summaries",
    signed_in_as: "Signed in as",
    filter: "Filter",
    any: "any",
    lane: "Lane",
    reason: "Reason code",
    exporter: "Exporter (ebcCode)",
    destination: "Destination",
    hs_chapter: "HS chapter",
    platform: "Platform",
    trade_mode: "Supervision mode",
    received: "Received",
    value_cny: "Value (CNY)",
    reasons: "Reasons",
    claimed_by: "Claimed by",
    unclaimed: "unclaimed",
    open: "Open",
    empty_queue: "No list waits for an officer.",
    oldest_first: "Lists in yellow, red and hold, oldest first.",
    case: "Case",
    claim: "Claim this case",
    unclaim: "Give it back",
    order: "Order",
    waybill: "Waybill",
    list: "Declaration list",
    field: "Field",
    missing: "missing",
    differences: "Codes and counts that differ are highlighted; amounts and weights are graded below.",
    document_check: "Document check",
    other_document: "Order / waybill / payment",
    difference: "Difference",
    tolerance: "Tolerance",
    within_tolerance: "within tolerance",
    criteria_fired: "Reasons and criteria that fired",
    screening_match: "Screening match",
    no_screening_match: "No denied-party match.",
    score: "Score",
    decide: "Decide",
    release: "Release (compliant)",
    reject: "Reject: violation found",
    violation_kind: "Violation kind",
    note: "Note",
    note_required: "A note is required.",
    reroute: "Re-route",
    rationale: "Rationale",
    to_lane: "To lane",
    history: "History",
    audit_trail: "Audit trail",
    decision_feed: "Decision feed",
    inspections: "Inspections",
    officer: "Officer",
    action: "Action",
    detail: "Detail",
    when: "When",
    status: "Status",
    not_under_review: "This list is not under review: nothing to decide.",
    read_only: "Your role may look, not act.",
    no_criteria_engine: "No criteria engine is connected to this hub.",
    criterion: "Criterion",
    hits: "Hits",
    hit_rate: "Hit rate",
    criteria_version: "Criteria in force:",
    assessed: "parcels assessed:",
    reload: "Reload the criteria",
    reloaded: "Reloaded; now in force:",
    source: "Source",
    selected: "Sent to officers",
    confirmed: "Violations confirmed",
    confirmation_rate: "Confirmation rate",
    throughput: "Live throughput",
    decisions_per_minute: "decisions per minute (message time), last hour",
    lane_shares: "Lane shares",
    release_rate: "Release rate",
    released_at_once: "released at once",
    time_to_release: "Time to release",
    seconds: "seconds",
    pending_lists: "Pending lists",
    in_review: "in review",
    value_by_day: "Trade value by day",
    value_by_month: "Trade value by month",
    value_by_quarter: "Trade value by quarter",
    by_destination: "By destination",
    by_platform: "By platform",
    by_category: "By product category (HS chapter)",
    by_mode: "By supervision mode",
    yoy: "YoY",
    share: "Share",
    lists: "Lists",
    no_data: "No data yet.",
    latest_quarter: "Latest quarter",
    period: "Period",
    value: "Value",
    where_it_stands: "Where it stands",
    why: "Why",
    what_next: "What to do next",
    forbidden: "Your role may not see this page.",
    not_found: "No such declaration list.",
    no_such_criteria_file: "No such criteria file in the set in force.",
    your_lists: "Your declaration lists, newest first",
    criteria_files: "Criteria files",
    criteria_shipped: "These are the criteria shipped with greenlane, read-only here. To edit them, export them (greenlane criteria export DIR) and start the hub with --criteria DIR.",
    lines: "lines",
    edit: "Edit",
    view: "View",
    check: "Check",
    run_backtest: "Backtest this version",
    save_apply: "Save and put in force",
    valid_set: "Valid. The set would be version",
    not_saved: "Not saved: the criteria in force stay.",
    backtest: "Backtest",
    no_backtest: "No backtest yet: edit a file and choose “Backtest this version” to replay the stored traffic under it.",
    backtest_running: "Backtest running: parcels read",
    backtest_failed: "The backtest failed:",
    backtest_of: "Backtest of an edit to",
    replayed: "stored parcels replayed in",
    metric: "Measure",
    in_force: "In force",
    candidate: "Candidate",
    change: "Change",
    known_caught: "Known violations caught",
    compliant_stopped: "Inspected and compliant, still stopped",
};

pub static ZH: Tr = Tr {
    lang: "zh-CN",
    other_lang: "en",
    other_lang_name: "English",
    title: "greenlane 海关作业台",
    sign_in: "登录",
    sign_out: "退出",
    token: "访问令牌",
    token_help: "粘贴发给您的令牌（greenlane token create）。",
    bad_token: "令牌无效。",
    queue: "待办队列",
    dashboard: "统计看板",
    flights: "航班",
    criteria: "布控规则",
    my_lists: "我的清单",
    summaries: "汇总申报",
    signed_in_as: "当前用户",
    filter: "筛选",
    any: "全部",
    lane: "通道",
    reason: "原因代码",
    exporter: "电商企业（ebcCode）",
    destination: "运抵国",
    hs_chapter: "商品章（HS）",
    platform: "电商平台",
    trade_mode: "监管方式",
    received: "申报时间",
    value_cny: "货值（人民币）",
    reasons: "原因",
    claimed_by: "认领人",
    unclaimed: "未认领",
    open: "打开",
    empty_queue: "没有等待关员处理的清单。",
    oldest_first: "黄色、红色和扣留通道的清单，最早的在前。",
    case: "案件",
    claim: "认领此案件",
    unclaim: "退回",
    order: "订单",
    waybill: "运单",
    list: "申报清单",
    field: "字段",
    missing: "缺失",
    differences: "编码和数量不一致之处已标出；金额和重量的比对见下表。",
    document_check: "三单比对",
    other_document: "订单 / 运单 / 收款单",
    difference: "差异",
    tolerance: "容差",
    within_tolerance: "在容差内",
    criteria_fired: "触发的原因和规则",
    screening_match: "名单筛查命中",
    no_screening_match: "未命中限制名单。",
    score: "风险分值",
    decide: "处置",
    release: "放行（合规）",
    reject: "退单：发现违规",
    violation_kind: "违规类型",
    note: "备注",
    note_required: "必须填写备注。",
    reroute: "改派通道",
    rationale: "理由",
    to_lane: "改至通道",
    history: "历史",
    audit_trail: "操作记录",
    decision_feed: "决定记录",
    inspections: "查验记录",
    officer: "关员",
    action: "操作",
    detail: "说明",
    when: "时间",
    status: "状态",
    not_under_review: "此清单不在审核中，无需处置。",
    read_only: "您的角色只能查看，不能操作。",
    no_criteria_engine: "本系统未接入布控规则引擎。",
    criterion: "规则",
    hits: "命中",
    hit_rate: "命中率",
    criteria_version: "当前规则版本：",
    assessed: "已评估包裹：",
    reload: "重新加载规则",
    reloaded: "已重新加载，当前版本：",
    source: "来源",
    selected: "转关员处理",
    confirmed: "确认违规",
    confirmation_rate: "确认率",
    throughput: "实时处理量",
    decisions_per_minute: "每分钟决定数（报文时间），最近一小时",
    lane_shares: "通道占比",
    release_rate: "放行率",
    released_at_once: "即时放行",
    time_to_release: "放行时长",
    seconds: "秒",
    pending_lists: "待匹配清单",
    in_review: "审核中",
    value_by_day: "每日贸易额",
    value_by_month: "每月贸易额",
    value_by_quarter: "每季度贸易额",
    by_destination: "按运抵国",
    by_platform: "按电商平台",
    by_category: "按商品类别（HS章）",
    by_mode: "按监管方式",
    yoy: "同比",
    share: "占比",
    lists: "清单数",
    no_data: "暂无数据。",
    latest_quarter: "最近一个季度",
    period: "期间",
    value: "金额",
    where_it_stands: "当前状态",
    why: "原因",
    what_next: "下一步",
    forbidden: "您的角色无权查看此页面。",
    not_found: "没有这份申报清单。",
    no_such_criteria_file: "现行规则中没有这个规则文件。",
    your_lists: "您的申报清单，最新的在前",
    criteria_files: "规则文件",
    criteria_shipped: "当前为 greenlane 自带的规则，此处只读。如需修改，请先导出（greenlane criteria export DIR），再以 --criteria DIR 启动。",
    lines: "行",
    edit: "编辑",
    view: "查看",
    check: "校验",
    run_backtest: "回测此版本",
    save_apply: "保存并生效",
    valid_set: "校验通过，规则集版本将为",
    not_saved: "未保存：现行规则保持不变。",
    backtest: "回测",
    no_backtest: "尚无回测：编辑规则文件后选择“回测此版本”，即可用已存储的通关数据重放检验。",
    backtest_running: "回测进行中：已读取包裹",
    backtest_failed: "回测失败：",
    backtest_of: "回测的修改文件：",
    replayed: "件已存储包裹，重放用时",
    metric: "指标",
    in_force: "现行规则",
    candidate: "候选规则",
    change: "变化",
    known_caught: "已知违规查获率",
    compliant_stopped: "查验合规但仍被拦截",
};

/// Where a list stands and what its exporter should do next, in plain words.
pub fn plain_status(lang: Lang, status: ListStatus, lane: Lane) -> (&'static str, &'static str) {
    use Lane as L;
    use ListStatus as S;
    let en = match (status, lane) {
        (S::Pending, _) => (
            "Waiting: customs has the list but not yet its order or its waybill.",
            "Ask the platform to send the order and the logistics firm to send the waybill.",
        ),
        (S::Review, L::Yellow) => (
            "Held for a document review by a customs officer.",
            "Keep the invoice and the product description ready; answer the officer if asked.",
        ),
        (S::Review, L::Red) => (
            "Held for a physical inspection of the parcel.",
            "Keep the parcel at the supervised warehouse; the officer will open it and decide.",
        ),
        (S::Review, _) => (
            "Stopped: a party to the parcel resembles an entry on a denied-party list.",
            "Send customs proof of the buyer's identity (name, address, documents) so the match can be cleared.",
        ),
        (S::Released, _) => ("Released: the parcel may leave.", "Nothing: hand it to the carrier."),
        (S::Arrived, _) => ("Released and arrived at the port of exit.", "Nothing: it is on its way."),
        (S::Departed, _) => {
            ("Cleared: the parcel has left the country.", "Nothing; it will be in the monthly summary.")
        }
        (S::Rejected, _) => {
            ("Refused by customs.", "Read the reason, correct the declaration and declare again as a new list.")
        }
        (S::Cancelled, _) => ("Cancelled at your request.", "Nothing."),
        (S::Expired, _) => (
            "Refused: its order or waybill never arrived in time.",
            "Declare again once the platform and the logistics firm have sent their documents.",
        ),
    };
    let zh = match (status, lane) {
        (S::Pending, _) => ("等待中：海关已收到清单，但尚未收到订单或运单。", "请电商平台发送订单、物流企业发送运单。"),
        (S::Review, L::Yellow) => ("关员正在审核单证。", "请准备好发票和商品说明，按关员要求答复。"),
        (S::Review, L::Red) => ("已布控查验，需开箱检查。", "请将包裹留在监管仓库，关员查验后处置。"),
        (S::Review, _) => {
            ("已扣留：包裹的某一方与限制名单上的条目相似。", "请向海关提供买方身份证明（姓名、地址、证件）以便排除。")
        }
        (S::Released, _) => ("已放行：包裹可以离境。", "无需操作，交给承运人即可。"),
        (S::Arrived, _) => ("已放行并运抵离境口岸。", "无需操作。"),
        (S::Departed, _) => ("已结关：包裹已离境。", "无需操作，将纳入月度汇总申报。"),
        (S::Rejected, _) => ("海关退单。", "请查看原因，更正后作为新清单重新申报。"),
        (S::Cancelled, _) => ("已按您的申请撤销。", "无需操作。"),
        (S::Expired, _) => ("已退单：订单或运单未按时到达。", "待电商平台和物流企业发送单证后重新申报。"),
    };
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// A lane's name in the UI.
pub fn lane_name(lang: Lang, lane: &str) -> &'static str {
    let names: [(&str, &str, &str); 7] = [
        ("pending", "pending", "待匹配"),
        ("green", "green", "绿色"),
        ("blue", "blue", "蓝色"),
        ("yellow", "yellow", "黄色"),
        ("red", "red", "红色"),
        ("hold", "hold", "扣留"),
        ("rejected", "rejected", "退单"),
    ];
    names.iter().find(|(k, _, _)| *k == lane).map(|(_, en, zh)| if lang == Lang::Zh { *zh } else { *en }).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn chinese_browsers_get_chinese_unless_they_chose_otherwise() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert("accept-language", HeaderValue::from_static("zh-CN,zh;q=0.9,en;q=0.8"));
        assert_eq!(Lang::of(&h), Lang::Zh);
        h.insert("cookie", HeaderValue::from_static("gl_token=x; gl_lang=en"));
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert("accept-language", HeaderValue::from_static("en-GB"));
        h.insert("cookie", HeaderValue::from_static("gl_lang=zh"));
        assert_eq!(Lang::of(&h), Lang::Zh);
    }

    #[test]
    fn every_status_has_plain_words_in_both_languages() {
        for status in ListStatus::ALL {
            for lane in Lane::ALL {
                for lang in [Lang::En, Lang::Zh] {
                    let (stands, next) = plain_status(lang, status, lane);
                    assert!(!stands.is_empty() && !next.is_empty());
                }
            }
        }
        assert_eq!(lane_name(Lang::Zh, "hold"), "扣留");
    }
}
