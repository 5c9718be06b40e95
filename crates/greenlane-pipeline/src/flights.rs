//! Released lists from arrival to departure, on message time: a list that arrives at the hub
//! (CEB507) becomes a parcel for consolidation; when the hub's clock passes a flight's cut-off,
//! greenlane-cargo allocates the waiting parcels to it and its MAWB, FWB, FHL and FFM are
//! issued; when the clock passes its departure, greenlane writes the flight's CEB607 (总分单:
//! billNo = MAWB, voyageNo = flight) and CEB509 (离境) and applies them like any message, which
//! takes every list on board to 899 with its receipts.
//!
//! Everything here reads message time and the store only, so a replay of the intake log derives
//! the same flights, numbers and messages (the messages written here are derived, not logged).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use greenlane_cargo::documents::{self, FlightDocuments};
use greenlane_cargo::{Battery, Flight, Parcel, Placement, Prefix, RouteTable, Rules, Service, Stock, Unflown};
use greenlane_ceb::{Message, Version, export, write};
use greenlane_core::{ListStatus, MessageTime, Reason};
use greenlane_store::{
    CargoFlight, CargoMawb, CargoParcel, CargoState, FlightKey, FlightStatus, ListRow, StoreError, UldBuild,
};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::Prepared;
use crate::cache::WriterTx;

/// The table shipped with greenlane (`data/cargo.toml`).
pub const SHIPPED: &str = include_str!("../data/cargo.toml");

/// The key under which `cargo_stock` keeps the hub's own house-waybill series (airline prefixes
/// are 0–999, so it meets none of them).
const HOUSE_SERIES: u16 = 1000;

/// Lists per CEB509 `Departure` or CEB607 `WayBill`, and entities per message: the schema's
/// maxOccurs.
const PER_ENTITY: usize = 100;
const PER_MESSAGE: usize = 100;

/// A gap longer than this between two message times is not replayed flight by flight: a hub
/// that was idle for weeks starts from the flights of the last days.
const MAX_CATCH_UP_DAYS: i64 = 14;

/// What the hub needs to move released parcels onto flights.
#[derive(Debug, Clone)]
pub struct Cargo {
    pub routes: RouteTable,
    pub rules: Rules,
    /// ISO country → airport of the route table.
    gateways: BTreeMap<String, String>,
    /// HS prefix → handling code.
    handling: Vec<(String, Handling)>,
    density_kg_per_m3: u64,
    operator_code: String,
    operator_name: String,
    customs_code: String,
    stock_first: u32,
    stock_last: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handling {
    Eli,
    Elm,
    Mag,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    density_kg_per_m3: u64,
    operator_code: String,
    operator_name: String,
    customs_code: String,
    stock_first: u32,
    stock_last: u32,
    gateway: Vec<GatewayRow>,
    handling: Vec<HandlingRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GatewayRow {
    country: String,
    airport: String,
    #[allow(dead_code)]
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandlingRow {
    hs: String,
    code: String,
    #[allow(dead_code)]
    why: String,
}

/// What is wrong with a cargo table: the editor's to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cargo table: {0}")]
pub struct CargoTableError(String);

impl Cargo {
    /// The shipped Shenzhen routes and cargo table.
    pub fn shenzhen() -> Cargo {
        Cargo::parse(RouteTable::shenzhen(), SHIPPED).expect("the shipped cargo table is checked by the crate's tests")
    }

    /// A route table's text (`name` is its file, for messages) with the shipped cargo rules:
    /// what the hub runs on. `Err` names the file and line at fault.
    pub fn of_routes(name: &str, text: &str) -> Result<Cargo, String> {
        let table = RouteTable::parse(name, text).map_err(|e| e.to_string())?;
        // The cargo table's gateways must each name an airport the new routes still fly to.
        Cargo::parse(table, SHIPPED).map_err(|e| format!("{name}: the shipped data/cargo.toml no longer fits it: {e}"))
    }

    pub fn parse(routes: RouteTable, text: &str) -> Result<Cargo, CargoTableError> {
        let doc: Doc = toml::from_str(text).map_err(|e| CargoTableError(e.to_string()))?;
        let airports: Vec<&str> = routes.routes.iter().map(|r| r.destination.as_str()).collect();
        let mut gateways = BTreeMap::new();
        for g in doc.gateway {
            if !airports.contains(&g.airport.as_str()) {
                return Err(CargoTableError(format!("{} goes to {}, which no route flies to", g.country, g.airport)));
            }
            if gateways.insert(g.country.clone(), g.airport).is_some() {
                return Err(CargoTableError(format!("{} has two gateways", g.country)));
            }
        }
        let mut handling = Vec::new();
        for h in doc.handling {
            let code = match h.code.as_str() {
                "ELI" => Handling::Eli,
                "ELM" => Handling::Elm,
                "MAG" => Handling::Mag,
                other => return Err(CargoTableError(format!("handling code {other:?} is not ELI, ELM or MAG"))),
            };
            if h.hs.is_empty() || !h.hs.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CargoTableError(format!("{:?} is not an HS prefix", h.hs)));
            }
            handling.push((h.hs, code));
        }
        if doc.density_kg_per_m3 == 0 {
            return Err(CargoTableError("density_kg_per_m3 must be positive".into()));
        }
        if doc.stock_first > doc.stock_last || doc.stock_last > 9_999_999 {
            return Err(CargoTableError("the stock range is not a range of 7-digit serials".into()));
        }
        Ok(Cargo {
            routes,
            rules: Rules::default(),
            gateways,
            handling,
            density_kg_per_m3: doc.density_kg_per_m3,
            operator_code: doc.operator_code,
            operator_name: doc.operator_name,
            customs_code: doc.customs_code,
            stock_first: doc.stock_first,
            stock_last: doc.stock_last,
        })
    }

    /// The airport a list's destination country (customs code) is flown to.
    pub fn gateway(&self, customs_country: &str) -> Option<&str> {
        let iso2 = greenlane_codes::country_by_customs_code(customs_country)?.iso2.as_deref()?;
        self.gateways.get(iso2).map(String::as_str)
    }
}

/// The cargo table in force: the writer reads it at every tick of the cargo clock, and a reload
/// of the route table replaces it whole, so a tick never sees half of an old table and half of
/// a new one. A flight closed under the old table keeps its row (capacity, ULDs, MAWB) and
/// departs as it was built; the new table decides every cut-off still to come.
#[derive(Debug)]
pub struct CargoInForce(RwLock<Arc<Cargo>>);

impl CargoInForce {
    pub fn new(cargo: Cargo) -> CargoInForce {
        CargoInForce(RwLock::new(Arc::new(cargo)))
    }

