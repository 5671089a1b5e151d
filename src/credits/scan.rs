//! An earlier certificate's scan as staff upload it: a PDF, JPEG or PNG told by its first
//! bytes (never by its name), at most `MAX_SCAN_BYTES`, stored once in `media` by SHA-256 and
//! served only through the person's record.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::banks::{MediaFile, store::insert_media};

/// A scan's size limit: a phone photo or a scanned page of a few MB fits with room to spare.
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// The types a scan may be, from its content.
const TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// A scan that passed the checks.
#[derive(Debug)]
pub struct Scan(MediaFile);

impl Scan {
    /// The upload as a scan, or the message key of what is wrong with it: missing, past the
    /// limit (or `too_large`: the reader stopped before its end) or not a PDF, JPEG or PNG.
    pub fn parse(name: &str, bytes: &[u8], too_large: bool) -> Result<Self, &'static str> {
        if too_large || bytes.len() > MAX_SCAN_BYTES {
            return Err("credit.earlier.scan_too_large");
        }
        if bytes.is_empty() {
            return Err("credit.earlier.scan_missing");
        }
        let mime = infer::get(bytes)
            .and_then(|kind| TYPES.into_iter().find(|t| *t == kind.mime_type()))
            .ok_or("credit.earlier.scan_type")?;
        let sha256 = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = crate::text::single_line(name).chars().take(200).collect();
        Ok(Self(MediaFile {
            path,
            mime,
            bytes: bytes.to_vec(),
            sha256,
        }))
    }

    pub fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// The file's name as uploaded (for the download).
    pub fn name(&self) -> &str {
        &self.0.path
    }

    /// Stores the bytes (once for the same content) in the caller's transaction.
    pub async fn store(&self, conn: &mut AnyConnection) -> sqlx::Result<()> {
        insert_media(conn, &[&self.0]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_told_by_its_content_and_size() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let scan = Scan::parse("bang.png", &png, false).unwrap();
        assert_eq!(scan.0.mime, "image/png");
        assert_eq!(scan.sha256().len(), 64);
        assert!(Scan::parse("x.pdf", b"%PDF-1.7\n", false).is_ok());
        assert_eq!(
            Scan::parse("bang.pdf", b"hello, not a pdf", false).unwrap_err(),
            "credit.earlier.scan_type"
        );
        assert_eq!(
            Scan::parse("a.gif", b"GIF89a......", false).unwrap_err(),
            "credit.earlier.scan_type"
        );
        assert_eq!(
            Scan::parse("a.png", &png, true).unwrap_err(),
            "credit.earlier.scan_too_large"
        );
        let mut huge = png.clone();
        huge.resize(MAX_SCAN_BYTES + 1, 0);
        assert_eq!(
            Scan::parse("a.png", &huge, false).unwrap_err(),
            "credit.earlier.scan_too_large"
        );
        assert_eq!(
            Scan::parse("", b"", false).unwrap_err(),
            "credit.earlier.scan_missing"
        );
    }
}
