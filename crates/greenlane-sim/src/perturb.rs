//! Perturbations of a simulated day that leave every parcel's truth as it is: scale error on
//! waybill weights, rounding and currency differences between documents, dropped optional
//! blocks, another arrival order and other XML styles. They measure how much greenlane's
//! decisions depend on things that should not matter.
//!
//! Every choice comes from a seeded ChaCha stream keyed by the kind and the parcel (or message),
//! so the same seed gives the same bytes, and a parcel's order, list and payment see the same
//! draws in whatever order they are processed.

use crate::random::Stream;
use crate::truth::{TruthRecord, ViolationKind};
use greenlane_ceb::{DxpEnvelope, ExtendPayload, Message, MessageType, Parsed, export};
use greenlane_core::MessageTime;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

/// One kind of perturbation. Each is selectable on its own; [`Kind::ALL`] applies them in this
/// order (typed changes first, then arrival order, then the bytes' style).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The waybill's `grossWeight` moved by scale error: a relative error uniform in ±3 %,
    /// rounded to 10 g, never more than ±5 % from the original (a waybill where rounding would
    /// go further is left as it is). Not on `weight_mismatch` parcels, whose truth is the
    /// weight.
    Weights,
    /// On half the parcels, one document carries unit prices with a third decimal (the
    /// other's two-decimal price plus up to ±0.004) and totals rounded to 3 decimals, the other
    /// keeps 2: the order's (or the list's) lines and `goodsValue` stay consistent, the payment's
    /// `charge` follows the order. Not on `document_mismatch` parcels, whose truth may be a
    /// difference of a few cents.
    Rounding,
    /// On 30 % of parcels, the order (or, one time in two, the list) re-expressed in USD (502)
    /// or EUR (300) at one day rate within ±1.5% of the simulated month's customs rate,
    /// amounts rounded to 2 decimals: lines, `goodsValue`, freight, and the payment's `charge`
    /// and currency with the order. Not on `document_mismatch` parcels.
    Currency,
    /// Optional content left out: the buyer of 10 % of orders (greenlane's buyer block,
    /// INTERFACES.md §5; a block left empty is dropped) but not on parcels whose truth rests on
    /// the buyer (`sanctioned_party`, `other`, `split_shipment`); half of the payment receipts
    /// (a CEB403 left empty is not sent); on half of the parcels the optional fields the
    /// decision needs not (order lines' `barCode`, the list lines' `itemName`, the waybill's
    /// `ebcCode`/`ebcName`, the receipt's `payCode`/`payNo`).
    OptionalBlocks,
    /// Another arrival order: each message is delayed by up to 30 minutes of message time and
    /// the day re-sorted, a change or cancellation always after the message with its new.
    Reorder,
    /// The same content in other XML styles, chosen per message: compact or two-space indents,
    /// CRLF line ends, comments, another namespace prefix or the default namespace,
    /// `<x></x>` against `<x/>`, single-quoted attributes, no or another XML declaration, a
    /// BOM, and the DXP envelope added or taken away.
    XmlStyle,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Weights, Kind::Rounding, Kind::Currency, Kind::OptionalBlocks, Kind::Reorder, Kind::XmlStyle];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Weights => "weights",
            Kind::Rounding => "rounding",
            Kind::Currency => "currency",
            Kind::OptionalBlocks => "optional_blocks",
            Kind::Reorder => "reorder",
            Kind::XmlStyle => "xml_style",
        }
    }

    /// Keeps each kind's draws apart from the others' and from the simulator's own streams.
    fn purpose(self, n: u64) -> u64 {
        const PERTURB: u64 = 0x7065_7274 << 32;
        PERTURB ^ ((self as u64 + 1) << 56) ^ n
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = PerturbError;

    fn from_str(s: &str) -> Result<Kind, PerturbError> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| PerturbError::UnknownKind(s.to_owned()))
    }
}

/// The share of orders whose buyer [`Kind::OptionalBlocks`] leaves out. Kept small because a
/// buyer is information, not noise: without it the screener's false holds on look-alike names
/// go away, which frees the risk engine's intervention budget (`governor.capacity`) for other
/// parcels; at 25 % that alone moved recall on a 3,000-parcel day by 3 points.
const BUYER_DROP_SHARE: f64 = 0.10;

/// Parses `weights,rounding,…`.
pub fn parse_kinds(list: &str) -> Result<Vec<Kind>, PerturbError> {
    list.split(',').filter(|s| !s.trim().is_empty()).map(Kind::from_str).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PerturbError {
    #[error(
        "unknown perturbation {0:?}; expected one of weights, rounding, currency, optional_blocks, reorder, xml_style"
    )]
    UnknownKind(String),
    #[error("message {index} does not read: {source}")]
    Read { index: usize, source: Box<greenlane_ceb::ReadError> },
    #[error("message {index} cannot be written back: {source}")]
    Write { index: usize, source: greenlane_ceb::WriteError },
}

/// What to perturb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub kinds: Vec<Kind>,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options { kinds: Kind::ALL.to_vec(), seed: 1 }
    }
}

impl Options {
    fn has(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// One message of the perturbed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerturbedMessage {
    /// Its position in the input (0-based).
    pub original_index: usize,
    pub message_type: MessageType,
    pub bytes: Vec<u8>,
}

/// The perturbed day: its messages in their new arrival order, and what was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Perturbed {
    pub messages: Vec<PerturbedMessage>,
    /// Counts of what changed, by `kind.what` (`weights.waybills`, `optional_blocks.buyers`…).
    pub changes: BTreeMap<String, usize>,
}

