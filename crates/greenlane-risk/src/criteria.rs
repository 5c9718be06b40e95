//! The criteria set as analysts write it: TOML files read, checked (every error with file, line
//! and column), and turned into the validated [`CriteriaSet`] that `compile` indexes. The set's
//! version is a content hash of its files, plus the version the analysts declare.

use crate::error::{CriteriaError, RiskError};
pub use crate::licence::LicenceState;
use greenlane_core::check::{DocumentPolicy, Tolerance};
use greenlane_core::{Lane, ViolationKind};
use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// The default criteria, shipped inside the binary so that `greenlane serve` needs no files.
pub const DEFAULT_FILES: &[(&str, &str)] = &[
    ("settings.toml", include_str!("../criteria/default/settings.toml")),
    ("documents.toml", include_str!("../criteria/default/documents.toml")),
    ("lists.toml", include_str!("../criteria/default/lists.toml")),
    ("brands.toml", include_str!("../criteria/default/brands.toml")),
    ("de_minimis.toml", include_str!("../criteria/default/de_minimis.toml")),
    ("credit.toml", include_str!("../criteria/default/credit.toml")),
    ("criteria.toml", include_str!("../criteria/default/criteria.toml")),
    ("knowledge.toml", include_str!("../criteria/default/knowledge.toml")),
];

// ---------------------------------------------------------------------------------------------
// The files as written.

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    set: Option<Spanned<SetDoc>>,
    lanes: Option<Spanned<LanesDoc>>,
    random: Option<Spanned<RandomDoc>>,
    governor: Option<Spanned<GovernorDoc>>,
    analyzers: Option<Spanned<AnalyzersDoc>>,
    credit: Option<Spanned<CreditDoc>>,
    fx: Option<Spanned<BTreeMap<String, Decimal>>>,
    documents: Option<Spanned<DocumentsDoc>>,
    lists: Option<BTreeMap<String, Spanned<Vec<Spanned<String>>>>>,
    de_minimis: Option<Vec<Spanned<DeMinimisDoc>>>,
    brand: Option<Vec<Spanned<BrandDoc>>>,
    brand_compatibility: Option<Spanned<CompatibilityDoc>>,
    name_masks: Option<Spanned<MasksDoc>>,
    criterion: Option<Vec<Spanned<CriterionDoc>>>,
}

