//! Bank vectors kept between runs in the user's cache folder, so that only
//! the first run with a bank pays for encoding it.
//!
//! A cache file is named by a hash of the model and of every text it holds:
//! any change to the bank gives another name, so a stale file is never read.
//! Files are untrusted like any input: one whose size, header or numbers do
//! not fit what is expected is ignored and rebuilt.

use super::semantic::{DIMS, MODEL_ID, Vectors};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"QFILLVEC";
const HEADER: usize = MAGIC.len() + 32 + 8;

/// Where vectors are cached, if anywhere.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// The user's cache folder (`$XDG_CACHE_HOME/qfill`, `~/.cache/qfill`, …),
    /// or no cache when `enabled` is false or there is no such folder.
    pub fn user(enabled: bool) -> Cache {
        Cache {
            dir: dirs::cache_dir()
                .filter(|_| enabled)
                .map(|d| d.join("qfill")),
        }
    }

    /// A cache in `dir`.
    pub fn at(dir: &Path) -> Cache {
        Cache {
            dir: Some(dir.to_path_buf()),
        }
    }

    /// No cache: every run encodes the bank.
    pub fn none() -> Cache {
        Cache { dir: None }
    }

    fn path(&self, key: &Key) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("vectors-{}.bin", &key.hex()[..32])))
    }

    /// The vectors stored under `key`, if a sound file holds exactly `rows` of them.
    pub fn load(&self, key: &Key, rows: usize) -> Option<Vectors> {
        let path = self.path(key)?;
        let expected = HEADER.checked_add(rows.checked_mul(DIMS * 4)?)?;
        // The size is checked before anything is read or allocated.
        if std::fs::metadata(&path).ok()?.len() != expected as u64 {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        decode(&bytes, key, rows)
    }

    /// Stores vectors under `key`, atomically; a cache that cannot be written
    /// is not an error, the next run just encodes again.
    pub fn store(&self, key: &Key, vectors: &Vectors) {
        if let Some(path) = self.path(key) {
            let _ = crate::write::write_atomic(&path, &encode(key, vectors));
        }
    }
}

/// What a set of vectors was made from: the model and the texts, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Key {
        let mut h = Sha256::new();
        h.update(MODEL_ID.as_bytes());
        for t in texts {
            h.update((t.len() as u64).to_le_bytes());
            h.update(t.as_bytes());
        }
        Key(h.finalize().into())
    }

    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn encode(key: &Key, v: &Vectors) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + v.as_flat().len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&(v.len() as u64).to_le_bytes());
    for x in v.as_flat() {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

fn decode(bytes: &[u8], key: &Key, rows: usize) -> Option<Vectors> {
    let (magic, rest) = bytes.split_first_chunk::<8>()?;
    let (stored_key, rest) = rest.split_first_chunk::<32>()?;
    let (count, body) = rest.split_first_chunk::<8>()?;
    if magic != MAGIC || stored_key != &key.0 || u64::from_le_bytes(*count) != rows as u64 {
        return None;
    }
    if body.len() != rows * DIMS * 4 {
        return None;
    }
    let data: Vec<f32> = body
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    // Unit vectors: anything else is a damaged file.
    let sound = data.iter().all(|x| x.is_finite() && x.abs() <= 1.0 + 1e-3);
    sound.then(|| Vectors::from_flat(data)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(n: usize) -> Vectors {
        let mut v = Vectors::default();
        for i in 0..n {
            let mut row = vec![0.0f32; DIMS];
            row[i % DIMS] = 1.0;
            v.push(&row);
        }
        v
    }

    #[test]
    fn vectors_round_trip_under_their_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let key = Key::of(["a", "b", "c"]);
        cache.store(&key, &vectors(3));
        assert_eq!(cache.load(&key, 3), Some(vectors(3)));
        assert_eq!(cache.load(&key, 2), None, "a different row count is a miss");
        assert_eq!(cache.load(&Key::of(["a", "b", "d"]), 3), None);
        assert_ne!(Key::of(["ab", "c"]), Key::of(["a", "bc"]));
    }

    #[test]
    fn damaged_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let key = Key::of(["x"]);
        cache.store(&key, &vectors(1));
        let path = cache.path(&key).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 4;
        bytes[last..].copy_from_slice(&f32::NAN.to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cache.load(&key, 1), None);
        std::fs::write(&path, b"QFILLVEC").unwrap();
        assert_eq!(cache.load(&key, 1), None);
        assert_eq!(Cache::none().load(&key, 1), None);
    }
}