    pub fn get(&self) -> Arc<Cargo> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Puts `cargo` in force; returns the table it replaces.
    pub fn replace(&self, cargo: Cargo) -> Arc<Cargo> {
        std::mem::replace(&mut *self.0.write().unwrap_or_else(|p| p.into_inner()), Arc::new(cargo))
    }
}

/// Beijing time: the route table's clock.
fn cst() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).expect("a valid offset")
}

pub fn message_time(at: PrimitiveDateTime) -> MessageTime {
    MessageTime(at.assume_offset(cst()).unix_timestamp())
}

pub fn local(at: MessageTime) -> PrimitiveDateTime {
    let t = OffsetDateTime::from_unix_timestamp(at.0).unwrap_or(OffsetDateTime::UNIX_EPOCH).to_offset(cst());
    PrimitiveDateTime::new(t.date(), t.time())
}

/// The China day of a message time.
pub fn china_date(at: MessageTime) -> Date {
    local(at).date()
}

fn key_of(flight: &Flight) -> FlightKey {
    FlightKey { flight_no: flight.flight_no.clone(), departure: message_time(flight.departure) }
}

/// Records the lists of an arrival message that are now at the hub (status arrived) as parcels
/// waiting for a flight; a list whose country no route serves is recorded as not flown.
pub(crate) fn arrived(
    tx: &mut dyn WriterTx,
    cargo: &Cargo,
    logistics_code: &str,
    numbers: &[&str],
    at: MessageTime,
) -> Result<(), StoreError> {
    for number in numbers {
        let key =
            greenlane_core::WaybillKey { logistics_code: logistics_code.to_owned(), logistics_no: (*number).into() };
        for list in tx.lists_for_waybill(&key)? {
            let Some(row) = tx.get_list(&list)? else { continue };
            if row.status != ListStatus::Arrived || tx.cargo_parcel(&list)?.is_some() {
                continue;
            }
            // The carrier's scale weight when the waybill has one: what the warehouse weighs.
            let weight = match tx.get_waybill(&row.list.waybill)? {
                Some(w) if w.waybill.gross_weight > rust_decimal::Decimal::ZERO => w.waybill.gross_weight,
                _ => row.list.gross_weight,
            };
            let parcel = new_parcel(cargo, &row, weight, at);
            tx.put_cargo_parcel(&parcel)?;
        }
    }
    Ok(())
}

