//! Message time: seconds after the simulated day's midnight, China Standard Time, written as
//! the CEB `appTime` (`YYYYMMDDhhmmss`) and the DXP envelope's `xs:dateTime`, through
//! greenlane-core's `MessageTime`, the hub's only clock. No wall clock.

use greenlane_core::MessageTime;
use time::{Date, UtcOffset};

fn at(day: Date, seconds: i64) -> MessageTime {
    let cst = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    MessageTime(day.midnight().assume_offset(cst).unix_timestamp()).plus_seconds(seconds)
}

/// `YYYYMMDDhhmmss`.
pub(crate) fn stamp(day: Date, seconds: i64) -> String {
    at(day, seconds).to_app_time()
}

/// RFC 3339 with the +08:00 offset (a valid `xs:dateTime`).
pub(crate) fn iso(day: Date, seconds: i64) -> String {
    at(day, seconds).to_rfc3339()
}
