//! A master air waybill as IATA ONE Record JSON-LD, the linked-data successor of Cargo-IMP: the
//! FWB and the FHL greenlane wrote for a MAWB mapped onto the cargo ontology 3.2
//! (`https://onerecord.iata.org/ns/cargo#`, IATA-Cargo/ONE-Record `2025-07-standard`) and its
//! code lists 1.1.0. Pure: documents in, serde types out.
//!
//! The shape follows the ontology's consolidation model: a `Waybill` of type `MASTER` whose
//! `shipment` totals the FWB, whose `waybillLineItems` carry the rate lines (gross and chargeable
//! weight, SLAC, volume), and whose `houseWaybills` are the FHL's houses, each a `HOUSE` waybill
//! with its own `Shipment` and `Piece`s (a greenlane house is one bag: one piece, whose SLAC is
//! the parcels in it). The master shipment's `pieces` are the houses' pieces, by `@id`.
//!
//! Numbers: the ontology types `numericalValue` as `xsd:double`; greenlane writes each as a
//! typed literal whose lexical form is the decimal the Cargo-IMP text carries (`"12.5"`), so no
//! weight goes through binary floating point on either side.
//!
//! Node ids: logistics objects (waybills, shipments, pieces, locations) get `@id`s that are
//! fragments of the IRI the document is published at (`base`), as the ontology expects of
//! logistics objects; embedded objects (`Value`, `CodeListElement`, `Dimensions`,
//! `WaybillLineItem`) have none, as ONE Record embeds them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::consolidate::Handling;
use crate::imp::fhl::{Fhl, House};
use crate::imp::fwb::{Fwb, RateDetail};
use crate::imp::{AwbNumber, Volume, Weight, WeightUnit};

/// The cargo ontology's namespace.
pub const CARGO: &str = "https://onerecord.iata.org/ns/cargo#";
/// The ontology version this mapping follows (its `owl:versionIRI`).
pub const ONTOLOGY: &str = "https://onerecord.iata.org/ns/cargo/3.2";
/// UN/ECE Rec. 20 units as the ONE Record code lists name them (`KGM`, `MTQ`).
pub const UNITS: &str = "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#";
/// Rate class codes of the air waybill (`Q` quantity rate, `N` normal…).
pub const RATE_CLASSES: &str = "https://onerecord.iata.org/ns/code-lists/RateClassCode#";
/// Special handling codes (`ELI`, `ELM`, `MAG`).
pub const SPECIAL_HANDLING: &str = "https://onerecord.iata.org/ns/code-lists/SpecialHandlingCode#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// The media type of the document.
pub const MEDIA_TYPE: &str = "application/ld+json";

/// The FWB and FHL do not describe one consignment: greenlane's own documents always do, so this
/// is a fault in what was stored, not in anything a user sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OneRecordError {
    #[error("the FHL is for {fhl}, the FWB for {fwb}")]
    OtherMaster { fwb: AwbNumber, fhl: AwbNumber },
}

/// The prefixes the document uses, each resolved to its namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub cargo: String,
    pub unit: String,
    #[serde(rename = "rateClass")]
    pub rate_class: String,
    pub sph: String,
    pub xsd: String,
}

impl Default for Context {
    fn default() -> Context {
        Context {
            cargo: CARGO.into(),
            unit: UNITS.into(),
            rate_class: RATE_CLASSES.into(),
            sph: SPECIAL_HANDLING.into(),
            xsd: XSD.into(),
        }
    }
}

/// A reference to a node by its IRI (or compact IRI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    #[serde(rename = "@id")]
    pub id: String,
}

/// A literal with its datatype, as JSON-LD writes one whose lexical form must be kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typed {
    #[serde(rename = "@type")]
    pub datatype: String,
    #[serde(rename = "@value")]
    pub value: String,
}

/// `cargo:Value`: a number and its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:numericalValue")]
    pub numerical_value: Typed,
    #[serde(rename = "cargo:unit")]
    pub unit: Ref,
}

