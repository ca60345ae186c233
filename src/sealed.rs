//! The frame of every state file: parts written one after the other and sealed with their
//! SHA-256, and lists of items encoded with bincode in chunks, encoded and decoded in
//! parallel.
//!
//! A leaf module (it uses only [`crate::tree`]), shared by the load cache and the build
//! caches.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::tree::Tree;

/// Writes `parts` one after the other as the file `rel` of `tree`, sealed with their
/// SHA-256; replaced atomically (a reader finds the old file or the new one, never a part).
/// Makes its folders; links on the way are replaced, never followed.
pub(crate) fn write_sealed_file(tree: &Tree, rel: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write as _;
    tree.write_file(rel, |file| {
        let mut hasher = Sha256::new();
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        for part in parts {
            hasher.update(part);
            out.write_all(part)?;
        }
        out.write_all(&hasher.finalize())?;
        out.flush()
    })
}

/// What [`write_sealed_file`] wrote (its parts, one after the other), if `bytes` are whole:
/// `None` when the seal does not match them.
pub(crate) fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let body_end = bytes.len().checked_sub(32)?;
    let (body, seal) = bytes.split_at(body_end);
    (Sha256::digest(body)[..] == *seal).then_some(body)
}

/// Items encoded together by [`encode_chunks`]; chunks are encoded and decoded in parallel.
pub const CHUNK: usize = 2048;

/// `items` in chunks of [`CHUNK`], each encoded with bincode, in parallel.
pub(crate) fn encode_chunk_list<T: serde::Serialize + Sync>(
    items: &[T],
) -> std::io::Result<Vec<Vec<u8>>> {
    use bincode::Options as _;
    use rayon::prelude::*;
    items
        .par_chunks(CHUNK)
        .map(|chunk| bincode::DefaultOptions::new().serialize(chunk))
        .collect::<Result<Vec<_>, bincode::Error>>()
        .map_err(std::io::Error::other)
}

/// The items of `chunks` from [`encode_chunk_list`], decoded in parallel; `None` if
/// anything is amiss.
pub(crate) fn decode_chunk_list<T: serde::de::DeserializeOwned + Send>(
    chunks: &[&[u8]],
) -> Option<Vec<T>> {
    use bincode::Options as _;
    use rayon::prelude::*;
    let decoded = chunks
        .par_iter()
        .map(|chunk| {
            bincode::DefaultOptions::new()
                .with_limit(chunk.len() as u64)
                .reject_trailing_bytes()
                .deserialize::<Vec<T>>(chunk)
                .ok()
        })
        .collect::<Option<Vec<_>>>()?;
    Some(decoded.into_iter().flatten().collect())
}

/// `items` as [`encode_chunk_list`] encodes them, each chunk after its length; written one
/// after the other by [`chunk_parts`], they are what [`decode_chunks`] reads.
pub(crate) fn encode_chunks<T: serde::Serialize + Sync>(
    items: &[T],
) -> std::io::Result<Vec<Vec<u8>>> {
    Ok(encode_chunk_list(items)?
        .into_iter()
        .map(|bytes| {
            let mut out = Vec::with_capacity(8 + bytes.len());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&bytes);
            out
        })
        .collect())
}

/// The parts to write for `chunks` from [`encode_chunks`]: `count`, a buffer for the number
/// of chunks, then each chunk (its length and its bytes).
pub(crate) fn chunk_parts<'c>(chunks: &'c [Vec<u8>], count: &'c mut [u8; 8]) -> Vec<&'c [u8]> {
    *count = (chunks.len() as u64).to_le_bytes();
    let mut parts: Vec<&[u8]> = vec![&count[..]];
    parts.extend(chunks.iter().map(Vec::as_slice));
    parts
}

/// The items [`encode_chunks`] encoded, decoded in parallel; `None` if anything is amiss.
pub(crate) fn decode_chunks<T: serde::de::DeserializeOwned + Send>(
    payload: &[u8],
) -> Option<Vec<T>> {
    let (count, mut rest) = payload.split_first_chunk::<8>()?;
    let count = u64::from_le_bytes(*count);
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        let (len, after) = rest.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        let (chunk, after) = after.split_at_checked(len)?;
        chunks.push(chunk);
        rest = after;
    }
    if chunks.len() as u64 != count {
        return None;
    }
    decode_chunk_list(&chunks)
}