/// `[documents]`: the three-document check's tolerances, each with why it is what it is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentsDoc {
    rationale: String,
    weight: ToleranceDoc,
    amount: ToleranceDoc,
    converted: ToleranceDoc,
    lines_points: f64,
    quantity_points: f64,
    packages_points: f64,
    waybill_enterprise_points: f64,
    unknown_currency_points: f64,
    max_points: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToleranceDoc {
    relative: Decimal,
    absolute: Decimal,
    points_per_doubling: f64,
    rationale: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MasksDoc {
    phrases: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompatibilityDoc {
    anywhere: Option<Vec<String>>,
    before: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDoc {
    version: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanesDoc {
    blue: f64,
    yellow: f64,
    red: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RandomDoc {
    key: String,
    red: Option<f64>,
    yellow: Option<f64>,
    blue: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GovernorDoc {
    window: Option<u32>,
    expected_red: Option<f64>,
    expected_yellow: Option<f64>,
    expected_blue: Option<f64>,
    top_up_min_score: Option<f64>,
    max_intervention: Option<f64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AnalyzersDoc {
    min_samples: Option<u32>,
    goods_min_samples: Option<u32>,
    value_z: Option<f64>,
    value_weight: Option<f64>,
    value_weight_per_sigma: Option<f64>,
    value_high_z: Option<f64>,
    value_high_weight: Option<f64>,
    weight_z: Option<f64>,
    weight_weight: Option<f64>,
    weight_heavy_z: Option<f64>,
    weight_heavy_weight: Option<f64>,
    name_min_samples: Option<u32>,
    name_typical_share: Option<f64>,
    name_max_atypical_rate: Option<f64>,
    name_weight: Option<f64>,
    name_margin: Option<f64>,
    name_novel_weight: Option<f64>,
    name_text_weight: Option<f64>,
    split_window_hours: Option<f64>,
    split_weight: Option<f64>,
    brand_price_ratio: Option<f64>,
    brand_weight: Option<f64>,
    brand_unlisted_weight: Option<f64>,
    exporter_weight_per_doubling: Option<f64>,
    exporter_max_weight: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditDoc {
    advanced: Option<Vec<String>>,
    general: Option<Vec<String>>,
    dishonest: Option<Vec<String>>,
    advanced_score_factor: Option<f64>,
    advanced_random_factor: Option<f64>,
    dishonest_weight: Option<f64>,
    dishonest_random_factor: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeMinimisDoc {
    country: Spanned<String>,
    currency: Spanned<String>,
    amount: Decimal,
    from: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandDoc {
    name: String,
    terms: Vec<String>,
    authorized: Option<Vec<String>>,
    min_price_cny: Option<Decimal>,
    prices: Option<Spanned<BTreeMap<String, Decimal>>>,
    goods: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionDoc {
    id: Spanned<String>,
    rationale: Spanned<String>,
    instruction: Spanned<String>,
    kind: Option<Spanned<String>>,
    lane: Option<Spanned<String>>,
    weight: Option<f64>,
    percent: Option<Spanned<f64>>,
    max_hits_without_selection: Option<u32>,
    enabled: Option<bool>,
    when: Spanned<WhenDoc>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WhenDoc {
    hs_prefix: Option<Vec<Spanned<String>>>,
    not_hs_prefix: Option<Vec<Spanned<String>>>,
    hs_parent_of: Option<Vec<Spanned<String>>>,
    licence: Option<Vec<Spanned<String>>>,
    destination: Option<Vec<Spanned<String>>>,
    buyer_country: Option<Vec<Spanned<String>>>,
    ebc: Option<Vec<Spanned<String>>>,
    owner: Option<Vec<Spanned<String>>>,
    agent: Option<Vec<Spanned<String>>>,
    logistics: Option<Vec<Spanned<String>>>,
    platform: Option<Vec<Spanned<String>>>,
    trade_mode: Option<Vec<Spanned<String>>>,
    credit: Option<Vec<Spanned<String>>>,
    name_terms: Option<Vec<Spanned<String>>>,
    name_only_terms: Option<Vec<Spanned<String>>>,
    present: Option<Vec<Spanned<String>>>,
    absent: Option<Vec<Spanned<String>>>,
    value_cny: Option<BandDoc>,
    unit_price_cny: Option<BandDoc>,
    weight_kg: Option<BandDoc>,
    quantity: Option<BandDoc>,
    buyer_country_differs: Option<bool>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct BandDoc {
    min: Option<Decimal>,
    max: Option<Decimal>,
}

// ---------------------------------------------------------------------------------------------
// The validated set.

/// A value band: `min <= x < max`, either side open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Band {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

impl Band {
    pub fn contains(&self, x: Decimal) -> bool {
        self.min.is_none_or(|m| x >= m) && self.max.is_none_or(|m| x < m)
    }
}

/// A field of the parcel that a criterion may require present or absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    LicenseNo,
    Buyer,
    BuyerTelephone,
    Payment,
    WaybillEbc,
}

impl Field {
    const ALL: [(&'static str, Field); 5] = [
        ("license_no", Field::LicenseNo),
        ("buyer", Field::Buyer),
        ("buyer_telephone", Field::BuyerTelephone),
        ("payment", Field::Payment),
        ("waybill_ebc", Field::WaybillEbc),
    ];
}

/// China Customs' enterprise credit grades (GACC Order No. 251).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditClass {
    /// 高级认证企业, the AEO.
    Advanced,
    /// 一般信用企业, and enterprises not graded.
    General,
    /// 失信企业.
    Dishonest,
}

impl CreditClass {
    pub fn parse(s: &str) -> Option<CreditClass> {
        match s {
            "advanced" => Some(CreditClass::Advanced),
            "general" => Some(CreditClass::General),
            "dishonest" => Some(CreditClass::Dishonest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CreditClass::Advanced => "advanced certified",
            CreditClass::General => "general credit",
            CreditClass::Dishonest => "dishonest",
        }
    }
}

/// One condition of a criterion; all conditions of a criterion must hold, and a condition with
/// several values holds when any of them does.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Some goods line's HS code starts with one of these.
    HsPrefix(Vec<String>),
    /// No goods line's HS code starts with any of these.
    NotHsPrefix(Vec<String>),
    /// Some goods line is declared at a coarser level than one of these codes: its code (trailing
    /// "00" pairs dropped, at least 4 digits) is a shorter prefix of a listed code, and it is not
    /// itself under a listed code. A 4-digit simplified declaration of 8501 is a parent of the
    /// controlled line 8501200010.
    HsParentOf(Vec<String>),
    /// The list's licence number has one of these shapes.
    Licence(Vec<LicenceState>),
    /// ISO 3166-1 alpha-2 of the list's destination.
    Destination(Vec<String>),
    BuyerCountry(Vec<String>),
    Ebc(Vec<String>),
    Owner(Vec<String>),
    Agent(Vec<String>),
    Logistics(Vec<String>),
    Platform(Vec<String>),
    TradeMode(Vec<String>),
    Credit(Vec<CreditClass>),
    /// Some item name contains one of these terms (case-insensitive).
    NameTerms(Vec<String>),
    /// Some item name is made only of these terms, a description that names no goods
    /// ("工艺品摆件", "spare parts"): compared by letters and digits, lower-cased, split entirely
    /// into terms, words of spaced scripts kept whole (criteria/README.md).
    NameOnlyTerms(Vec<String>),
    Present(Field),
    Absent(Field),
    ValueCny(Band),
    /// Some goods line's unit price, in CNY.
    UnitPriceCny(Band),
    WeightKg(Band),
    Quantity(Band),
    /// The buyer is in another country than the list's destination.
    BuyerCountryDiffers(bool),
}

/// What a criterion does when it matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// At least this lane.
    Lane(Lane),
    /// Adds to the parcel's score.
    Weight(f64),
}

/// One selectivity criterion, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub rationale: String,
    pub instruction: String,
    pub kind: Option<ViolationKind>,
    pub effect: Effect,
    /// Share of matching parcels selected, 0–100 (ASYCUDA's "Red lane is 20 %").
    pub percent: f64,
    /// After this many matches not selected by `percent`, the next match is selected.
    pub max_hits_without_selection: Option<u32>,
    pub conditions: Vec<Condition>,
    /// Where it was written: `file:line`.
    pub source: String,
}

/// A destination's duty or tax threshold for low-value parcels, in force from `from` (inclusive,
/// YYYYMMDD) until `until` (exclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct DeMinimis {
    pub country: String,
    pub currency: String,
    pub amount: Decimal,
    pub from: Option<u32>,
    pub until: Option<u32>,
    pub note: String,
}

/// A protected brand: the terms that name it in item names, its authorised exporters, and
/// optionally the lowest price genuine goods sell at.
#[derive(Debug, Clone, PartialEq)]
pub struct Brand {
    pub name: String,
    pub terms: Vec<String>,
    pub authorized: Vec<String>,
    pub min_price_cny: Option<Decimal>,
    /// Lowest genuine prices by HS prefix ("64": the brand's shoes), longest prefix first; a
    /// goods line under none of them falls back to `min_price_cny`.
    pub prices: Vec<(String, Decimal)>,
    /// HS prefixes of the goods the brand's terms name it on; empty: any goods. A trademark is
    /// registered for classes of goods, and a word that is also ordinary language ("supreme",
    /// "beats") names the brand only on the goods its owner makes.
    pub goods: Vec<String>,
}

impl Brand {
    /// Whether the brand's terms name it on a goods line declared under `gcode`.
    pub fn covers(&self, gcode: &str) -> bool {
        self.goods.is_empty() || self.goods.iter().any(|hs| gcode.starts_with(hs.as_str()))
    }

    /// The lowest genuine price of the brand's goods declared under `gcode`, if known.
    pub fn min_price_for(&self, gcode: &str) -> Option<Decimal> {
        self.prices.iter().find(|(hs, _)| gcode.starts_with(hs.as_str())).map(|(_, p)| *p).or(self.min_price_cny)
    }
}

/// Phrases by which an item name says it fits a brand's products rather than being one: "适用于
/// iPhone", "compatible with Samsung", "戴森 V10 替换滤网". A brand term in such a name is no brand
/// claim, so the brand analyzers leave it alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compatibility {
    /// Phrases that make a name a compatibility description wherever they stand ("适用于", "兼容").
    pub anywhere: Vec<String>,
    /// Phrases that do so only before the brand term ("for": "case for iPhone", but not "Nike
    /// shoes for men").
    pub before: Vec<String>,
}

/// Score thresholds of the lanes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub blue: f64,
    pub yellow: f64,
    pub red: f64,
}

/// The random floor: shares of all parcels sent to each lane whatever their score.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFloor {
    pub key: String,
    pub red: f64,
    pub yellow: f64,
    pub blue: f64,
}

/// ASYCUDA's expected rate per lane, over the last `window` decisions: while a lane is below its
/// rate, would-be-green parcels scoring at least `top_up_min_score` are moved up. Score-only
/// interventions beyond `max_intervention` are released to blue instead (capacity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GovernorSettings {
    pub window: u32,
    pub expected_red: f64,
    pub expected_yellow: f64,
    pub expected_blue: f64,
    pub top_up_min_score: f64,
    pub max_intervention: Option<f64>,
}

/// The analyzers' parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalyzerSettings {
    pub min_samples: u32,
    /// Prices of identical goods (tariff line and item name) from which they are a reference;
    /// below `min_samples` their spread is widened for the few samples (see the analyzer).
    pub goods_min_samples: u32,
    pub value_z: f64,
    pub value_weight: f64,
    pub value_weight_per_sigma: f64,
    pub value_high_z: f64,
    pub value_high_weight: f64,
    pub weight_z: f64,
    pub weight_weight: f64,
    pub weight_heavy_z: f64,
    pub weight_heavy_weight: f64,
    pub name_min_samples: u32,
    pub name_typical_share: f64,
    pub name_max_atypical_rate: f64,
    pub name_weight: f64,
    /// Nats by which another code must explain an item name better than the declared one.
    pub name_margin: f64,
    pub name_novel_weight: f64,
    pub name_text_weight: f64,
    pub split_window_hours: f64,
    pub split_weight: f64,
    pub brand_price_ratio: f64,
    pub brand_weight: f64,
    pub brand_unlisted_weight: f64,
    pub exporter_weight_per_doubling: f64,
    pub exporter_max_weight: f64,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        AnalyzerSettings {
            min_samples: 30,
            goods_min_samples: 10,
            value_z: 2.0,
            value_weight: 25.0,
            value_weight_per_sigma: 10.0,
            value_high_z: 4.0,
            value_high_weight: 20.0,
            weight_z: 3.0,
            weight_weight: 25.0,
            weight_heavy_z: 4.0,
            weight_heavy_weight: 20.0,
            name_min_samples: 50,
            name_typical_share: 0.02,
            name_max_atypical_rate: 0.05,
            name_weight: 70.0,
            name_margin: 9.0,
            name_novel_weight: 50.0,
            name_text_weight: 15.0,
            split_window_hours: 24.0,
            split_weight: 70.0,
            brand_price_ratio: 0.6,
            brand_weight: 70.0,
            brand_unlisted_weight: 10.0,
            exporter_weight_per_doubling: 10.0,
            exporter_max_weight: 30.0,
        }
    }
}

/// How credit grades shift selection.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditSettings {
    pub classes: HashMap<String, CreditClass>,
    pub advanced_score_factor: f64,
    pub advanced_random_factor: f64,
    pub dishonest_weight: f64,
    pub dishonest_random_factor: f64,
}

/// A checked criteria set: what [`crate::Engine`] runs. Build it with [`CriteriaSet::load_dir`],
/// [`CriteriaSet::from_sources`] or [`CriteriaSet::default_set`].
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    /// `declared+hash` or `sha256:hash`: what every decision records.
    pub version: String,
    pub declared_version: Option<String>,
    pub description: String,
    /// Hex SHA-256 over the files' names and contents, in name order.
    pub content_hash: String,
    pub criteria: Vec<Criterion>,
    pub lists: BTreeMap<String, Vec<String>>,
    pub thresholds: Thresholds,
    pub random: RandomFloor,
    pub governor: GovernorSettings,
    pub analyzers: AnalyzerSettings,
    pub credit: CreditSettings,
    /// Currency (ISO 4217 alpha or customs code) → CNY per unit, for currencies the dated
    /// customs table (greenlane-codes' `exchange_rates.csv`) does not carry.
    pub fx: HashMap<String, Decimal>,
    /// The three-document check's tolerances and weights (`[documents]`).
    pub documents: DocumentPolicy,
    pub de_minimis: Vec<DeMinimis>,
    pub brands: Vec<Brand>,
    pub compatibility: Compatibility,
    /// Phrases inside which an item-name term does not count ("ivory white", "charcoal grey"),
    /// lower-cased.
    pub name_masks: Vec<String>,
}

/// Byte offset → 1-based line and column (in characters).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    errors: &'a mut Vec<CriteriaError>,
}