fn new_parcel(cargo: &Cargo, row: &ListRow, weight_kg: rust_decimal::Decimal, at: MessageTime) -> CargoParcel {
    use rust_decimal::prelude::ToPrimitive as _;
    // Grams, rounded up: a declared weight is never under the real one.
    let weight_g = (weight_kg * rust_decimal::Decimal::from(1000)).ceil().to_u64().unwrap_or(1).max(1);
    let volume_cm3 = (weight_g * 1000).div_ceil(cargo.density_kg_per_m3);
    let mut handling = greenlane_cargo::Handling::default();
    for item in &row.list.items {
        for (prefix, code) in &cargo.handling {
            if item.gcode.starts_with(prefix.as_str()) {
                handling = handling.union(match code {
                    Handling::Eli => greenlane_cargo::Handling::ELI,
                    Handling::Elm => greenlane_cargo::Handling::ELM,
                    Handling::Mag => greenlane_cargo::Handling::MAG,
                });
            }
        }
    }
    let destination = cargo.gateway(&row.list.country).map(str::to_owned);
    let (state, reasons) = match &destination {
        Some(_) => (CargoState::Waiting, Vec::new()),
        None => (
            CargoState::Unflown,
            vec![Reason::new(
                "no_route",
                format!(
                    "no route of the table flies to country {} (its gateway is not in data/cargo.toml)",
                    row.list.country
                ),
            )],
        ),
    };
    CargoParcel {
        list: row.list.key.clone(),
        invt_no: row.list.invt_no.clone(),
        logistics_code: row.list.waybill.logistics_code.clone(),
        logistics_no: row.list.waybill.logistics_no.clone(),
        arrived_at: at,
        destination,
        weight_g,
        volume_cm3,
        handling: bits(handling),
        state,
        flight: None,
        hawb: None,
        mawb: None,
        reasons,
    }
}

fn bits(h: greenlane_cargo::Handling) -> u8 {
    let mut b = 0;
    for (flag, bit) in
        [(greenlane_cargo::Handling::ELI, 1), (greenlane_cargo::Handling::ELM, 2), (greenlane_cargo::Handling::MAG, 4)]
    {
        if h.contains(flag) {
            b |= bit;
        }
    }
    b
}

fn parcel_for_plan(p: &CargoParcel) -> Parcel {
    let dest = p.destination.as_deref().unwrap_or("???");
    Parcel {
        destination: greenlane_cargo::consolidate::airport(dest),
        weight_g: u32::try_from(p.weight_g).unwrap_or(u32::MAX),
        volume_cm3: u32::try_from(p.volume_cm3).unwrap_or(u32::MAX),
        // CEB lists carry no service level: every parcel is standard.
        service: Service::Standard,
        battery: if p.handling & 2 != 0 {
            Battery::Metal
        } else if p.handling & 1 != 0 {
            Battery::Ion
        } else {
            Battery::None
        },
        magnetic: p.handling & 4 != 0,
        arrived: local(p.arrived_at),
    }
}

/// Moves the cargo clock to `now`: closes every flight whose cut-off and departs every flight
/// whose departure it passed, in time order. Returns the departure messages to apply.
pub(crate) fn tick(tx: &mut dyn WriterTx, cargo: &Cargo, now: MessageTime) -> Result<Vec<Prepared>, StoreError> {
    let Some(last) = tx.cargo_clock()? else {
        tx.set_cargo_clock(now)?;
        return Ok(Vec::new());
    };
    if now <= last {
        return Ok(Vec::new());
    }
    let last = last.max(now.plus_seconds(-MAX_CATCH_UP_DAYS * 86_400));
    let from = china_date(last) - Duration::days(1);
    let to = china_date(now) + Duration::days(3);
    let flights = cargo.routes.flights(from, to);
    // (time, 0 = close / 1 = depart, flight index, flight): closes come from the table in force;
    // departures from the flights it closes now and from those closed before, which keep the
    // row they were built with even if the table changed since.
    let mut events: Vec<(MessageTime, u8, usize, FlightKey)> = Vec::new();
    for (i, f) in flights.iter().enumerate() {
        let close = message_time(f.cutoff_general);
        let depart = message_time(f.departure);
        if last < close && close <= now {
            events.push((close, 0, i, key_of(f)));
        }
        if last < depart && depart <= now {
            events.push((depart, 1, 0, key_of(f)));
        }
    }
    for row in tx.cargo_flights_between(last.plus_seconds(1), now.plus_seconds(1))? {
        if row.status == FlightStatus::Closed {
            events.push((row.key.departure, 1, 0, row.key));
        }
    }
    events.sort();
    events.dedup();
    let mut out = Vec::new();
    for (_, kind, i, key) in events {
        if kind == 0 {
            close(tx, cargo, &flights[i])?;
        } else {
            out.extend(depart(tx, cargo, &key)?);
        }
    }
    tx.set_cargo_clock(now)?;
    Ok(out)
}