/// Perturbs a day: `messages` in arrival order as their bytes, `truth` the day's truth.
/// `progress` is called once per message processed (from several threads).
pub fn perturb(
    messages: &[Vec<u8>],
    truth: &[TruthRecord],
    options: &Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Perturbed, PerturbError> {
    let index = TruthIndex::new(truth);
    let rates = Rates::of_day(options.seed);
    let cx = Cx { options, index: &index, rates };
    let parse =
        |i: usize| greenlane_ceb::read(&messages[i]).map_err(|e| PerturbError::Read { index: i, source: Box::new(e) });
    // Payments follow their order's amounts, so they wait until every order is done.
    let first: Vec<Step> = (0..messages.len())
        .into_par_iter()
        .map(|i| {
            let mut parsed = parse(i)?;
            if parsed.message.message_type() == MessageType::Ceb403 {
                return Ok(Step::Payment(i, Box::new(parsed)));
            }
            let mut changes = Changes::default();
            let amounts = cx.typed(&mut parsed.message, &mut changes, None);
            progress();
            Ok(Step::Done(i, cx.finish(i, &messages[i], parsed, changes)?, amounts))
        })
        .collect::<Result<_, PerturbError>>()?;
    let mut slots: Vec<Option<Done>> = vec![None; messages.len()];
    let mut orders: HashMap<(String, String), OrderAmounts> = HashMap::new();
    let mut payments = Vec::new();
    for step in first {
        match step {
            Step::Done(i, done, amounts) => {
                slots[i] = Some(done);
                orders.extend(amounts);
            }
            Step::Payment(i, parsed) => payments.push((i, parsed)),
        }
    }
    let second: Vec<(usize, Done)> = payments
        .into_par_iter()
        .map(|(i, mut parsed)| {
            let mut changes = Changes::default();
            cx.typed(&mut parsed.message, &mut changes, Some(&orders));
            progress();
            Ok((i, cx.finish(i, &messages[i], *parsed, changes)?))
        })
        .collect::<Result<_, PerturbError>>()?;
    for (i, done) in second {
        slots[i] = Some(done);
    }
    let mut changes: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(slots.len());
    for (i, slot) in slots.into_iter().enumerate() {
        let done = slot.expect("every message is processed");
        for (what, n) in &done.changes.0 {
            *changes.entry((*what).to_owned()).or_default() += n;
        }
        if done.bytes.is_some() {
            kept.push((i, done));
        }
    }
    let mut order: Vec<usize> = (0..kept.len()).collect();
    if options.has(Kind::Reorder) {
        let keys = reorder_keys(&kept, options.seed);
        order.sort_by_key(|&k| (keys[k], k));
        let moved = order.iter().enumerate().filter(|(pos, k)| *pos != **k).count();
        changes.insert("reorder.messages_moved".into(), moved);
    }
    let mut kept: Vec<Option<(usize, Done)>> = kept.into_iter().map(Some).collect();
    let messages = order
        .into_iter()
        .map(|k| {
            let (original_index, done) = kept[k].take().expect("each message once");
            let bytes = done.bytes.expect("kept messages have bytes");
            PerturbedMessage { original_index, message_type: done.message_type, bytes }
        })
        .collect();
    Ok(Perturbed { messages, changes })
}

enum Step {
    Done(usize, Done, Vec<((String, String), OrderAmounts)>),
    Payment(usize, Box<Parsed>),
}

/// An order's amounts before and after, for its payment receipt.
#[derive(Debug, Clone)]
struct OrderAmounts {
    old_goods: Decimal,
    old_freight: Decimal,
    goods: Decimal,
    freight: Decimal,
    currency: String,
}

#[derive(Debug, Clone)]
struct Done {
    message_type: MessageType,
    /// `None`: every entity was dropped, the message is not sent.
    bytes: Option<Vec<u8>>,
    /// Message time (seconds), for reordering.
    time: Option<i64>,
    /// The entity keys of changes and cancellations (appType 2, 3) and of news, for keeping a
    /// change after its new.
    entities: Vec<(String, bool)>,
    changes: Changes,
}

#[derive(Debug, Clone, Default)]
struct Changes(BTreeMap<&'static str, usize>);

impl Changes {
    fn note(&mut self, what: &'static str) {
        *self.0.entry(what).or_default() += 1;
    }
    fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Finds a parcel's truth from any of its documents' keys.
struct TruthIndex<'a> {
    truth: &'a [TruthRecord],
    orders: HashMap<(&'a str, &'a str), usize>,
    waybills: HashMap<(&'a str, &'a str), usize>,
    lists: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> TruthIndex<'a> {
    fn new(truth: &'a [TruthRecord]) -> Self {
        let mut index = TruthIndex { truth, orders: HashMap::new(), waybills: HashMap::new(), lists: HashMap::new() };
        for (i, t) in truth.iter().enumerate() {
            index.orders.insert((&t.ebp_code, &t.order_no), i);
            index.waybills.insert((&t.logistics_code, &t.logistics_no), i);
            index.lists.insert((&t.ebc_code, &t.cop_no), i);
        }
        index
    }

    fn order(&self, ebp: &str, no: &str) -> Option<usize> {
        self.orders.get(&(ebp, no)).copied()
    }
    fn waybill(&self, code: &str, no: &str) -> Option<usize> {
        self.waybills.get(&(code, no)).copied()
    }
    fn list(&self, ebc: &str, cop: &str) -> Option<usize> {
        self.lists.get(&(ebc, cop)).copied()
    }
    fn has(&self, parcel: usize, kinds: &[ViolationKind]) -> bool {
        self.truth[parcel].violations.iter().any(|v| kinds.contains(v))
    }
}

/// The day's exchange rates, CNY per unit.
#[derive(Debug, Clone, Copy)]
struct Rates {
    usd: Decimal,
    eur: Decimal,
}

impl Rates {
    /// A platform's day rate: the simulated month's customs rate moved by up to ±1.5%.
    fn of_day(seed: u64) -> Rates {
        let mut rng = Stream::new(seed, Kind::Currency.purpose(u64::MAX >> 8));
        let mut around = |code: &str| {
            let customs = crate::customs_rate(code).unwrap_or(Decimal::ONE);
            (customs * Decimal::new(9_850 + rng.below(0, 301) as i64, 4)).round_dp(4)
        };
        let usd = around("502");
        let eur = around("300");
        Rates { usd, eur }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Order,
    List,
}

/// A parcel's currency change: which document, into what, at what rate.
#[derive(Debug, Clone, Copy)]
struct Conversion {
    side: Side,
    code: &'static str,
    rate: Decimal,
}

fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

fn at_scale(value: Decimal, dp: u32) -> Decimal {
    let mut v = round(value, dp);
    v.rescale(dp);
    v
}

struct Cx<'a> {
    options: &'a Options,
    index: &'a TruthIndex<'a>,
    rates: Rates,
}

impl Cx<'_> {
    fn stream(&self, kind: Kind, n: usize) -> Stream {
        Stream::new(self.options.seed, kind.purpose(n as u64))
    }

    fn conversion(&self, parcel: usize) -> Option<Conversion> {
        if !self.options.has(Kind::Currency) || self.index.has(parcel, &[ViolationKind::DocumentMismatch]) {
            return None;
        }
        let mut rng = self.stream(Kind::Currency, parcel);
        if !rng.chance(0.3) {
            return None;
        }
        let side = if rng.chance(0.5) { Side::Order } else { Side::List };
        let (code, rate) = if rng.chance(0.7) { ("502", self.rates.usd) } else { ("300", self.rates.eur) };
        Some(Conversion { side, code, rate })
    }

    /// Which side carries three decimals, and the stream of its per-line offsets.
    fn rounding(&self, parcel: usize) -> Option<(Side, Stream)> {
        if !self.options.has(Kind::Rounding) || self.index.has(parcel, &[ViolationKind::DocumentMismatch]) {
            return None;
        }
        let mut rng = self.stream(Kind::Rounding, parcel);
        if !rng.chance(0.5) {
            return None;
        }
        let side = if rng.chance(0.5) { Side::Order } else { Side::List };
        Some((side, rng))
    }

    /// (drop the buyer, drop the payment receipt, drop optional fields)
    fn optional(&self, parcel: usize) -> (bool, bool, bool) {
        if !self.options.has(Kind::OptionalBlocks) {
            return (false, false, false);
        }
        let mut rng = self.stream(Kind::OptionalBlocks, parcel);
        let buyer = rng.chance(BUYER_DROP_SHARE);
        let payment = rng.chance(0.5);
        let fields = rng.chance(0.5);
        let rests_on_buyer = self
            .index
            .has(parcel, &[ViolationKind::SanctionedParty, ViolationKind::Other, ViolationKind::SplitShipment]);
        (buyer && !rests_on_buyer, payment, fields)
    }

    /// The typed perturbations of one message. Returns the new amounts of the orders it holds
    /// (goods value, freight, payment charge relation and currency) for their payments.
    fn typed(
        &self,
        message: &mut Message,
        changes: &mut Changes,
        orders: Option<&HashMap<(String, String), OrderAmounts>>,
    ) -> Vec<((String, String), OrderAmounts)> {
        match message {
            Message::Ceb303(m) => {
                let mut amounts = Vec::new();
                let mut dropped_buyers = Vec::new();
                for order in &mut m.orders {
                    let head = &order.order_head;
                    let Some(parcel) = self.index.order(&head.ebp_code, &head.order_no) else { continue };
                    let before = (head.goods_value, head.freight, head.currency.clone());
                    // Only a document still in yuan is re-expressed: one the simulator's honest
                    // noise already put in the buyer's currency stays as it is.
                    if let Some(c) = self.conversion(parcel).filter(|c| c.side == Side::Order)
                        && order.order_head.currency == "142"
                    {
                        convert_order(order, c);
                        changes.note("currency.orders");
                    }
                    if let Some((Side::Order, mut rng)) = self.rounding(parcel) {
                        round_order(order, &mut rng);
                        changes.note("rounding.orders");
                    }
                    let (buyer, _, fields) = self.optional(parcel);
                    if buyer {
                        dropped_buyers.push(order.order_head.order_no.clone());
                    }
                    if fields && order.order_lists.iter().any(|l| l.bar_code.is_some() || l.item_describe.is_some()) {
                        for l in &mut order.order_lists {
                            l.bar_code = None;
                            l.item_describe = None;
                        }
                        changes.note("optional_blocks.fields");
                    }
                    let head = &order.order_head;
                    if (head.goods_value, head.freight, &head.currency) != (before.0, before.1, &before.2) {
                        amounts.push((
                            (head.ebp_code.clone(), head.order_no.clone()),
                            OrderAmounts {
                                old_goods: before.0,
                                old_freight: before.1,
                                goods: head.goods_value,
                                freight: head.freight,
                                currency: head.currency.clone(),
                            },
                        ));
                    }
                }
                if !dropped_buyers.is_empty()
                    && let Some(extend) = &mut m.extend_message
                    && let ExtendPayload::Consignees(list) = &mut extend.message
                {
                    let n = list.len();
                    list.retain(|c| !dropped_buyers.contains(&c.order_no));
                    for _ in list.len()..n {
                        changes.note("optional_blocks.buyers");
                    }
                    if list.is_empty() {
                        m.extend_message = None;
                    }
                }
                amounts
            }
            Message::Ceb403(m) => {
                let Some(orders) = orders else { return Vec::new() };
                m.receipts.retain(|r| {
                    let Some(parcel) = self.index.order(&r.ebp_code, &r.order_no) else { return true };
                    let (_, drop, _) = self.optional(parcel);
                    if drop {
                        changes.note("optional_blocks.payments");
                    }
                    !drop
                });
                for r in &mut m.receipts {
                    if let Some(a) = orders.get(&(r.ebp_code.clone(), r.order_no.clone())) {
                        // The receipt keeps its relation to the order: goods plus freight, or
                        // goods alone (anything else is left as the sender wrote it).
                        if r.charge == a.old_goods + a.old_freight {
                            r.charge = a.goods + a.freight;
                        } else if r.charge == a.old_goods {
                            r.charge = a.goods;
                        }
                        if r.currency != a.currency {
                            r.currency = a.currency.clone();
                            changes.note("currency.payments");
                        } else {
                            changes.note("rounding.payments");
                        }
                    }
                    let Some(parcel) = self.index.order(&r.ebp_code, &r.order_no) else { continue };
                    if self.optional(parcel).2 && (r.pay_code.is_some() || r.pay_no.is_some()) {
                        r.pay_code = None;
                        r.pay_no = None;
                        changes.note("optional_blocks.fields");
                    }
                }
                Vec::new()
            }
            Message::Ceb505(m) => {
                for w in &mut m.logistics {
                    let Some(parcel) = self.index.waybill(&w.logistics_code, &w.logistics_no) else { continue };
                    if self.options.has(Kind::Weights)
                        && !self.index.has(parcel, &[ViolationKind::WeightMismatch])
                        && let Some(weight) = scaled_weight(w.gross_weight, &mut self.stream(Kind::Weights, parcel))
                    {
                        w.gross_weight = weight;
                        changes.note("weights.waybills");
                    }
                    if self.optional(parcel).2 && w.ebc_code.is_some() {
                        (w.ebc_code, w.ebc_name, w.ebc_telephone) = (None, None, None);
                        changes.note("optional_blocks.fields");
                    }
                }
                Vec::new()
            }
            Message::Ceb603(m) => {
                for inv in &mut m.inventories {
                    let head = &inv.inventory_head;
                    let Some(parcel) = self.index.list(&head.ebc_code, &head.cop_no) else { continue };
                    if let Some(c) = self.conversion(parcel).filter(|c| c.side == Side::List)
                        && inv.inventory_lists.iter().all(|l| l.currency == "142")
                    {
                        convert_list(inv, c);
                        changes.note("currency.lists");
                    }
                    if let Some((Side::List, mut rng)) = self.rounding(parcel) {
                        round_list(inv, &mut rng);
                        changes.note("rounding.lists");
                    }
                    if self.optional(parcel).2 && inv.inventory_lists.iter().any(|l| l.item_name.is_some()) {
                        for l in &mut inv.inventory_lists {
                            l.item_name = None;
                        }
                        changes.note("optional_blocks.fields");
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Writes a message back when it changed, then styles it; works out its time and keys.
    fn finish(
        &self,
        index: usize,
        original: &[u8],
        parsed: Parsed,
        mut changes: Changes,
    ) -> Result<Done, PerturbError> {
        let message_type = parsed.message.message_type();
        let time = message_time(&parsed.message);
        let entities = entity_keys(&parsed.message);
        if entity_count(&parsed.message) == 0 {
            return Ok(Done { message_type, bytes: None, time, entities, changes });
        }
        let write = |m: &Message| {
            greenlane_ceb::write(m, parsed.version).map_err(|source| PerturbError::Write { index, source })
        };
        let bytes = if self.options.has(Kind::XmlStyle) {
            let xml = write(&parsed.message)?;
            let mut rng = self.stream(Kind::XmlStyle, index);
            let style = Style::draw(&mut rng);
            changes.note("xml_style.messages");
            let envelope = match (&parsed.envelope, style.toggle_envelope) {
                (Some(e), false) => Some(e.clone()),
                (None, true) => Some(new_envelope(&parsed.message, index, self.options.seed)),
                _ => None,
            };
            style.apply(&xml, envelope.as_ref())
        } else if changes.any() {
            let xml = write(&parsed.message)?;
            match &parsed.envelope {
                Some(e) => greenlane_ceb::wrap_in_envelope(e, &xml).into_bytes(),
                None => xml.into_bytes(),
            }
        } else {
            original.to_vec()
        };
        Ok(Done { message_type, bytes: Some(bytes), time, entities, changes })
    }
}

fn scaled_weight(weight: Decimal, rng: &mut Stream) -> Option<Decimal> {
    let permille = rng.below(0, 61) as i64 - 30;
    let scaled = round(weight * Decimal::new(1000 + permille, 3), 2);
    let limit = weight * Decimal::new(5, 2);
    (scaled > Decimal::ZERO && (scaled - weight).abs() <= limit && scaled != weight).then_some(scaled)
}

// Each amount is converted on its own and rounded, as a platform's currency display does: a
// line total is not recomputed from the rounded price (the order may count sets, or carry a
// discount), and the goods value keeps whatever freight it included.
fn convert_order(order: &mut export::Order, c: Conversion) {
    for l in &mut order.order_lists {
        l.price = at_scale(l.price / c.rate, 2);
        l.total_price = at_scale(l.total_price / c.rate, 2);
        l.currency = c.code.into();
    }
    let head = &mut order.order_head;
    head.goods_value = at_scale(head.goods_value / c.rate, 2);
    head.freight = at_scale(head.freight / c.rate, 2);
    head.currency = c.code.into();
}

fn convert_list(inv: &mut export::Inventory, c: Conversion) {
    for l in &mut inv.inventory_lists {
        l.price = at_scale(l.price / c.rate, 2);
        l.total_price = at_scale(l.total_price / c.rate, 2);
        l.currency = c.code.into();
    }
    let head = &mut inv.inventory_head;
    head.freight = at_scale(head.freight / c.rate, 2);
    head.f_currency = c.code.into();
    head.insured_fee = at_scale(head.insured_fee / c.rate, 2);
    head.i_currency = c.code.into();
}

/// A third decimal the other document's two-decimal price rounds away.
fn three_decimals(price: Decimal, rng: &mut Stream) -> Decimal {
    let offset = Decimal::new(rng.below(0, 9) as i64 - 4, 3);
    let moved = round(price, 2) + offset;
    at_scale(if moved > Decimal::ZERO { moved } else { price }, 3)
}

fn round_order(order: &mut export::Order, rng: &mut Stream) {
    let mut goods = Decimal::ZERO;
    for l in &mut order.order_lists {
        l.price = three_decimals(l.price, rng);
        l.total_price = at_scale(l.price * l.qty, 3);
        goods += l.total_price;
    }
    order.order_head.goods_value = goods;
}

fn round_list(inv: &mut export::Inventory, rng: &mut Stream) {
    for l in &mut inv.inventory_lists {
        l.price = three_decimals(l.price, rng);
        l.total_price = at_scale(l.price * l.qty, 3);
    }
}

fn entity_count(message: &Message) -> usize {
    match message {
        Message::Ceb303(m) => m.orders.len(),
        Message::Ceb403(m) => m.receipts.len(),
        Message::Ceb505(m) => m.logistics.len(),
        Message::Ceb603(m) => m.inventories.len(),
        _ => 1,
    }
}

/// `(appTime, appType)` of each entity, for the four documents of a parcel.
fn app_times(message: &Message) -> Vec<(&str, &str, String)> {
    match message {
        Message::Ceb303(m) => m
            .orders
            .iter()
            .map(|o| {
                let h = &o.order_head;
                (h.app_time.as_str(), h.app_type.as_str(), format!("303|{}|{}", h.ebp_code, h.order_no))
            })
            .collect(),
        Message::Ceb403(m) => m
            .receipts
            .iter()
            .map(|r| (r.app_time.as_str(), r.app_type.as_str(), format!("403|{}|{}", r.ebp_code, r.order_no)))
            .collect(),
        Message::Ceb505(m) => m
            .logistics
            .iter()
            .map(|w| (w.app_time.as_str(), w.app_type.as_str(), format!("505|{}|{}", w.logistics_code, w.logistics_no)))
            .collect(),
        Message::Ceb603(m) => m
            .inventories
            .iter()
            .map(|i| {
                let h = &i.inventory_head;
                (h.app_time.as_str(), h.app_type.as_str(), format!("603|{}|{}", h.ebc_code, h.cop_no))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn message_time(message: &Message) -> Option<i64> {
    app_times(message).iter().filter_map(|(t, _, _)| MessageTime::parse_app_time(t).ok()).map(|t| t.0).max()
}

/// Each entity's key, and whether it changes or cancels (appType 2 or 3) rather than declares.
fn entity_keys(message: &Message) -> Vec<(String, bool)> {
    app_times(message).into_iter().map(|(_, ty, key)| (key, ty != "1")).collect()
}

/// Sort keys (milliseconds) of the kept messages: message time plus a delay of up to 30
/// minutes, a change or cancellation never before the last message declaring its entity.
fn reorder_keys(kept: &[(usize, Done)], seed: u64) -> Vec<i64> {
    const WINDOW_MS: usize = 30 * 60 * 1000;
    let mut last_time = 0;
    let mut seen: HashMap<&str, i64> = HashMap::new();
    kept.iter()
        .map(|(original, done)| {
            let (time, keys) = (done.time, &done.entities);
            let time = time.unwrap_or(last_time);
            last_time = time;
            let mut rng = Stream::new(seed, Kind::Reorder.purpose(*original as u64));
            let mut key = time * 1000 + rng.below(0, WINDOW_MS) as i64;
            for (entity, change) in keys {
                if *change && let Some(&earlier) = seen.get(entity.as_str()) {
                    key = key.max(earlier + 1);
                }
            }
            for (entity, _) in keys {
                let at = seen.entry(entity.as_str()).or_insert(key);
                *at = (*at).max(key);
            }
            key
        })
        .collect()
}

fn new_envelope(message: &Message, index: usize, seed: u64) -> DxpEnvelope {
    let sender = match message {
        Message::Ceb303(m) => m.base_transfer.dxp_id.clone(),
        Message::Ceb403(m) => m.base_transfer.dxp_id.clone(),
        Message::Ceb505(m) => m.base_transfer.dxp_id.clone(),
        Message::Ceb603(m) => m.base_transfer.dxp_id.clone(),
        _ => "DXPENT0000000000".into(),
    };
    let time =
        message_time(message).map_or_else(|| "2026-01-01T00:00:00+08:00".into(), |t| MessageTime(t).to_rfc3339());
    let mut rng = Stream::new(seed, Kind::XmlStyle.purpose((index as u64) | (1 << 40)));
    DxpEnvelope {
        cop_msg_id: rng.digits(20),
        sender_id: if sender.is_empty() { "DXPENT0000000000".into() } else { sender },
        receiver_ids: vec!["DXPEDCCEB0000002".into()],
        creat_time: time,
        msg_type: message.message_type().root_name().into(),
        file_name: None,
    }
}

// ----- XML styles ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Tabs,
    TwoSpaces,
    Compact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Declaration {
    Double,
    SingleLowercase,
    None,
}

/// One message's style.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Style {
    layout: Layout,
    crlf: bool,
    comments: bool,
    /// The CEB namespace's prefix; empty for the default namespace.
    prefix: &'static str,
    /// Write empty elements the other way (`<x/>` ↔ `<x></x>`).
    flip_empty: bool,
    single_quotes: bool,
    declaration: Declaration,
    bom: bool,
    toggle_envelope: bool,
}

/// The CEB namespace's prefixes senders use; empty for the default namespace.
const PREFIXES: [&str; 4] = ["ceb", "c", "ns2", ""];

impl Style {
    fn draw(rng: &mut Stream) -> Style {
        Style {
            layout: *rng.pick(&[Layout::Tabs, Layout::TwoSpaces, Layout::Compact]),
            crlf: rng.chance(0.3),
            comments: rng.chance(0.3),
            prefix: PREFIXES[rng.below(0, PREFIXES.len())],
            flip_empty: rng.chance(0.5),
            single_quotes: rng.chance(0.3),
            declaration: *rng.pick(&[Declaration::Double, Declaration::SingleLowercase, Declaration::None]),
            bom: rng.chance(0.2),
            toggle_envelope: rng.chance(0.3),
        }
    }

    /// `xml` as greenlane-ceb writes it, restyled, inside `envelope` if given.
    fn apply(&self, xml: &str, envelope: Option<&DxpEnvelope>) -> Vec<u8> {
        let tokens = tokenize(xml);
        let inner = self.render(&tokens);
        let text = match envelope {
            Some(e) => greenlane_ceb::wrap_in_envelope(e, &inner),
            None => inner,
        };
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        out.extend_from_slice(text.as_bytes());
        out
    }

    fn render(&self, tokens: &[Token<'_>]) -> String {
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let indent = match self.layout {
            Layout::Tabs => "\t",
            Layout::TwoSpaces => "  ",
            Layout::Compact => "",
        };
        // The default namespace would capture unprefixed elements that are in no namespace.
        let prefix = if self.prefix.is_empty() && !default_namespace_is_safe(tokens) { "ceb" } else { self.prefix };
        let mut out = String::new();
        match self.declaration {
            Declaration::Double => out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            Declaration::SingleLowercase => out.push_str("<?xml version='1.0' encoding='utf-8'?>"),
            Declaration::None => {}
        }
        if self.comments {
            out.push_str("<!-- exported by the sender's ERP; do not edit -->");
        }
        let mut depth = 0usize;
        let mut i = 0;
        let newline = |out: &mut String, depth: usize| {
            if self.layout != Layout::Compact && !out.is_empty() {
                out.push_str(nl);
                for _ in 0..depth {
                    out.push_str(indent);
                }
            }
        };
        while i < tokens.len() {
            match &tokens[i] {
                Token::Decl | Token::Space => {}
                Token::Start { name, attrs, empty } => {
                    newline(&mut out, depth);
                    let name = rename(name, prefix);
                    self.open_tag(&mut out, &name, attrs, prefix);
                    // An element holding only text (or nothing) is written on one line.
                    let (text, close_at) = match (empty, tokens.get(i + 1), tokens.get(i + 2)) {
                        (true, _, _) => (Some(""), i),
                        (false, Some(Token::End { .. }), _) => (Some(""), i + 1),
                        (false, Some(Token::Text(t)), Some(Token::End { .. })) => (Some(*t), i + 2),
                        _ => (None, i),
                    };
                    match text {
                        Some("") if *empty != self.flip_empty => out.push_str("/>"),
                        Some(t) => {
                            out.push('>');
                            out.push_str(t);
                            out.push_str("</");
                            out.push_str(&name);
                            out.push('>');
                        }
                        None => {
                            out.push('>');
                            if depth == 0 && self.comments {
                                newline(&mut out, 1);
                                out.push_str("<!-- order data follows -->");
                            }
                            depth += 1;
                        }
                    }
                    i = close_at;
                }
                Token::End { name } => {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                    out.push_str("</");
                    out.push_str(&rename(name, prefix));
                    out.push('>');
                }
                Token::Text(t) => out.push_str(t),
            }
            i += 1;
        }
        out.push_str(nl);
        out
    }

    fn open_tag(&self, out: &mut String, name: &str, attrs: &[(&str, &str)], prefix: &str) {
        out.push('<');
        out.push_str(name);
        for (key, value) in attrs {
            let key = if *key == "xmlns:ceb" {
                if prefix.is_empty() { "xmlns".to_owned() } else { format!("xmlns:{prefix}") }
            } else {
                (*key).to_owned()
            };
            out.push(' ');
            out.push_str(&key);
            if self.single_quotes {
                out.push_str("='");
                out.push_str(&value.replace('\'', "&apos;"));
                out.push('\'');
            } else {
                out.push_str("=\"");
                out.push_str(value);
                out.push('"');
            }
        }
    }
}

fn rename(name: &str, prefix: &str) -> String {
    match name.strip_prefix("ceb:") {
        Some(local) if prefix.is_empty() => local.to_owned(),
        Some(local) => format!("{prefix}:{local}"),
        None => name.to_owned(),
    }
}

/// Every unprefixed element declares a default namespace itself or sits in one that does.
fn default_namespace_is_safe(tokens: &[Token<'_>]) -> bool {
    let mut declared: Vec<bool> = Vec::new();
    for t in tokens {
        match t {
            Token::Start { name, attrs, empty } => {
                let own = attrs.iter().any(|(k, _)| *k == "xmlns");
                let inherited = declared.last().copied().unwrap_or(false);
                if !name.contains(':') && !own && !inherited {
                    return false;
                }
                if !empty {
                    declared.push(own || (inherited && !name.contains(':')));
                }
            }
            Token::End { .. } => {
                declared.pop();
            }
            _ => {}
        }
    }
    true
}

/// The pieces of a document as greenlane-ceb writes it: no DTD, comments or CDATA.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Decl,
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, &'a str)>,
        empty: bool,
    },
    End {
        name: &'a str,
    },
    Text(&'a str),
    /// Whitespace between tags: layout, rewritten by the style.
    Space,
}

fn tokenize(xml: &str) -> Vec<Token<'_>> {
    let b = xml.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = xml[i..].find('<').map_or(b.len(), |n| i + n);
            let text = &xml[i..end];
            out.push(if text.trim().is_empty() { Token::Space } else { Token::Text(text) });
            i = end;
            continue;
        }
        if xml[i..].starts_with("<?") {
            i += xml[i..].find("?>").map_or(b.len() - i, |n| n + 2);
            out.push(Token::Decl);
            continue;
        }
        if xml[i..].starts_with("</") {
            let end = xml[i..].find('>').map_or(b.len(), |n| i + n);
            out.push(Token::End { name: xml[i + 2..end].trim() });
            i = end + 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>') {
            j += 1;
        }
        let name = &xml[i + 1..j];
        let mut attrs = Vec::new();
        let mut empty = false;
        while j < b.len() {
            match b[j] {
                b' ' | b'\t' | b'\n' | b'\r' => j += 1,
                b'/' => {
                    empty = true;
                    j += 1;
                }
                b'>' => {
                    j += 1;
                    break;
                }
                _ => {
                    let eq = xml[j..].find('=').map_or(b.len(), |n| j + n);
                    let key = xml[j..eq].trim();
                    let quote = b[eq + 1];
                    let close = xml[eq + 2..].find(char::from(quote)).map_or(b.len(), |n| eq + 2 + n);
                    attrs.push((key, &xml[eq + 2..close]));
                    j = close + 1;
                }
            }
        }
        out.push(Token::Start { name, attrs, empty });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimConfig;

    struct Day {
        messages: Vec<Vec<u8>>,
        truth: Vec<TruthRecord>,
    }

    fn day() -> Day {
        // Without the simulator's own honest noise, so each test sees what the perturbation alone
        // changed (e.g. an order's value equals its lines until `rounding` moves them).
        let config = SimConfig { parcels: 1500, seed: 3, noise: crate::HonestNoise::off(), ..Default::default() };
        let sim = crate::generate(&config).unwrap();
        Day { messages: sim.messages().map(|m| m.bytes).collect(), truth: sim.truth().to_vec() }
    }

    fn run(day: &Day, kinds: &[Kind]) -> Perturbed {
        perturb(&day.messages, &day.truth, &Options { kinds: kinds.to_vec(), seed: 9 }, &|| {}).unwrap()
    }

    /// Every document of the day by its key, from messages that must all read.
    #[derive(Default)]
    struct Docs {
        orders: HashMap<String, export::Order>,
        buyers: HashMap<String, greenlane_ceb::Consignee>,
        payments: HashMap<String, export::Receipts>,
        waybills: HashMap<String, export::Logistics>,
        lists: HashMap<String, export::Inventory>,
    }

    fn docs<'a>(messages: impl Iterator<Item = &'a [u8]>) -> Docs {
        let mut d = Docs::default();
        for bytes in messages {
            match greenlane_ceb::read(bytes)
                .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(bytes)))
                .message
            {
                Message::Ceb303(m) => {
                    if let Some(ExtendPayload::Consignees(list)) = m.extend_message.map(|e| e.message) {
                        d.buyers.extend(list.into_iter().map(|c| (c.order_no.clone(), c)));
                    }
                    d.orders.extend(m.orders.into_iter().map(|o| (o.order_head.order_no.clone(), o)));
                }
                Message::Ceb403(m) => d.payments.extend(m.receipts.into_iter().map(|r| (r.order_no.clone(), r))),
                Message::Ceb505(m) => d.waybills.extend(m.logistics.into_iter().map(|w| (w.logistics_no.clone(), w))),
                Message::Ceb603(m) => {
                    d.lists.extend(m.inventories.into_iter().map(|i| (i.inventory_head.cop_no.clone(), i)))
                }
                other => panic!("unexpected {:?}", other.message_type()),
            }
        }
        d
    }

    fn before_after(day: &Day, out: &Perturbed) -> (Docs, Docs) {
        (docs(day.messages.iter().map(Vec::as_slice)), docs(out.messages.iter().map(|m| m.bytes.as_slice())))
    }

    fn violates(t: &TruthRecord, kind: ViolationKind) -> bool {
        t.violations.contains(&kind)
    }

    fn list_total(inv: &export::Inventory) -> Decimal {
        inv.inventory_lists.iter().map(|l| l.total_price).sum()
    }

    /// Lines' totals equal price × qty, and the order's goods value equals its lines, within
    /// rounding.
    fn consistent(d: &Docs) {
        let near = |a: Decimal, b: Decimal, tol: Decimal| (a - b).abs() <= tol;
        for o in d.orders.values() {
            let sum: Decimal = o.order_lists.iter().map(|l| l.total_price).sum();
            assert!(near(sum, o.order_head.goods_value, Decimal::new(1, 2)), "{:?}", o.order_head);
            for l in &o.order_lists {
                assert!(near(l.price * l.qty, l.total_price, Decimal::new(5, 3) * l.qty.max(Decimal::ONE)));
            }
        }
        for inv in d.lists.values() {
            for l in &inv.inventory_lists {
                assert!(near(l.price * l.qty, l.total_price, Decimal::new(5, 3) * l.qty.max(Decimal::ONE)));
            }
        }
    }

    #[test]
    fn kinds_parse_and_print() {
        assert_eq!(parse_kinds("weights, reorder").unwrap(), vec![Kind::Weights, Kind::Reorder]);
        assert!(parse_kinds("weights,colour").is_err());
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        }
    }

    #[test]
    fn weights_move_within_scale_error_and_never_on_weight_mismatch() {
        let day = day();
        let out = run(&day, &[Kind::Weights]);
        let (a, b) = before_after(&day, &out);
        let mut moved = 0;
        for t in &day.truth {
            let (w0, w1) = (a.waybills[&t.logistics_no].gross_weight, b.waybills[&t.logistics_no].gross_weight);
            if violates(t, ViolationKind::WeightMismatch) {
                assert_eq!(w0, w1, "a weight_mismatch parcel is untouched");
                continue;
            }
            assert!((w1 - w0).abs() <= w0 * Decimal::new(5, 2), "{w0} → {w1}");
            moved += usize::from(w0 != w1);
            if w0 != w1 {
                assert_eq!(w1, round(w1, 2), "rounded to 10 g");
            }
        }
        assert!(moved > day.truth.len() / 2, "{moved} weights moved");
        assert_eq!(out.changes["weights.waybills"], moved);
        consistent(&b);
    }

    #[test]
    fn rounding_keeps_each_document_consistent_and_the_documents_within_rounding() {
        let day = day();
        let out = run(&day, &[Kind::Rounding]);
        let (a, b) = before_after(&day, &out);
        consistent(&b);
        let mut changed = 0;
        for t in &day.truth {
            let (o, l) = (&b.orders[&t.order_no], &b.lists[&t.cop_no]);
            if violates(t, ViolationKind::DocumentMismatch) {
                assert_eq!(o, &a.orders[&t.order_no]);
                assert_eq!(l, &a.lists[&t.cop_no]);
                continue;
            }
            changed += usize::from(o != &a.orders[&t.order_no] || l != &a.lists[&t.cop_no]);
            for line in &l.inventory_lists {
                let ordered = o.order_lists.iter().find(|x| x.item_no == line.item_no).unwrap();
                assert_eq!(round(ordered.price, 2), round(line.price, 2), "{} vs {}", ordered.price, line.price);
            }
            if let Some(p) = b.payments.get(&t.order_no) {
                assert_eq!(p.charge, o.order_head.goods_value + o.order_head.freight);
            }
            let units: Decimal = l.inventory_lists.iter().map(|x| x.qty).sum();
            let was = list_total(&a.lists[&t.cop_no]) - a.orders[&t.order_no].order_head.goods_value;
            let now = list_total(l) - o.order_head.goods_value;
            assert!((now - was).abs() < Decimal::new(5, 3) * units, "{was} → {now} over {units} units");
        }
        assert!(changed > day.truth.len() / 3, "{changed}");
    }

    #[test]
    fn currency_reexpresses_one_document_and_keeps_the_payment_with_its_order() {
        let day = day();
        let out = run(&day, &[Kind::Currency]);
        let (a, b) = before_after(&day, &out);
        consistent(&b);
        let mut converted = 0;
        for t in &day.truth {
            let (o, l) = (&b.orders[&t.order_no], &b.lists[&t.cop_no]);
            let list_currency = &l.inventory_lists[0].currency;
            if violates(t, ViolationKind::DocumentMismatch) {
                assert_eq!(o, &a.orders[&t.order_no]);
                continue;
            }
            if o.order_head.currency == "142" && list_currency == "142" {
                continue;
            }
            converted += 1;
            assert!(o.order_head.currency == "142" || list_currency == "142", "one side stays in CNY");
            let (foreign, cny) = if o.order_head.currency == "142" {
                (list_total(l), a.orders[&t.order_no].order_head.goods_value)
            } else {
                (o.order_head.goods_value, list_total(l))
            };
            // Within rounding of a day rate ±1.5% around the month's customs rate (USD 6.68,
            // EUR 7.50).
            let rate = cny / foreign;
            assert!(rate > Decimal::new(64, 1) && rate < Decimal::new(78, 1), "rate {rate}");
            if let Some(p) = b.payments.get(&t.order_no) {
                assert_eq!(p.currency, o.order_head.currency);
                assert_eq!(p.charge, o.order_head.goods_value + o.order_head.freight);
            }
        }
        assert!(converted > day.truth.len() / 5 && converted < day.truth.len() / 2, "{converted}");
    }

    #[test]
    fn optional_blocks_keep_the_buyers_the_truth_rests_on() {
        let day = day();
        let out = run(&day, &[Kind::OptionalBlocks]);
        let (a, b) = before_after(&day, &out);
        assert!(b.buyers.len() < a.buyers.len() && b.payments.len() < a.payments.len());
        assert!(out.changes["optional_blocks.fields"] > 0);
        for t in &day.truth {
            let rests = [ViolationKind::SanctionedParty, ViolationKind::Other, ViolationKind::SplitShipment];
            if t.violations.iter().any(|v| rests.contains(v)) {
                assert_eq!(a.buyers.get(&t.order_no), b.buyers.get(&t.order_no), "{:?}", t.violations);
            }
            assert_eq!(a.lists[&t.cop_no].inventory_head.license_no, b.lists[&t.cop_no].inventory_head.license_no);
        }
    }

    #[test]
    fn reorder_moves_messages_within_the_window_and_keeps_every_one() {
        let day = day();
        let out = run(&day, &[Kind::Reorder]);
        assert_eq!(out.messages.len(), day.messages.len());
        assert!(out.changes["reorder.messages_moved"] > day.messages.len() / 4);
        for m in &out.messages {
            assert_eq!(m.bytes, day.messages[m.original_index], "reordering alone keeps the bytes");
        }
        let mut seen: Vec<usize> = out.messages.iter().map(|m| m.original_index).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..day.messages.len()).collect::<Vec<_>>());
    }

    #[test]
    fn a_change_stays_after_its_new() {
        let t = |s: &str| Some(MessageTime::parse_app_time(s).unwrap().0);
        let e = |k: &str, change: bool| vec![(k.to_owned(), change)];
        let done = |time, entities| Done {
            message_type: MessageType::Ceb303,
            bytes: Some(Vec::new()),
            time,
            entities,
            changes: Changes::default(),
        };
        let kept = vec![
            (0, done(t("20261111100000"), e("303|P|1", false))),
            (1, done(t("20261111100001"), e("303|P|1", true))),
        ];
        for seed in 0..200 {
            let keys = reorder_keys(&kept, seed);
            assert!(keys[1] > keys[0], "seed {seed}: {keys:?}");
        }
    }

    #[test]
    fn xml_styles_read_back_to_the_same_messages() {
        let day = day();
        let out = run(&day, &[Kind::XmlStyle]);
        let mut seen = [false; 8];
        for m in &out.messages {
            let text = String::from_utf8_lossy(&m.bytes);
            seen[0] |= m.bytes.starts_with(b"\xEF\xBB\xBF");
            seen[1] |= text.contains("\r\n");
            seen[2] |= text.contains("<!--");
            seen[3] |= text.contains("xmlns=\"http://www.chinaport.gov.cn/ceb\"")
                || text.contains("xmlns='http://www.chinaport.gov.cn/ceb'");
            seen[4] |= text.contains("></Consignee>");
            seen[5] |= text.contains("guid='");
            seen[6] |= !text.contains("<?xml");
            seen[7] |= text.contains("DxpMsg")
                != greenlane_ceb::read(&day.messages[m.original_index]).unwrap().envelope.is_some();
            let before = greenlane_ceb::read(&day.messages[m.original_index]).unwrap();
            let after =
                greenlane_ceb::read(&m.bytes).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&m.bytes)));
            assert_eq!(before.message, after.message, "{text}");
        }
        assert_eq!(seen, [true; 8], "every style appears");
    }

    #[test]
    fn every_kind_at_once_reads_and_the_same_seed_gives_the_same_bytes() {
        let day = day();
        let a = run(&day, &Kind::ALL);
        let b = run(&day, &Kind::ALL);
        assert_eq!(a, b);
        let (_, after) = before_after(&day, &a);
        consistent(&after);
        assert_eq!(after.lists.len(), day.truth.len());
    }
}
