//! ONE Record JSON-LD of generated consolidation plans: it carries the MAWB, houses, pieces and
//! weights of the FWB and FHL it is made from (the master's gross is the sum of its houses'), each
//! bag holds its SLAC of parcels whose weights its gross covers, it
//! reads back to the same document, and an independent JSON-LD processor (oxjsonld, expanding
//! with the inline context only, offline) turns it into RDF whose every node is typed, whose
//! every IRI is absolute (so every prefix used is defined), and whose every class, property and
//! named individual is one the cargo ontology 3.2 defines, used on a class that allows it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{parcels, stocks};
use greenlane_cargo::documents::build;
use greenlane_cargo::imp::fwb::RateDetail;
use greenlane_cargo::imp::{fhl, fwb};
use greenlane_cargo::onerecord::{self, CARGO, Document, OneRecordError};
use greenlane_cargo::{Parcel, Placement, Plan, RouteTable, Rules, allocate};
use oxjsonld::JsonLdParser;
use oxrdf::{NamedOrBlankNode, Term};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

const BASE: &str = "https://hub.example/api/v1/mawbs/MAWB/onerecord";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const CODE_LISTS: &str = "https://onerecord.iata.org/ns/code-lists/";

/// The ontology's terms (tests/data/onerecord-cargo-3.2-terms.txt).
struct Ontology {
    /// Class: (direct superclasses, properties its restrictions name).
    classes: BTreeMap<String, (Vec<String>, BTreeSet<String>)>,
    /// Property: deprecated?
    properties: BTreeMap<String, bool>,
    /// Named individual: its class.
    individuals: BTreeMap<String, String>,
}

impl Ontology {
    fn load() -> Ontology {
        let text = include_str!("data/onerecord-cargo-3.2-terms.txt");
        let mut o = Ontology { classes: BTreeMap::new(), properties: BTreeMap::new(), individuals: BTreeMap::new() };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[0] {
                "class" => {
                    let colon = words.iter().position(|w| *w == ":").unwrap();
                    let supers = words[3..colon].iter().filter(|w| **w != "-").map(|w| w.to_string()).collect();
                    let props = words[colon + 1..].iter().map(|w| w.to_string()).collect();
                    o.classes.insert(words[1].into(), (supers, props));
                }
                "property" => {
                    o.properties.insert(words[1].into(), words.get(2) == Some(&"deprecated"));
                }
                "individual" => {
                    o.individuals.insert(words[1].into(), words[2].into());
                }
                other => panic!("unknown line kind {other}"),
            }
        }
        o
    }

    /// Whether a node of `class` may carry `property`: its restrictions or an ancestor's name it.
    fn allows(&self, class: &str, property: &str) -> bool {
        let Some((supers, props)) = self.classes.get(class) else { return false };
        props.contains(property) || supers.iter().any(|s| self.allows(s, property))
    }
}

fn local(iri: &str) -> Option<&str> {
    iri.strip_prefix(CARGO)
}

/// The document as RDF, checked against the ontology; returns the triples by subject.
fn check_rdf(text: &str, ontology: &Ontology) -> BTreeMap<String, Vec<(String, Term)>> {
    let mut by_subject: BTreeMap<String, Vec<(String, Term)>> = BTreeMap::new();
    let mut named = BTreeSet::new();
    for quad in JsonLdParser::new().for_slice(text) {
        let quad = quad.unwrap_or_else(|e| panic!("not JSON-LD: {e}\n{text}"));
        let subject = match &quad.subject {
            NamedOrBlankNode::NamedNode(n) => {
                named.insert(n.as_str().to_owned());
                n.as_str().to_owned()
            }
            NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
        };
        let triple = (quad.predicate.as_str().to_owned(), quad.object);
        // A graph is a set: a node described twice gives its triples once.
        let triples = by_subject.entry(subject).or_default();
        if !triples.contains(&triple) {
            triples.push(triple);
        }
    }
    assert!(!by_subject.is_empty(), "no triple at all: {text}");
    for (subject, triples) in &by_subject {
        let types: Vec<&str> = triples
            .iter()
            .filter(|(p, _)| p == RDF_TYPE)
            .map(|(_, o)| match o {
                Term::NamedNode(n) => local(n.as_str()).unwrap_or_else(|| panic!("{subject}: type {n} is not cargo")),
                other => panic!("{subject}: type {other}"),
            })
            .collect();
        assert_eq!(types.len(), 1, "{subject} has types {types:?}");
        let class = types[0];
        assert!(ontology.classes.contains_key(class), "cargo:{class} is no class of the ontology");
        // Logistics objects are named; embedded objects are not (ONE Record's own distinction).
        let logistics = matches!(class, "Waybill" | "Shipment" | "Piece" | "Location");
        assert_eq!(!subject.starts_with("_:"), logistics, "{subject} is a cargo:{class}");
        if logistics {
            assert!(subject.starts_with(BASE), "{subject} is not a fragment of the document");
        }
        for (p, o) in triples.iter().filter(|(p, _)| p != RDF_TYPE) {
            let name = local(p).unwrap_or_else(|| panic!("{subject}: predicate {p} is not a cargo property"));
            let deprecated = ontology.properties.get(name).unwrap_or_else(|| panic!("cargo:{name} is no property"));
            assert!(!deprecated, "cargo:{name} is deprecated");
            assert!(ontology.allows(class, name), "cargo:{class} does not take cargo:{name}");
            match o {
                Term::NamedNode(n) => {
                    let iri = n.as_str();
                    if let Some(individual) = local(iri) {
                        let of = ontology.individuals.get(individual).unwrap_or_else(|| panic!("cargo:{individual}"));
                        assert_eq!((name, of.as_str()), ("waybillType", "WaybillType"));
                    } else if !iri.starts_with(CODE_LISTS) {
                        assert!(iri.starts_with(BASE), "{subject} cargo:{name} {iri}: neither a node nor a code");
                    }
                }
                Term::Literal(l) if name == "numericalValue" => {
                    assert_eq!(l.datatype().as_str(), XSD_DOUBLE);
                    l.value().parse::<Decimal>().unwrap_or_else(|e| panic!("{l}: {e}"));
                }
                // The ontology's own restrictions on the waybill's number and prefix.
                Term::Literal(l) if name == "waybillNumber" => {
                    let v = l.value();
                    assert!(
                        !v.is_empty() && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                        "{l}: [A-Z0-9]+"
                    );
                }
                Term::Literal(l) if name == "waybillPrefix" => assert!(l.value().len() <= 3, "{l}: at most 3"),
                Term::Literal(_) | Term::BlankNode(_) => {}
            }
        }
    }
    // Every node referred to is in the document.
    for triples in by_subject.values() {
        for (_, o) in triples {
            if let Term::NamedNode(n) = o
                && n.as_str().starts_with(BASE)
            {
                assert!(named.contains(n.as_str()), "{n} is referred to and not described");
            }
        }
    }
    by_subject
}

