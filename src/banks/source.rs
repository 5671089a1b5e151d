//! Turning files into banks: text decoding (UTF-8, BOM; UTF-16 refused), the `media/`
//! folder with image types checked by content, folders of banks, and the upload size limit.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{
    MediaFile, ParsedBank,
    archive::unzip,
    native,
    report::{FileReport, Msg, args},
};

/// A size as people read it: "50 MB", "2 KB".
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The text of a file, or what is wrong with its encoding.
pub fn decode(bytes: &[u8]) -> Result<&str, Msg> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(("report.utf16", vec![]));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ("report.not_utf8", args![line = line])
    })
}

/// A report of one error about the whole file.
pub fn failed(name: &str, (key, args): Msg) -> (Option<ParsedBank>, FileReport) {
    let mut report = FileReport::new(name, native::FORMAT);
    report.error(0, key, args);
    (None, report)
}

/// Reads one bank from bytes; `media` is its media folder's content.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    media: Vec<MediaFile>,
) -> (Option<ParsedBank>, FileReport) {
    match decode(bytes) {
        Ok(text) => native::read_bank(name, text, media),
        Err(message) => failed(name, message),
    }
}

/// A picture's type from its first bytes: PNG, JPEG, GIF or WebP only.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?;
    ["image/png", "image/jpeg", "image/gif", "image/webp"]
        .into_iter()
        .find(|m| *m == kind.mime_type())
}

pub fn media_file(path: String, bytes: Vec<u8>) -> Result<MediaFile, Msg> {
    let mime = image_type(&bytes).ok_or_else(|| ("report.not_a_picture", args![path = &path]))?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(MediaFile {
        path,
        mime,
        bytes,
        sha256,
    })
}

/// The pictures of the `media/` folder beside a bank file, with problems as error lines.
fn media_beside(file: &Path, report_errors: &mut Vec<Msg>) -> Vec<MediaFile> {
    let dir = file.parent().unwrap_or(Path::new(".")).join("media");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = format!("media/{}", path.file_name()?.to_string_lossy());
            let bytes = std::fs::read(&path)
                .map_err(|e| {
                    let args = args![path = &name, error = e.to_string()];
                    report_errors.push(("report.media_unreadable", args))
                })
                .ok()?;
            media_file(name, bytes)
                .map_err(|e| report_errors.push(e))
                .ok()
        })
        .collect()
}

/// Reads a bank kept in a spreadsheet: `.csv` by name, else an `.xlsx` workbook (its first
/// sheet that is not the template's instructions); `defaults` gives what the sheet does not say.
pub fn read_spreadsheet(
    name: &str,
    bytes: &[u8],
    defaults: &super::foreign::Defaults,
) -> (Option<ParsedBank>, FileReport) {
    use super::spreadsheet::{INSTRUCTIONS, read_table};
    let unreadable = |e: crate::sheets::Unreadable| match e.key {
        key if key.starts_with("limit.") => failed(name, (key, args![value = e.detail])),
        _ => failed(name, ("report.sheet_unreadable", args![error = e.detail])),
    };
    if name.to_lowercase().ends_with(".csv") {
        return match decode(bytes) {
            Ok(text) => match crate::sheets::read_csv(text) {
                Ok(table) => read_table(name, None, &table, defaults),
                Err(e) => unreadable(e),
            },
            Err(message) => failed(name, message),
        };
    }
    let instructions = super::spreadsheet::fold(INSTRUCTIONS);
    let bank_sheet = |sheet: &str| super::spreadsheet::fold(sheet) != instructions;
    match crate::sheets::first_sheet_where(bytes, bank_sheet) {
        Ok((sheet, table)) => read_table(name, Some(&sheet), &table, defaults),
        Err(e) => unreadable(e),
    }
}

/// Reads a bank in the native format: a `.toml` file, or a `.zip` holding one bank `.toml` and
/// its `media/` folder. (`formats::read` reads every format.)
pub fn read_upload(name: &str, bytes: &[u8]) -> (Option<ParsedBank>, FileReport) {
    if !bytes.starts_with(b"PK\x03\x04") {
        return read_bytes(name, bytes, vec![]);
    }
    let entries = match unzip(bytes) {
        Ok(entries) => entries,
        Err(msg) => return failed(name, msg),
    };
    let mut banks = Vec::new();
    let mut media = Vec::new();
    let mut errors = Vec::new();
    for (path, content) in entries {
        match path.rsplit_once("media/") {
            Some((_, file)) if !file.is_empty() && !file.contains('/') => {
                match media_file(format!("media/{file}"), content) {
                    Ok(m) => media.push(m),
                    Err(e) => errors.push(e),
                }
            }
            _ if path.ends_with(".toml") && decode(&content).map(holds_bank).unwrap_or(true) => {
                banks.push((path, content))
            }
            _ => {}
        }
    }
    if banks.len() != 1 {
        return failed(name, ("report.zip_bank_count", args![n = banks.len()]));
    }
    let (path, content) = banks.remove(0);
    let (parsed, mut report) = read_bytes(&format!("{name}/{path}"), &content, media);
    for (key, args) in errors {
        report.error(0, key, args);
    }
    (parsed.filter(|_| !report.has_errors()), report)
}

