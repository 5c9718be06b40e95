//! The enterprises of a simulated day: platforms (ebp), exporters (ebc), logistics firms,
//! declaration agents and payment firms, with registration codes that look like the real ones
//! (10-character customs codes and 18-character unified social credit codes with valid check
//! characters) and the waybill and order-number formats their systems print.

use crate::data::{Catalog, ProductClass};
use crate::random::{Stream, Weighted};
use std::collections::HashSet;

/// A registered enterprise as the messages name it.
#[derive(Debug, Clone)]
pub(crate) struct Enterprise {
    pub code: String,
    pub name: String,
    /// The DXP node id its messages come from (16 characters, the envelope's limit).
    pub dxp_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderFormat {
    Amazon,
    AliExpress,
    Temu,
    Shein,
    TikTok,
    Shopee,
    Lazada,
    Ozon,
    MercadoLibre,
    Jumia,
    Ebay,
    Wildberries,
}

/// A marketplace with its share of Shenzhen's CBEC export parcels (the reference notes give no
/// per-platform figures; these follow trade-press rankings of Chinese sellers' channels) and the
/// destinations it sells to.
struct PlatformSpec {
    label: &'static str,
    name_zh: &'static str,
    share: f64,
    serves: &'static [&'static str],
    format: OrderFormat,
    sends_buyers: bool,
}

const PLATFORMS: &[PlatformSpec] = &[
    PlatformSpec {
        label: "Amazon",
        name_zh: "亚马逊全球开店跨境电商平台",
        share: 20.0,
        serves: &[
            "US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "CA", "AU", "JP", "SA", "AE", "TR", "SG", "MX", "BR", "EG",
        ],
        format: OrderFormat::Amazon,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "AliExpress",
        name_zh: "速卖通跨境电商平台",
        share: 16.0,
        serves: &[],
        format: OrderFormat::AliExpress,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Temu",
        name_zh: "拼多多Temu跨境电商平台",
        share: 18.0,
        serves: &[
            "US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "CA", "AU", "JP", "KR", "MX", "BR", "CL", "SA", "AE", "TR",
            "MY", "TH", "PH", "ZA", "NG",
        ],
        format: OrderFormat::Temu,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "SHEIN",
        name_zh: "希音跨境电商平台",
        share: 14.0,
        serves: &[
            "US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "CA", "AU", "MX", "BR", "CL", "SA", "AE", "SG", "MY", "TH",
            "PH", "ZA",
        ],
        format: OrderFormat::Shein,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "TikTok Shop",
        name_zh: "TikTok Shop跨境电商平台",
        share: 7.0,
        serves: &["US", "GB", "SG", "MY", "TH", "PH", "VN", "ID", "MX", "JP"],
        format: OrderFormat::TikTok,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Shopee",
        name_zh: "虾皮Shopee跨境电商平台",
        share: 6.0,
        serves: &["SG", "MY", "TH", "PH", "VN", "ID", "BR", "MX", "CL", "CO"],
        format: OrderFormat::Shopee,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Lazada",
        name_zh: "来赞达Lazada跨境电商平台",
        share: 3.0,
        serves: &["SG", "MY", "TH", "PH", "VN", "ID"],
        format: OrderFormat::Lazada,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Ozon",
        name_zh: "Ozon跨境电商平台",
        share: 3.0,
        serves: &["RU", "KZ"],
        format: OrderFormat::Ozon,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Mercado Libre",
        name_zh: "美客多跨境电商平台",
        share: 3.0,
        serves: &["MX", "BR", "CL", "CO"],
        format: OrderFormat::MercadoLibre,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "Jumia",
        name_zh: "Jumia跨境电商平台",
        share: 1.0,
        serves: &["NG", "KE", "EG"],
        format: OrderFormat::Jumia,
        sends_buyers: true,
    },
    PlatformSpec {
        label: "eBay",
        name_zh: "eBay跨境电商平台",
        share: 3.0,
        serves: &["US", "GB", "DE", "AU", "CA", "IT", "FR"],
        format: OrderFormat::Ebay,
        sends_buyers: false,
    },
    PlatformSpec {
        label: "Wildberries",
        name_zh: "Wildberries跨境电商平台",
        share: 2.0,
        serves: &["RU", "KZ"],
        format: OrderFormat::Wildberries,
        sends_buyers: false,
    },
];

