//! The name vocabularies from OpenSanctions' rigour (`data/rigour-names-*.yml`), embedded in the
//! binary and read with a small reader for the plain YAML subset those files use (keys, lists of
//! scalars, comments), so no YAML crate is needed.

const ORG_TYPES: &str = include_str!("../data/rigour-names-org_types.yml");
const STOPWORDS: &str = include_str!("../data/rigour-names-stopwords.yml");
const SYMBOLS: &str = include_str!("../data/rigour-names-symbols.yml");

/// A list item's scalar: the text after "- ", without a trailing comment and without quotes.
fn scalar(text: &str) -> String {
    let text = text.trim();
    let unquoted = if let Some(rest) = text.strip_prefix('"') {
        rest.split('"').next().unwrap_or("")
    } else if let Some(rest) = text.strip_prefix('\'') {
        rest.split('\'').next().unwrap_or("")
    } else {
        text.split(" #").next().unwrap_or("")
    };
    unquoted.trim().to_string()
}

/// Company-type words and phrases ("LLC", "Co., Ltd.", "ООО", "有限公司"): every alias, display and
/// compare form of every type.
pub(crate) fn org_types() -> Vec<String> {
    let mut out = Vec::new();
    for line in ORG_TYPES.lines() {
        let body = line.trim_start();
        let item = body.strip_prefix("- ").unwrap_or(body);
        if let Some(value) = item.strip_prefix("display:").or_else(|| item.strip_prefix("compare:")) {
            out.push(scalar(value));
        } else if body.starts_with("- ") && !item.contains(": ") && !item.ends_with(':') {
            out.push(scalar(item));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Each company type's spellings (display, compare and aliases) with its class: rigour's
/// `generic` tag ("LLC", "JSC", "LP") where it has one, else its compare or display form. "AG"
/// and "GmbH" are of different classes, "GmbH" and "m.b.H." of one.
pub(crate) fn org_type_classes() -> Vec<(Vec<String>, String)> {
    let mut out: Vec<(Vec<String>, String)> = Vec::new();
    let mut class: Option<String> = None;
    let mut own: Option<String> = None;
    let mut spellings: Vec<String> = Vec::new();
    let mut flush = |spellings: &mut Vec<String>, class: &mut Option<String>, own: &mut Option<String>| {
        if let Some(name) = class.take().or_else(|| own.take()).or_else(|| spellings.first().cloned()) {
            out.push((std::mem::take(spellings), name));
        }
        spellings.clear();
        *own = None;
    };
    for line in ORG_TYPES.lines() {
        let body = line.trim_start();
        if body.starts_with('#') {
            continue;
        }
        let new_entry = line.starts_with("  - ");
        if new_entry {
            flush(&mut spellings, &mut class, &mut own);
        }
        let item = body.strip_prefix("- ").unwrap_or(body);
        if let Some(value) = item.strip_prefix("generic:") {
            class = Some(scalar(value));
        } else if let Some(value) = item.strip_prefix("compare:") {
            own = Some(scalar(value));
            spellings.push(scalar(value));
        } else if let Some(value) = item.strip_prefix("display:") {
            own.get_or_insert_with(|| scalar(value));
            spellings.push(scalar(value));
        } else if body.starts_with("- ") && !new_entry && !item.contains(": ") && !item.ends_with(':') {
            spellings.push(scalar(item));
        }
    }
    flush(&mut spellings, &mut class, &mut own);
    out.retain(|(s, _)| !s.is_empty());
    out
}

/// The items of one top-level list in the stopwords file, e.g. `PERSON_NAME_PREFIXES`.
pub(crate) fn stopword_list(section: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in STOPWORDS.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') && line.ends_with(':') {
            inside = line.trim_end_matches(':') == section;
        } else if inside && let Some(item) = line.trim_start().strip_prefix("- ") {
            let value = scalar(item);
            if !value.is_empty() {
                out.push(value);
            }
        }
    }
    out
}

/// `org_symbols` and `org_domains`: canonical key → the spellings that mean it ("co" →
/// company, corporation, …; "electronics" → electronic, электроника, …).
pub(crate) fn org_symbols() -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in SYMBOLS.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') && line.ends_with(':') {
            inside = line == "org_symbols:" || line == "org_domains:";
        } else if inside {
            let trimmed = line.trim_start();
            if trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            if let Some(item) = trimmed.strip_prefix("- ") {
                if let Some((_, spellings)) = out.last_mut() {
                    let value = scalar(item);
                    if !value.is_empty() {
                        spellings.push(value);
                    }
                }
            } else if let Some(key) = trimmed.strip_suffix(':') {
                out.push((scalar(key), Vec::new()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_vocabularies() {
        let types = org_types();
        for expected in ["LLC", "co., ltd.", "ООО", "有限公司", "GmbH"] {
            assert!(types.iter().any(|t| t == expected), "{expected} missing");
        }
        let classes = org_type_classes();
        let class = |form: &str| classes.iter().find(|(s, _)| s.iter().any(|x| x == form)).map(|(_, c)| c.clone());
        assert_eq!(class("GmbH"), class("m.b.H."));
        assert_ne!(class("GmbH"), class("AG"));
        assert!(class("LLC").is_some());
        let prefixes = stopword_list("PERSON_NAME_PREFIXES");
        assert!(prefixes.iter().any(|p| p == "Mr") && prefixes.iter().any(|p| p == "Colonel"));
        assert!(!prefixes.iter().any(|p| p.contains('#')));
        let symbols = org_symbols();
        let co = symbols.iter().find(|(k, _)| k == "co").expect("co");
        assert!(co.1.iter().any(|s| s == "corporation"));
        assert!(symbols.iter().any(|(_, spellings)| spellings.iter().any(|s| s == "electronics")));
    }
}
