//! Deterministic simulated CBEC export traffic from Shenzhen, as CEB XML messages, with the
//! known truth about every parcel.
//!
//! # Brief overview
//!
//! [`generate`] plans a day of parcels from a [`SimConfig`] (parcel count, seed, day) and returns
//! a [`Simulation`]: the [`TruthRecord`] of every parcel, and the messages in arrival order,
//! rendered on demand (so 200,000 parcels never sit in memory as XML). [`write_to_dir`] writes
//! them as `greenlane simulate` does (INTERFACES.md §1):
//!
//! ```text
//! DIR/messages/000000001-CEB303.xml   orders, with the buyer block (INTERFACES.md §5)
//! DIR/messages/000000002-CEB505.xml   waybills
//! DIR/messages/000000003-CEB603.xml   declaration lists
//! DIR/messages/…-CEB403.xml           payment receipts, for some parcels
//! DIR/truth.jsonl                     one TruthRecord per parcel
//! ```
//!
//! The same seed gives the same bytes: one ChaCha stream seeded from [`SimConfig::seed`], no
//! hash-map iteration in anything written, no wall clock. Every message validates against the
//! official 2018 XSD and reads back under greenlane-ceb's strict profile.
//!
//! ```
//! let config = greenlane_sim::SimConfig { parcels: 300, seed: 7, ..Default::default() };
//! let sim = greenlane_sim::generate(&config).unwrap();
//! assert_eq!(sim.truth().len(), 300);
//! for message in sim.messages() {
//!     greenlane_ceb::read(&message.bytes).unwrap();
//! }
//! ```
//!
//! # What the traffic looks like
//!
//! - **Parties.** Platforms (Amazon, AliExpress, Temu, SHEIN, TikTok Shop, Shopee, Lazada, Ozon,
//!   Mercado Libre, Jumia, eBay, Wildberries; eBay and Wildberries send no buyer block), a
//!   Zipf-skewed population of Shenzhen exporters (about one per 300 parcels, 8 % first-time, 5 %
//!   repeat offenders who violate six times as often, a few authorised sellers of real brands),
//!   eight logistics firms with their waybill formats and export ports, declaration agents who
//!   file the lists, payment firms. Codes are 10-character customs codes or 18-character unified
//!   social credit codes with valid check characters.
//! - **Goods.** 303 product types on real HS 2022 subheadings of all 21 sections, extended to 10
//!   digits, with Chinese names, units, log-normal prices and weights (`data/products.csv`);
//!   exporters specialise, so apparel, shoes and bags stay a third and electronics a quarter
//!   (GACC 2022 mix); destinations drawn by China's CBEC export shares (US 34 %, UK 8 %, DE 6 %,
//!   FR 4.5 %…), then a platform that sells there. About a quarter of the products are *held
//!   out* (`heldout`, by a fixed hash of the key): an engine is judged on them, never tuned on
//!   them; the truth names each parcel's product and whether it is held out.
//! - **Honest noise** ([`HonestNoise`], [`SimConfig::noise`], on by default): the waybill's
//!   gross weight is what the carrier's scale showed (the list's weight × (1 + e), e normal with
//!   sd 2 % clipped to ±5 %, plus up to 50 g of packaging, on a 10 g scale or for a quarter of
//!   parcels a 50/100 g one); some orders are priced to 3–4 decimals and their lists rounded;
//!   Amazon, eBay, AliExpress, Ozon and Wildberries orders are often in the buyer's currency
//!   (USD 502, EUR 300, GBP 303, JPY 116, CAD 501, AUD 601, RUB 332) while the list declares CNY
//!   at the platform's day rate, within ±1.5 % of the customs monthly rate ([`customs_rates`],
//!   approximations for November 2026); free-shipping lists declare freight 0; some orders fold
//!   shipping into `goodsValue`; some orders count sets where the list counts pieces; some
//!   orders come without the buyer block, some lists without `itemName`; some valuable parcels
//!   carry declared-value insurance on waybill and list alike. The noise draws from
//!   its own stream after planning: a parcel's truth is the same at every noise level.
//! - **Time.** Orders follow a diurnal curve (CST); waybills follow within 1.5 h, lists within
//!   3 h, but 12 % of lists arrive before their order and some waybills after their list. Each
//!   sender batches up to [`SimConfig::max_batch`] entities per message and flushes every 10
//!   minutes; [`SimConfig::envelope_share`] of messages come inside a `dxp:DxpMsg` envelope.
//! - **Violations.** Every kind of INTERFACES.md §4 at its own prevalence
//!   ([`prevalence`], about 4 % of parcels in all), each obvious, moderate or
//!   subtle ([`Subtlety`]); clean parcels include honest [`Confounder`]s (about 5 % of
//!   parcels, plus first-time exporters' ~1 %): clearance sales, heavy goods, genuine brands
//!   from authorised sellers, licensed controlled goods, names resembling a listed one, repeat
//!   buyers, compatible accessories ("适用于苹果iPhone 15手机壳"), declared lithium batteries,
//!   parcels at 4,000–5,000 CNY.
//!
//! # `truth.jsonl`
//!
//! One JSON object per line, one line per parcel, in the order the parcels were planned (not
//! arrival order). Fields ([`TruthRecord`], camelCase):
//!
//! | field | meaning |
//! | --- | --- |
//! | `copNo`, `ebcCode` | the declaration list's key (what `GET /api/v1/inventories/{copNo}?ebcCode=` takes) |
//! | `orderNo`, `ebpCode` | the order's key |
//! | `platform` | the marketplace: `Amazon`, `AliExpress`, `Temu`, `SHEIN`, `TikTok Shop`, `Shopee`, `Lazada`, `Ozon`, `Mercado Libre`, `Jumia`, `eBay`, `Wildberries` |
//! | `logisticsNo`, `logisticsCode` | the waybill's key |
//! | `violations` | `[]` when clean; else kinds of INTERFACES.md §4, e.g. `["undervaluation"]` |
//! | `subtlety` | `null` when clean; `"obvious"`, `"moderate"` or `"subtle"` |
//! | `confounder` | `null`, or why a clean parcel looks suspicious: `"cheap_goods"`, `"heavy_goods"`, `"real_brand"`, `"licensed_controlled"`, `"name_resembles_listed"`, `"first_time_exporter"`, `"repeat_buyer"`, `"compatible_accessory"`, `"lithium_battery"`, `"near_value_limit"` |
//! | `destination`, `buyerCountry` | ISO 3166-1 alpha-2 |
//! | `valueCny`, `marketValueCny` | the goods value the list declares (CNY, after any conversion from the order's currency) and what such goods usually cost, decimal strings |
//! | `hsCode`, `trueHsCode` | the first goods line's declared and true 10-digit code |
//! | `appTime` | the list's `appTime`, `YYYYMMDDhhmmss` CST |
//! | `splitGroup` | shared by the parcels of one split consignment, else `null` |
//! | `exporter` | `{"repeatOffender", "firstTime", "authorizedBrands"}` |
//! | `product` | the catalogue key of the first goods line's product (`data/products.csv`, e.g. `"phonecase"`) |
//! | `heldOut` | whether that product is held out: judge on it, never tune on it |
//!
//! How each violation shows in the messages:
//!
//! | kind | in the messages | obvious → subtle |
//! | --- | --- | --- |
//! | `undervaluation` | order and list agree on a price far below the product's usual one | 4–12 % → 35–50 % of it |
//! | `misclassification` | the list's `gcode` belongs to other goods than the item name | another product family → same HS chapter |
//! | `prohibited_goods` | CITES goods (ivory, rhino horn, pangolin scales, musk, wild agarwood, rosewood), arms parts, cartridges, imitation guns, controlled knives, fireworks, detonators, narcotics-class drugs (poppy straw, tramadol, ketamine), charcoal, antiques, ephedra | named plainly → a euphemism ("工艺品摆件", "中药材", "五金配件") → a euphemism under an innocuous code (then also `misclassification`) |
//! | `license_missing` | export-controlled goods (drones, UAV parts, infrared cameras, inertial measurement units, precursors such as phenylacetone, 4-piperidone, acetic anhydride, potassium permanganate; graphite, gallium, germanium, antimony, rare earths) without a licence: `licenseNo` empty or a placeholder (`N/A`, `000000`, `无`, `NA`, the list's own copNo), sometimes declared under the 4-digit heading padded with zeros (`8806000000`) | bulk → a euphemism ("金属样品", "化工原料") |
//! | `sanctioned_party` | the buyer block names a listed person or entity (`data/sanctioned_names.csv`) | the listed spelling → reordered, transliterated, mistyped |
//! | `document_mismatch` | the list disagrees with its order | price cut by half → a few cents |
//! | `weight_mismatch` | the list's gross weight is below the waybill's scale weight | a fifth → 90–96 % of it (the subtle ones hide inside honest scale error) |
//! | `split_shipment` | one buyer and exporter, several parcels the same day each under the destination's de minimis, together over it | 5–6 identical parcels within 45 min → 2–3 different ones over 10 h |
//! | `counterfeit` | a brand name (48 brands in `data/brands.csv`: LEGO, Swarovski, Cartier, Rolex, Hermès, Stanley…) at an implausible price from a seller not authorised for it | 2–6 % → 30–50 % of the genuine price |
//! | `other` | the buyer lives in another country than the list's destination | an embargoed country → a neighbour |
//!
//! Clean parcels are consistent across order, list and waybill up to the honest noise: the same
//! items and packages; quantities equal, or sets on the order and their pieces on the list;
//! line totals equal in CNY, or the order's converted at a day rate within
//! [`HonestNoise::rate_spread`] of [`customs_rate`]; CNY unit prices within half a cent (per
//! piece when the order counts sets); gross weights within [`HonestNoise::max_weight_gap`];
//! a `goodsValue` that is the lines' sum, or
//! that sum plus the shipping the list declares as freight. A payment receipt, when there is
//! one, charges the order's goods value plus freight in the order's currency. With
//! [`HonestNoise::off`] the documents agree to the last digit. Parcels of kind
//! `document_mismatch` keep their prices free of noise, so their disagreement stays one.
//!
//! # Perturbations
//!
//! [`perturb::perturb`] changes a day only in ways that leave every parcel's truth as it is
//! (scale error on waybill weights, rounding and currency differences between documents,
//! dropped optional blocks, another arrival order, other XML styles; each a [`perturb::Kind`]
//! with its magnitude documented), so that robustness is measured, not assumed: a day and its
//! perturbed copy should get the same release rate and recall (`greenlane perturb`).