#[derive(Debug, Clone)]
pub(crate) struct Platform {
    pub ent: Enterprise,
    /// The marketplace's usual name (Amazon, Temu…).
    pub label: &'static str,
    pub share: f64,
    /// Indexes into the catalogue's destinations.
    pub serves: Vec<usize>,
    pub format: OrderFormat,
    /// Whether its orders carry the buyer block of INTERFACES.md §5.
    pub sends_buyers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaybillFormat {
    /// SF Express: SF + 13 digits.
    Sf,
    /// 4PX: 4PX3 + 15 digits + CN.
    FourPx,
    /// Yanwen: YWCN + 12 digits.
    Yanwen,
    /// YunExpress: YT + 16 digits.
    Yun,
    /// China Post: a UPU S10 item number with its check digit.
    Post,
    /// Cainiao: LP00 + 12 digits.
    Cainiao,
    /// DHL: 10 digits.
    Dhl,
    /// Overseas-warehouse consolidator: GC + 14 digits.
    Goodcang,
}

struct LogisticsSpec {
    name_zh: &'static str,
    format: WaybillFormat,
    /// Customs office of the export port: 5317 Bao'an airport, 5345 Shenzhen Bay (trucks to Hong
    /// Kong airport), 5314 the post office, 5343 Yantian port (customs_districts.csv).
    port: &'static str,
    /// Transport mode (transport_modes.csv): 5 air, 4 road, 6 mail, 2 waterway.
    traf_mode: &'static str,
    share: f64,
}

const LOGISTICS: &[LogisticsSpec] = &[
    LogisticsSpec {
        name_zh: "顺丰速运有限公司", format: WaybillFormat::Sf, port: "5317", traf_mode: "5", share: 18.0
    },
    LogisticsSpec {
        name_zh: "递四方速递有限公司",
        format: WaybillFormat::FourPx,
        port: "5345",
        traf_mode: "4",
        share: 15.0,
    },
    LogisticsSpec {
        name_zh: "燕文物流股份有限公司",
        format: WaybillFormat::Yanwen,
        port: "5317",
        traf_mode: "5",
        share: 14.0,
    },
    LogisticsSpec {
        name_zh: "云途物流科技有限公司",
        format: WaybillFormat::Yun,
        port: "5317",
        traf_mode: "5",
        share: 16.0,
    },
    LogisticsSpec {
        name_zh: "中国邮政速递物流股份有限公司",
        format: WaybillFormat::Post,
        port: "5314",
        traf_mode: "6",
        share: 15.0,
    },
    LogisticsSpec {
        name_zh: "菜鸟供应链管理有限公司",
        format: WaybillFormat::Cainiao,
        port: "5345",
        traf_mode: "4",
        share: 12.0,
    },
    LogisticsSpec {
        name_zh: "中外运敦豪国际航空快件有限公司",
        format: WaybillFormat::Dhl,
        port: "5317",
        traf_mode: "5",
        share: 4.0,
    },
    LogisticsSpec {
        name_zh: "纵腾集团谷仓海外仓物流有限公司",
        format: WaybillFormat::Goodcang,
        port: "5343",
        traf_mode: "2",
        share: 6.0,
    },
];

#[derive(Debug, Clone)]
pub(crate) struct LogisticsFirm {
    pub ent: Enterprise,
    pub format: WaybillFormat,
    pub port: &'static str,
    pub traf_mode: &'static str,
}

const PAYERS: &[&str] = &[
    "支付宝(中国)网络技术有限公司",
    "财付通支付科技有限公司",
    "连连银通电子支付有限公司",
    "杭州乒乓智能技术有限公司",
    "空中云汇(深圳)网络科技有限公司",
];

/// Product families an exporter specialises in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    Apparel,
    Electronics,
    Home,
    Beauty,
}

impl Category {
    /// Apparel is a third of China's CBEC exports, phones and electronics a sixth
    /// (cargo-warehouse-landed-cost.md §6, GACC 2022 product mix).
    const SHARES: [(Category, f64); 4] =
        [(Category::Apparel, 33.0), (Category::Electronics, 25.0), (Category::Home, 25.0), (Category::Beauty, 17.0)];

