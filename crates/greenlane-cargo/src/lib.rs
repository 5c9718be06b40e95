//! greenlane's air-cargo side, pure: routes and dated flights, MAWB numbers, Cargo-IMP messages
//! (and their ONE Record JSON-LD twin) and the consolidation of released parcels onto flights.
//! No I/O, no clock, no storage.

pub mod consolidate;
pub mod documents;
pub mod imp;
pub mod mawb;
pub mod onerecord;
pub mod route;

pub use consolidate::{
    Battery, Handling, Parcel, Placement, Plan, Rules, Service, Unflown, allocate, forecast, missed,
};
pub use mawb::{Mawb, MawbError, Prefix, Stock};
pub use route::{Flight, Route, RouteError, RouteErrorKind, RouteTable, UldType};
