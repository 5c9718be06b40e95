//! The decision feed's cursor: the sequence number of the last decision a page read, enciphered so
//! that it tells a caller nothing of how many decisions the hub holds (an enterprise sees only its
//! own, and the raw number was the hub's whole count).
//!
//! A 64-bit Feistel permutation with SHA-256 rounds keyed by a hub secret: the hash of
//! `GREENLANE_ADMIN_TOKEN` when the hub has one, so that cursors survive a restart, else a key drawn
//! at start (a cursor from before a restart is then refused with `bad_cursor`, and the reader
//! starts over). Plain numbers, the cursors of earlier versions, are still taken: a caller who
//! sends one learns nothing from it.

use crate::AppState;
use sha2::{Digest as _, Sha256};
use std::sync::OnceLock;

const ROUNDS: u8 = 6;
const PREFIX: char = 'c';

fn key(state: &AppState) -> [u8; 32] {
    static DRAWN: OnceLock<[u8; 32]> = OnceLock::new();
    match &state.admin_hash {
        Some(hash) => Sha256::new().chain_update(b"greenlane feed cursor").chain_update(hash).finalize().into(),
        None => *DRAWN.get_or_init(|| {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).expect("the OS random source is available");
            key
        }),
    }
}

fn round(key: &[u8; 32], round: u8, half: u32) -> u32 {
    let digest = Sha256::new().chain_update(key).chain_update([round]).chain_update(half.to_le_bytes()).finalize();
    u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
}

fn permute(key: &[u8; 32], value: u64) -> u64 {
    let (mut left, mut right) = ((value >> 32) as u32, value as u32);
    for r in 0..ROUNDS {
        (left, right) = (right, left ^ round(key, r, right));
    }
    (u64::from(left) << 32) | u64::from(right)
}

fn unpermute(key: &[u8; 32], value: u64) -> u64 {
    let (mut left, mut right) = ((value >> 32) as u32, value as u32);
    for r in (0..ROUNDS).rev() {
        (left, right) = (right ^ round(key, r, left), left);
    }
    (u64::from(left) << 32) | u64::from(right)
}

/// The cursor after sequence number `seq`.
pub(crate) fn encode(state: &AppState, seq: u64) -> String {
    format!("{PREFIX}{:016x}", permute(&key(state), seq))
}

/// The sequence number a cursor stands for; `None` for text that is no cursor of this hub.
pub(crate) fn decode(state: &AppState, cursor: &str) -> Option<u64> {
    if let Ok(plain) = cursor.parse::<u64>() {
        return Some(plain);
    }
    let hex = cursor.strip_prefix(PREFIX).filter(|h| h.len() == 16)?;
    let value = u64::from_str_radix(hex, 16).ok()?;
    Some(unpermute(&key(state), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permutation_is_undone_and_hides_the_order() {
        let key = [7u8; 32];
        for seq in [0u64, 1, 2, 3, 1000, 123_456_789, u64::MAX] {
            assert_eq!(unpermute(&key, permute(&key, seq)), seq);
        }
        let (a, b) = (permute(&key, 1000), permute(&key, 1001));
        assert!((a ^ b).count_ones() > 8, "neighbouring numbers give unrelated cursors: {a:x} {b:x}");
    }
}
