//! The listed parties as the loaders hand them over: one `Entry` per listed party, its names with
//! their strength, its kind, countries and programmes, grouped into versioned `List`s.

use std::fmt;

/// What kind of party a name belongs to. Lists and queries that do not say are `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Kind {
    Person,
    Organization,
    Vessel,
    Aircraft,
    #[default]
    Unknown,
}

impl Kind {
    /// Reads the spellings lists use ("individual", "entity", "vessel", …); anything else is `Unknown`.
    pub fn parse(text: &str) -> Kind {
        match text.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" | "individuals" | "p" => Kind::Person,
            "organization" | "organisation" | "entity" | "entities" | "company" | "org" | "o" => Kind::Organization,
            "vessel" | "ship" => Kind::Vessel,
            "aircraft" | "plane" => Kind::Aircraft,
            _ => Kind::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Vessel => "vessel",
            Kind::Aircraft => "aircraft",
            Kind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a listed name can be trusted to identify the party on its own. OFAC and the UN mark
/// some aliases as weak ("low quality"): short or generic names that alone justify only a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameStrength {
    Primary,
    Strong,
    Weak,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedName {
    pub name: String,
    pub strength: NameStrength,
}

/// One listed party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's id in its list (OFAC ent_num, UN reference number, CSL entity number, …); for
    /// lists without ids, a stable hash of the source and the name.
    pub entry_id: String,
    /// The sub-list within a combined file, e.g. "Entity List (EL) - Bureau of Industry and
    /// Security" in the CSL; empty where the file is one list.
    pub source: String,
    /// The primary name first, then the aliases.
    pub names: Vec<ListedName>,
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 codes where the country could be recognised, else the list's own text
    /// in upper case.
    pub countries: Vec<String>,
    pub programs: Vec<String>,
}

impl Entry {
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.name.as_str()).unwrap_or("")
    }
}

/// One loaded list file (or group of files, such as OFAC's sdn/alt/add).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// A short stable id: `us_ofac_sdn`, `us_ofac_cons`, `un_sc`, `us_csl`, `us_bis_dpl`, or the
    /// generic file's stem.
    pub id: String,
    /// The date the list states, else a content hash (`fnv64:…`) of its files.
    pub version: String,
    /// The file names it came from.
    pub files: Vec<String>,
    pub entries: Vec<Entry>,
}