impl Value {
    fn new(value: Decimal, unit: &str) -> Value {
        Value {
            kind: "cargo:Value".into(),
            numerical_value: Typed { datatype: "xsd:double".into(), value: value.to_string() },
            unit: Ref { id: format!("unit:{unit}") },
        }
    }
    fn weight(w: Weight) -> Value {
        Value::new(w.value, weight_unit(w.unit))
    }
    /// The number, exactly as written.
    pub fn decimal(&self) -> Option<Decimal> {
        self.numerical_value.value.parse().ok()
    }
    /// The UN/ECE unit code (`KGM`).
    pub fn unit_code(&self) -> &str {
        self.unit.id.strip_prefix("unit:").unwrap_or(&self.unit.id)
    }
}

fn weight_unit(u: WeightUnit) -> &'static str {
    match u {
        WeightUnit::Kilogram => "KGM",
        WeightUnit::Pound => "LBR",
    }
}

/// A volume as a value; a density group is no volume and has none.
fn volume(v: Volume) -> Option<Value> {
    match v {
        Volume::CubicMetres(d) => Some(Value::new(d, "MTQ")),
        Volume::CubicFeet(d) => Some(Value::new(d, "FTQ")),
        Volume::CubicInches(d) => Some(Value::new(d, "INQ")),
        Volume::CubicCentimetres(d) => Some(Value::new(d, "CMQ")),
        Volume::DensityGroup(_) => None,
    }
}

/// `cargo:CodeListElement`: a code from a list the code lists do not define as individuals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeListElement {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:code")]
    pub code: String,
    #[serde(rename = "cargo:codeListName")]
    pub code_list_name: String,
}

/// `cargo:Location`: an airport, by its IATA code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(rename = "@id")]
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    /// Empty on a reference to an airport the document describes elsewhere.
    #[serde(rename = "cargo:locationCodes", default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<CodeListElement>,
    #[serde(rename = "cargo:locationType", default, skip_serializing_if = "Option::is_none")]
    pub location_type: Option<String>,
}

impl Location {
    fn airport(base: &str, code: &str) -> Location {
        Location {
            id: format!("{base}#airport-{code}"),
            kind: "cargo:Location".into(),
            // The ontology's own words for the code: "IATA airport code (3 letter)".
            codes: vec![CodeListElement {
                kind: "cargo:CodeListElement".into(),
                code: code.into(),
                code_list_name: "IATA airport code".into(),
            }],
            location_type: Some("Airport".into()),
        }
    }
    /// The airport by `@id` only, where the master already describes it.
    fn reference(base: &str, code: &str) -> Location {
        Location { codes: Vec::new(), location_type: None, ..Location::airport(base, code) }
    }
    /// The IATA airport code, where this is the airport's description.
    pub fn code(&self) -> Option<&str> {
        self.codes.first().map(|c| c.code.as_str())
    }
    /// The IATA airport code, from the description or the `@id`.
    pub fn airport_code(&self) -> Option<&str> {
        self.code().or_else(|| self.id.rsplit_once("#airport-").map(|(_, c)| c))
    }
}

/// `cargo:Dimensions`, of which greenlane knows the volume only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:volume")]
    pub volume: Value,
}

