//! What the engine has learned, as bytes: the pipeline stores them beside the decisions they
//! cover, so a restart loads them and replays only the parcels decided since, instead of every
//! stored parcel (issue 14: a store of millions otherwise takes minutes before it answers).
//!
//! The bytes are a header (magic, format, checksum) and a postcard body. Anything that does not
//! match — another format, a torn or flipped byte, trailing bytes — is refused whole and the
//! engine stays as it was: the pipeline then rebuilds from the stored traffic, never from a
//! snapshot it cannot vouch for.

use crate::Engine;
use crate::analyzers::Learned;
use greenlane_core::Lane;
use greenlane_core::risk::SnapshotRefused;
use std::collections::{HashMap, VecDeque};

const MAGIC: &[u8; 8] = b"GLRISK\0\0";

/// The shape of what is written. Bump it whenever [`Learned`] or anything it holds changes
/// shape: postcard carries no field names, so an old snapshot could otherwise decode into the
/// wrong fields.
pub(crate) const FORMAT: u32 = 1;

const HEADER: usize = MAGIC.len() + 4 + 4;

type Body = (Learned, HashMap<String, u32>, Vec<u8>, [u32; 8]);

fn lane_code(lane: Lane) -> u8 {
    crate::lane_index(lane) as u8
}

impl Engine {
    /// The learned state: analyzers' references and windows, the sampling criteria's counts
    /// since their last selection, and the governor's window of recent lanes. Criteria
    /// statistics are not in it; a restart starts them afresh, as it always has.
    pub fn snapshot(&self) -> Vec<u8> {
        let window: Vec<u8> = self.window.iter().map(|l| lane_code(*l)).collect();
        let body =
            postcard::to_stdvec(&(&self.learned, &self.unselected, &window, &self.window_counts)).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        out.extend_from_slice(&crc32c::crc32c(&body).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Takes back what [`Engine::snapshot`] gave, whole or not at all.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), SnapshotRefused> {
        let refuse = |why: String| Err(SnapshotRefused(why));
        if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
            return refuse("not a risk snapshot".into());
        }
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let format = word(MAGIC.len());
        if format != FORMAT {
            return refuse(format!("format {format}, this engine reads {FORMAT}"));
        }
        let body = &bytes[HEADER..];
        if crc32c::crc32c(body) != word(MAGIC.len() + 4) {
            return refuse("checksum mismatch".into());
        }
        let (learned, unselected, window, window_counts) = match postcard::take_from_bytes::<Body>(body) {
            Ok((decoded, [])) => decoded,
            Ok((_, rest)) => return refuse(format!("{} bytes after the body", rest.len())),
            Err(e) => return refuse(format!("does not decode: {e}")),
        };
        let Some(window) =
            window.iter().map(|&c| Lane::ALL.get(usize::from(c)).copied()).collect::<Option<VecDeque<_>>>()
        else {
            return refuse("unknown lane in the governor's window".into());
        };
        let mut counts = [0u32; 8];
        for lane in &window {
            counts[usize::from(lane_code(*lane))] += 1;
        }
        if counts != window_counts {
            return refuse("the governor's window does not add up".into());
        }
        self.learned = learned;
        self.unselected = unselected;
        self.window = window;
        self.window_counts = window_counts;
        Ok(())
    }
}
