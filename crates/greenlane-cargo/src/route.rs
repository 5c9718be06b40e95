//! Cargo routes, aircraft and ULD types as an analyst-edited TOML table, and their weekly
//! schedules expanded into dated flights with capacities and cut-offs.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Deserialize;
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};
use toml::Spanned;

use crate::mawb::Prefix;

/// The table shipped with greenlane: Shenzhen's e-commerce freighter routes (`data/routes.toml`).
pub const SHENZHEN_ROUTES: &str = include_str!("../data/routes.toml");

/// Airports a route may leave from: the hub's own airport and the two the seller community
/// trucks to (Hong Kong, Guangzhou), each a gateway Shenzhen cargo actually uses.
pub const ORIGINS: [&str; 3] = ["SZX", "HKG", "CAN"];

/// What is wrong with a route table, and where. Every variant is the editor's to fix: the
/// table is data an analyst writes, and nothing here reads a file or could fail on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct RouteError {
    pub file: String,
    /// 1-based line in the file.
    pub line: usize,
    pub kind: RouteErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteErrorKind {
    #[error("not a valid table: {0}")]
    Syntax(String),
    #[error("{0}")]
    Invalid(String),
}

/// A ULD type: what one position holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UldType {
    pub code: String,
    pub max_gross_g: u64,
    pub volume_cm3: u64,
    pub tare_g: u64,
    pub sources: Vec<String>,
}

impl UldType {
    /// What the contents of one ULD may weigh: its maximum gross less its own weight.
    pub fn net_g(&self) -> u64 {
        self.max_gross_g - self.tare_g
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aircraft {
    pub code: String,
    pub payload_g: u64,
    pub uld: String,
    pub positions: u32,
    /// The volume one position takes on this aircraft when its contour is lower than the ULD
    /// type's main-deck build (a narrow-body's main deck).
    pub uld_volume_cm3: Option<u64>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub id: String,
    pub origin: String,
    pub destination: String,
    pub carrier: String,
    pub airline: String,
    pub prefix: Prefix,
    pub flight: String,
    pub aircraft: String,
    pub days: Vec<Weekday>,
    pub departure: Time,
    pub cutoff_general: Duration,
    pub cutoff_battery: Duration,
    pub sources: Vec<String>,
    pub note: String,
    pub assumed: Vec<String>,
}

/// A route table as loaded: every reference between its rows resolved and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTable {
    pub version: String,
    pub ulds: Vec<UldType>,
    pub aircraft: Vec<Aircraft>,
    pub routes: Vec<Route>,
}

/// One departure of a route on a date, with everything allocation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    /// Index of the route in its table.
    pub route: usize,
    pub flight_no: String,
    pub origin: String,
    pub destination: String,
    pub prefix: Prefix,
    pub departure: PrimitiveDateTime,
    /// The last moment general cargo may be accepted.
    pub cutoff_general: PrimitiveDateTime,
    /// The last moment cargo with batteries or magnets (a DG acceptance check) may be accepted.
    pub cutoff_battery: PrimitiveDateTime,
    /// The aircraft's payload, the limit over all its ULDs.
    pub capacity_g: u64,
    pub uld: UldType,
    pub positions: u32,
}

