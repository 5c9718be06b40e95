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

    #[test]
    fn generated_ceb_code_matches_the_xsds() {
        let stale = crate::codegen::run(&crate::workspace_root(), true).unwrap();
        assert!(stale.is_empty(), "stale generated files {stale:?}: run `cargo xtask codegen`");
    }
}