/// `cargo:Piece`: one physical piece (for greenlane, a bag of parcels). On the master's shipment
/// a piece appears by `@id` and type only; its house's shipment carries it in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    #[serde(rename = "@id")]
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:grossWeight", default, skip_serializing_if = "Option::is_none")]
    pub gross_weight: Option<Value>,
    /// Shipper's load and count: the parcels inside.
    #[serde(rename = "cargo:slac", default, skip_serializing_if = "Option::is_none")]
    pub slac: Option<u32>,
    #[serde(rename = "cargo:goodsDescription", default, skip_serializing_if = "Option::is_none")]
    pub goods_description: Option<String>,
    #[serde(rename = "cargo:ofShipment", default, skip_serializing_if = "Option::is_none")]
    pub of_shipment: Option<Ref>,
    /// A parcel's own special handling codes (`sph:ELI`).
    #[serde(rename = "cargo:specialHandlingCodes", default, skip_serializing_if = "Vec::is_empty")]
    pub special_handling_codes: Vec<Ref>,
    /// A parcel's number with its logistics company (the e-commerce waybill number).
    #[serde(rename = "cargo:otherIdentifiers", default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifiers: Vec<OtherIdentifier>,
    /// The parcels in a bag.
    #[serde(rename = "cargo:containedPieces", default, skip_serializing_if = "Vec::is_empty")]
    pub contained_pieces: Vec<Piece>,
}

/// `cargo:OtherIdentifier`: an identifier of a piece outside the air waybill's numbering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherIdentifier {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:otherIdentifierType")]
    pub identifier_type: String,
    #[serde(rename = "cargo:textualValue")]
    pub value: String,
}

/// A parcel in a house's bag, as the hub knows it from its arrival: what the FHL counts in the
/// SLAC but does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parcel {
    pub hawb: String,
    /// The logistics company's waybill number of the parcel (`logisticsNo`).
    pub logistics_no: String,
    pub weight_g: u64,
    pub handling: Handling,
}

/// `cargo:Shipment`: the goods a waybill covers, with their totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    #[serde(rename = "@id")]
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:goodsDescription", default, skip_serializing_if = "Option::is_none")]
    pub goods_description: Option<String>,
    #[serde(rename = "cargo:totalGrossWeight")]
    pub total_gross_weight: Value,
    #[serde(rename = "cargo:totalDimensions", default, skip_serializing_if = "Option::is_none")]
    pub total_dimensions: Option<Dimensions>,
    #[serde(rename = "cargo:pieces")]
    pub pieces: Vec<Piece>,
    #[serde(rename = "cargo:waybill")]
    pub waybill: Ref,
}

/// `cargo:WaybillLineItem`: one rate line of the air waybill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaybillLineItem {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "cargo:lineItemNumber")]
    pub line_item_number: u32,
    #[serde(rename = "cargo:rateGrossWeight")]
    pub rate_gross_weight: Value,
    #[serde(rename = "cargo:chargeableWeight", default, skip_serializing_if = "Option::is_none")]
    pub chargeable_weight: Option<Value>,
    #[serde(rename = "cargo:rateClassCode", default, skip_serializing_if = "Option::is_none")]
    pub rate_class_code: Option<Ref>,
    #[serde(rename = "cargo:rateSlac", default, skip_serializing_if = "Option::is_none")]
    pub rate_slac: Option<u32>,
    #[serde(rename = "cargo:rateVolume", default, skip_serializing_if = "Option::is_none")]
    pub rate_volume: Option<Value>,
}

/// `cargo:Waybill`, master or house.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waybill {
    #[serde(rename = "@id")]
    pub id: String,
    #[serde(rename = "@type")]
    pub kind: String,
    /// `cargo:MASTER` or `cargo:HOUSE`.
    #[serde(rename = "cargo:waybillType")]
    pub waybill_type: Ref,
    /// The airline's 3-digit prefix; a house waybill has none.
    #[serde(rename = "cargo:waybillPrefix", default, skip_serializing_if = "Option::is_none")]
    pub waybill_prefix: Option<String>,
    /// The 8-digit serial with its check digit (master), or the house waybill number.
    #[serde(rename = "cargo:waybillNumber")]
    pub waybill_number: String,
    #[serde(rename = "cargo:departureLocation")]
    pub departure_location: Location,
    #[serde(rename = "cargo:arrivalLocation")]
    pub arrival_location: Location,
    #[serde(rename = "cargo:shipment")]
    pub shipment: Shipment,
    #[serde(rename = "cargo:waybillLineItems", default, skip_serializing_if = "Vec::is_empty")]
    pub waybill_line_items: Vec<WaybillLineItem>,
    #[serde(rename = "cargo:masterWaybill", default, skip_serializing_if = "Option::is_none")]
    pub master_waybill: Option<Ref>,
    #[serde(rename = "cargo:houseWaybills", default, skip_serializing_if = "Vec::is_empty")]
    pub house_waybills: Vec<Waybill>,
}

