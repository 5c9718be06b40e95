//! The list loaders: every format read from `data/`, the generic CSV, broken files named by file
//! and line, and a failed reload leaving the lists in force.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use greenlane_screen::{Kind, ListSet, NameStrength, Query, ScreenError, Screener};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// A fresh folder holding the given files.
fn folder_with(files: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "greenlane-screen-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn malformed_at(error: &ScreenError) -> (String, u64) {
    match error {
        ScreenError::Malformed { path, line, .. } => (path.file_name().unwrap().to_string_lossy().into_owned(), *line),
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
}

const GENERIC: &str = "\
id,name,kind,countries,aliases,weak_aliases,programs
# China's unreliable-entity list, a made-up extract
UEL-1,Skyline Avionics Corp.,organization,US;Canada,Skyline Avionics;SAC Holdings,SAC,unreliable-entity
UEL-2,\"Doe, Jonathan\",person,GB,,,export-control
";

#[test]
fn loads_every_list_in_the_data_folder() {
    let set = ListSet::load_dir(&data_dir()).unwrap();
    let ids: Vec<&str> = set.lists.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["us_ofac_sdn", "us_ofac_cons", "un_sc", "us_csl", "us_bis_dpl"]);
    assert!(set.entry_count() > 9000, "{}", set.entry_count());
    assert!(set.skipped.iter().any(|p| p.ends_with("README.md")));

    let sdn = &set.lists[0];
    assert_eq!(sdn.files, ["sdn.csv", "alt.csv", "add.csv"]);
    assert!(sdn.version.starts_with("fnv64:"));
    let cuba = sdn.entries.iter().find(|e| e.entry_id == "306").unwrap();
    assert_eq!(cuba.primary_name(), "BANCO NACIONAL DE CUBA");
    assert_eq!(cuba.kind, Kind::Organization);
    assert!(cuba.names.iter().any(|n| n.name == "NATIONAL BANK OF CUBA" && n.strength == NameStrength::Strong));
    assert!(cuba.countries.contains(&"CH".to_string()), "{:?}", cuba.countries);
    assert_eq!(cuba.programs, ["CUBA"]);
    let person = sdn.entries.iter().find(|e| e.entry_id == "7843").unwrap();
    assert_eq!(person.kind, Kind::Person);

    let cons = &set.lists[1];
    assert!(cons.entries.iter().any(|e| e.entry_id == "9639" && e.programs == ["NS-PLC"]));

    let un = &set.lists[2];
    assert_eq!(un.version, "2026-02-27");
    let saddam = un.entries.iter().find(|e| e.entry_id == "IQi.001").unwrap();
    assert_eq!(saddam.primary_name(), "SADDAM HUSSEIN AL-TIKRITI");
    assert!(saddam.names.iter().any(|n| n.name == "صدام حسين التكريتي"));
    assert!(un.entries.iter().any(|e| e.names.iter().any(|n| n.strength == NameStrength::Weak)));
    assert!(un.entries.iter().any(|e| e.kind == Kind::Organization));

    let csl = &set.lists[3];
    let entity_list = csl.entries.iter().filter(|e| e.source.starts_with("Entity List")).count();
    assert_eq!(entity_list, 22);
    let dpl_in_csl = csl.entries.iter().find(|e| e.primary_name() == "ADRIAN MANUEL HERNANDEZ").unwrap();
    assert!(dpl_in_csl.entry_id.starts_with("DPL-"), "{}", dpl_in_csl.entry_id);
    assert!(csl.entries.iter().any(|e| e.countries.contains(&"RU".to_string())));

    let dpl = &set.lists[4];
    assert!(dpl.entries.len() < 545, "rows of one party are one entry");
    assert!(dpl.entries.iter().any(|e| e.primary_name() == "I. ASH" && e.countries == ["US"]));
}

