//! Zip archives from uploads (`.docx`, `.xlsx`, QTI packages, banks with their pictures), read
//! with care: entries with `..` or absolute paths are refused, and so is an archive that
//! expands beyond the upload limit (a zip bomb), before and while reading.

use std::{collections::BTreeMap, io::Read};

use super::{
    report::{Msg, args},
    source::{DEFAULT_LIMIT_BYTES, human_size},
};

/// The names of a zip archive's entries (none if it is not a zip).
pub fn zip_entries(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|z| {
            z.file_names()
                .filter_map(|n| n.ok().map(|n| n.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// An archive that would expand beyond the upload limit (a zip bomb) is refused before reading.
pub fn zip_too_large(bytes: &[u8]) -> Option<Msg> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).map(|e| e.size()).unwrap_or(0));
    }
    (total > DEFAULT_LIMIT_BYTES as u64).then(|| {
        (
            "report.zip_too_large",
            args![limit = human_size(DEFAULT_LIMIT_BYTES)],
        )
    })
}

/// Every file of a zip archive by path, read with care: entries with `..` or absolute paths
/// are refused (nothing is written to disk, but such a file is not what it claims), and so is
/// an archive that expands beyond the upload limit (a zip bomb), before and while reading.
pub fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, Msg> {
    let unreadable =
        |e: zip::result::ZipError| ("report.zip_unopenable", args![error = e.to_string()]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    if let Some(too_large) = zip_too_large(bytes) {
        return Err(too_large);
    }
    let mut entries = BTreeMap::new();
    let mut budget = DEFAULT_LIMIT_BYTES as u64;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(unreadable)?;
        let path = entry.name().unwrap_or_default().replace('\\', "/");
        if entry.enclosed_name().is_none() || path.split('/').any(|p| p == "..") {
            return Err(("report.zip_unsafe_path", args![path = path]));
        }
        if entry.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|e| ("report.zip_unopenable", args![error = e.to_string()]))?;
        if content.len() as u64 > budget {
            let limit = human_size(DEFAULT_LIMIT_BYTES);
            return Err(("report.zip_too_large", args![limit = limit]));
        }
        budget -= content.len() as u64;
        entries.insert(path, content);
    }
    Ok(entries)
}