pub mod arrivals;
mod clock;
mod data;
mod names;
mod noise;
pub mod perturb;
mod plan;
mod population;
mod random;
mod render;
mod truth;

pub use greenlane_ceb::MessageType;
pub use noise::{CustomsRate, HonestNoise, RATES_MONTH, customs_rate, customs_rates};
pub use population::uscc_is_valid;
pub use truth::{
    Confounder, ExporterProfile, Subtlety, TruthRecord, ViolationKind, prevalence, read_truth, write_truth,
};

use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use time::Date;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Parcels (declaration lists) in the day.
    pub parcels: usize,
    pub seed: u64,
    /// The simulated day; every `appTime` falls on it (payment accounting dates may fall on the
    /// day before). Default 2026-11-11, Double 11.
    pub day: Date,
    /// Entities per message at most (1–100; platforms batch up to the schema's 100).
    pub max_batch: usize,
    /// Share of messages sent inside a DXP envelope.
    pub envelope_share: f64,
    /// Share of parcels whose platform also sends a CEB403 payment receipt (optional since
    /// GACC Ann. 2024 No.167).
    pub payment_share: f64,
    /// The honest disagreements between a parcel's documents ([`HonestNoise`]); on by default,
    /// [`HonestNoise::off`] for documents that agree to the last digit.
    pub noise: HonestNoise,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            parcels: 10_000,
            seed: 1,
            day: time::macros::date!(2026 - 11 - 11),
            max_batch: 100,
            envelope_share: 0.15,
            payment_share: 0.2,
            noise: HonestNoise::default(),
        }
    }
}