/// The parcels of a plan as the hub knows them after arrival: the HAWB of their bag (as
/// `documents::build` numbers the bags), a logistics number, weight and handling codes.
fn contained(plan: &Plan, parcels: &[Parcel]) -> Vec<onerecord::Parcel> {
    plan.placements
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Placement::Loaded { bag, .. } => Some(onerecord::Parcel {
                hawb: format!("GL{bag:08}"),
                logistics_no: format!("LP{i:08}CN"),
                weight_g: u64::from(parcels[i].weight_g),
                handling: parcels[i].handling(),
            }),
            Placement::NotFlown(_) => None,
        })
        .collect()
}

fn typed(rdf: &BTreeMap<String, Vec<(String, Term)>>, class: &str) -> usize {
    let iri = format!("{CARGO}{class}");
    rdf.values()
        .filter(|t| t.iter().any(|(p, o)| p == RDF_TYPE && matches!(o, Term::NamedNode(n) if n.as_str() == iri)))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn json_ld_carries_the_fwb_and_fhl(seed in proptest::collection::vec((any::<u8>(), 50u32..40_000, any::<u8>(), any::<u16>()), 1..300)) {
        let ontology = Ontology::load();
        let table = RouteTable::shenzhen();
        let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
        let parcels = parcels(&seed);
        let plan = allocate(&flights, &parcels, &Rules::default());
        let docs = build(&flights, &plan, &mut stocks(&table), "GL").unwrap();
        let inside = contained(&plan, &parcels);
        for d in &docs {
            // From the text greenlane serves, as the HTTP API maps it.
            let w = fwb::read(&fwb::write(&d.fwb).unwrap()).unwrap();
            let h = fhl::read(&fhl::write(&d.fhl).unwrap()).unwrap();
            let mut doc = onerecord::document(&w, &h, BASE).unwrap();
            onerecord::add_parcels(&mut doc, &inside);
            let text = doc.to_json();
            prop_assert_eq!(&Document::from_json(&text).unwrap(), &doc);

            let m = &doc.master;
            prop_assert!(m.is_master());
            prop_assert_eq!(format!("{}-{}", m.waybill_prefix.as_deref().unwrap(), m.waybill_number), d.mawb.to_string());
            prop_assert_eq!(m.departure_location.code(), Some(w.consignment.origin.as_str()));
            prop_assert_eq!(m.arrival_location.code(), Some(w.consignment.destination.as_str()));
            let gross = m.shipment.total_gross_weight.decimal().unwrap();
            prop_assert_eq!(gross, w.consignment.quantity.weight.value);
            prop_assert_eq!(m.shipment.total_gross_weight.unit_code(), "KGM");
            prop_assert_eq!(m.shipment.pieces.len() as u32, w.consignment.quantity.pieces);
            let hawbs: Vec<&str> = m.house_waybills.iter().map(|x| x.waybill_number.as_str()).collect();
            let fhl_hawbs: Vec<&str> = h.houses.iter().map(|x| x.hawb.as_str()).collect();
            prop_assert_eq!(hawbs, fhl_hawbs);
            // The master's gross is the sum of its houses', and of its pieces'.
            let houses: Decimal = m.house_waybills.iter().map(|x| x.shipment.total_gross_weight.decimal().unwrap()).sum();
            prop_assert_eq!(houses, gross);
            let pieces: Vec<_> = m.house_waybills.iter().flat_map(|x| &x.shipment.pieces).collect();
            let piece_gross: Decimal = pieces.iter().map(|p| p.gross_weight.as_ref().unwrap().decimal().unwrap()).sum();
            prop_assert_eq!(piece_gross, gross);
            let slac: u32 = pieces.iter().map(|p| p.slac.unwrap()).sum();
            prop_assert_eq!(u64::from(slac), plan.flights[d.flight as usize].parcels);
            // Each bag holds its SLAC of parcels, whose weights its gross covers (rounded up to
            // 0.1 kg), and whose battery and magnet codes are their own.
            for p in &pieces {
                prop_assert_eq!(p.contained_pieces.len() as u32, p.slac.unwrap());
                let inside: Decimal = p.contained_pieces.iter().map(|c| c.gross_weight.as_ref().unwrap().decimal().unwrap()).sum();
                let bag = p.gross_weight.as_ref().unwrap().decimal().unwrap();
                prop_assert!(inside <= bag && bag - inside < Decimal::new(1, 1), "{} in a bag of {}", inside, bag);
            }
            let flagged = pieces.iter().flat_map(|p| &p.contained_pieces).filter(|c| !c.special_handling_codes.is_empty()).count();
            let loaded = |p: &onerecord::Parcel| pieces.iter().any(|b| b.contained_pieces.iter().any(|c| c.other_identifiers[0].value == p.logistics_no));
            let expected = inside.iter().filter(|p| loaded(p) && p.handling.needs_dg_acceptance()).count();
            prop_assert_eq!(flagged, expected);
            for x in &m.house_waybills {
                prop_assert!(!x.is_master());
                prop_assert_eq!(x.master_waybill.as_ref().map(|r| r.id.as_str()), Some(m.id.as_str()));
            }
            let line = &m.waybill_line_items[0];
            prop_assert_eq!(line.chargeable_weight.as_ref().and_then(|v| v.decimal()), w.rates[0].chargeable);
            let ns = w.rates[0].details.iter().find_map(|x| match x { RateDetail::Slac(n) => Some(*n), _ => None });
            prop_assert_eq!(line.rate_slac, ns);

            // The same, as RDF from an independent processor.
            let rdf = check_rdf(&text, &ontology);
            prop_assert_eq!(typed(&rdf, "Waybill"), 1 + h.houses.len());
            prop_assert_eq!(typed(&rdf, "Piece") as u32, w.consignment.quantity.pieces + slac);
            prop_assert_eq!(typed(&rdf, "Shipment"), 1 + h.houses.len());
        }
    }
}

