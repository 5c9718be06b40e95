//! The shipped Shenzhen route table loads and expands into the right dated flights, and every
//! kind of editing mistake is reported with its file and line.

use greenlane_cargo::route::SHENZHEN_ROUTES;
use greenlane_cargo::{RouteErrorKind, RouteTable};
use time::macros::{date, datetime};

#[test]
fn the_shipped_table_loads_and_every_row_names_a_source() {
    let table = RouteTable::shenzhen();
    assert_eq!(table.version, "2026-12-07.1");
    assert!(table.routes.len() >= 10);
    for route in &table.routes {
        assert!(!route.sources.is_empty(), "{} has no source", route.id);
        assert!(route.cutoff_battery > route.cutoff_general, "{}", route.id);
    }
    for origin in ["SZX", "HKG", "CAN"] {
        assert!(table.routes.iter().any(|r| r.origin == origin), "no route from {origin}");
    }
}

#[test]
fn a_week_expands_to_each_routes_weekly_frequency() {
    let table = RouteTable::shenzhen();
    // Monday 7 to Sunday 13 December 2026.
    let flights = table.flights(date!(2026 - 12 - 07), date!(2026 - 12 - 13));
    let expected: usize = table.routes.iter().map(|r| r.days.len()).sum();
    assert_eq!(flights.len(), expected);
    assert!(flights.windows(2).all(|w| w[0].departure <= w[1].departure));
    // China Southern's Chicago freighter flies Wed/Fri/Sun (S20).
    let ord: Vec<_> = flights.iter().filter(|f| f.destination == "ORD").map(|f| f.departure).collect();
    assert_eq!(ord, [datetime!(2026-12-09 02:00), datetime!(2026-12-11 02:00), datetime!(2026-12-13 02:00)]);
    let first = flights.iter().find(|f| f.flight_no == "CZ469").unwrap();
    assert_eq!(first.cutoff_general, datetime!(2026-12-08 21:00));
    assert_eq!(first.cutoff_battery, datetime!(2026-12-08 19:00));
    assert_eq!(first.capacity_g, 102_800_000);
    assert_eq!(first.volume_cm3(), 27 * 16_160_000);
    assert_eq!(first.prefix.to_string(), "784");
    // The 737-800BCF's main deck: 141.5 m³ over 11.5 positions (S66).
    let narrow = flights.iter().find(|f| f.destination == "CGK").unwrap();
    assert_eq!((narrow.positions, narrow.uld.volume_cm3), (11, 12_300_000));
}

#[test]
fn an_empty_range_has_no_flights() {
    let table = RouteTable::shenzhen();
    assert!(table.flights(date!(2026 - 12 - 08), date!(2026 - 12 - 07)).is_empty());
}

/// Replaces the first occurrence of `from` in the shipped table and returns the error.
fn edited(from: &str, to: &str) -> (usize, RouteErrorKind) {
    assert!(SHENZHEN_ROUTES.contains(from), "{from}");
    let text = SHENZHEN_ROUTES.replacen(from, to, 1);
    let err = RouteTable::parse("routes.toml", &text).unwrap_err();
    assert_eq!(err.file, "routes.toml");
    assert!(err.to_string().starts_with(&format!("routes.toml:{}:", err.line)), "{err}");
    (err.line, err.kind)
}

fn line_of(needle: &str) -> usize {
    SHENZHEN_ROUTES[..SHENZHEN_ROUTES.find(needle).unwrap()].lines().count() + 1
}

#[test]
fn mistakes_name_their_line() {
    let cases = [
        // (text to replace, replacement, what the message says)
        ("origin = \"SZX\"", "origin = \"PVG\"", "origin PVG"),
        ("prefix = \"784\"", "prefix = \"78\"", "prefix"),
        ("days = [\"Wed\", \"Fri\", \"Sun\"]", "days = [\"Wed\", \"Wed\"]", "twice"),
        ("departure = \"02:00\"", "departure = \"26:00\"", "HH:MM"),
        ("aircraft = \"738\"\ndays", "aircraft = \"A321\"\ndays", "aircraft A321"),
        ("cutoff_battery_hours = 7", "cutoff_battery_hours = 3", "battery cut-off"),
        ("flight = \"CZ469\"", "flight = \"MU469\"", "flight"),
        ("uld_volume_m3 = \"12.3\"", "uld_volume_m3 = \"0\"", "must be positive"),
        ("uld = \"PMC\"\npositions = 11", "uld = \"PMX\"\npositions = 11", "ULD PMX"),
        ("version = \"2026-12-07.1\"", "version = \" \"", "version"),
    ];
    for (from, to, says) in cases {
        let (line, kind) = edited(from, to);
        let RouteErrorKind::Invalid(message) = kind else { panic!("{from}: {kind:?}") };
        assert!(message.contains(says), "{from}: {message}");
        // The error points at the row's table header or inside it, never past the edit.
        assert!(line <= line_of(from) && line + 25 >= line_of(from), "{from}: line {line}");
    }
}

#[test]
fn syntax_errors_name_their_line() {
    let (line, kind) = edited("payload_kg = 23900", "payload_kg = \"heavy\"");
    assert!(matches!(kind, RouteErrorKind::Syntax(_)), "{kind:?}");
    assert_eq!(line, line_of("payload_kg = 23900"));
    let (line, kind) = edited("note = \"1 a week (2022)\"", "nite = \"1 a week (2022)\"");
    assert!(matches!(kind, RouteErrorKind::Syntax(_)), "{kind:?}");
    assert!(line <= line_of("note = \"1 a week (2022)\""));
}
