//! Checks the public lookups against rows known from the CEB spec samples and customs tables.

use greenlane_codes::*;

#[test]
fn countries_used_in_ceb_samples() {
    let cn = country_by_customs_code("142").expect("142");
    assert_eq!((cn.iso2.as_deref(), cn.iso3.as_deref(), cn.name_zh.as_str()), (Some("CN"), Some("CHN"), "中国"));
    for (code, iso2, iso3, zh) in [
        ("502", "US", "USA", "美国"),
        ("303", "GB", "GBR", "英国"),
        ("304", "DE", "DEU", "德国"),
        ("116", "JP", "JPN", "日本"),
        ("133", "KR", "KOR", "韩国"),
        ("344", "RU", "RUS", "俄罗斯联邦"),
        ("601", "AU", "AUS", "澳大利亚"),
        ("110", "HK", "HKG", "中国香港"),
        ("143", "TW", "TWN", "台澎金马关税区"),
    ] {
        let c = country_by_customs_code(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(c.iso2.as_deref(), Some(iso2), "{code}");
        assert_eq!(c.iso3.as_deref(), Some(iso3), "{code}");
        assert_eq!(c.name_zh, zh, "{code}");
        assert_eq!(country_by_iso2(iso2).map(|c| c.customs_code.as_str()), Some(code));
        assert_eq!(country_by_iso3(iso3).map(|c| c.customs_code.as_str()), Some(code));
    }
}

#[test]
fn iso_lookups_are_case_insensitive_and_prefer_the_lower_customs_code() {
    assert_eq!(country_by_iso2("us").unwrap().customs_code, "502");
    assert_eq!(country_by_iso3("chn").unwrap().customs_code, "142");
    // Kazakhstan is both 145 (Asia) and 341 (legacy European group).
    assert_eq!(country_by_iso2("KZ").unwrap().customs_code, "145");
    assert_eq!(country_by_customs_code("341").unwrap().iso2.as_deref(), Some("KZ"));
}

#[test]
fn partial_territories_and_catch_alls_have_no_iso_code() {
    for code in ["207", "210", "256", "409", "436", "438", "604", "199", "701", "999"] {
        let c = country_by_customs_code(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!((c.iso2.as_deref(), c.iso3.as_deref()), (None, None), "{code}");
    }
}

#[test]
fn currencies() {
    for (code, alpha, numeric, zh) in [
        ("142", "CNY", "156", "人民币"),
        ("502", "USD", "840", "美元"),
        ("300", "EUR", "978", "欧元"),
        ("303", "GBP", "826", "英镑"),
        ("116", "JPY", "392", "日本元"),
        ("110", "HKD", "344", "港币"),
        ("133", "KRW", "410", "韩国圆"),
        ("601", "AUD", "036", "澳大利亚元"),
    ] {
        let c = currency_by_customs_code(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!((c.iso_alpha.as_str(), c.iso_numeric.as_str()), (alpha, numeric));
        assert_eq!(c.name_zh, zh);
        assert_eq!(currency_by_iso_alpha(alpha).unwrap().customs_code, code);
    }
    assert_eq!(currency_by_iso_alpha("usd").unwrap().customs_code, "502");
    // The rouble is 332 in the customs currency table; 344 is Russia's *country* code.
    assert_eq!(currency_by_iso_alpha("RUB").unwrap().customs_code, "332");
    assert!(currency_by_customs_code("344").is_none());
}

#[test]
fn units() {
    for (code, zh, kind) in [
        ("001", "台", UnitKind::Count),
        ("006", "套", UnitKind::Count),
        ("007", "个", UnitKind::Count),
        ("011", "件", UnitKind::Count),
        ("012", "支", UnitKind::Count),
        ("035", "千克", UnitKind::Weight),
        ("036", "克", UnitKind::Weight),
        ("030", "米", UnitKind::Length),
        ("032", "平方米", UnitKind::Area),
        ("095", "升", UnitKind::Volume),
        ("062", "千瓦时", UnitKind::Other),
    ] {
        let u = unit_by_code(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!((u.name_zh.as_str(), u.kind), (zh, kind), "{code}");
    }
    // Gaps in the official numbering stay gaps.
    for gap in ["024", "064", "082", "087", "100", "117", "150"] {
        assert!(unit_by_code(gap).is_none(), "{gap}");
    }
}

#[test]
fn transport_modes() {
    assert_eq!(transport_mode("5").unwrap().name_zh, "航空运输");
    assert_eq!(transport_mode("2").unwrap().name_zh, "水路运输");
    assert_eq!(transport_mode("4").unwrap().name_zh, "公路运输");
    assert_eq!(transport_mode("6").unwrap().name_zh, "邮件运输");
    assert_eq!(transport_mode("w").unwrap().name_zh, "物流中心");
    assert_eq!(transport_mode("H").unwrap().name_zh, "边境特殊海关作业区");
    assert!(transport_mode("A").is_none());
}

#[test]
fn supervision_modes() {
    let m = supervision_mode("9610").expect("9610");
    assert_eq!(m.short_name_zh, "电子商务");
    assert_eq!(m.flow, SupervisionFlow::RetailExport);
    assert_eq!(m.legal_basis, "GACC Announcement 2014 No.12");
    assert_eq!(supervision_mode("9710").unwrap().flow, SupervisionFlow::B2bExport);
    assert_eq!(supervision_mode("9810").unwrap().flow, SupervisionFlow::OverseasWarehouse);
    assert_eq!(supervision_mode("1210").unwrap().flow, SupervisionFlow::Bonded);
    assert_eq!(supervision_mode("1239").unwrap().flow, SupervisionFlow::Bonded);
    assert_eq!(supervision_mode("0110").unwrap().flow, SupervisionFlow::General);
    assert_eq!(supervision_mode("1039").unwrap().flow, SupervisionFlow::MarketProcurement);
}

#[test]
fn shenzhen_customs_districts() {
    let sz = customs_district("5300").expect("5300");
    assert_eq!(sz.kind, DistrictKind::District);
    for (code, zh) in [
        ("5301", "皇岗海关"),
        ("5304", "蛇口海关"),
        ("5306", "笋岗海关"),
        ("5316", "大鹏海关"),
        ("5317", "深圳宝安机场海关"),
        ("5345", "深圳湾海关"),
        ("5349", "前海港区"),
    ] {
        let d = customs_district(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(d.name_zh, zh, "{code}");
        assert_ne!(d.kind, DistrictKind::District, "{code}");
        assert_eq!(parent_district(code).map(|p| p.code.as_str()), Some("5300"));
    }
    assert!(parent_district("5100").is_none());
    assert!(parent_district("53").is_none());
}

#[test]
fn odd_inputs_return_none_without_panicking() {
    for q in ["", "11", "14", "1422", " 142", "中国", "\u{0}", "é", "ZZZ", "99999"] {
        assert!(country_by_customs_code(q).is_none(), "{q:?}");
        assert!(country_by_iso2(q).is_none(), "{q:?}");
        assert!(country_by_iso3(q).is_none(), "{q:?}");
        assert!(currency_by_customs_code(q).is_none(), "{q:?}");
        assert!(currency_by_iso_alpha(q).is_none(), "{q:?}");
        assert!(unit_by_code(q).is_none(), "{q:?}");
        assert!(transport_mode(q).is_none(), "{q:?}");
        assert!(supervision_mode(q).is_none(), "{q:?}");
        assert!(customs_district(q).is_none(), "{q:?}");
        assert!(parent_district(q).is_none(), "{q:?}");
    }
}

#[test]
fn every_row_is_reachable_through_its_own_lookup() {
    assert!(validate().is_ok());
    for c in all_countries() {
        assert_eq!(country_by_customs_code(&c.customs_code), Some(c));
        if let Some(iso2) = &c.iso2 {
            // Either this row, or the lower-coded row for the same territory.
            let hit = country_by_iso2(iso2).unwrap();
            assert!(hit.customs_code <= c.customs_code && hit.iso3 == c.iso3);
        }
    }
    for c in all_currencies() {
        assert_eq!(currency_by_customs_code(&c.customs_code), Some(c));
        assert_eq!(currency_by_iso_alpha(&c.iso_alpha), Some(c));
    }
    for u in all_units() {
        assert_eq!(unit_by_code(&u.code), Some(u));
    }
    for t in all_transport_modes() {
        assert_eq!(transport_mode(&t.code), Some(t));
    }
    for s in all_supervision_modes() {
        assert_eq!(supervision_mode(&s.code), Some(s));
    }
    for d in all_customs_districts() {
        assert_eq!(customs_district(&d.code), Some(d));
    }
}