#[test]
fn an_fhl_of_another_master_is_refused() {
    let table = RouteTable::shenzhen();
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let seed: Vec<(u8, u32, u8, u16)> = (0..60).map(|i| (i, 2_000 + u32::from(i) * 50, i, u16::from(i))).collect();
    let plan = allocate(&flights, &parcels(&seed), &Rules::default());
    let docs = build(&flights, &plan, &mut stocks(&table), "GL").unwrap();
    assert!(docs.len() >= 2);
    assert_eq!(
        onerecord::document(&docs[0].fwb, &docs[1].fhl, BASE),
        Err(OneRecordError::OtherMaster { fwb: docs[0].fwb.consignment.awb, fhl: docs[1].fhl.master.awb })
    );
}

/// The context resolves every prefix: a document whose prefix is undefined gives IRIs the checks
/// refuse, so the checks can fail.
#[test]
#[should_panic(expected = "is not a cargo property")]
fn an_undefined_prefix_is_caught() {
    let table = RouteTable::shenzhen();
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let plan = allocate(&flights, &parcels(&[(2, 1_000, 1, 0)]), &Rules::default());
    let d = &build(&flights, &plan, &mut stocks(&table), "GL").unwrap()[0];
    let text = onerecord::document(&d.fwb, &d.fhl, BASE).unwrap().to_json().replace("\"cargo:slac\"", "\"crgo:slac\"");
    check_rdf(&text, &Ontology::load());
}

/// One small MAWB's document, as a reviewer reads it: `tests/data/onerecord-example.jsonld`
/// (`UPDATE_EXPECT=1` rewrites it).
#[test]
fn the_example_document_is_as_reviewed() {
    let table = RouteTable::shenzhen();
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let seed = [(2, 28_000, 1, 0), (2, 9_500, 1, 3), (2, 1_200, 4, 5)];
    let plan = allocate(&flights, &parcels(&seed), &Rules::default());
    let d = &build(&flights, &plan, &mut stocks(&table), "GL").unwrap()[0];
    let base = format!("https://hub.example/api/v1/mawbs/{}/onerecord", d.mawb);
    let mut doc = onerecord::document(&d.fwb, &d.fhl, &base).unwrap();
    onerecord::add_parcels(&mut doc, &contained(&plan, &parcels(&seed)));
    let text = doc.to_json() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/onerecord-example.jsonld");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "UPDATE_EXPECT=1 rewrites {}", path.display());
}
