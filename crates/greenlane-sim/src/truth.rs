//! The known truth about each simulated parcel (`truth.jsonl`): its keys, what is wrong with it
//! (the violation kinds of INTERFACES.md §4), how hard that is to see, and the honest
//! confounders that make a clean parcel look suspicious. Violation kinds are greenlane-core's,
//! the contract's own list.

use crate::SimError;
pub use greenlane_core::ViolationKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::str::FromStr;

/// The share of parcels the simulator gives a violation kind (before repeat offenders are
/// weighted in, which moves violations between exporters but not the overall share). Together
/// about 4 % of parcels: inspection rates of a few percent (risk-and-screening.md §1.5) only
/// make sense if violations are a small minority.
pub fn prevalence(kind: ViolationKind) -> f64 {
    match kind {
        ViolationKind::Undervaluation => 0.009,
        ViolationKind::Misclassification => 0.005,
        ViolationKind::ProhibitedGoods => 0.001,
        ViolationKind::LicenseMissing => 0.0015,
        ViolationKind::SanctionedParty => 0.0012,
        ViolationKind::DocumentMismatch => 0.004,
        ViolationKind::WeightMismatch => 0.004,
        ViolationKind::SplitShipment => 0.005,
        ViolationKind::Counterfeit => 0.006,
        ViolationKind::Other => 0.0025,
    }
}

/// How hard a violation is to see from the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subtlety {
    /// A rule on one field catches it (an exact listed name, a price at 5 % of normal).
    Obvious,
    /// Needs a comparison or a tolerance (a transliterated name, a price at a quarter of normal).
    Moderate,
    /// Close to legitimate traffic (a typo in a reordered name, a price at half of normal).
    Subtle,
}

/// Why a clean parcel may look suspicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confounder {
    /// Sold well below the product's usual price (a clearance sale), declared truthfully.
    CheapGoods,
    /// Legitimately heavy goods (cast iron, furniture, bicycles).
    HeavyGoods,
    /// A real brand at a real price, from a seller authorised for the brand.
    RealBrand,
    /// Export-controlled goods declared with their licence number.
    LicensedControlled,
    /// A buyer whose name shares words with a listed name but is someone else.
    NameResemblesListed,
    /// The exporter's first day on the hub.
    FirstTimeExporter,
    /// One buyer, several honest parcels the same day (a regular customer, not a split
    /// consignment: ordinary values, different goods).
    RepeatBuyer,
    /// An accessory that names a brand it fits ("适用于苹果 iPhone 15 手机壳"), at an accessory's
    /// price: a brand word, cheap, not counterfeit.
    CompatibleAccessory,
    /// Lithium batteries (power banks, cells) declared under their right code.
    LithiumBattery,
    /// Goods declared at 4,000–5,000 CNY, just under the RMB 5,000 per parcel of the 9610
    /// simplified declaration.
    NearValueLimit,
}

impl Confounder {
    /// Whether the confounder shows in the buyer block, which its order must then carry.
    pub(crate) fn needs_buyer(self) -> bool {
        matches!(self, Confounder::NameResemblesListed | Confounder::RepeatBuyer)
    }
}

/// What the truth knows about the exporter (the e-commerce enterprise, ebc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExporterProfile {
    /// Violates several times as often as the rest.
    pub repeat_offender: bool,
    /// Seen for the first time today.
    pub first_time: bool,
    /// Brands the exporter is an authorised seller of.
    pub authorized_brands: Vec<String>,
}

/// One line of `truth.jsonl`: one parcel (one declaration list with its order and waybill).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TruthRecord {
    pub cop_no: String,
    pub ebc_code: String,
    pub order_no: String,
    pub ebp_code: String,
    /// The marketplace the order came from (`Amazon`, `AliExpress`, `Temu`…); empty when
    /// reading a truth file written before the field existed.
    #[serde(default)]
    pub platform: String,
    pub logistics_no: String,
    pub logistics_code: String,
    /// Empty for a clean parcel; otherwise one or more kinds of INTERFACES.md §4.
    pub violations: Vec<ViolationKind>,
    /// `None` for a clean parcel.
    pub subtlety: Option<Subtlety>,
    /// `None` unless the parcel is clean but looks suspicious, and why.
    pub confounder: Option<Confounder>,
    /// The destination country, ISO 3166-1 alpha-2 (the list's `country`).
    pub destination: String,
    /// The buyer's country, ISO 3166-1 alpha-2 (differs from `destination` only for some
    /// violations of kind `other`).
    pub buyer_country: String,
    /// The goods value the list declares, in CNY, as a decimal string.
    pub value_cny: String,
    /// What the goods are really worth, in CNY (differs from `value_cny` when undervalued or
    /// counterfeit).
    pub market_value_cny: String,
    /// The HS code of the list's first goods line as declared (10 digits).
    pub hs_code: String,
    /// The HS code the first line's goods truly belong under.
    pub true_hs_code: String,
    /// The list's `appTime` (`YYYYMMDDhhmmss`, China Standard Time).
    pub app_time: String,
    /// Parcels of one split consignment share this id.
    pub split_group: Option<String>,
    pub exporter: ExporterProfile,
    /// The catalogue key of the first goods line's product (`data/products.csv`); empty when
    /// reading a truth file written before the field existed.
    #[serde(default)]
    pub product: String,
    /// Whether that product is held out: used to judge an engine, never to tune one.
    #[serde(default)]
    pub held_out: bool,
}

impl TruthRecord {
    /// `value_cny` as a decimal.
    pub fn value(&self) -> Decimal {
        Decimal::from_str(&self.value_cny).unwrap_or_default()
    }

    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Writes records as JSON lines, one per parcel.
pub fn write_truth(records: &[TruthRecord], mut out: impl Write) -> Result<(), SimError> {
    for r in records {
        serde_json::to_writer(&mut out, r).map_err(|e| SimError::Io(std::io::Error::other(e)))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Reads `truth.jsonl` back.
pub fn read_truth(input: impl BufRead) -> Result<Vec<TruthRecord>, SimError> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| SimError::Truth { line: i + 1, message: e.to_string() })?);
    }
    Ok(out)
}
