//! Helpers shared by the integration tests: the official schemas and libxml2's validator.

#![allow(dead_code)]

use greenlane_ceb::{MessageType, Version};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The official XSD that defines `ty` in `version`.
pub fn xsd_for(ty: MessageType, version: Version) -> PathBuf {
    let direction = if ty.is_export() { "export" } else { "import" };
    crate_dir().join("xsd").join(format!("{direction}-{}.xsd", version.name()))
}

/// Validates `xml` with `xmllint --schema`, the reference validator customs integrators use.
/// Panics when xmllint is not installed: the test suite needs it (Debian: libxml2-utils).
pub fn xmllint(xml: &str, xsd: &std::path::Path) -> Result<(), String> {
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint is required by the test suite (apt-get install libxml2-utils)");
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// Every sample message file, with the spec version of its folder.
pub fn samples() -> Vec<(PathBuf, Version)> {
    let mut all = Vec::new();
    for (folder, version) in [("samples-2018", Version::V2018), ("samples-202205", Version::V202205)] {
        let dir = crate_dir().join("tests/data").join(folder);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        all.extend(files.into_iter().map(|f| (f, version)));
    }
    all
}