impl Flight {
    pub fn volume_cm3(&self) -> u64 {
        self.uld.volume_cm3 * u64::from(self.positions)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    version: Spanned<String>,
    #[serde(default)]
    uld: Vec<Spanned<UldRow>>,
    #[serde(default)]
    aircraft: Vec<Spanned<AircraftRow>>,
    #[serde(default)]
    route: Vec<Spanned<RouteRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UldRow {
    code: String,
    max_gross_kg: u64,
    volume_m3: String,
    tare_kg: u64,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AircraftRow {
    code: String,
    payload_kg: u64,
    uld: String,
    positions: u32,
    uld_volume_m3: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteRow {
    id: String,
    origin: String,
    destination: String,
    carrier: String,
    airline: String,
    prefix: String,
    flight: String,
    aircraft: String,
    days: Vec<String>,
    departure: String,
    cutoff_general_hours: u32,
    cutoff_battery_hours: u32,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    assumed: Vec<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

fn is_code(s: &str, len: usize, alnum: bool) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase() || (alnum && b.is_ascii_digit()))
}

impl RouteTable {
    /// The table shipped with greenlane.
    pub fn shenzhen() -> RouteTable {
        RouteTable::parse("data/routes.toml", SHENZHEN_ROUTES)
            .expect("the shipped route table is checked by the crate's tests")
    }

    /// Reads a table; `file` only names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<RouteTable, RouteError> {
        let err = |offset: usize, kind: RouteErrorKind| RouteError {
            file: file.to_string(),
            line: line_of(text, offset),
            kind,
        };
        let doc: Doc = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            err(offset, RouteErrorKind::Syntax(e.message().to_string()))
        })?;
        let invalid = |offset: usize, msg: String| err(offset, RouteErrorKind::Invalid(msg));

        if doc.version.get_ref().trim().is_empty() {
            return Err(invalid(doc.version.span().start, "version must not be empty".into()));
        }
        let mut ulds = Vec::new();
        for row in &doc.uld {
            let at = row.span().start;
            let r = row.get_ref();
            if !is_code(&r.code, 3, true) {
                return Err(invalid(at, format!("ULD type {:?} is not a 3-letter IATA ULD code", r.code)));
            }
            if ulds.iter().any(|u: &UldType| u.code == r.code) {
                return Err(invalid(at, format!("ULD type {} is defined twice", r.code)));
            }
            let volume_cm3 = cubic_centimetres(&r.volume_m3).map_err(|m| invalid(at, m))?;
            if r.tare_kg >= r.max_gross_kg {
                return Err(invalid(at, format!("ULD {}: tare must be below the maximum gross", r.code)));
            }
            ulds.push(UldType {
                code: r.code.clone(),
                max_gross_g: r.max_gross_kg * 1000,
                volume_cm3,
                tare_g: r.tare_kg * 1000,
                sources: r.sources.clone(),
            });
        }
        let mut aircraft = Vec::new();
        for row in &doc.aircraft {
            let at = row.span().start;
            let r = row.get_ref();
            if aircraft.iter().any(|a: &Aircraft| a.code == r.code) {
                return Err(invalid(at, format!("aircraft {} is defined twice", r.code)));
            }
            if !ulds.iter().any(|u| u.code == r.uld) {
                return Err(invalid(
                    at,
                    format!("aircraft {} uses ULD {}, which the table does not define", r.code, r.uld),
                ));
            }
            if r.positions == 0 || r.payload_kg == 0 {
                return Err(invalid(at, format!("aircraft {} must have positions and a payload", r.code)));
            }
            let uld_volume_cm3 =
                r.uld_volume_m3.as_deref().map(cubic_centimetres).transpose().map_err(|m| invalid(at, m))?;
            aircraft.push(Aircraft {
                code: r.code.clone(),
                payload_g: r.payload_kg * 1000,
                uld: r.uld.clone(),
                positions: r.positions,
                uld_volume_cm3,
                sources: r.sources.clone(),
            });
        }
        let mut routes = Vec::new();
        for row in &doc.route {
            let at = row.span().start;
            let r = row.get_ref();
            let bad = |msg: String| invalid(at, format!("route {}: {msg}", r.id));
            if routes.iter().any(|x: &Route| x.id == r.id) {
                return Err(bad("defined twice".into()));
            }
            if !ORIGINS.contains(&r.origin.as_str()) {
                return Err(bad(format!("origin {} is not one of {}", r.origin, ORIGINS.join(", "))));
            }
            if !is_code(&r.destination, 3, false) || r.destination == r.origin {
                return Err(bad(format!("destination {:?} is not another 3-letter airport code", r.destination)));
            }
            if !is_code(&r.carrier, 2, true) {
                return Err(bad(format!("carrier {:?} is not a 2-character IATA airline code", r.carrier)));
            }
            let prefix: Prefix = r.prefix.parse().map_err(|_| bad(format!("prefix {:?} is not 3 digits", r.prefix)))?;
            let number = r.flight.strip_prefix(r.carrier.as_str()).unwrap_or("");
            if number.is_empty() || number.len() > 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(format!("flight {:?} is not the carrier code and 1–4 digits", r.flight)));
            }
            if !aircraft.iter().any(|a| a.code == r.aircraft) {
                return Err(bad(format!("aircraft {} is not defined in the table", r.aircraft)));
            }
            let mut days = Vec::new();
            for d in &r.days {
                let day = weekday(d).ok_or_else(|| bad(format!("{d:?} is not a weekday (Mon … Sun)")))?;
                if days.contains(&day) {
                    return Err(bad(format!("{d} is listed twice")));
                }
                days.push(day);
            }
            if days.is_empty() {
                return Err(bad("has no departure days".into()));
            }
            let departure =
                parse_hhmm(&r.departure).ok_or_else(|| bad(format!("departure {:?} is not HH:MM", r.departure)))?;
            // Battery and magnet cargo passes a dangerous-goods acceptance check, so it closes
            // no later than general cargo does.
            if r.cutoff_battery_hours < r.cutoff_general_hours {
                return Err(bad("the battery cut-off must be at least as early as the general one".into()));
            }
            if r.cutoff_battery_hours > 48 {
                return Err(bad("a cut-off more than 48 h before departure is not an acceptance cut-off".into()));
            }
            let known: BTreeSet<&str> =
                ["flight", "days", "departure", "aircraft", "prefix", "destination"].into_iter().collect();
            if let Some(a) = r.assumed.iter().find(|a| !known.contains(a.as_str())) {
                return Err(bad(format!("assumed names {a:?}, which is not a field that can be assumed")));
            }
            routes.push(Route {
                id: r.id.clone(),
                origin: r.origin.clone(),
                destination: r.destination.clone(),
                carrier: r.carrier.clone(),
                airline: r.airline.clone(),
                prefix,
                flight: r.flight.clone(),
                aircraft: r.aircraft.clone(),
                days,
                departure,
                cutoff_general: Duration::hours(i64::from(r.cutoff_general_hours)),
                cutoff_battery: Duration::hours(i64::from(r.cutoff_battery_hours)),
                sources: r.sources.clone(),
                note: r.note.clone(),
                assumed: r.assumed.clone(),
            });
        }
        Ok(RouteTable { version: doc.version.into_inner(), ulds, aircraft, routes })
    }

    pub fn route(&self, id: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.id == id)
    }

    /// Every departure from `first` to `last` (both included), in departure order (ties by
    /// route order, so that the result is deterministic).
    pub fn flights(&self, first: Date, last: Date) -> Vec<Flight> {
        let mut out = Vec::new();
        let mut date = first;
        while date <= last {
            for (index, route) in self.routes.iter().enumerate() {
                if !route.days.contains(&date.weekday()) {
                    continue;
                }
                let aircraft = self.aircraft.iter().find(|a| a.code == route.aircraft).expect("checked on load");
                let mut uld = self.ulds.iter().find(|u| u.code == aircraft.uld).expect("checked on load").clone();
                if let Some(v) = aircraft.uld_volume_cm3 {
                    uld.volume_cm3 = v;
                }
                let departure = PrimitiveDateTime::new(date, route.departure);
                out.push(Flight {
                    route: index,
                    flight_no: route.flight.clone(),
                    origin: route.origin.clone(),
                    destination: route.destination.clone(),
                    prefix: route.prefix,
                    departure,
                    cutoff_general: departure - route.cutoff_general,
                    cutoff_battery: departure - route.cutoff_battery,
                    capacity_g: aircraft.payload_g,
                    uld,
                    positions: aircraft.positions,
                });
            }
            match date.next_day() {
                Some(d) => date = d,
                None => break,
            }
        }
        out.sort_by(|a, b| a.departure.cmp(&b.departure).then(a.route.cmp(&b.route)));
        out
    }
}

/// A volume in m³ as the table writes it (a decimal string), in whole cm³.
fn cubic_centimetres(m3: &str) -> Result<u64, String> {
    let volume: Decimal = m3.parse().map_err(|_| format!("volume {m3:?} is not a decimal number of m³"))?;
    u64::try_from((volume * Decimal::from(1_000_000u32)).trunc())
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| format!("volume {m3} must be positive"))
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "Mon" => Weekday::Monday,
        "Tue" => Weekday::Tuesday,
        "Wed" => Weekday::Wednesday,
        "Thu" => Weekday::Thursday,
        "Fri" => Weekday::Friday,
        "Sat" => Weekday::Saturday,
        "Sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn parse_hhmm(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}
