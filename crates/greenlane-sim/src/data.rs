//! The embedded calibration tables under `data/` (sources in `data/README.md`): products on HS
//! 2022 subheadings, brands, destinations with their de minimis thresholds, buyer-name pools and
//! names from the sanctions lists. Parsed once; a broken table is a [`SimError::Data`].

use crate::SimError;
use serde::Deserialize;
use std::sync::OnceLock;

const PRODUCTS: &str = include_str!("../data/products.csv");
const BRANDS: &str = include_str!("../data/brands.csv");
const DESTINATIONS: &str = include_str!("../data/destinations.csv");
const NAMES: &str = include_str!("../data/names.csv");
const SANCTIONED: &str = include_str!("../data/sanctioned_names.csv");
const HS_SUBSET: &str = include_str!("../data/hs2022-subset.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ProductClass {
    Normal,
    /// Cheap by nature: what a clearance sale of it looks like is not undervaluation.
    Cheap,
    Heavy,
    /// Needs an export licence (dual-use items, precursor chemicals, some drones).
    Controlled,
    /// Export is prohibited (ivory, charcoal, antiques, ephedra).
    Prohibited,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Product {
    pub key: String,
    pub hs10: String,
    pub name_zh: String,
    pub gmodel: String,
    pub unit: String,
    pub unit1: String,
    /// Median unit price, CNY.
    pub price_cny: f64,
    /// Log-normal spread of the unit price.
    pub spread: f64,
    /// Gross weight of one unit, packed, kg.
    pub weight_kg: f64,
    /// Relative frequency among ordinary parcels.
    pub share: f64,
    pub class: ProductClass,
    /// Used only to judge an engine, never to tune one: [`held_out_by_rule`] of the key.
    pub heldout: bool,
}

/// The documented rule for `heldout`: the FNV-1a 64-bit hash of the product key is divisible
/// by 4 (about a quarter of the products, independent of section, price or class). The column
/// is written from this rule and checked against it, so nobody picks which goods are held out.
pub(crate) fn held_out_by_rule(key: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.is_multiple_of(4)
}

impl Product {
    pub fn chapter(&self) -> &str {
        &self.hs10[..2]
    }
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Brand {
    pub brand: String,
    pub product_key: String,
    pub name_zh: String,
    pub genuine_price_cny: f64,
    #[serde(skip)]
    pub product: usize,
}

#[derive(Debug, Clone, Deserialize)]
struct DestinationRow {
    iso2: String,
    share: f64,
    de_minimis_cny: Option<f64>,
    pool: String,
    airports: String,
    calling: String,
    cities: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Destination {
    pub iso2: String,
    /// The 3-digit customs country code of CEB `country` fields.
    pub customs_code: String,
    pub share: f64,
    /// The destination's duty (or tax) de minimis in CNY, where one exists in November 2026
    /// (risk-and-screening.md §3): the threshold a split shipment stays under.
    pub de_minimis_cny: Option<f64>,
    pub pool: usize,
    pub airports: Vec<String>,
    /// The international calling code, for buyers' telephone numbers.
    pub calling: String,
    pub cities: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NamePool {
    pub key: String,
    pub given: Vec<String>,
    pub family: Vec<String>,
    pub street: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Listed {
    pub list: String,
    pub id: String,
    pub kind: String,
    pub name: String,
    pub country: String,
}

impl Listed {
    pub fn is_person(&self) -> bool {
        self.kind == "person"
    }
}

#[derive(Debug)]
pub(crate) struct Catalog {
    pub products: Vec<Product>,
    pub brands: Vec<Brand>,
    pub destinations: Vec<Destination>,
    pub pools: Vec<NamePool>,
    pub listed: Vec<Listed>,
    /// HS 2022 codes (2, 4 and 6 digits) the products sit under.
    pub hs_codes: Vec<String>,
}

fn rows<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<Vec<T>, SimError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| SimError::Data(format!("data/{file} row {}: {e}", i + 2))))
        .collect()
}

fn split(s: &str) -> Vec<String> {
    s.split('|').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

impl Catalog {
    fn load() -> Result<Catalog, SimError> {
        let products: Vec<Product> = rows("products.csv", PRODUCTS)?;
        let mut brands: Vec<Brand> = rows("brands.csv", BRANDS)?;
        for b in &mut brands {
            b.product = products
                .iter()
                .position(|p| p.key == b.product_key)
                .ok_or_else(|| SimError::Data(format!("data/brands.csv: no product {:?}", b.product_key)))?;
        }
        let mut pools: Vec<NamePool> = Vec::new();
        #[derive(Deserialize)]
        struct NameRow {
            pool: String,
            part: String,
            values: String,
        }
        for row in rows::<NameRow>("names.csv", NAMES)? {
            let index = match pools.iter().position(|p| p.key == row.pool) {
                Some(i) => i,
                None => {
                    pools.push(NamePool { key: row.pool.clone(), ..NamePool::default() });
                    pools.len() - 1
                }
            };
            let pool = &mut pools[index];
            let target = match row.part.as_str() {
                "given" => &mut pool.given,
                "family" => &mut pool.family,
                "street" => &mut pool.street,
                other => return Err(SimError::Data(format!("data/names.csv: unknown part {other:?}"))),
            };
            *target = split(&row.values);
        }
        let mut destinations = Vec::new();
        for row in rows::<DestinationRow>("destinations.csv", DESTINATIONS)? {
            let country = greenlane_codes::country_by_iso2(&row.iso2)
                .ok_or_else(|| SimError::Data(format!("data/destinations.csv: unknown country {}", row.iso2)))?;
            let pool = pools
                .iter()
                .position(|p| p.key == row.pool)
                .ok_or_else(|| SimError::Data(format!("data/destinations.csv: no name pool {:?}", row.pool)))?;
            destinations.push(Destination {
                iso2: row.iso2,
                customs_code: country.customs_code.clone(),
                share: row.share,
                de_minimis_cny: row.de_minimis_cny,
                pool,
                airports: split(&row.airports),
                calling: row.calling,
                cities: split(&row.cities),
            });
        }
        let listed: Vec<Listed> = rows("sanctioned_names.csv", SANCTIONED)?;
        #[derive(Deserialize)]
        struct HsRow {
            hscode: String,
        }
        let hs_codes = rows::<HsRow>("hs2022-subset.csv", HS_SUBSET)?.into_iter().map(|r| r.hscode).collect();
        let catalog = Catalog { products, brands, destinations, pools, listed, hs_codes };
        catalog.check()?;
        Ok(catalog)
    }

    /// The rules the generator relies on; the crate's tests hold them too.
    fn check(&self) -> Result<(), SimError> {
        let fail = |m: String| Err(SimError::Data(m));
        for p in &self.products {
            if p.hs10.len() != 10 || !p.hs10.bytes().all(|b| b.is_ascii_digit()) {
                return fail(format!("product {}: HS code {:?} is not 10 digits", p.key, p.hs10));
            }
            if !self.hs_codes.iter().any(|c| *c == p.hs10[..6]) {
                return fail(format!("product {}: {} is not an HS 2022 subheading", p.key, &p.hs10[..6]));
            }
            for unit in [&p.unit, &p.unit1] {
                if greenlane_codes::unit_by_code(unit).is_none() {
                    return fail(format!("product {}: unknown unit {unit}", p.key));
                }
            }
            if p.heldout != held_out_by_rule(&p.key) {
                return fail(format!("product {}: heldout is {} but the rule says otherwise", p.key, p.heldout));
            }
            if p.price_cny <= 0.0 || p.weight_kg <= 0.0 || p.share <= 0.0 {
                return fail(format!("product {}: price, weight and share must be positive", p.key));
            }
        }
        for pool in &self.pools {
            if pool.given.is_empty() || pool.family.is_empty() || pool.street.is_empty() {
                return fail(format!("name pool {} lacks given names, family names or streets", pool.key));
            }
        }
        for d in &self.destinations {
            if d.cities.is_empty() || d.airports.iter().any(|a| a.len() != 3) {
                return fail(format!("destination {}: needs cities and 3-letter airports", d.iso2));
            }
        }
        for l in &self.listed {
            if l.name.trim().is_empty() || l.country.len() != 2 {
                return fail(format!("listed name {:?} of {}: needs a name and a country", l.id, l.list));
            }
        }
        if self.listed.is_empty() || self.destinations.is_empty() {
            return fail("empty sanctions or destination table".into());
        }
        Ok(())
    }

    pub fn product(&self, key: &str) -> Option<usize> {
        self.products.iter().position(|p| p.key == key)
    }

    pub fn destination(&self, iso2: &str) -> Option<usize> {
        self.destinations.iter().position(|d| d.iso2 == iso2)
    }
}

/// The tables, parsed on first use.
pub(crate) fn catalog() -> Result<&'static Catalog, SimError> {
    static LOADED: OnceLock<Result<Catalog, SimError>> = OnceLock::new();
    LOADED.get_or_init(Catalog::load).as_ref().map_err(|e| SimError::Data(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_catalogue_covers_every_hs_section() {
        #[derive(Deserialize)]
        struct Row {
            section: String,
            hscode: String,
        }
        let sections: Vec<Row> = rows("hs2022-subset.csv", HS_SUBSET).unwrap();
        let cat = catalog().unwrap();
        assert!(cat.products.len() >= 300, "{} products", cat.products.len());
        let seen: BTreeSet<&str> = cat
            .products
            .iter()
            .map(|p| sections.iter().find(|r| r.hscode == p.hs10[..6]).map(|r| r.section.as_str()).unwrap())
            .collect();
        assert_eq!(seen.len(), 21, "sections {seen:?}");
        // Honest goods in all but the arms section, whose goods are all violations.
        let honest: BTreeSet<&str> = cat
            .products
            .iter()
            .filter(|p| matches!(p.class, ProductClass::Normal | ProductClass::Cheap | ProductClass::Heavy))
            .map(|p| sections.iter().find(|r| r.hscode == p.hs10[..6]).map(|r| r.section.as_str()).unwrap())
            .collect();
        assert_eq!(honest.len(), 20, "sections with honest goods {honest:?}");
    }

    #[test]
    fn about_a_quarter_of_the_products_are_held_out_by_the_rule() {
        let cat = catalog().unwrap();
        let held = cat.products.iter().filter(|p| p.heldout).count() as f64 / cat.products.len() as f64;
        assert!((0.2..=0.3).contains(&held), "held-out share {held}");
        for class in [ProductClass::Normal, ProductClass::Cheap, ProductClass::Controlled, ProductClass::Prohibited] {
            assert!(cat.products.iter().any(|p| p.class == class && p.heldout), "no held-out {class:?} product");
            assert!(cat.products.iter().any(|p| p.class == class && !p.heldout), "no tuning {class:?} product");
        }
    }

    #[test]
    fn brands_cover_forty_names_at_genuine_prices() {
        let cat = catalog().unwrap();
        let brands: BTreeSet<&str> = cat.brands.iter().map(|b| b.brand.as_str()).collect();
        assert!(brands.len() >= 40, "{} brands", brands.len());
        for b in &cat.brands {
            assert!(b.genuine_price_cny >= cat.products[b.product].price_cny, "{} {}", b.brand, b.product_key);
        }
    }
}
