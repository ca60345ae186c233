//! The keys and fingerprints that caches compare: SHA-256 digests, written in hexadecimal.
//!
//! A leaf module (it uses no other module of the crate), so that the load side and the
//! build caches share one hasher without depending on each other.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// A hasher for the keys and fingerprints the caches compare (SHA-256: with the processor's
/// SHA instructions it outruns BLAKE3 on the small, piecemeal inputs keys are made of).
#[derive(Default)]
pub struct KeyHasher(Sha256);

impl KeyHasher {
    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(bytes);
        self
    }

    /// The key, in lowercase hexadecimal (64 digits).
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }

    /// The key as bytes.
    pub fn finish_bytes(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A new [`KeyHasher`].
pub fn key_hasher() -> KeyHasher {
    KeyHasher::default()
}

/// The key of `bytes`, in lowercase hexadecimal (64 digits).
pub fn key_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
