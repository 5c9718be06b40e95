//! The bytes of a segment: its header and its records, encoded and decoded without I/O, so that
//! the decoder is property-tested and fuzzed on its own.
//!
//! A segment file is [`SEGMENT_MAGIC`] followed by records. A record is
//!
//! ```text
//! len    u32 LE   bytes of `body`
//! crc    u32 LE   CRC-32C of `body`
//! body:
//!   seq        u64  the record's sequence number in the whole log, from 1
//!   group      u64  seq of the first record of its group (one append, one fdatasync)
//!   group_len  u32  records in that group
//!   kind       u8   what the payload is, for the log's user (the log does not look)
//!   codec      u8   0 stored, 1 zstd, 2 zstd with the dictionary `dict`
//!   dict       u32  the dictionary's id (0 unless codec is 2)
//!   raw_len    u32  bytes of the payload once decompressed
//!   part_len   u16  bytes of `partition`
//!   partition       the partition key (the sending enterprise's code), UTF-8
//!   payload         the (compressed) payload
//! ```
//!
//! Every field is covered by the checksum, so a record either decodes whole or is refused.

/// The first bytes of every segment file: the format and its version.
pub const SEGMENT_MAGIC: &[u8; 8] = b"GLNLOG01";

/// Bytes before a record's body: its length and checksum.
pub const FRAME_HEADER: usize = 8;

/// Bytes of the fixed part of a body, before the partition key.
pub const BODY_FIXED: usize = 8 + 8 + 4 + 1 + 1 + 4 + 4 + 2;

/// The largest body a record may have. Messages are at most 10 MB (the CEB reader's limit);
/// a length above this is damage, not a record.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// How a record's payload is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Stored,
    Zstd,
    /// zstd with a trained dictionary, named by its id.
    ZstdDict(u32),
}

impl Codec {
    fn tag(self) -> (u8, u32) {
        match self {
            Codec::Stored => (0, 0),
            Codec::Zstd => (1, 0),
            Codec::ZstdDict(id) => (2, id),
        }
    }

    fn from_tag(tag: u8, dict: u32) -> Option<Codec> {
        match (tag, dict) {
            (0, 0) => Some(Codec::Stored),
            (1, 0) => Some(Codec::Zstd),
            (2, id) if id != 0 => Some(Codec::ZstdDict(id)),
            _ => None,
        }
    }
}

/// A record's header fields, as encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub seq: u64,
    pub group: u64,
    pub group_len: u32,
    pub kind: u8,
    pub codec: Codec,
    pub raw_len: u32,
}

impl Header {
    /// Whether this record closes its group.
    pub fn ends_group(&self) -> bool {
        self.seq.checked_sub(self.group).is_some_and(|i| i + 1 == u64::from(self.group_len))
    }
}

/// A record as it lies in a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub header: Header,
    pub partition: &'a str,
    /// The payload as stored (compressed unless `codec` is `Stored`).
    pub stored: &'a [u8],
}

/// Why bytes are not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The buffer ends inside the record: a write that did not finish.
    #[error("the record is cut short: {needed} bytes needed, {available} present")]
    Incomplete { needed: usize, available: usize },
    /// The bytes are all there but their checksum does not match.
    #[error("checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    Checksum { stored: u32, computed: u32 },
    /// The checksum matches (or the length is impossible) but the fields are not a record.
    #[error("malformed record: {0}")]
    Malformed(&'static str),
}