#[test]
fn loads_the_generic_csv() {
    let dir = folder_with(&[("cn_uel.list.csv", GENERIC)]);
    let set = ListSet::load_dir(&dir).unwrap();
    let list = &set.lists[0];
    assert_eq!(list.id, "cn_uel");
    let skyline = &list.entries[0];
    assert_eq!(skyline.entry_id, "UEL-1");
    assert_eq!(skyline.kind, Kind::Organization);
    assert_eq!(skyline.countries, ["US", "CA"]);
    assert_eq!(skyline.names.len(), 4);
    assert_eq!(skyline.names[3].strength, NameStrength::Weak);
    assert_eq!(list.entries[1].primary_name(), "Doe, Jonathan");

    let screener = Screener::new(set);
    let hits = screener.screen(&Query::name("Skyline Avionics Corporation"));
    assert_eq!(hits[0].entry_id, "UEL-1");
    assert_eq!(hits[0].list, "cn_uel");
    let hits = screener.screen(&Query { name: "Jonathan Doe", country: Some("GB"), kind: Some(Kind::Person) });
    assert_eq!(hits[0].entry_id, "UEL-2");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn broken_files_are_named_with_their_line() {
    let cases: &[(&str, &str, u64)] = &[
        (
            "sdn.csv",
            "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n37,\"SHORT ROW\"\n",
            2,
        ),
        ("sdn.csv", "36,\"AEROCARIBBEAN AIRLINES,-0- \n", 1),
        ("csl.csv", "source,entity_number,title\nDPL,1,x\n", 1),
        ("csl.csv", "source,entity_number,name\nDPL,1,ONE\nDPL,2,\n", 3),
        ("dpl.txt", "\"Name\"\t\"Country\"\n\"A PERSON\"\t\"US\"\n\"B PERSON\"\n", 3),
        (
            "UN_consolidated.xml",
            "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<FIRST_NAME>A</FIRST_NAME>\n</ENTITY>\n",
            5,
        ),
        (
            "UN_consolidated.xml",
            "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n<DATAID>1</DATAID>\n</INDIVIDUAL>\n",
            3,
        ),
        ("x.list.csv", "name,kind\nAcme,organisation\nBob,spaceship\n", 3),
        ("x.list.csv", "name,colour\nAcme,red\n", 1),
        ("x.list.csv", "id,name\n1,Acme\n1,Acme Two\n", 3),
    ];
    for (file, text, line) in cases {
        let dir = folder_with(&[(file, text)]);
        let error = ListSet::load_dir(&dir).expect_err(file);
        assert!(error.is_user_fault());
        assert_eq!(malformed_at(&error), (file.to_string(), *line), "{file}: {error}");
        assert!(error.to_string().contains(&format!("{file}:{line}")), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn a_folder_without_lists_or_a_missing_folder_is_an_error() {
    let dir = folder_with(&[("notes.txt", "nothing here")]);
    assert!(matches!(ListSet::load_dir(&dir), Err(ScreenError::NoLists { .. })));
    std::fs::remove_dir_all(&dir).unwrap();
    let error = ListSet::load_dir(&dir).unwrap_err();
    assert!(matches!(error, ScreenError::Io { .. }) && error.is_user_fault());
}

#[test]
fn a_failed_reload_keeps_the_lists_in_force() {
    let good = folder_with(&[("cn_uel.list.csv", GENERIC)]);
    let screener = Screener::load_dir(&good).unwrap();
    let before = screener.lists();

    let broken = folder_with(&[("cn_uel.list.csv", GENERIC), ("eu.list.csv", "name,kind\nAcme,bogus\n")]);
    let error = screener.reload(&broken).unwrap_err();
    assert_eq!(malformed_at(&error), ("eu.list.csv".to_string(), 2));
    assert_eq!(screener.lists(), before);
    assert_eq!(screener.screen(&Query::name("Skyline Avionics")).len(), 1);

    let newer = folder_with(&[("cn_uel.list.csv", GENERIC), ("eu.list.csv", "name,kind\nAcme Rockets,organization\n")]);
    let report = screener.reload(&newer).unwrap();
    assert_eq!(report.lists.len(), 2);
    assert_eq!(screener.screen(&Query::name("ACME ROCKETS LTD"))[0].list, "eu");
    assert_eq!(screener.screen(&Query::name("Skyline Avionics"))[0].list_version, before[0].version);
    for dir in [good, broken, newer] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn parses_files_in_memory() {
    let list = ListSet::parse_file("dpl.txt", b"\"Name\"\t\"Country\"\n\"A PERSON\"\t\"US\"\n").unwrap();
    assert_eq!(list.entries[0].countries, ["US"]);
    let latin1 = ListSet::parse_file("x.list.csv", b"name\nCaf\xe9 Ltd\n").unwrap();
    assert_eq!(latin1.entries[0].primary_name(), "Café Ltd");
    assert!(ListSet::parse_file("readme.md", b"").is_err());
}
