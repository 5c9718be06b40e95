//! The log's zstd dictionaries: trained once from the first messages (or given), kept as files
//! beside the segments and named by their checksum, so that every record names the dictionary
//! it needs and stays readable for as long as the log is kept.

use crate::LogError;
use crate::record::Codec;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use zstd::bulk::{Compressor, Decompressor};

/// A payload as stored: the codec it was compressed with and its bytes.
pub(crate) type Compressed = (Codec, Vec<u8>);

/// A dictionary's file name: `dict-` + its id in hex + `.zdict`.
fn file_name(id: u32) -> String {
    format!("dict-{id:08x}.zdict")
}

/// A dictionary's id: the CRC-32C of its bytes (never 0, which means "none"), so that a damaged
/// dictionary file no longer matches its name.
pub(crate) fn id_of(dictionary: &[u8]) -> u32 {
    crc32c::crc32c(dictionary).max(1)
}

/// The dictionaries of one log folder and the compressor new records use.
pub(crate) struct Dictionaries {
    dir: PathBuf,
    level: i32,
    known: HashMap<u32, std::sync::Arc<Vec<u8>>>,
    /// The newest dictionary; none yet: plain zstd.
    current: Option<u32>,
    /// Compressors loaded with it, one per thread a large group is compressed on.
    compressors: Vec<Compressor<'static>>,
}

/// Payload bytes of a group below which it is compressed on the calling thread alone: starting a
/// thread costs tens of microseconds, compressing 256 KiB about a millisecond.
const PARALLEL_BYTES: usize = 256 * 1024;

impl std::fmt::Debug for Dictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionaries").field("known", &self.known.keys()).field("current", &self.current).finish()
    }
}

impl Dictionaries {
    /// Loads every dictionary file of `dir`; the one named in `current` (the file
    /// `current-dict`, written when a dictionary is installed) compresses new records.
    pub(crate) fn load(dir: &Path, level: i32) -> Result<Dictionaries, LogError> {
        let mut known = HashMap::new();
        let entries = std::fs::read_dir(dir).map_err(LogError::io("listing", dir))?;
        for entry in entries {
            let entry = entry.map_err(LogError::io("listing", dir))?;
            let name = entry.file_name();
            let Some(hex) = name.to_str().and_then(|n| n.strip_prefix("dict-")).and_then(|n| n.strip_suffix(".zdict"))
            else {
                continue;
            };
            let Ok(id) = u32::from_str_radix(hex, 16) else { continue };
            let path = entry.path();
            let bytes = std::fs::read(&path).map_err(LogError::io("reading", &path))?;
            if id_of(&bytes) != id {
                return Err(LogError::Corrupt {
                    segment: path,
                    offset: 0,
                    reason: "the dictionary's checksum does not match its name".into(),
                });
            }
            known.insert(id, std::sync::Arc::new(bytes));
        }
        let current_path = dir.join("current-dict");
        let current = match std::fs::read_to_string(&current_path) {
            Ok(text) => {
                let id = u32::from_str_radix(text.trim(), 16).ok().filter(|id| known.contains_key(id));
                Some(id.ok_or_else(|| LogError::Corrupt {
                    segment: current_path.clone(),
                    offset: 0,
                    reason: format!("names no dictionary of the folder: {:?}", text.trim()),
                })?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(LogError::io("reading", &current_path)(e)),
        };
        let compressors = compressors(level, current.and_then(|id| known.get(&id)).map(|d| &d[..]), dir)?;
        Ok(Dictionaries { dir: dir.to_path_buf(), level, known, current, compressors })
    }

    /// Whether new records are compressed with a dictionary.
    pub(crate) fn has_current(&self) -> bool {
        self.current.is_some()
    }

    /// Makes `dictionary` the one new records use: written and synced (file and folder) before
    /// any record names it.
    pub(crate) fn install(&mut self, dictionary: Vec<u8>) -> Result<u32, LogError> {
        let id = id_of(&dictionary);
        if !self.known.contains_key(&id) {
            write_durably(&self.dir, &file_name(id), &dictionary)?;
        }
        write_durably(&self.dir, "current-dict", format!("{id:08x}\n").as_bytes())?;
        self.compressors = compressors(self.level, Some(&dictionary), &self.dir)?;
        self.known.insert(id, std::sync::Arc::new(dictionary));
        self.current = Some(id);
        Ok(id)
    }

    /// Compresses every payload of a group with the current dictionary, if any; a large group
    /// on as many threads as there are compressors, the calling one among them.
    pub(crate) fn compress_all(&mut self, payloads: &[&[u8]]) -> Result<Vec<Compressed>, LogError> {
        let codec = match self.current {
            Some(id) => Codec::ZstdDict(id),
            None => Codec::Zstd,
        };
        let total: usize = payloads.iter().map(|p| p.len()).sum();
        let threads = if total < PARALLEL_BYTES { 1 } else { self.compressors.len().min(payloads.len()) };
        let chunk = payloads.len().div_ceil(threads.max(1));
        let (first, rest) = self.compressors.split_first_mut().expect("at least one compressor");
        let dir = &self.dir;
        let results: Vec<std::io::Result<Vec<Compressed>>> = std::thread::scope(|scope| {
            let mut chunks = payloads.chunks(chunk.max(1));
            let mine = chunks.next().unwrap_or(&[]);
            let others: Vec<_> = chunks
                .zip(rest.iter_mut())
                .map(|(part, compressor)| scope.spawn(move || compress_each(compressor, part, codec)))
                .collect();
            let mut results = vec![compress_each(first, mine, codec)];
            results.extend(others.into_iter().map(|h| h.join().expect("a compressing thread does not panic")));
            results
        });
        let mut out = Vec::with_capacity(payloads.len());
        for part in results {
            out.extend(part.map_err(LogError::io("compressing into", dir))?);
        }
        Ok(out)
    }

    /// What readers need: every dictionary by id.
    pub(crate) fn snapshot(&self) -> HashMap<u32, std::sync::Arc<Vec<u8>>> {
        self.known.clone()
    }
}

fn compress_each(
    compressor: &mut Compressor<'static>,
    payloads: &[&[u8]],
    codec: Codec,
) -> std::io::Result<Vec<(Codec, Vec<u8>)>> {
    payloads
        .iter()
        .map(|payload| {
            let stored = compressor.compress(payload)?;
            // Incompressible payloads (a few short ones) are kept as they are.
            Ok(if stored.len() >= payload.len() { (Codec::Stored, payload.to_vec()) } else { (codec, stored) })
        })
        .collect()
}

/// One compressor per core (at most four): the writer's group is compressed in parallel while
/// the other cores would otherwise wait for it.
fn compressors(level: i32, dictionary: Option<&[u8]>, dir: &Path) -> Result<Vec<Compressor<'static>>, LogError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    (0..cores)
        .map(|_| {
            Compressor::with_dictionary(level, dictionary.unwrap_or(&[]))
                .map_err(LogError::io("preparing zstd for", dir))
        })
        .collect()
}

/// Decompresses payloads, keeping one decompressor per dictionary it met.
pub(crate) struct Expander {
    dictionaries: HashMap<u32, std::sync::Arc<Vec<u8>>>,
    plain: Option<Decompressor<'static>>,
    with_dict: HashMap<u32, Decompressor<'static>>,
}

impl Expander {
    pub(crate) fn new(dictionaries: HashMap<u32, std::sync::Arc<Vec<u8>>>) -> Expander {
        Expander { dictionaries, plain: None, with_dict: HashMap::new() }
    }