/// The flights of the table in force that have not closed yet, each with the load the hub would
/// give it now: what the port operator and the forwarder book from before the cut-off.
#[derive(Debug, Clone)]
pub struct Outlook {
    /// From the cargo clock's day (or `first`, before any message) through `last`, cut-off not
    /// passed, in the table's order.
    pub flights: Vec<Flight>,
    /// The parcels waiting at the hub, in the order the plan took them.
    pub parcels: Vec<CargoParcel>,
    /// greenlane-cargo's allocation of those parcels onto those flights.
    pub plan: greenlane_cargo::Plan,
    /// Each flight's route id.
    pub routes: Vec<String>,
    /// The rules the plan was made with (chargeable weight).
    pub rules: Rules,
}

impl Outlook {
    /// The planned load of flight `i` counting only the parcels `see` admits (an enterprise
    /// sees its own): parcels, grams, cm³.
    pub fn load_of(&self, i: usize, see: impl Fn(&CargoParcel) -> bool) -> (u64, u64, u64) {
        let mut load = (0, 0, 0);
        for (p, placement) in self.parcels.iter().zip(&self.plan.placements) {
            if matches!(placement, Placement::Loaded { flight, .. } if *flight as usize == i) && see(p) {
                load = (load.0 + 1, load.1 + p.weight_g, load.2 + p.volume_cm3);
            }
        }
        load
    }
}

/// Plans every parcel waiting at the hub onto the flights still to close, as the cut-offs would
/// if no other parcel came: nothing is written, and the flights that will close later with more
/// parcels show what is already committed to them.
pub fn outlook<R: greenlane_store::CargoRead + ?Sized>(
    r: &mut R,
    cargo: &Cargo,
    first: Date,
    last: Date,
) -> Result<Outlook, StoreError> {
    let clock = r.cargo_clock()?;
    let from = clock.map_or(first, china_date).min(first);
    let mut flights = cargo.routes.flights(from, last);
    if let Some(now) = clock {
        flights.retain(|f| message_time(f.cutoff_general) > now);
    }
    let parcels = r.cargo_parcels_in(CargoState::Waiting, None)?;
    let plan_parcels: Vec<Parcel> = parcels.iter().map(parcel_for_plan).collect();
    let plan = greenlane_cargo::allocate(&flights, &plan_parcels, &cargo.rules);
    let routes = flights.iter().map(|f| cargo.routes.routes[f.route].id.clone()).collect();
    Ok(Outlook { flights, parcels, plan, routes, rules: cargo.rules })
}

/// Whether a parcel's list may still fly; a parcel whose list was cancelled (or otherwise left
/// the arrived state) is withdrawn, with the reason, and is never loaded again.
fn still_arrived(tx: &mut dyn WriterTx, p: &mut CargoParcel) -> Result<bool, StoreError> {
    let status = tx.get_list(&p.list)?.map(|r| r.status);
    if status == Some(ListStatus::Arrived) {
        return Ok(true);
    }
    p.state = CargoState::Withdrawn;
    p.flight = None;
    p.hawb = None;
    p.mawb = None;
    let status = status.map_or("deleted", ListStatus::as_str);
    p.reasons.push(Reason::new("withdrawn", format!("the list is {status}, not arrived: it is not loaded")));
    tx.put_cargo_parcel(p)?;
    Ok(false)
}

