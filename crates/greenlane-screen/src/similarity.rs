//! String similarities on normalized ASCII words: Jaro-Winkler, and an edit-distance ratio that
//! also compares names whose words are split differently ("Huawei" and "Hua Wei").

/// Jaro-Winkler similarity in [0, 1], Winkler's prefix scale 0.1 over at most four characters.
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let jaro = jaro(a, b);
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() && b.is_empty() { 1.0 } else { 0.0 };
    }
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let window = (long.len() / 2).saturating_sub(1);
    // Words are short: flags for both sides live on the stack up to 64 bytes.
    let mut long_taken_small = [false; 64];
    let mut long_taken_vec;
    let long_taken: &mut [bool] = if long.len() <= 64 {
        &mut long_taken_small[..long.len()]
    } else {
        long_taken_vec = vec![false; long.len()];
        &mut long_taken_vec
    };
    let mut short_matched_small = [0u8; 64];
    let mut short_matched_vec;
    let short_matched: &mut [u8] = if short.len() <= 64 {
        &mut short_matched_small[..short.len()]
    } else {
        short_matched_vec = vec![0u8; short.len()];
        &mut short_matched_vec
    };
    let mut matches = 0usize;
    for (i, &c) in short.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(long.len());
        for j in from..to {
            if !long_taken[j] && long[j] == c {
                long_taken[j] = true;
                short_matched[matches] = c;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (j, &c) in long.iter().enumerate() {
        if long_taken[j] {
            if short_matched[k] != c {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / short.len() as f64 + m / long.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Letter classes whose members transliterations swap for each other: vowels (and y), c/k/q,
/// s/z, v/w. 0 = a class of its own.
const SWAP_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let groups: [&[u8]; 4] = [b"aeiouy", b"ckq", b"sz", b"vw"];
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            table[groups[g][i] as usize] = g as u8 + 1;
            i += 1;
        }
        g += 1;
    }
    table
};

/// What replacing one letter with another costs, in half edits: half an edit between letters
/// that transliterations swap for each other ([`SWAP_CLASS`]), a full edit otherwise.
#[inline]
fn substitution_cost(a: u8, b: u8) -> u16 {
    if a == b {
        0
    } else if SWAP_CLASS[a as usize] != 0 && SWAP_CLASS[a as usize] == SWAP_CLASS[b as usize] {
        1
    } else {
        2
    }
}

/// 1 − edit distance / length of the longer string, where an edit is an insertion, deletion,
/// substitution or swap of two adjacent letters (optimal string alignment distance): "Tarding"
/// is one slip away from "Trading", not two. Transliteration swaps cost half
/// ([`substitution_cost`]) in words of five letters or more.
pub fn edit_ratio(a: &[u8], b: &[u8]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    if a == b {
        return 1.0;
    }
    // In words of four letters or less a vowel is half the word ("Zhou" / "Zhao" are two names).
    let lenient = a.len().min(b.len()) >= 5;
    const STACK: usize = 64;
    let width = b.len() + 1;
    let mut small = [[0u16; STACK + 1]; 3];
    let mut large;
    let (before, previous, current): (&mut [u16], &mut [u16], &mut [u16]) = if width <= STACK + 1 {
        let [r0, r1, r2] = &mut small;
        (&mut r0[..width], &mut r1[..width], &mut r2[..width])
    } else {
        large = vec![vec![0u16; width]; 3];
        let (r0, rest) = large.split_at_mut(1);
        let (r1, r2) = rest.split_at_mut(1);
        (&mut r0[0][..], &mut r1[0][..], &mut r2[0][..])
    };
    let (mut before, mut previous, mut current) = (before, previous, current);
    for (j, cell) in previous.iter_mut().enumerate() {
        *cell = 2 * j as u16;
    }
    for i in 1..=a.len() {
        current[0] = 2 * i as u16;
        for j in 1..width {
            let cost =
                if lenient { substitution_cost(a[i - 1], b[j - 1]) } else { 2 * u16::from(a[i - 1] != b[j - 1]) };
            let mut best = (previous[j - 1] + cost).min(previous[j] + 2).min(current[j - 1] + 2);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 2);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    1.0 - f64::from(previous[width - 1]) / (2 * longest) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_matches_the_textbook_values() {
        assert!((jaro_winkler(b"martha", b"marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler(b"dwayne", b"duane") - 0.84).abs() < 1e-3);
        assert!((jaro_winkler(b"dixon", b"dicksonx") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler(b"abc", b"abc"), 1.0);
        assert_eq!(jaro_winkler(b"abc", b"xyz"), 0.0);
        assert_eq!(jaro_winkler(b"", b"a"), 0.0);
        let long_a = vec![b'a'; 100];
        let mut long_b = long_a.clone();
        long_b[50] = b'b';
        assert!(jaro_winkler(&long_a, &long_b) > 0.98);
    }

    #[test]
    fn edit_ratio_counts_edits_and_swaps() {
        assert_eq!(edit_ratio(b"huawei", b"huawei"), 1.0);
        assert!((edit_ratio(b"kitten", b"sitting") - (1.0 - 2.5 / 7.0)).abs() < 1e-9);
        assert!((edit_ratio(b"zhou", b"zhao") - 0.5).abs() < 1e-9);
        assert!((edit_ratio(b"tarding", b"trading") - (1.0 - 1.0 / 7.0)).abs() < 1e-9);
        assert_eq!(edit_ratio(b"", b""), 1.0);
        assert_eq!(edit_ratio(b"abc", b""), 0.0);
        assert!((edit_ratio(b"reyco", b"reico") - 0.9).abs() < 1e-9);
        let long_a = vec![b'a'; 100];
        let mut long_b = long_a.clone();
        long_b.swap(10, 11);
        long_b[10] = b'b';
        assert!((edit_ratio(&long_a, &long_b) - 0.99).abs() < 1e-9);
    }
}