impl SimConfig {
    fn check(&self) -> Result<(), SimError> {
        if !(1..=100).contains(&self.max_batch) {
            return Err(SimError::Config(format!("max_batch is {}; the schema allows 1 to 100", self.max_batch)));
        }
        for (name, share) in [("envelope_share", self.envelope_share), ("payment_share", self.payment_share)] {
            if !(0.0..=1.0).contains(&share) {
                return Err(SimError::Config(format!("{name} is {share}; expected a share between 0 and 1")));
            }
        }
        noise::check(&self.noise).map_err(SimError::Config)?;
        if self.parcels > 10_000_000 {
            return Err(SimError::Config(format!("{} parcels is more than a day of 10 million", self.parcels)));
        }
        Ok(())
    }

    /// `YYYYMMDD` of the day.
    pub(crate) fn day_stamp(&self) -> String {
        clock::stamp(self.day, 0)[..8].to_owned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid simulation config: {0}")]
    Config(String),
    /// An embedded calibration table is broken (a bug caught by the crate's tests).
    #[error("simulator data: {0}")]
    Data(String),
    #[error("{path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0} already holds messages; simulate into an empty folder")]
    NotEmpty(PathBuf),
    #[error("truth.jsonl line {line}: {message}")]
    Truth { line: usize, message: String },
}

/// One message file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimMessage {
    /// Position in arrival order, from 0.
    pub index: usize,
    /// `000000001-CEB303.xml`: the 1-based position and the message type.
    pub file_name: String,
    pub message_type: MessageType,
    /// When the sender pushed it, `YYYYMMDDhhmmss` CST (the latest `appTime` inside, plus a
    /// few seconds).
    pub sent_at: String,
    /// The sender's enterprise code (its `BaseTransfer/copCode`).
    pub sender_code: String,
    /// Orders, receipts, waybills or lists inside.
    pub entities: usize,
    pub enveloped: bool,
    /// UTF-8 XML, as it would be POSTed.
    pub bytes: Vec<u8>,
}