/// At a flight's cut-off: allocates the parcels waiting for its destination, issues its MAWB
/// and documents, and records the flight closed (with an empty load when nothing came).
fn close(tx: &mut dyn WriterTx, cargo: &Cargo, flight: &Flight) -> Result<(), StoreError> {
    let key = key_of(flight);
    if tx.cargo_flight(&key)?.is_some() {
        return Ok(());
    }
    let mut waiting = Vec::new();
    for mut p in tx.cargo_parcels_in(CargoState::Waiting, Some(&flight.destination))? {
        if still_arrived(tx, &mut p)? {
            waiting.push(p);
        }
    }
    // First come, first served: allocation takes parcels in arrival order within a service.
    let plan_parcels: Vec<Parcel> = waiting.iter().map(parcel_for_plan).collect();
    let flights = std::slice::from_ref(flight);
    let plan = greenlane_cargo::allocate(flights, &plan_parcels, &cargo.rules);
    let on_board: Vec<usize> =
        (0..waiting.len()).filter(|&i| matches!(plan.placements[i], Placement::Loaded { .. })).collect();
    let docs = if on_board.is_empty() { None } else { Some(issue(tx, cargo, flight, &plan, None, None)?) };
    let when = local(key.departure);
    for (i, p) in waiting.iter_mut().enumerate() {
        match plan.placements[i] {
            Placement::Loaded { bag, .. } => {
                let d = docs.as_ref().expect("documents exist when something is loaded");
                p.state = CargoState::Loaded;
                p.flight = Some(key.clone());
                p.mawb = Some(d.mawb.to_string());
                p.hawb = Some(d.fhl.houses[house_index(&plan, bag)].hawb.clone());
            }
            Placement::NotFlown(Unflown::TooLarge) => {
                p.state = CargoState::Unflown;
                p.reasons.push(Reason::new(
                    "too_large",
                    format!("{} g / {} cm³ is more than one {} can carry", p.weight_g, p.volume_cm3, flight.uld.code),
                ));
            }
            Placement::NotFlown(Unflown::NoRoute) => {
                p.state = CargoState::Unflown;
                p.reasons.push(Reason::new("no_route", "no flight of the route table flies to its destination"));
            }
            Placement::NotFlown(Unflown::NoCapacity) => {
                let cutoff = if p.handling != 0 { flight.cutoff_battery } else { flight.cutoff_general };
                let why = if p.arrived_at > message_time(cutoff) {
                    ("missed_cutoff", "arrived after its cut-off")
                } else {
                    ("flight_full", "the flight was full")
                };
                p.reasons.push(Reason::new(
                    why.0,
                    format!(
                        "{} of {} {}: {}; re-planned onto the next flight",
                        flight.flight_no,
                        when.date(),
                        when.time(),
                        why.1
                    ),
                ));
            }
        }
        tx.put_cargo_parcel(p)?;
    }
    let route = &cargo.routes.routes[flight.route].id;
    let row = flight_row(route, flight, &plan, docs.as_ref(), FlightStatus::Closed)?;
    tx.put_cargo_flight(&row)?;
    if let Some(d) = &docs {
        tx.put_cargo_mawb(&mawb_row(flight, &plan, d)?)?;
    }
    Ok(())
}

/// The position in the FHL of bag `bag`: documents list a flight's houses by ULD, then bag.
fn house_index(plan: &greenlane_cargo::Plan, bag: u32) -> usize {
    let mut order: Vec<u32> = (0..plan.bags.len() as u32).collect();
    order.sort_by_key(|&b| (plan.bags[b as usize].uld, b));
    order.iter().position(|&b| b == bag).expect("the bag is in the plan")
}

/// Issues a flight's documents: a fresh MAWB from the airline's stock (or `reuse`, when the
/// load of a closed flight is rebuilt) and houses from the hub's series (or `house`).
fn issue(
    tx: &mut dyn WriterTx,
    cargo: &Cargo,
    flight: &Flight,
    plan: &greenlane_cargo::Plan,
    reuse: Option<greenlane_cargo::Mawb>,
    house: Option<String>,
) -> Result<FlightDocuments, StoreError> {
    let broken = |what: String| StoreError::Backend(format!("cargo: {what}"));
    let (mut stock, fresh) = match reuse {
        Some(m) => (Stock::new(m.prefix(), m.serial(), m.serial()).map_err(|e| broken(e.to_string()))?, false),
        None => {
            let prefix = flight.prefix.get();
            let next = tx.cargo_stock_next(prefix)?.unwrap_or(cargo.stock_first);
            let stock = Stock::new(flight.prefix, next, cargo.stock_last)
                .map_err(|_| broken(format!("the stock of prefix {} is used up; enter a new range", flight.prefix)))?;
            (stock, true)
        }
    };
    let house = match house {
        Some(h) => h,
        None => {
            let n = tx.cargo_stock_next(HOUSE_SERIES)?.unwrap_or(0);
            tx.set_cargo_stock_next(HOUSE_SERIES, n + 1)?;
            base36(n)
        }
    };
    let mut docs = documents::build(std::slice::from_ref(flight), plan, std::slice::from_mut(&mut stock), &house)
        .map_err(|e| broken(e.to_string()))?;
    let d = docs.pop().ok_or_else(|| broken("no documents for a loaded flight".into()))?;
    if fresh {
        let prefix: Prefix = d.mawb.prefix();
        tx.set_cargo_stock_next(prefix.get(), d.mawb.serial() + 1)?;
    }
    Ok(d)
}

