//! What every parser target checks: any bytes given as a list file parse to a list or to an
//! error naming the file, never a panic; what parses has an id, a version and named entries.

use greenlane_screen::{ListSet, ScreenError};

pub fn parses_or_names_the_file(file_name: &str, data: &[u8]) {
    match ListSet::parse_file(file_name, data) {
        Ok(list) => {
            assert!(!list.id.is_empty() && !list.version.is_empty());
            assert!(list.entries.iter().all(|e| !e.entry_id.is_empty() && !e.names.is_empty()));
        }
        Err(ScreenError::Malformed { path, .. }) => assert!(path.ends_with(file_name)),
        Err(other) => panic!("a parse error must name the file and line: {other}"),
    }
}