/// Counts of a simulation, for a command's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub parcels: usize,
    pub messages: usize,
    /// Messages per type code (`CEB303`…).
    pub messages_by_type: BTreeMap<String, usize>,
    pub enveloped: usize,
    pub violating_parcels: usize,
    pub parcels_by_violation: BTreeMap<String, usize>,
    pub parcels_by_confounder: BTreeMap<String, usize>,
    /// Bytes of message files written (0 from [`Simulation::summary`]).
    pub bytes_written: u64,
}

/// A planned day: the truth, and the messages in arrival order.
#[derive(Debug)]
pub struct Simulation {
    config: SimConfig,
    catalog: &'static data::Catalog,
    population: population::Population,
    parcels: Vec<plan::Parcel>,
    batches: Vec<render::Batch>,
    truth: Vec<TruthRecord>,
}

/// Plans the day described by `config`. Takes well under a second per 100,000 parcels; the
/// XML is written later, message by message.
pub fn generate(config: &SimConfig) -> Result<Simulation, SimError> {
    config.check()?;
    let catalog = data::catalog()?;
    let mut rng = random::Stream::new(config.seed, 0);
    let population = population::Population::new(catalog, config.parcels, &mut rng);
    let mut parcels = plan::Planner::new(catalog, &population, config).run();
    noise::apply(&config.noise, &mut parcels, catalog, &population, config.seed);
    let batches = render::schedule(&parcels, config);
    let truth = parcels.iter().map(|p| plan::truth(p, &population, catalog, config)).collect();
    Ok(Simulation { config: config.clone(), catalog, population, parcels, batches, truth })
}

impl Simulation {
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// One record per parcel, in planning order.
    pub fn truth(&self) -> &[TruthRecord] {
        &self.truth
    }

    /// How many messages [`Simulation::messages`] yields.
    pub fn message_count(&self) -> usize {
        self.batches.len()
    }

    /// When message `index` was sent (`YYYYMMDDhhmmss` CST, as its `sent_at`), without
    /// rendering it: what interleaves other traffic (the warehouse's arrivals) with the day's.
    ///
    /// # Panics
    /// If `index >= message_count()`.
    pub fn sent_at(&self, index: usize) -> String {
        clock::stamp(self.config.day, self.batches[index].sent)
    }

