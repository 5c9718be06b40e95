//! The index's maps use rustc's Fx hash: keys are short words and ids made from the lists and the
//! query, so the DoS resistance of the standard SipHash buys nothing and costs most of a lookup.

pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub(crate) type FastSet<K> = rustc_hash::FxHashSet<K>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hasher};

    #[test]
    fn maps_work_and_spread_short_keys() {
        let mut map: FastMap<String, u32> = FastMap::default();
        for (i, word) in ["a", "ab", "abcdefgh", "abcdefghi", "mohammed"].iter().enumerate() {
            map.insert(word.to_string(), i as u32);
        }
        assert_eq!(map.get("abcdefghi"), Some(&3));
        assert_eq!(map.get("abcdefgh"), Some(&2));
        assert_eq!(map.get("x"), None);
        let hash = |s: &str| {
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(hash("ab"), hash("ba"));
    }
}