impl Checker<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.errors.push(CriteriaError { file: self.file.to_owned(), line, column, message: message.into() });
    }
}

fn parse_date(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u32 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(y * 10000 + m * 100 + d)
}

fn valid_iso2(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

impl CriteriaSet {
    /// The criteria shipped with greenlane (`criteria/default/*.toml`).
    pub fn default_set() -> Result<CriteriaSet, RiskError> {
        let sources: Vec<(String, String)> =
            DEFAULT_FILES.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect();
        CriteriaSet::from_sources(&sources).map_err(|e| RiskError::Internal(format!("the embedded criteria: {e}")))
    }

    /// Every `*.toml` file of `dir`, in name order.
    pub fn load_dir(dir: &Path) -> Result<CriteriaSet, RiskError> {
        let io = |source| RiskError::Io { path: dir.to_owned(), source };
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        names.sort();
        if names.is_empty() {
            return Err(RiskError::Criteria(vec![CriteriaError {
                file: dir.display().to_string(),
                line: 0,
                column: 0,
                message: "no *.toml criteria files in this folder".into(),
            }]));
        }
        let mut sources = Vec::new();
        for path in names {
            let text = std::fs::read_to_string(&path).map_err(|source| RiskError::Io { path: path.clone(), source })?;
            sources.push((path.display().to_string(), text));
        }
        CriteriaSet::from_sources(&sources)
    }

    /// Files given as `(name, text)`; names appear in error messages.
    pub fn from_sources(sources: &[(String, String)]) -> Result<CriteriaSet, RiskError> {
        let mut errors = Vec::new();
        let mut hasher = Sha256::new();
        let mut sorted: Vec<&(String, String)> = sources.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let mut docs = Vec::new();
        for (name, text) in &sorted {
            let base = Path::new(name).file_name().map_or(name.as_str(), |n| n.to_str().unwrap_or(name));
            hasher.update(base.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
            match toml::from_str::<FileDoc>(text) {
                Ok(doc) => docs.push((name.as_str(), text.as_str(), doc)),
                Err(e) => {
                    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                    errors.push(CriteriaError {
                        file: name.clone(),
                        line,
                        column,
                        message: e.message().trim().to_owned(),
                    });
                }
            }
        }
        let content_hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();

        // Lists first: criteria in any file may name them.
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (file, text, doc) in &docs {
            let mut c = Checker { file, text, errors: &mut errors };
            for (name, values) in doc.lists.iter().flatten() {
                if lists.contains_key(name) {
                    c.err(values.span(), format!("list {name:?} is defined twice"));
                    continue;
                }
                lists.insert(name.clone(), values.get_ref().iter().map(|v| v.get_ref().trim().to_owned()).collect());
            }
        }

        let mut set = CriteriaSet {
            version: String::new(),
            declared_version: None,
            description: String::new(),
            content_hash: content_hash.clone(),
            criteria: Vec::new(),
            lists,
            thresholds: Thresholds { blue: 20.0, yellow: 50.0, red: 80.0 },
            random: RandomFloor { key: "greenlane".into(), red: 0.0005, yellow: 0.0015, blue: 0.005 },
            governor: GovernorSettings {
                window: 2000,
                expected_red: 0.0,
                expected_yellow: 0.0,
                expected_blue: 0.0,
                top_up_min_score: 10.0,
                max_intervention: None,
            },
            analyzers: AnalyzerSettings::default(),
            credit: CreditSettings {
                classes: HashMap::new(),
                advanced_score_factor: 0.5,
                advanced_random_factor: 0.2,
                dishonest_weight: 50.0,
                dishonest_random_factor: 5.0,
            },
            fx: HashMap::new(),
            documents: DocumentPolicy::default(),
            de_minimis: Vec::new(),
            brands: Vec::new(),
            compatibility: Compatibility::default(),
            name_masks: Vec::new(),
        };
        let mut seen_once: HashMap<&'static str, String> = HashMap::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        for (file, text, doc) in docs {
            let mut c = Checker { file, text, errors: &mut errors };
            let mut once = |c: &mut Checker, what: &'static str, span: Range<usize>| {
                if let Some(prev) = seen_once.insert(what, file.to_owned()) {
                    c.err(span, format!("[{what}] is already set in {prev}"));
                }
            };
            if let Some(s) = &doc.set {
                once(&mut c, "set", s.span());
                set.declared_version = s.get_ref().version.clone();
                set.description = s.get_ref().description.clone().unwrap_or_default();
            }
            if let Some(l) = &doc.lanes {
                once(&mut c, "lanes", l.span());
                let v = l.get_ref();
                if !(v.blue <= v.yellow && v.yellow <= v.red) {
                    c.err(l.span(), "lane thresholds must rise: blue <= yellow <= red");
                }
                set.thresholds = Thresholds { blue: v.blue, yellow: v.yellow, red: v.red };
            }
            if let Some(r) = &doc.random {
                once(&mut c, "random", r.span());
                let v = r.get_ref();
                set.random = RandomFloor {
                    key: v.key.clone(),
                    red: v.red.unwrap_or(0.0),
                    yellow: v.yellow.unwrap_or(0.0),
                    blue: v.blue.unwrap_or(0.0),
                };
                if [set.random.red, set.random.yellow, set.random.blue].iter().any(|x| !(0.0..=1.0).contains(x))
                    || set.random.red + set.random.yellow + set.random.blue > 1.0
                {
                    c.err(r.span(), "random rates are shares between 0 and 1 and add up to at most 1");
                }
            }
            if let Some(g) = &doc.governor {
                once(&mut c, "governor", g.span());
                let v = g.get_ref();
                let d = set.governor;
                set.governor = GovernorSettings {
                    window: v.window.unwrap_or(d.window).max(1),
                    expected_red: v.expected_red.unwrap_or(d.expected_red),
                    expected_yellow: v.expected_yellow.unwrap_or(d.expected_yellow),
                    expected_blue: v.expected_blue.unwrap_or(d.expected_blue),
                    top_up_min_score: v.top_up_min_score.unwrap_or(d.top_up_min_score),
                    max_intervention: v.max_intervention.or(d.max_intervention),
                };
            }
            if let Some(a) = &doc.analyzers {
                once(&mut c, "analyzers", a.span());
                let v = a.get_ref();
                let d = AnalyzerSettings::default();
                set.analyzers = AnalyzerSettings {
                    min_samples: v.min_samples.unwrap_or(d.min_samples),
                    goods_min_samples: v.goods_min_samples.unwrap_or(d.goods_min_samples),
                    value_z: v.value_z.unwrap_or(d.value_z),
                    value_weight: v.value_weight.unwrap_or(d.value_weight),
                    value_weight_per_sigma: v.value_weight_per_sigma.unwrap_or(d.value_weight_per_sigma),
                    value_high_z: v.value_high_z.unwrap_or(d.value_high_z),
                    value_high_weight: v.value_high_weight.unwrap_or(d.value_high_weight),
                    weight_z: v.weight_z.unwrap_or(d.weight_z),
                    weight_weight: v.weight_weight.unwrap_or(d.weight_weight),
                    weight_heavy_z: v.weight_heavy_z.unwrap_or(d.weight_heavy_z),
                    weight_heavy_weight: v.weight_heavy_weight.unwrap_or(d.weight_heavy_weight),
                    name_min_samples: v.name_min_samples.unwrap_or(d.name_min_samples),
                    name_typical_share: v.name_typical_share.unwrap_or(d.name_typical_share),
                    name_max_atypical_rate: v.name_max_atypical_rate.unwrap_or(d.name_max_atypical_rate),
                    name_weight: v.name_weight.unwrap_or(d.name_weight),
                    name_margin: v.name_margin.unwrap_or(d.name_margin),
                    name_novel_weight: v.name_novel_weight.unwrap_or(d.name_novel_weight),
                    name_text_weight: v.name_text_weight.unwrap_or(d.name_text_weight),
                    split_window_hours: v.split_window_hours.unwrap_or(d.split_window_hours),
                    split_weight: v.split_weight.unwrap_or(d.split_weight),
                    brand_price_ratio: v.brand_price_ratio.unwrap_or(d.brand_price_ratio),
                    brand_weight: v.brand_weight.unwrap_or(d.brand_weight),
                    brand_unlisted_weight: v.brand_unlisted_weight.unwrap_or(d.brand_unlisted_weight),
                    exporter_weight_per_doubling: v
                        .exporter_weight_per_doubling
                        .unwrap_or(d.exporter_weight_per_doubling),
                    exporter_max_weight: v.exporter_max_weight.unwrap_or(d.exporter_max_weight),
                };
            }
            if let Some(cr) = &doc.credit {
                once(&mut c, "credit", cr.span());
                let v = cr.get_ref();
                for (class, codes) in [
                    (CreditClass::Advanced, &v.advanced),
                    (CreditClass::General, &v.general),
                    (CreditClass::Dishonest, &v.dishonest),
                ] {
                    for code in codes.iter().flatten() {
                        if set.credit.classes.insert(code.trim().to_owned(), class).is_some() {
                            c.err(cr.span(), format!("enterprise {code} is given two credit classes"));
                        }
                    }
                }
                let d = &mut set.credit;
                d.advanced_score_factor = v.advanced_score_factor.unwrap_or(d.advanced_score_factor);
                d.advanced_random_factor = v.advanced_random_factor.unwrap_or(d.advanced_random_factor);
                d.dishonest_weight = v.dishonest_weight.unwrap_or(d.dishonest_weight);
                d.dishonest_random_factor = v.dishonest_random_factor.unwrap_or(d.dishonest_random_factor);
            }
            if let Some(fx) = &doc.fx {
                once(&mut c, "fx", fx.span());
                for (cur, rate) in fx.get_ref() {
                    if *rate <= Decimal::ZERO {
                        c.err(fx.span(), format!("fx rate of {cur} must be positive"));
                    }
                    set.fx.insert(cur.clone(), *rate);
                }
            }
            if let Some(d) = &doc.documents {
                once(&mut c, "documents", d.span());
                let v = d.get_ref();
                let mut tolerance = |name: &str, t: &ToleranceDoc| {
                    if t.relative < Decimal::ZERO || t.absolute < Decimal::ZERO || t.points_per_doubling < 0.0 {
                        c.err(d.span(), format!("[documents.{name}] tolerances and points must not be negative"));
                    }
                    if t.rationale.trim().is_empty() {
                        c.err(d.span(), format!("[documents.{name}] needs a rationale"));
                    }
                    Tolerance { relative: t.relative, absolute: t.absolute, points_per_doubling: t.points_per_doubling }
                };
                set.documents = DocumentPolicy {
                    weight: tolerance("weight", &v.weight),
                    amount: tolerance("amount", &v.amount),
                    converted: tolerance("converted", &v.converted),
                    lines_points: v.lines_points,
                    quantity_points: v.quantity_points,
                    packages_points: v.packages_points,
                    waybill_enterprise_points: v.waybill_enterprise_points,
                    unknown_currency_points: v.unknown_currency_points,
                    max_points: v.max_points,
                };
                if v.rationale.trim().is_empty() {
                    c.err(d.span(), "[documents] needs a rationale");
                }
            }
            for dm in doc.de_minimis.iter().flatten() {
                let v = dm.get_ref();
                if !valid_iso2(v.country.get_ref()) {
                    c.err(v.country.span(), format!("{:?} is not an ISO 3166-1 alpha-2 code", v.country.get_ref()));
                }
                let mut date = |d: &Option<Spanned<String>>| match d {
                    None => None,
                    Some(s) => {
                        let parsed = parse_date(s.get_ref());
                        if parsed.is_none() {
                            c.err(s.span(), format!("{:?} is not a date YYYY-MM-DD", s.get_ref()));
                        }
                        parsed
                    }
                };
                let (from, until) = (date(&v.from), date(&v.until));
                set.de_minimis.push(DeMinimis {
                    country: v.country.get_ref().clone(),
                    currency: v.currency.get_ref().clone(),
                    amount: v.amount,
                    from,
                    until,
                    note: v.note.clone().unwrap_or_default(),
                });
            }
            for b in doc.brand.iter().flatten() {
                let v = b.get_ref();
                if v.terms.iter().all(|t| t.trim().is_empty()) {
                    c.err(b.span(), format!("brand {:?} has no terms", v.name));
                }
                let mut prices: Vec<(String, Decimal)> = Vec::new();
                if let Some(ps) = &v.prices {
                    for (hs, price) in ps.get_ref() {
                        if hs.is_empty() || hs.len() > 10 || !hs.bytes().all(|b| b.is_ascii_digit()) {
                            c.err(
                                ps.span(),
                                format!("brand {:?}: {hs:?} is not an HS code prefix (1 to 10 digits)", v.name),
                            );
                        }
                        if *price <= Decimal::ZERO {
                            c.err(ps.span(), format!("brand {:?}: the price under {hs} must be positive", v.name));
                        }
                        prices.push((hs.clone(), *price));
                    }
                }
                prices.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
                let goods = v.goods.as_ref().map_or_else(Vec::new, |g| g.get_ref().clone());
                if let Some(g) = &v.goods
                    && let Some(bad) = goods
                        .iter()
                        .find(|hs| hs.is_empty() || hs.len() > 10 || !hs.bytes().all(|b| b.is_ascii_digit()))
                {
                    c.err(
                        g.span(),
                        format!("brand {:?}: goods {bad:?} is not an HS code prefix (1 to 10 digits)", v.name),
                    );
                }
                set.brands.push(Brand {
                    name: v.name.clone(),
                    terms: v.terms.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect(),
                    authorized: v.authorized.clone().unwrap_or_default(),
                    min_price_cny: v.min_price_cny,
                    prices,
                    goods,
                });
            }
            if let Some(cp) = &doc.brand_compatibility {
                once(&mut c, "brand_compatibility", cp.span());
                let v = cp.get_ref();
                let clean = |phrases: &Option<Vec<String>>| -> Vec<String> {
                    phrases.iter().flatten().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect()
                };
                set.compatibility = Compatibility { anywhere: clean(&v.anywhere), before: clean(&v.before) };
            }
            if let Some(m) = &doc.name_masks {
                once(&mut c, "name_masks", m.span());
                for phrase in &m.get_ref().phrases {
                    let p = phrase.get_ref().trim().to_lowercase();
                    if p.is_empty() {
                        c.err(phrase.span(), "an empty mask would hide every term");
                    } else {
                        set.name_masks.push(p);
                    }
                }
            }
            for cd in doc.criterion.iter().flatten() {
                let (line, _) = line_col(text, cd.span().start);
                if let Some(criterion) = check_criterion(&mut c, cd.get_ref(), &set.lists, format!("{file}:{line}")) {
                    if let Some(prev) = ids.insert(criterion.id.clone(), criterion.source.clone()) {
                        c.err(
                            cd.get_ref().id.span(),
                            format!("criterion id {:?} is already used at {prev}", criterion.id),
                        );
                        continue;
                    }
                    if cd.get_ref().enabled != Some(false) {
                        set.criteria.push(criterion);
                    }
                }
            }
        }
        // The de minimis table needs a rate for each currency it uses.
        for dm in &set.de_minimis {
            if !set.fx.contains_key(&dm.currency) && dm.currency != "CNY" {
                errors.push(CriteriaError {
                    file: "(set)".into(),
                    line: 0,
                    column: 0,
                    message: format!("de minimis of {} is in {}, which has no [fx] rate", dm.country, dm.currency),
                });
            }
        }
        if !errors.is_empty() {
            return Err(RiskError::Criteria(errors));
        }
        set.version = match &set.declared_version {
            Some(v) => format!("{v}+{}", &content_hash[..12]),
            None => format!("sha256:{}", &content_hash[..12]),
        };
        Ok(set)
    }
}

