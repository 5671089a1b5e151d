//! Zip archives from uploads (`.docx`, `.xlsx`, QTI packages, banks with their pictures), read
//! with care: entries with `..` or absolute paths are refused, and so is an archive with too
//! many entries, an entry inflating past its limit or all of them past theirs (a zip bomb).
//! Sizes are measured while inflating, through a bounded reader: declared sizes can lie.

use std::{
    collections::BTreeMap,
    io::{Cursor, Read},
};

use zip::{ZipArchive, read::ZipFile};

use super::report::{Msg, args};
use crate::limits::{Exceeded, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES};

/// The names of a zip archive's entries (none if it is not a zip).
pub fn zip_entries(bytes: &[u8]) -> Vec<String> {
    ZipArchive::new(Cursor::new(bytes))
        .map(|z| {
            z.file_names()
                .filter_map(|n| n.ok().map(|n| n.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Why an archive is not read.
#[derive(Debug)]
pub enum Refused {
    Unopenable(String),
    Limit(Exceeded),
}

impl Refused {
    pub fn msg(self) -> Msg {
        match self {
            Refused::Unopenable(error) => ("report.zip_unopenable", args![error = error]),
            Refused::Limit(limit) => limit.msg(),
        }
    }
}

/// Inflates every entry through a bounded reader, handing each file (not folders) to `each`
/// with its path; stops at the first limit.
fn inflate(
    bytes: &[u8],
    mut each: impl FnMut(&mut ZipFile<'_, Cursor<&[u8]>>, Vec<u8>) -> Result<(), Msg>,
) -> Result<Result<(), Msg>, Refused> {
    let unopenable = |e: &dyn std::fmt::Display| Refused::Unopenable(e.to_string());
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| unopenable(&e))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(Refused::Limit(Exceeded::ZipEntries));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| unopenable(&e))?;
        if entry.is_dir() {
            continue;
        }
        // Declared sizes refuse an honest bomb before inflating; the bounded read, a lying one.
        if entry.size() > MAX_ZIP_ENTRY_BYTES {
            return Err(Refused::Limit(Exceeded::ZipEntry));
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_ZIP_ENTRY_BYTES + 1)
            .read_to_end(&mut content)
            .map_err(|e| unopenable(&e))?;
        if content.len() as u64 > MAX_ZIP_ENTRY_BYTES {
            return Err(Refused::Limit(Exceeded::ZipEntry));
        }
        total += content.len() as u64;
        if total > MAX_UNZIPPED_BYTES {
            return Err(Refused::Limit(Exceeded::Unzipped));
        }
        if let Err(msg) = each(&mut entry, content) {
            return Ok(Err(msg));
        }
    }
    Ok(Ok(()))
}

/// Whether a zip archive stays within the limits, inflating each entry and keeping nothing:
/// for archives another library reads (`.xlsx` through calamine). A file that is not a zip
/// passes, for its reader to report.
pub fn within_limits(bytes: &[u8]) -> Result<(), Exceeded> {
    match inflate(bytes, |_, _| Ok(())) {
        Err(Refused::Limit(limit)) => Err(limit),
        _ => Ok(()),
    }
}

/// Every file of a zip archive by path, read with care: entries with `..` or absolute paths
/// are refused (nothing is written to disk, but such a file is not what it claims), and so is
/// an archive past the limits.
pub fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, Msg> {
    let mut entries = BTreeMap::new();
    let found = inflate(bytes, |entry, content| {
        let path = entry.name().unwrap_or_default().replace('\\', "/");
        if entry.enclosed_name().is_none() || path.split('/').any(|p| p == "..") {
            return Err(("report.zip_unsafe_path", args![path = path]));
        }
        entries.insert(path, content);
        Ok(())
    });
    found.map_err(Refused::msg)??;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;
    use zip::write::SimpleFileOptions;

    use super::*;
    use crate::test_fixtures::zip_of;

    /// A zip of `entries` entries, each `size` zero bytes deflated.
    fn zeros(entries: usize, size: usize) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let chunk = vec![0u8; 1024 * 1024];
        for i in 0..entries {
            out.start_file(format!("f{i}"), SimpleFileOptions::default())
                .unwrap();
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).unwrap();
                left -= n;
            }
        }
        out.finish().unwrap().into_inner()
    }

    fn key(bytes: &[u8]) -> &'static str {
        unzip(bytes).map(|_| "ok").unwrap_or_else(|(key, _)| key)
    }

    #[test]
    fn bombs_are_refused_by_the_limit_they_pass() {
        let one_big = zeros(1, MAX_ZIP_ENTRY_BYTES as usize + 1);
        assert!(one_big.len() < 300 * 1024);
        assert_eq!(key(&one_big), "limit.zip_entry");
        let many_mid = zeros(5, 45 * 1024 * 1024);
        assert_eq!(key(&many_mid), "limit.unzipped");
        let many_small = zeros(MAX_ZIP_ENTRIES + 1, 0);
        assert_eq!(key(&many_small), "limit.zip_entries");
        assert_eq!(within_limits(&one_big), Err(Exceeded::ZipEntry));
        assert_eq!(within_limits(b"not a zip"), Ok(()));
        assert_eq!(key(&zeros(3, 1024)), "ok");
    }

    #[test]
    fn a_lying_declared_size_is_caught_while_inflating() {
        // An entry stored with a declared size of 1 byte that inflates to 60 MB: the bounded
        // reader stops at the limit.
        let mut bomb = zeros(1, 60 * 1024 * 1024);
        let honest = bomb.clone();
        let patch =
            |bytes: &mut Vec<u8>, at: usize| bytes[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        // Local header: uncompressed size at offset 22; central directory header: at 24.
        patch(&mut bomb, 22);
        let central = bomb.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        patch(&mut bomb, central + 24);
        assert_ne!(bomb, honest);
        assert!(matches!(
            key(&bomb),
            "limit.zip_entry" | "report.zip_unopenable"
        ));
        assert_ne!(key(&bomb), "ok");
    }

    #[test]
    fn unsafe_paths_are_still_refused() {
        let zip = zip_of(&[("../a.toml", b"x")]);
        assert_eq!(key(&zip), "report.zip_unsafe_path");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// Entries and sizes around and past the limits: a report, never a panic.
        #[test]
        fn any_number_and_size_of_entries_gives_entries_or_a_report(
            entries in 0usize..4,
            megabytes in prop::sample::select(vec![0usize, 1, 49, 51, 70]),
        ) {
            let zip = zeros(entries, megabytes * 1024 * 1024);
            let total = (entries * megabytes) as u64 * 1024 * 1024;
            let expected = if megabytes as u64 * 1024 * 1024 > MAX_ZIP_ENTRY_BYTES && entries > 0 {
                "limit.zip_entry"
            } else if total > MAX_UNZIPPED_BYTES {
                "limit.unzipped"
            } else {
                "ok"
            };
            prop_assert_eq!(key(&zip), expected);
        }
    }
}