/// Four base-36 characters: a house series good for 1.6 million flights, leaving 8 digits for
/// the bags of each (a HAWB is at most 12 characters in an FHL).
fn base36(mut n: u32) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = [b'0'; 4];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(out.to_vec()).expect("ASCII")
}

fn flight_row(
    route: &str,
    flight: &Flight,
    plan: &greenlane_cargo::Plan,
    docs: Option<&FlightDocuments>,
    status: FlightStatus,
) -> Result<CargoFlight, StoreError> {
    let load = &plan.flights[0];
    let ulds = docs
        .map(|d| d.ffm.points.iter().flat_map(|p| p.ulds.iter()).map(|u| u.id.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    let ffm = match docs {
        Some(d) => greenlane_cargo::imp::ffm::write(&d.ffm).map_err(unwritable)?,
        None => String::new(),
    };
    Ok(CargoFlight {
        key: key_of(flight),
        route: route.to_owned(),
        origin: flight.origin.clone(),
        destination: flight.destination.clone(),
        status,
        capacity_g: flight.capacity_g,
        capacity_cm3: flight.volume_cm3(),
        uld_type: flight.uld.code.clone(),
        uld_net_g: flight.uld.net_g(),
        uld_volume_cm3: flight.uld.volume_cm3,
        positions: flight.positions,
        parcels: load.parcels,
        gross_g: load.gross_g,
        volume_cm3: load.volume_cm3,
        chargeable_g: load.chargeable_g,
        ulds: load
            .ulds
            .iter()
            .filter(|u| u.bags > 0)
            .enumerate()
            .map(|(i, u)| UldBuild {
                id: ulds.get(i).cloned().unwrap_or_default(),
                gross_g: u.gross_g,
                volume_cm3: u.volume_cm3,
            })
            .collect(),
        mawbs: docs.map(|d| vec![d.mawb.to_string()]).unwrap_or_default(),
        ffm,
    })
}

/// A document greenlane built that its own writer refuses: ours, not the sender's.
fn unwritable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("cargo: a document greenlane built does not write: {e}"))
}

fn mawb_row(flight: &Flight, plan: &greenlane_cargo::Plan, d: &FlightDocuments) -> Result<CargoMawb, StoreError> {
    let load = &plan.flights[0];
    Ok(CargoMawb {
        mawb: d.mawb.to_string(),
        flight: key_of(flight),
        origin: flight.origin.clone(),
        destination: flight.destination.clone(),
        pieces: d.fhl.houses.len() as u32,
        gross_g: load.gross_g,
        chargeable_g: load.chargeable_g,
        fwb: greenlane_cargo::imp::fwb::write(&d.fwb).map_err(unwritable)?,
        fhl: greenlane_cargo::imp::fhl::write(&d.fhl).map_err(unwritable)?,
    })
}