impl Waybill {
    pub fn is_master(&self) -> bool {
        self.waybill_type.id == "cargo:MASTER"
    }
}

/// The whole JSON-LD document: the context, then the master waybill as its top node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    #[serde(rename = "@context")]
    pub context: Context,
    #[serde(flatten)]
    pub master: Waybill,
}

impl Document {
    /// The JSON-LD text, indented for people reading it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain structs of strings serialise")
    }
    pub fn from_json(text: &str) -> Result<Document, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// The MAWB of `fwb` with the houses of `fhl`, published at `base` (an absolute IRI; node ids are
/// its fragments).
pub fn document(fwb: &Fwb, fhl: &Fhl, base: &str) -> Result<Document, OneRecordError> {
    let c = &fwb.consignment;
    if fhl.master.awb != c.awb {
        return Err(OneRecordError::OtherMaster { fwb: c.awb, fhl: fhl.master.awb });
    }
    let master_id = format!("{base}#mawb-{}", c.awb);
    let houses: Vec<Waybill> =
        fhl.houses.iter().map(|h| house(h, base, &master_id, [&c.origin, &c.destination])).collect();
    let goods: Vec<&str> = fwb
        .rates
        .iter()
        .flat_map(|r| &r.details)
        .filter_map(|d| match d {
            RateDetail::Goods { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let line_items = fwb
        .rates
        .iter()
        .enumerate()
        .map(|(i, r)| WaybillLineItem {
            kind: "cargo:WaybillLineItem".into(),
            line_item_number: i as u32 + 1,
            rate_gross_weight: Value::weight(r.weight),
            chargeable_weight: r.chargeable.map(|w| Value::new(w, weight_unit(r.weight.unit))),
            rate_class_code: r.class.map(|k| Ref { id: format!("rateClass:{k}") }),
            rate_slac: r.details.iter().find_map(|d| match d {
                RateDetail::Slac(n) => Some(*n),
                _ => None,
            }),
            rate_volume: r.details.iter().find_map(|d| match d {
                RateDetail::Volume(v) => volume(*v),
                _ => None,
            }),
        })
        .collect();
    let shipment = Shipment {
        id: format!("{master_id}-shipment"),
        kind: "cargo:Shipment".into(),
        goods_description: (!goods.is_empty()).then(|| goods.join(" ")),
        total_gross_weight: Value::weight(c.quantity.weight),
        total_dimensions: c
            .quantity
            .volume
            .and_then(volume)
            .map(|v| Dimensions { kind: "cargo:Dimensions".into(), volume: v }),
        // The houses' pieces, by reference: they are described where their house is.
        pieces: houses
            .iter()
            .flat_map(|h| &h.shipment.pieces)
            .map(|p| Piece {
                id: p.id.clone(),
                kind: p.kind.clone(),
                gross_weight: None,
                slac: None,
                goods_description: None,
                of_shipment: None,
                special_handling_codes: Vec::new(),
                other_identifiers: Vec::new(),
                contained_pieces: Vec::new(),
            })
            .collect(),
        waybill: Ref { id: master_id.clone() },
    };
    let master = Waybill {
        id: master_id,
        kind: "cargo:Waybill".into(),
        waybill_type: Ref { id: "cargo:MASTER".into() },
        waybill_prefix: Some(c.awb.prefix.to_string()),
        waybill_number: format!("{:08}", c.awb.serial),
        departure_location: Location::airport(base, &c.origin),
        arrival_location: Location::airport(base, &c.destination),
        shipment,
        waybill_line_items: line_items,
        master_waybill: None,
        house_waybills: houses,
    };
    Ok(Document { context: Context::default(), master })
}

/// A house of the master `master_id`, whose airports `described` the master describes.
fn house(h: &House, base: &str, master_id: &str, described: [&String; 2]) -> Waybill {
    let airport = |code: &String| {
        if described.contains(&code) { Location::reference(base, code) } else { Location::airport(base, code) }
    };
    let id = format!("{base}#hawb-{}", h.hawb);
    let shipment_id = format!("{id}-shipment");
    // A house of one piece: the piece is the house's weight and count. Of several, the FHL does
    // not say how they split, so the totals stay on the shipment.
    let single = h.pieces == 1;
    let pieces = (1..=h.pieces)
        .map(|n| Piece {
            id: format!("{id}-piece-{n}"),
            kind: "cargo:Piece".into(),
            gross_weight: single.then(|| Value::weight(h.weight)),
            slac: if single { h.slac } else { None },
            goods_description: Some(h.goods.clone()),
            of_shipment: Some(Ref { id: shipment_id.clone() }),
            special_handling_codes: Vec::new(),
            other_identifiers: Vec::new(),
            contained_pieces: Vec::new(),
        })
        .collect();
    Waybill {
        id: id.clone(),
        kind: "cargo:Waybill".into(),
        waybill_type: Ref { id: "cargo:HOUSE".into() },
        waybill_prefix: None,
        waybill_number: h.hawb.clone(),
        departure_location: airport(&h.origin),
        arrival_location: airport(&h.destination),
        shipment: Shipment {
            id: shipment_id,
            kind: "cargo:Shipment".into(),
            goods_description: Some(h.goods.clone()),
            total_gross_weight: Value::weight(h.weight),
            total_dimensions: None,
            pieces,
            waybill: Ref { id: id.clone() },
        },
        waybill_line_items: Vec::new(),
        master_waybill: Some(Ref { id: master_id.to_owned() }),
        house_waybills: Vec::new(),
    }
}

/// Adds to each house of one piece (a bag) the parcels in it, each a `Piece` in the bag's
/// `containedPieces` with its gross weight (grams as exact kilograms), its own special handling
/// codes and its logistics number as an `OtherIdentifier`: the e-commerce shape of ONE Record
/// (master, bag, parcel). Parcels of a house not in the document, or of a house of several
/// pieces (which piece holds which parcel is not known), are left out; so is anything a caller
/// may not see, which the caller leaves out of `parcels`.
pub fn add_parcels(doc: &mut Document, parcels: &[Parcel]) {
    for house in &mut doc.master.house_waybills {
        let [bag] = house.shipment.pieces.as_mut_slice() else { continue };
        bag.contained_pieces = parcels
            .iter()
            .filter(|p| p.hawb == house.waybill_number)
            .map(|p| Piece {
                id: format!("{}-parcel-{}", bag.id, fragment(&p.logistics_no)),
                kind: "cargo:Piece".into(),
                gross_weight: Some(Value::new(Decimal::new(p.weight_g as i64, 3).normalize(), "KGM")),
                slac: None,
                goods_description: None,
                of_shipment: None,
                special_handling_codes: p
                    .handling
                    .codes()
                    .into_iter()
                    .filter(|c| *c != "GEN")
                    .map(|c| Ref { id: format!("sph:{c}") })
                    .collect(),
                other_identifiers: vec![OtherIdentifier {
                    kind: "cargo:OtherIdentifier".into(),
                    identifier_type: "logisticsNo".into(),
                    value: p.logistics_no.clone(),
                }],
                contained_pieces: Vec::new(),
            })
            .collect();
    }
}

/// A logistics number as an IRI fragment: letters, digits, `-`, `.` and `_` as they are, any
/// other byte percent-encoded.
fn fragment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