/// Appends the encoding of one record to `out`. The caller bounds the sizes (see [`MAX_BODY`]).
pub fn encode(out: &mut Vec<u8>, header: &Header, partition: &str, stored: &[u8]) {
    let partition = &partition.as_bytes()[..partition.len().min(usize::from(u16::MAX))];
    let body_len = BODY_FIXED + partition.len() + stored.len();
    let start = out.len();
    out.extend_from_slice(&(body_len as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let body = out.len();
    let (codec, dict) = header.codec.tag();
    out.extend_from_slice(&header.seq.to_le_bytes());
    out.extend_from_slice(&header.group.to_le_bytes());
    out.extend_from_slice(&header.group_len.to_le_bytes());
    out.push(header.kind);
    out.push(codec);
    out.extend_from_slice(&dict.to_le_bytes());
    out.extend_from_slice(&header.raw_len.to_le_bytes());
    out.extend_from_slice(&(partition.len() as u16).to_le_bytes());
    out.extend_from_slice(partition);
    out.extend_from_slice(stored);
    let crc = crc32c::crc32c(&out[body..]);
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// The bytes a record of this partition and stored payload takes.
pub fn encoded_len(partition: &str, stored: usize) -> usize {
    FRAME_HEADER + BODY_FIXED + partition.len().min(usize::from(u16::MAX)) + stored
}

/// Decodes the record at the start of `buf`; returns it and the bytes it took.
pub fn decode(buf: &[u8]) -> Result<(RecordRef<'_>, usize), DecodeError> {
    if buf.len() < FRAME_HEADER {
        return Err(DecodeError::Incomplete { needed: FRAME_HEADER, available: buf.len() });
    }
    let len = u32_at(buf, 0) as usize;
    if !(BODY_FIXED..=MAX_BODY).contains(&len) {
        return Err(DecodeError::Malformed("impossible length"));
    }
    let total = FRAME_HEADER + len;
    if buf.len() < total {
        return Err(DecodeError::Incomplete { needed: total, available: buf.len() });
    }
    let stored_crc = u32_at(buf, 4);
    let body = &buf[FRAME_HEADER..total];
    let computed = crc32c::crc32c(body);
    if stored_crc != computed {
        return Err(DecodeError::Checksum { stored: stored_crc, computed });
    }
    let seq = u64_at(body, 0);
    let group = u64_at(body, 8);
    let group_len = u32_at(body, 16);
    let kind = body[20];
    let codec = Codec::from_tag(body[21], u32_at(body, 22)).ok_or(DecodeError::Malformed("unknown codec"))?;
    let raw_len = u32_at(body, 26);
    let part_len = usize::from(u16::from_le_bytes([body[30], body[31]]));
    if seq == 0 || group == 0 || group > seq || group_len == 0 || seq - group >= u64::from(group_len) {
        return Err(DecodeError::Malformed("sequence outside its group"));
    }
    let rest = &body[BODY_FIXED..];
    if part_len > rest.len() {
        return Err(DecodeError::Malformed("partition key longer than the record"));
    }
    let partition =
        std::str::from_utf8(&rest[..part_len]).map_err(|_| DecodeError::Malformed("partition key is not UTF-8"))?;
    let stored = &rest[part_len..];
    if codec == Codec::Stored && stored.len() != raw_len as usize {
        return Err(DecodeError::Malformed("stored payload length differs from its raw length"));
    }
    let header = Header { seq, group, group_len, kind, codec, raw_len };
    Ok((RecordRef { header, partition, stored }, total))
}

/// How a run of records ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Offset and header of every record that decoded, in order.
    pub records: Vec<(usize, Header)>,
    /// Where decoding stopped: the end of the last good record.
    pub end: usize,
    /// Why it stopped before the end of the buffer, if it did.
    pub stop: Option<DecodeError>,
}

/// Decodes records from `start` until the buffer ends or one does not decode, checking that
/// sequence numbers follow each other from `first_seq`.
pub fn scan(buf: &[u8], start: usize, first_seq: u64) -> Scan {
    let mut records = Vec::new();
    let mut at = start.min(buf.len());
    let mut expected = first_seq;
    let stop = loop {
        if at == buf.len() {
            break None;
        }
        match decode(&buf[at..]) {
            Ok((record, used)) => {
                if record.header.seq != expected {
                    break Some(DecodeError::Malformed("sequence number out of order"));
                }
                expected += 1;
                records.push((at, record.header));
                at += used;
            }
            Err(e) => break Some(e),
        }
    };
    Scan { records, end: at, stop }
}

fn u32_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

fn u64_at(buf: &[u8], at: usize) -> u64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_decodes_to_what_was_encoded() {
        let header = Header { seq: 7, group: 6, group_len: 3, kind: 1, codec: Codec::ZstdDict(42), raw_len: 99 };
        let mut buf = Vec::new();
        encode(&mut buf, &header, "3301968XYZ", b"compressed bytes");
        assert_eq!(buf.len(), encoded_len("3301968XYZ", 16));
        let (record, used) = decode(&buf).unwrap();
        assert_eq!(used, buf.len());
        assert_eq!(record.header, header);
        assert_eq!(record.partition, "3301968XYZ");
        assert_eq!(record.stored, b"compressed bytes");
        assert!(!record.header.ends_group());
    }

    #[test]
    fn every_flipped_bit_is_caught() {
        let header = Header { seq: 1, group: 1, group_len: 1, kind: 0, codec: Codec::Stored, raw_len: 5 };
        let mut buf = Vec::new();
        encode(&mut buf, &header, "P", b"hello");
        for byte in 0..buf.len() {
            for bit in 0..8 {
                let mut damaged = buf.clone();
                damaged[byte] ^= 1 << bit;
                assert!(decode(&damaged).is_err(), "byte {byte} bit {bit}");
            }
        }
    }
}