/// At a flight's departure: the parcels still arrived fly (a list cancelled since the cut-off
/// is taken off, and the load and documents are rebuilt under the same MAWB); greenlane writes
/// the flight's CEB607 and CEB509 for them.
fn depart(tx: &mut dyn WriterTx, cargo: &Cargo, key: &FlightKey) -> Result<Vec<Prepared>, StoreError> {
    let key = key.clone();
    let Some(mut row) = tx.cargo_flight(&key)? else { return Ok(Vec::new()) };
    if row.status == FlightStatus::Departed {
        return Ok(Vec::new());
    }
    let flight = &built(&row);
    let mut loaded = Vec::new();
    let mut withdrawn = false;
    for mut p in tx.cargo_parcels_on(&key)? {
        if p.state != CargoState::Loaded {
            continue;
        }
        if still_arrived(tx, &mut p)? {
            loaded.push(p);
        } else {
            withdrawn = true;
        }
    }
    if withdrawn && !loaded.is_empty() {
        // Rebuild the load without the withdrawn lists, under the MAWB already issued.
        let plan_parcels: Vec<Parcel> = loaded.iter().map(parcel_for_plan).collect();
        let plan = greenlane_cargo::allocate(std::slice::from_ref(flight), &plan_parcels, &cargo.rules);
        let mawb: Option<greenlane_cargo::Mawb> = row.mawbs.first().and_then(|m| m.parse().ok());
        let house = loaded[0].hawb.as_ref().map(|h| h[..4].to_owned());
        let d = issue(tx, cargo, flight, &plan, mawb, house)?;
        let mut flying = Vec::new();
        for (i, mut p) in loaded.into_iter().enumerate() {
            match plan.placements[i] {
                Placement::Loaded { bag, .. } => {
                    p.hawb = Some(d.fhl.houses[house_index(&plan, bag)].hawb.clone());
                    flying.push(p);
                }
                // A smaller load fits where a larger one did; should one not, it waits.
                Placement::NotFlown(_) => {
                    p.state = CargoState::Waiting;
                    p.flight = None;
                    p.mawb = None;
                    p.hawb = None;
                    p.reasons.push(Reason::new("offloaded", format!("offloaded from {} at rebuild", flight.flight_no)));
                    tx.put_cargo_parcel(&p)?;
                }
            }
        }
        let mut rebuilt = flight_row(&row.route, flight, &plan, Some(&d), FlightStatus::Closed)?;
        rebuilt.mawbs = row.mawbs.clone();
        row = rebuilt;
        // The MAWB keeps its number; its documents now describe the rebuilt load.
        tx.put_cargo_mawb(&mawb_row(flight, &plan, &d)?)?;
        loaded = flying;
    } else if loaded.is_empty() && withdrawn {
        // Every list on board was cancelled: the flight leaves without a consignment of ours,
        // so it names no MAWB and no manifest. The number stays used (stock is never reissued)
        // and its row keeps the documents sent at the cut-off.
        row.parcels = 0;
        row.gross_g = 0;
        row.volume_cm3 = 0;
        row.chargeable_g = 0;
        row.ulds.clear();
        row.mawbs.clear();
        row.ffm.clear();
    }
    for p in &mut loaded {
        p.state = CargoState::Departed;
        tx.put_cargo_parcel(p)?;
    }
    row.status = FlightStatus::Departed;
    tx.put_cargo_flight(&row)?;
    let Some(mawb) = row.mawbs.first().cloned() else { return Ok(Vec::new()) };
    departure_messages(cargo, flight, &key, &mawb, &loaded)
}

/// The flight as it was built at its cut-off, from its row: what its departure (and a rebuild
/// of its load) works with, whatever the route table says now.
fn built(row: &CargoFlight) -> Flight {
    let departure = local(row.key.departure);
    let prefix = row
        .mawbs
        .first()
        .and_then(|m| m.parse::<greenlane_cargo::Mawb>().ok())
        .map(|m| m.prefix())
        .or_else(|| Prefix::new(0))
        .expect("0 is a prefix");
    Flight {
        // Only planning reads the route's index; a built flight is not planned again.
        route: 0,
        flight_no: row.key.flight_no.clone(),
        origin: row.origin.clone(),
        destination: row.destination.clone(),
        prefix,
        departure,
        // Everything on board arrived before the cut-off it was loaded at.
        cutoff_general: departure,
        cutoff_battery: departure,
        capacity_g: row.capacity_g,
        uld: greenlane_cargo::UldType {
            code: row.uld_type.clone(),
            max_gross_g: row.uld_net_g,
            volume_cm3: row.uld_volume_cm3,
            tare_g: 0,
            sources: Vec::new(),
        },
        positions: row.positions,
    }
}

fn guid(seed: &str) -> String {
    use sha2::Digest as _;
    let digest: [u8; 32] = sha2::Sha256::digest(seed.as_bytes()).into();
    crate::receipts::guid_from(&digest)
}