    /// Message `index` (0-based arrival order), rendered now. Rendering is pure: callers may
    /// render different indexes on different threads.
    ///
    /// # Panics
    /// If `index >= message_count()`.
    pub fn message(&self, index: usize) -> SimMessage {
        self.renderer().render(index, &self.batches[index])
    }

    /// The messages in arrival order, each rendered when the iterator reaches it.
    pub fn messages(&self) -> impl ExactSizeIterator<Item = SimMessage> + '_ {
        (0..self.batches.len()).map(|i| self.message(i))
    }

    /// The typed message at `index`, before it is written (no envelope).
    pub fn ceb_message(&self, index: usize) -> greenlane_ceb::Message {
        self.renderer().message(&self.batches[index])
    }

    fn renderer(&self) -> render::Renderer<'_> {
        render::Renderer {
            config: &self.config,
            catalog: self.catalog,
            population: &self.population,
            parcels: &self.parcels,
        }
    }

    pub fn summary(&self) -> Summary {
        let mut messages_by_type = BTreeMap::new();
        for b in &self.batches {
            *messages_by_type.entry(b.kind.message_type().code().to_owned()).or_insert(0) += 1;
        }
        let mut parcels_by_violation = BTreeMap::new();
        let mut parcels_by_confounder = BTreeMap::new();
        for t in &self.truth {
            for v in &t.violations {
                *parcels_by_violation.entry(v.as_str().to_owned()).or_insert(0) += 1;
            }
            if let Some(c) = t.confounder {
                let name = serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                *parcels_by_confounder.entry(name).or_insert(0) += 1;
            }
        }
        Summary {
            parcels: self.truth.len(),
            messages: self.batches.len(),
            messages_by_type,
            enveloped: self.batches.iter().filter(|b| b.enveloped).count(),
            violating_parcels: self.truth.iter().filter(|t| !t.is_clean()).count(),
            parcels_by_violation,
            parcels_by_confounder,
            bytes_written: 0,
        }
    }

    /// Writes `truth.jsonl`'s content.
    pub fn write_truth(&self, out: impl std::io::Write) -> Result<(), SimError> {
        write_truth(&self.truth, out)
    }
}

/// Generates the day and writes `out_dir/messages/*.xml` and `out_dir/truth.jsonl`, calling
/// `progress(done, total)` after each message. `out_dir` is created if needed; its `messages`
/// folder must be empty or absent, so that an old run's files cannot mix with this one's.
pub fn write_to_dir(
    config: &SimConfig,
    out_dir: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<Summary, SimError> {
    let sim = generate(config)?;
    let messages_dir = out_dir.join("messages");
    let file_err = |path: &Path| {
        let path = path.to_owned();
        move |source| SimError::File { path, source }
    };
    if messages_dir.exists() {
        let mut entries = std::fs::read_dir(&messages_dir).map_err(file_err(&messages_dir))?;
        if entries.next().is_some() {
            return Err(SimError::NotEmpty(messages_dir));
        }
    }
    std::fs::create_dir_all(&messages_dir).map_err(file_err(&messages_dir))?;
    let total = sim.message_count();
    let mut bytes_written = 0u64;
    // Rendering is pure, so chunks render on all cores while files are written in order.
    const CHUNK: usize = 64;
    for start in (0..total).step_by(CHUNK) {
        let rendered: Vec<SimMessage> =
            (start..(start + CHUNK).min(total)).into_par_iter().map(|i| sim.message(i)).collect();
        for message in rendered {
            let path = messages_dir.join(&message.file_name);
            std::fs::write(&path, &message.bytes).map_err(file_err(&path))?;
            bytes_written += message.bytes.len() as u64;
            progress(message.index + 1, total);
        }
    }
    let truth_path = out_dir.join("truth.jsonl");
    let file = std::fs::File::create(&truth_path).map_err(file_err(&truth_path))?;
    let mut out = std::io::BufWriter::new(file);
    sim.write_truth(&mut out)?;
    out.flush().map_err(file_err(&truth_path))?;
    let mut summary = sim.summary();
    summary.bytes_written = bytes_written;
    Ok(summary)
}