    /// The payload of a record, or why it cannot be had.
    pub(crate) fn expand(&mut self, codec: Codec, stored: &[u8], raw_len: usize) -> Result<Vec<u8>, String> {
        let decompressor = match codec {
            Codec::Stored => return Ok(stored.to_vec()),
            Codec::Zstd => match &mut self.plain {
                Some(d) => d,
                None => self.plain.insert(Decompressor::new().map_err(|e| e.to_string())?),
            },
            Codec::ZstdDict(id) => {
                if !self.with_dict.contains_key(&id) {
                    let dictionary =
                        self.dictionaries.get(&id).ok_or_else(|| format!("dictionary {id:08x} is missing"))?;
                    let d = Decompressor::with_dictionary(dictionary).map_err(|e| e.to_string())?;
                    self.with_dict.insert(id, d);
                }
                self.with_dict.get_mut(&id).expect("inserted above")
            }
        };
        let payload = decompressor.decompress(stored, raw_len).map_err(|e| format!("zstd: {e}"))?;
        if payload.len() == raw_len {
            Ok(payload)
        } else {
            Err(format!("decompressed to {} bytes, the record says {raw_len}", payload.len()))
        }
    }
}

/// Writes `name` in `dir` so that it is whole or absent after a crash: a temporary file,
/// synced, renamed over, then the folder synced.
pub(crate) fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), LogError> {
    use std::io::Write as _;
    let tmp = dir.join(format!("{name}.tmp"));
    let path = dir.join(name);
    let mut file = std::fs::File::create(&tmp).map_err(LogError::io("creating", &tmp))?;
    file.write_all(bytes).map_err(LogError::io("writing", &tmp))?;
    file.sync_all().map_err(LogError::io("syncing", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(LogError::io("renaming into", &path))?;
    sync_dir(dir)
}

/// Makes the folder's entries (new or renamed files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), LogError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(LogError::io("syncing the folder", dir))
}

/// Trains a dictionary of at most `size` bytes from `samples`.
pub(crate) fn train(samples: &[Vec<u8>], size: usize) -> std::io::Result<Vec<u8>> {
    zstd::dict::from_samples(samples, size)
}