/// What a TOML file holds, by its top-level table, without validating it.
fn holds_bank(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with("[bank]"))
}

/// Reads a file, or every bank file of a folder (files holding `[catalog]` or `[blueprint]`
/// are passed over). Returns one result per bank file.
pub fn read_path(path: &Path, limit: usize) -> Vec<(Option<ParsedBank>, FileReport)> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        files.retain(|p| {
            std::fs::read(p)
                .ok()
                .and_then(|b| decode(&b).ok().map(holds_bank))
                .unwrap_or(true)
        });
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        let name = path.display().to_string();
        return vec![failed(&name, ("report.no_bank_files", vec![]))];
    }
    files.iter().map(|file| read_file(file, limit)).collect()
}

fn read_file(file: &Path, limit: usize) -> (Option<ParsedBank>, FileReport) {
    let name = file.display().to_string();
    let bytes = match read_limited(file, limit) {
        Ok(bytes) => bytes,
        Err(msg) => return failed(&name, msg),
    };
    let mut media_errors = Vec::new();
    let media = media_beside(file, &mut media_errors);
    let (parsed, mut report) = read_bytes(&name, &bytes, media);
    for (key, args) in media_errors {
        report.error(0, key, args);
    }
    let parsed = parsed.filter(|_| !report.has_errors());
    (parsed, report)
}

/// A file's bytes, or what says it is too large or unreadable.
pub fn read_limited(file: &Path, limit: usize) -> Result<Vec<u8>, Msg> {
    let unreadable = |e: std::io::Error| ("report.file_unreadable", args![error = e.to_string()]);
    let size = std::fs::metadata(file).map_err(unreadable)?.len();
    if size > limit as u64 {
        let args = args![size = human_size(size as usize), limit = human_size(limit)];
        return Err(("report.file_too_large", args));
    }
    std::fs::read(file).map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Lang;

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xEF\xBB\xBF[bank]").unwrap(), "[bank]");
        assert_eq!(decode(b"\xFF\xFEa\x00").unwrap_err().0, "report.utf16");
        let (key, args) = decode(b"a\nb\n\xC3(").unwrap_err();
        assert_eq!((key, args), ("report.not_utf8", args![line = 3]));
        let (_, report) = read_bytes("cu.toml", b"a\nb\n\xC3(", vec![]);
        assert!(
            report.lines(Lang::En)[0].starts_with("cu.toml:0: error: line 3 is not UTF-8 text")
        );
        assert!(
            report.lines(Lang::Vi)[0]
                .starts_with("cu.toml:0: lỗi: dòng 3 không phải văn bản UTF-8; hãy lưu tệp")
        );
    }

    /// A zip of 51 MB of zeros (which compresses to very little) under `entry`, beside `extra`.
    fn bomb(entry: &str, extra: Option<&str>) -> Vec<u8> {
        use std::io::Write;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        if let Some(extra) = extra {
            out.start_file(extra, options).unwrap();
            out.write_all(b"<workbook/>").unwrap();
        }
        out.start_file(entry, options).unwrap();
        let block = vec![0u8; 1024 * 1024];
        for _ in 0..51 {
            out.write_all(&block).unwrap();
        }
        let bytes = out.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "it compresses well");
        bytes
    }

    #[test]
    fn a_zip_that_expands_beyond_the_limit_is_refused() {
        for (name, bytes) in [
            ("bomb.zip", bomb("bank/media/zeros.png", None)),
            (
                "bomb.xlsx",
                bomb("xl/worksheets/sheet1.xml", Some("xl/workbook.xml")),
            ),
        ] {
            let (parsed, report) = read_upload(name, &bytes);
            assert!(parsed.is_none());
            let lines = report.lines(crate::vocab::Lang::En);
            assert!(
                lines[0].contains("expands to more than 50 MB"),
                "{name}: {lines:?}"
            );
        }
    }

    #[test]
    fn pictures_are_typed_by_content_not_name() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        assert_eq!(image_type(&png), Some("image/png"));
        let svg = media_file("media/a.png".into(), b"<svg onload=alert(1)>".to_vec());
        assert_eq!(
            svg.unwrap_err(),
            ("report.not_a_picture", args![path = "media/a.png"])
        );
        assert!(media_file("media/a.bmp".into(), b"BM\x00\x00\x00\x00".to_vec()).is_err());
    }

    #[test]
    fn size_and_folder_problems_are_messages() {
        let dir = tempfile::tempdir().unwrap();
        let reports = read_path(dir.path(), crate::config::DEFAULT_UPLOAD_LIMIT_BYTES);
        assert_eq!(reports[0].1.errors[0].key, "report.no_bank_files");
        let file = dir.path().join("big.toml");
        std::fs::write(&file, "[bank]\n".repeat(400)).unwrap();
        let (_, report) = read_file(&file, 1024);
        assert_eq!(
            report.errors[0].message(Lang::En),
            "the file is 3 KB, over the 1 KB limit"
        );
        assert!(
            report.errors[0]
                .message(Lang::Vi)
                .starts_with("tệp có dung lượng 3 KB, vượt giới hạn 1 KB")
        );
    }
}