fn check_criterion(
    c: &mut Checker,
    d: &CriterionDoc,
    lists: &BTreeMap<String, Vec<String>>,
    source: String,
) -> Option<Criterion> {
    let before = c.errors.len();
    let id = d.id.get_ref().trim().to_owned();
    if id.is_empty() || !id.chars().all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch)) {
        c.err(d.id.span(), format!("criterion id {id:?} must be letters, digits, '.', '_' or '-'"));
    }
    for (what, s) in [("rationale", &d.rationale), ("instruction", &d.instruction)] {
        if s.get_ref().trim().is_empty() {
            c.err(s.span(), format!("criterion {id}: the {what} must say something in plain words"));
        }
    }
    let kind = d.kind.as_ref().and_then(|k| {
        let parsed = ViolationKind::parse(k.get_ref());
        if parsed.is_none() {
            c.err(k.span(), format!("{:?} is not a violation kind (INTERFACES.md §4)", k.get_ref()));
        }
        parsed
    });
    let effect = match (&d.lane, d.weight) {
        (Some(l), None) => match Lane::parse(l.get_ref()) {
            Some(lane @ (Lane::Blue | Lane::Yellow | Lane::Red | Lane::Hold | Lane::Rejected)) => Effect::Lane(lane),
            _ => {
                c.err(l.span(), format!("lane {:?}: expected blue, yellow, red, hold or rejected", l.get_ref()));
                Effect::Weight(0.0)
            }
        },
        (None, Some(w)) if w.is_finite() => Effect::Weight(w),
        _ => {
            c.err(d.id.span(), format!("criterion {id}: give exactly one effect, `lane = \"…\"` or `weight = N`"));
            Effect::Weight(0.0)
        }
    };
    let percent = match &d.percent {
        Some(p) if !(0.0..=100.0).contains(p.get_ref()) => {
            c.err(p.span(), "percent is a share between 0 and 100");
            100.0
        }
        Some(p) => *p.get_ref(),
        None => 100.0,
    };

    let w = &d.when;
    let mut conditions = Vec::new();
    // `@name` expands a named list.
    let values = |c: &mut Checker, vs: &[Spanned<String>], check: &dyn Fn(&str) -> Option<String>| {
        let mut out = Vec::new();
        for v in vs {
            let s = v.get_ref().trim();
            if let Some(name) = s.strip_prefix('@') {
                match lists.get(name) {
                    Some(list) => {
                        for item in list {
                            if let Some(problem) = check(item) {
                                c.err(v.span(), format!("list {name:?}: {problem}"));
                            }
                            out.push(item.clone());
                        }
                    }
                    None => c.err(v.span(), format!("no list named {name:?} (define it under [lists])")),
                }
            } else {
                if let Some(problem) = check(s) {
                    c.err(v.span(), problem);
                }
                out.push(s.to_owned());
            }
        }
        out
    };
    let any = |_: &str| None;
    let iso2 = |s: &str| (!valid_iso2(s)).then(|| format!("{s:?} is not an ISO 3166-1 alpha-2 country code"));
    let hs = |s: &str| {
        (s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("{s:?} is not an HS code prefix (1 to 10 digits)"))
    };
    if let Some(v) = &w.get_ref().hs_prefix {
        conditions.push(Condition::HsPrefix(values(c, v, &hs)));
    }
    if let Some(v) = &w.get_ref().not_hs_prefix {
        conditions.push(Condition::NotHsPrefix(values(c, v, &hs)));
    }
    if let Some(v) = &w.get_ref().hs_parent_of {
        let codes = values(c, v, &hs);
        // Lists mix headings and lines; only codes finer than a heading can hide under a
        // declaration, which is at least a heading.
        conditions.push(Condition::HsParentOf(codes.into_iter().filter(|s| s.len() > 4).collect()));
    }
    if let Some(v) = &w.get_ref().licence {
        let states = values(c, v, &|s: &str| {
            LicenceState::parse(s).is_none().then(|| format!("{s:?}: expected missing, placeholder or given"))
        });
        conditions.push(Condition::Licence(states.iter().filter_map(|s| LicenceState::parse(s)).collect()));
    }
    if let Some(v) = &w.get_ref().name_terms {
        let terms = values(c, v, &|s: &str| s.is_empty().then(|| "an empty term matches everything".into()));
        conditions.push(Condition::NameTerms(terms.into_iter().map(|t| t.to_lowercase()).collect()));
    }
    if let Some(v) = &w.get_ref().name_only_terms {
        // Names are compared by their letters and digits only, so a term without any would be empty.
        let terms = values(c, v, &|s: &str| {
            crate::segment::reduced(s)
                .is_empty()
                .then(|| format!("{s:?} is an empty term: names are compared by their letters and digits"))
        });
        conditions.push(Condition::NameOnlyTerms(terms.into_iter().map(|t| t.to_lowercase()).collect()));
    }
    type Codes<'a> = (&'a Option<Vec<Spanned<String>>>, fn(Vec<String>) -> Condition, bool);
    let simple: [Codes; 8] = [
        (&w.get_ref().destination, Condition::Destination, true),
        (&w.get_ref().buyer_country, Condition::BuyerCountry, true),
        (&w.get_ref().ebc, Condition::Ebc, false),
        (&w.get_ref().owner, Condition::Owner, false),
        (&w.get_ref().agent, Condition::Agent, false),
        (&w.get_ref().logistics, Condition::Logistics, false),
        (&w.get_ref().platform, Condition::Platform, false),
        (&w.get_ref().trade_mode, Condition::TradeMode, false),
    ];
    for (field, make, is_country) in simple {
        if let Some(v) = field {
            let vals = if is_country { values(c, v, &iso2) } else { values(c, v, &any) };
            conditions.push(make(vals));
        }
    }
    if let Some(v) = &w.get_ref().credit {
        let classes = values(c, v, &|s: &str| {
            CreditClass::parse(s).is_none().then(|| format!("{s:?}: expected advanced, general or dishonest"))
        });
        conditions.push(Condition::Credit(classes.iter().filter_map(|s| CreditClass::parse(s)).collect()));
    }
    for (list, present) in [(&w.get_ref().present, true), (&w.get_ref().absent, false)] {
        for f in list.iter().flatten() {
            match Field::ALL.iter().find(|(n, _)| n == f.get_ref()) {
                Some((_, field)) => {
                    conditions.push(if present { Condition::Present(*field) } else { Condition::Absent(*field) })
                }
                None => c.err(
                    f.span(),
                    format!(
                        "unknown field {:?}; expected one of {}",
                        f.get_ref(),
                        Field::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ),
                ),
            }
        }
    }
    type Bands = (Option<BandDoc>, fn(Band) -> Condition, &'static str);
    let bands: [Bands; 4] = [
        (w.get_ref().value_cny, Condition::ValueCny, "value_cny"),
        (w.get_ref().unit_price_cny, Condition::UnitPriceCny, "unit_price_cny"),
        (w.get_ref().weight_kg, Condition::WeightKg, "weight_kg"),
        (w.get_ref().quantity, Condition::Quantity, "quantity"),
    ];
    for (band, make, name) in bands {
        if let Some(b) = band {
            if let (Some(lo), Some(hi)) = (b.min, b.max)
                && lo >= hi
            {
                c.err(w.span(), format!("criterion {id}: {name} band has min {lo} >= max {hi}"));
            }
            if b.min.is_none() && b.max.is_none() {
                c.err(w.span(), format!("criterion {id}: {name} band needs min or max"));
            }
            conditions.push(make(Band { min: b.min, max: b.max }));
        }
    }
    if let Some(b) = w.get_ref().buyer_country_differs {
        conditions.push(Condition::BuyerCountryDiffers(b));
    }
    if conditions.is_empty() {
        c.err(w.span(), format!("criterion {id}: `when` has no condition; it would match every parcel"));
    }
    (c.errors.len() == before).then(|| Criterion {
        id,
        rationale: d.rationale.get_ref().trim().to_owned(),
        instruction: d.instruction.get_ref().trim().to_owned(),
        kind,
        effect,
        percent,
        max_hits_without_selection: d.max_hits_without_selection,
        conditions,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("商品\nx", 7), (2, 1));
        assert_eq!(line_col("", 0), (1, 1));
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(parse_date("2025-08-29"), Some(20250829));
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("20250829"), None);
    }
}