/// The CEB607 and CEB509 of a departing flight: per logistics firm one `WayBill` and one
/// `Departure` (100 lists each), as many messages as the schema's 100 entities require.
fn departure_messages(
    cargo: &Cargo,
    flight: &Flight,
    key: &FlightKey,
    mawb: &str,
    parcels: &[CargoParcel],
) -> Result<Vec<Prepared>, StoreError> {
    let mut by_firm: BTreeMap<&str, Vec<&CargoParcel>> = BTreeMap::new();
    for p in parcels {
        by_firm.entry(p.logistics_code.as_str()).or_default().push(p);
    }
    let time = key.departure.to_app_time();
    let transfer = export::BaseTransfer {
        cop_code: cargo.operator_code.clone(),
        cop_name: cargo.operator_name.clone(),
        dxp_mode: "DXP".into(),
        dxp_id: format!("DXPENT{}", cargo.operator_code),
        note: None,
    };
    let mut chunks: Vec<(&str, Vec<&CargoParcel>)> = Vec::new();
    for (firm, list) in &by_firm {
        for chunk in list.chunks(PER_ENTITY) {
            chunks.push((*firm, chunk.to_vec()));
        }
    }
    let customs = cargo.customs_code.clone();
    let mut out = Vec::new();
    for (m, group) in chunks.chunks(PER_MESSAGE).enumerate() {
        let seed = format!("{}/{}/{m}", key.flight_no, key.departure.0);
        let way_bills = group
            .iter()
            .enumerate()
            .map(|(e, (firm, list))| export::WayBill {
                way_bill_head: export::WayBillHead {
                    guid: guid(&format!("607/{seed}/{e}")),
                    app_type: "1".into(),
                    app_time: time.clone(),
                    app_status: "2".into(),
                    customs_code: customs.clone(),
                    cop_no: format!("GL{}{:03}{:03}", &mawb.replace('-', ""), m, e),
                    pre_no: None,
                    agent_code: cargo.operator_code.clone(),
                    agent_name: cargo.operator_name.clone(),
                    loct_no: None,
                    traf_mode: "5".into(),
                    traf_name: flight.flight_no.clone(),
                    voyage_no: flight.flight_no.clone(),
                    bill_no: mawb.to_owned(),
                    domestic_traf_no: None,
                    gross_weight: documents::kg(list.iter().map(|p| p.weight_g).sum()),
                    logistics_code: (*firm).to_owned(),
                    logistics_name: (*firm).to_owned(),
                    msg_count: 1,
                    msg_seq_no: 1,
                    note: None,
                },
                way_bill_lists: list
                    .iter()
                    .enumerate()
                    .map(|(i, p)| export::WayBillList {
                        gnum: i as i32 + 1,
                        total_package_no: None,
                        logistics_no: p.logistics_no.clone(),
                        invt_no: p.invt_no.clone(),
                        note: None,
                    })
                    .collect(),
            })
            .collect();
        let ceb607 = Message::Ceb607(export::Ceb607Message {
            guid: guid(&format!("607/{seed}")),
            version: "1.0".into(),
            way_bills,
            base_transfer: transfer.clone(),
            base_subscribes: Vec::new(),
            signature: None,
            extend_message: None,
        });
        let departures = group
            .iter()
            .enumerate()
            .map(|(e, (firm, list))| export::Departure {
                departure_head: export::DepartureHead {
                    guid: guid(&format!("509/{seed}/{e}")),
                    app_type: "1".into(),
                    app_time: time.clone(),
                    app_status: "2".into(),
                    customs_code: customs.clone(),
                    cop_no: format!("GD{}{:03}{:03}", &mawb.replace('-', ""), m, e),
                    pre_no: None,
                    logistics_code: (*firm).to_owned(),
                    logistics_name: (*firm).to_owned(),
                    traf_mode: "5".into(),
                    traf_name: Some(flight.flight_no.clone()),
                    voyage_no: Some(flight.flight_no.clone()),
                    bill_no: Some(mawb.to_owned()),
                    leave_time: time.clone(),
                    msg_count: 1,
                    msg_seq_no: 1,
                    note: None,
                },
                departure_lists: list
                    .iter()
                    .enumerate()
                    .map(|(i, p)| export::DepartureList {
                        gnum: i as i32 + 1,
                        total_package_no: None,
                        logistics_no: p.logistics_no.clone(),
                        note: None,
                    })
                    .collect(),
            })
            .collect();
        let ceb509 = Message::Ceb509(export::Ceb509Message {
            guid: guid(&format!("509/{seed}")),
            version: "1.0".into(),
            departures,
            base_transfer: transfer.clone(),
            base_subscribes: Vec::new(),
            signature: None,
            extend_message: None,
        });
        for message in [ceb607, ceb509] {
            let xml = write(&message, Version::V2018)
                .map_err(|e| StoreError::Backend(format!("cargo: a departure message is not writable: {e}")))?;
            out.push(Prepared::new(xml.into_bytes()));
        }
    }
    Ok(out)
}