    pub fn of_chapter(chapter: &str) -> Category {
        match chapter {
            "61" | "62" | "64" | "65" | "42" => Category::Apparel,
            "84" | "85" | "95" | "87" | "88" => Category::Electronics,
            "33" | "67" | "71" | "91" | "90" => Category::Beauty,
            _ => Category::Home,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Exporter {
    pub ent: Enterprise,
    pub category: Category,
    pub platforms: Vec<usize>,
    pub logistics: Vec<usize>,
    pub agent: usize,
    pub repeat_offender: bool,
    pub first_time: bool,
    /// Indexes into the catalogue's brands.
    pub authorized_brands: Vec<usize>,
    /// Parcels per day relative to the others.
    pub volume: f64,
    /// A per-exporter sequence for copNo.
    pub prefix: String,
}

#[derive(Debug)]
pub(crate) struct Population {
    pub platforms: Vec<Platform>,
    pub exporters: Vec<Exporter>,
    pub exporter_weights: Weighted,
    pub logistics: Vec<LogisticsFirm>,
    pub agents: Vec<Enterprise>,
    pub payers: Vec<Enterprise>,
    /// Per exporter: the product indexes of its category, and their weights.
    pub assortments: Vec<(Vec<usize>, Weighted)>,
    /// Share of parcels that come from repeat offenders.
    pub offender_share: f64,
}

/// Characters of a unified social credit code (GB 32100-2015): digits and capitals without
/// I, O, S, V, Z.
const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc_value(c: u8) -> usize {
    USCC_CHARS.iter().position(|&x| x == c).unwrap_or(0)
}

/// A unified social credit code: 9 (registered by the market regulator) 1 (enterprise), the
/// Shenzhen district's division code, a 9-character organisation code with its GB 11714 check
/// character, and the GB 32100 check character.
pub(crate) fn uscc(rng: &mut Stream) -> String {
    const DIVISIONS: &[&str] = &["440303", "440304", "440305", "440306", "440307", "440309", "440310", "440311"];
    let mut org: Vec<u8> = b"MA5".to_vec();
    for _ in 0..5 {
        org.push(*rng.pick(USCC_CHARS));
    }
    let weights = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: usize = org
        .iter()
        .zip(weights)
        .map(|(&c, w)| if c.is_ascii_digit() { (c - b'0') as usize } else { (c - b'A') as usize + 10 } * w)
        .sum();
    org.push(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    });
    let mut code = format!("91{}", rng.pick(DIVISIONS)).into_bytes();
    code.extend_from_slice(&org);
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = code.iter().zip(weights).map(|(&c, w)| uscc_value(c) * w).sum();
    code.push(USCC_CHARS[(31 - sum % 31) % 31]);
    String::from_utf8(code).unwrap_or_default()
}

/// The GB 32100 check: what a code reader would test.
pub fn uscc_is_valid(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 || !b.iter().all(|c| USCC_CHARS.contains(c)) {
        return false;
    }
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = b[..17].iter().zip(weights).map(|(&c, w)| uscc_value(c) * w).sum();
    USCC_CHARS[(31 - sum % 31) % 31] == b[17]
}

/// A 10-character customs registration code: 4403 (Shenzhen), the zone type, the enterprise
/// type, and four serial characters.
fn customs_code(rng: &mut Stream, kind: char) -> String {
    let zone = *rng.pick(&['1', '6', '9', '3']);
    format!("4403{zone}{kind}{}", rng.upper_alnum(4))
}

struct Codes {
    seen: HashSet<String>,
}

impl Codes {
    /// A fresh code, 10- or 18-character, never handed out before in this population.
    fn next(&mut self, rng: &mut Stream, kind: char, uscc_share: f64) -> String {
        loop {
            let code = if rng.chance(uscc_share) { uscc(rng) } else { customs_code(rng, kind) };
            if self.seen.insert(code.clone()) {
                return code;
            }
        }
    }
}

fn dxp_id(rng: &mut Stream) -> String {
    format!("DXPENT{}", rng.digits(10))
}

const TRADE_NAMES: &[&str] = &[
    "华", "鑫", "盛", "达", "源", "恒", "泰", "创", "佳", "美", "宏", "兴", "瑞", "丰", "博", "远", "通", "联", "星",
    "腾", "易", "优", "凯", "德", "海", "智", "光", "汇", "百", "信", "锦", "润", "启", "航", "蓝", "橙",
];

fn trade_name(rng: &mut Stream) -> String {
    let a = rng.pick(TRADE_NAMES);
    let mut b = rng.pick(TRADE_NAMES);
    while b == a {
        b = rng.pick(TRADE_NAMES);
    }
    format!("{a}{b}")
}

impl Population {
    pub fn new(catalog: &Catalog, parcels: usize, rng: &mut Stream) -> Population {
        let mut codes = Codes { seen: HashSet::new() };
        let platforms: Vec<Platform> = PLATFORMS
            .iter()
            .map(|spec| {
                let serves: Vec<usize> = if spec.serves.is_empty() {
                    (0..catalog.destinations.len()).collect()
                } else {
                    spec.serves.iter().filter_map(|iso| catalog.destination(iso)).collect()
                };
                Platform {
                    ent: Enterprise { code: codes.next(rng, '9', 0.5), name: spec.name_zh.into(), dxp_id: dxp_id(rng) },
                    label: spec.label,
                    share: spec.share,
                    serves,
                    format: spec.format,
                    sends_buyers: spec.sends_buyers,
                }
            })
            .collect();
        let platform_weights = Weighted::new(platforms.iter().map(|p| p.share));
        let logistics: Vec<LogisticsFirm> = LOGISTICS
            .iter()
            .map(|spec| LogisticsFirm {
                ent: Enterprise { code: codes.next(rng, '8', 0.5), name: spec.name_zh.into(), dxp_id: dxp_id(rng) },
                format: spec.format,
                port: spec.port,
                traf_mode: spec.traf_mode,
            })
            .collect();
        let logistics_weights = Weighted::new(LOGISTICS.iter().map(|s| s.share));
        let agents: Vec<Enterprise> = (0..(4 + parcels / 20_000).min(24))
            .map(|i| {
                let name = if i % 3 == 0 {
                    format!("{}国际货运代理(深圳)有限公司", trade_name(rng))
                } else {
                    format!("深圳市{}报关有限公司", trade_name(rng))
                };
                Enterprise { code: codes.next(rng, '8', 0.4), name, dxp_id: dxp_id(rng) }
            })
            .collect();
        let payers: Vec<Enterprise> = PAYERS
            .iter()
            .map(|name| Enterprise { code: codes.next(rng, '9', 1.0), name: (*name).into(), dxp_id: dxp_id(rng) })
            .collect();

        // Sellers' volumes are heavily skewed: a Zipf-like tail of small shops behind a few
        // large ones. First-time exporters ship little on their first day.
        let count = (parcels / 300).clamp(40, 5000);
        let category_weights = Weighted::new(Category::SHARES.iter().map(|(_, w)| *w));
        const INDUSTRIES: &[&str] = &["电子商务", "科技", "贸易", "进出口", "供应链管理", "实业"];
        let mut exporters: Vec<Exporter> = (0..count)
            .map(|i| {
                let first_time = rng.chance(0.08);
                let repeat_offender = !first_time && rng.chance(0.05);
                let mut volume = 1.0 / ((i + 1) as f64).powf(0.9);
                if first_time {
                    volume *= 0.15;
                }
                let mut own_platforms = Vec::new();
                for _ in 0..rng.below(1, 4) {
                    let p = platform_weights.sample(rng);
                    if !own_platforms.contains(&p) {
                        own_platforms.push(p);
                    }
                }
                let mut own_logistics = vec![logistics_weights.sample(rng)];
                if rng.chance(0.4) {
                    let l = logistics_weights.sample(rng);
                    if !own_logistics.contains(&l) {
                        own_logistics.push(l);
                    }
                }
                let code = codes.next(rng, '6', 0.35);
                let prefix = code[code.len() - 4..].to_owned();
                Exporter {
                    ent: Enterprise {
                        code,
                        name: format!("深圳市{}{}有限公司", trade_name(rng), rng.pick(INDUSTRIES)),
                        dxp_id: dxp_id(rng),
                    },
                    category: Category::SHARES[category_weights.sample(rng)].0,
                    platforms: own_platforms,
                    logistics: own_logistics,
                    agent: rng.below(0, agents.len()),
                    repeat_offender,
                    first_time,
                    authorized_brands: Vec::new(),
                    volume,
                    prefix,
                }
            })
            .collect();
        // Each brand has one or two authorised sellers among the established exporters of its
        // product family.
        for (b, brand) in catalog.brands.iter().enumerate() {
            let category = Category::of_chapter(catalog.products[brand.product].chapter());
            let candidates: Vec<usize> = (0..exporters.len())
                .filter(|&e| {
                    exporters[e].category == category && !exporters[e].first_time && !exporters[e].repeat_offender
                })
                .collect();
            for _ in 0..rng.below(1, 3) {
                if candidates.is_empty() {
                    break;
                }
                let e = *rng.pick(&candidates);
                if !exporters[e].authorized_brands.contains(&b) {
                    exporters[e].authorized_brands.push(b);
                }
            }
        }
        let exporter_weights = Weighted::new(exporters.iter().map(|e| e.volume));
        let total: f64 = exporters.iter().map(|e| e.volume).sum();
        let offender_share = exporters.iter().filter(|e| e.repeat_offender).map(|e| e.volume).sum::<f64>() / total;
        let assortments = exporters
            .iter()
            .map(|e| {
                let items: Vec<usize> = (0..catalog.products.len())
                    .filter(|&p| {
                        let product = &catalog.products[p];
                        matches!(product.class, ProductClass::Normal | ProductClass::Cheap)
                            && Category::of_chapter(product.chapter()) == e.category
                    })
                    .collect();
                let weights = Weighted::new(items.iter().map(|&p| catalog.products[p].share));
                (items, weights)
            })
            .collect();
        Population { platforms, exporters, exporter_weights, logistics, agents, payers, assortments, offender_share }
    }
}

/// An EAN-13 bar code with a Chinese GS1 prefix (690–699) and its check digit.
pub(crate) fn ean13(rng: &mut Stream) -> String {
    let body = format!("69{}{}", rng.below(0, 10), rng.digits(9));
    let sum: u32 = body.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// A UPU S10 item number (two letters, eight digits, check digit, CN) as China Post prints it.
pub(crate) fn s10(rng: &mut Stream) -> String {
    let service = *rng.pick(&["LP", "RB", "UA", "LX", "RR"]);
    let serial = rng.digits(8);
    let weights = [8, 6, 4, 2, 3, 5, 9, 7];
    let sum: u32 = serial.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        d => d,
    };
    format!("{service}{serial}{check}CN")
}

pub(crate) fn waybill_number(format: WaybillFormat, rng: &mut Stream) -> String {
    match format {
        WaybillFormat::Sf => format!("SF{}", rng.digits(13)),
        WaybillFormat::FourPx => format!("4PX3{}CN", rng.digits(15)),
        WaybillFormat::Yanwen => format!("YWCN{}", rng.digits(12)),
        WaybillFormat::Yun => format!("YT{}", rng.digits(16)),
        WaybillFormat::Post => s10(rng),
        WaybillFormat::Cainiao => format!("LP00{}", rng.digits(12)),
        WaybillFormat::Dhl => rng.digits(10),
        WaybillFormat::Goodcang => format!("GC{}", rng.digits(14)),
    }
}

pub(crate) fn order_number(format: OrderFormat, yymmdd: &str, rng: &mut Stream) -> String {
    match format {
        OrderFormat::Amazon => {
            format!("{}-{}-{}", rng.pick(&["111", "113", "114", "702", "028"]), rng.digits(7), rng.digits(7))
        }
        OrderFormat::AliExpress => format!("8{}", rng.digits(15)),
        OrderFormat::Temu => format!("PO-211-{}", rng.digits(17)),
        OrderFormat::Shein => format!("GSH{}", rng.upper_alnum(10)),
        OrderFormat::TikTok => format!("57{}", rng.digits(16)),
        OrderFormat::Shopee => format!("{yymmdd}{}", rng.upper_alnum(8)),
        OrderFormat::Lazada => rng.digits(15),
        OrderFormat::Ozon => format!("{}-{}-1", rng.digits(8), rng.digits(4)),
        OrderFormat::MercadoLibre => format!("2000{}", rng.digits(12)),
        OrderFormat::Jumia => format!("3{}", rng.digits(9)),
        OrderFormat::Ebay => format!("{}-{}-{}", rng.digits(2), rng.digits(5), rng.digits(5)),
        OrderFormat::Wildberries => rng.digits(11),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_carry_valid_check_characters() {
        let mut rng = Stream::new(1, 99);
        for _ in 0..500 {
            let code = uscc(&mut rng);
            assert!(uscc_is_valid(&code), "{code}");
            assert!(code.starts_with("914403"), "{code}");
        }
        // A published example of the GB 32100 check.
        assert!(uscc_is_valid("91350100M000100Y43"));
        assert!(!uscc_is_valid("91350100M000100Y44"));
    }

    #[test]
    fn check_digits_of_bar_codes_and_postal_items() {
        let mut rng = Stream::new(2, 99);
        for _ in 0..200 {
            let ean = ean13(&mut rng);
            let sum: u32 =
                ean.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
            assert_eq!(sum % 10, 0, "{ean}");
            let item = s10(&mut rng);
            assert_eq!(item.len(), 13);
            assert!(item.ends_with("CN"));
        }
        // UPU S10's worked example: item RR 47312482 9 GB.
        let weights = [8, 6, 4, 2, 3, 5, 9, 7];
        let sum: u32 = b"47312482".iter().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
        assert_eq!(11 - sum % 11, 9);
    }
}
