//! Repository-wide rules that `cargo test` enforces: every Rust file says what it owns in a
//! leading `//!` line, no test is switched off with an ignore attribute, and the generated CEB code
//! matches the XSDs it comes from.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if path.is_dir() {
                if !matches!(name.as_ref(), "target" | "corpus" | "artifacts" | ".git") {
                    rust_files(&path, out);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }

    fn all_rust_files() -> Vec<PathBuf> {
        let mut files = Vec::new();
        rust_files(&crate::workspace_root().join("crates"), &mut files);
        assert!(files.len() > 20, "found only {} Rust files", files.len());
        files
    }

    #[test]
    fn every_rust_file_opens_with_a_module_doc() {
        let missing: Vec<String> = all_rust_files()
            .into_iter()
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                !text.lines().take(3).any(|l| l.starts_with("//!"))
            })
            .map(|f| f.display().to_string())
            .collect();
        assert!(missing.is_empty(), "files without a leading //! line: {missing:#?}");
    }

    #[test]
    fn no_test_is_ignored() {
        let marker = ["#[", "ignore"].concat();
        let offenders: Vec<String> = all_rust_files()
            .into_iter()
            .filter(|f| std::fs::read_to_string(f).unwrap().contains(&marker))
            .map(|f| f.display().to_string())
            .collect();
        assert!(offenders.is_empty(), "ignored tests in {offenders:#?}");
    }

    /// The layers depend inward only: the domain core knows no I/O, XML, SQL or HTTP; the codec
    /// and the store know nothing of the pipeline or the server.
    #[test]
    fn crates_depend_inward_only() {
        let allowed: &[(&str, &[&str])] = &[
            ("greenlane-core", &[]),
            ("greenlane-ceb", &[]),
            ("greenlane-codes", &[]),
            ("greenlane-cargo", &[]),
            ("greenlane-screen", &[]),
            ("greenlane-store", &["greenlane-core", "greenlane-log"]),
            ("greenlane-log", &[]),
            (
                "greenlane-pipeline",
                &[
                    "greenlane-cargo",
                    "greenlane-ceb",
                    "greenlane-codes",
                    "greenlane-core",
                    "greenlane-log",
                    "greenlane-screen",
                    "greenlane-store",
                ],
            ),
            (
                "greenlane-server",
                &[
                    "greenlane-cargo",
                    "greenlane-ceb",
                    "greenlane-core",
                    "greenlane-pipeline",
                    "greenlane-screen",
                    "greenlane-store",
                ],
            ),
            ("greenlane-sim", &["greenlane-ceb", "greenlane-codes", "greenlane-core"]),
            ("greenlane-risk", &["greenlane-codes", "greenlane-core"]),
            (
                "greenlane-web",
                &[
                    "greenlane-cargo",
                    "greenlane-codes",
                    "greenlane-core",
                    "greenlane-pipeline",
                    "greenlane-server",
                    "greenlane-store",
                ],
            ),
        ];
        let io_crates = ["tokio", "axum", "rusqlite", "postgres", "quick-xml", "hyper", "reqwest"];
        for (krate, may_use) in allowed {
            let manifest = crate::workspace_root().join("crates").join(krate).join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let deps = text.split("[dependencies]").nth(1).unwrap_or("").split("\n[").next().unwrap_or("");
            for line in deps.lines() {
                let name = line.split(['=', '.', ' ']).next().unwrap_or("").trim();
                if name.starts_with("greenlane-") {
                    assert!(may_use.contains(&name), "{krate} must not depend on {name}");
                }
                if *krate == "greenlane-core" || *krate == "greenlane-cargo" {
                    assert!(!io_crates.contains(&name), "{krate} is pure and must not depend on {name}");
                }
            }
        }
    }

    /// The README's `cargo run --release -- demo` must find one binary to run in a workspace that
    /// has two (greenlane and xtask).
    #[test]
    fn cargo_run_runs_the_greenlane_binary() {
        let manifest = std::fs::read_to_string(crate::workspace_root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("default-members = [\"crates/greenlane\"]"),
            "the root Cargo.toml must set default-members to the greenlane binary"
        );
    }

    #[test]
    fn generated_ceb_code_matches_the_xsds() {
        let stale = crate::codegen::run(&crate::workspace_root(), true).unwrap();
        assert!(stale.is_empty(), "stale generated files {stale:?}: run `cargo xtask codegen`");
    }
}
