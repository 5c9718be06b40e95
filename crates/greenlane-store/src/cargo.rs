//! The rows of the air-cargo side: each arrived list as a parcel on its way to a flight, the
//! dated flights with their load, the master waybills issued for them with their Cargo-IMP
//! text, the airline stock already used and the cargo clock. The store keeps them; the
//! pipeline's `flights.rs` decides what they say.

use greenlane_core::{ListKey, MessageTime, Reason};
use serde::{Deserialize, Serialize};

/// Where an arrived list stands on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CargoState {
    /// At the hub's warehouse, waiting for the cut-off of a flight to its destination.
    Waiting,
    /// Built into a ULD of a flight that has closed; flies at its departure.
    Loaded,
    /// Left on its flight (the list is 899).
    Departed,
    /// Cannot fly: its reason says why (no route, too large for any ULD).
    Unflown,
    /// Taken off the flow after arrival (cancelled): never loaded again.
    Withdrawn,
}

impl CargoState {
    pub fn as_str(self) -> &'static str {
        match self {
            CargoState::Waiting => "waiting",
            CargoState::Loaded => "loaded",
            CargoState::Departed => "departed",
            CargoState::Unflown => "unflown",
            CargoState::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(text: &str) -> Option<CargoState> {
        [CargoState::Waiting, CargoState::Loaded, CargoState::Departed, CargoState::Unflown, CargoState::Withdrawn]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A dated flight: its number and its departure (message time).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FlightKey {
    pub flight_no: String,
    pub departure: MessageTime,
}

/// A released list that arrived at the hub (CEB507), as consolidation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoParcel {
    pub list: ListKey,
    pub invt_no: Option<String>,
    pub logistics_code: String,
    pub logistics_no: String,
    pub arrived_at: MessageTime,
    /// The IATA code of the airport its destination country is flown to; `None` when no
    /// route of the table serves the country.
    pub destination: Option<String>,
    pub weight_g: u64,
    pub volume_cm3: u64,
    /// greenlane-cargo's handling codes as a bit set (ELI 1, ELM 2, MAG 4).
    pub handling: u8,
    pub state: CargoState,
    /// The flight it is loaded on or left with.
    pub flight: Option<FlightKey>,
    /// The house waybill of its bag and the master of its flight.
    pub hawb: Option<String>,
    pub mawb: Option<String>,
    /// Why it is not on a flight, or what happened on the way (a missed cut-off re-planned).
    pub reasons: Vec<Reason>,
}

/// Where a flight stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlightStatus {
    /// Closed at its cut-off: its load is built and its master waybill issued.
    Closed,
    Departed,
}

impl FlightStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlightStatus::Closed => "closed",
            FlightStatus::Departed => "departed",
        }
    }
}

/// One ULD as built: its contents' weight and volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UldBuild {
    pub id: String,
    pub gross_g: u64,
    pub volume_cm3: u64,
}

/// A flight the hub loaded, with its limits and what it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoFlight {
    pub key: FlightKey,
    /// The route's id in the route table (`SZX-LGG-ET`).
    pub route: String,
    pub origin: String,
    pub destination: String,
    pub status: FlightStatus,
    pub capacity_g: u64,
    pub capacity_cm3: u64,
    /// What one ULD's contents may weigh and hold.
    pub uld_type: String,
    pub uld_net_g: u64,
    pub uld_volume_cm3: u64,
    pub positions: u32,
    pub parcels: u64,
    pub gross_g: u64,
    pub volume_cm3: u64,
    pub chargeable_g: u64,
    pub ulds: Vec<UldBuild>,
    pub mawbs: Vec<String>,
    /// The FFM/8 of the flight as greenlane wrote it.
    pub ffm: String,
}

/// A master air waybill greenlane issued from an airline's stock, with its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoMawb {
    /// `784-12345675`.
    pub mawb: String,
    pub flight: FlightKey,
    pub origin: String,
    pub destination: String,
    /// Pieces (bags) under it.
    pub pieces: u32,
    pub gross_g: u64,
    pub chargeable_g: u64,
    pub fwb: String,
    pub fhl: String,
}
