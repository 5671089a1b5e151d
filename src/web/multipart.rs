//! Reading a `multipart/form-data` upload: one file and a few text fields, with a size limit
//! that stops reading (rather than failing) so the page can say how large is too large.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::AppError;

/// A submitted upload form.
#[derive(Default)]
pub struct Upload {
    /// The name the browser gave the file (field `file`).
    pub file_name: String,
    fields: HashMap<String, Vec<u8>>,
    /// Reading stopped at the limit: the file is incomplete and must not be used.
    pub too_large: bool,
}

impl Upload {
    /// The contents of the `file` field.
    pub fn file(&self) -> &[u8] {
        self.fields.get("file").map_or(&[], Vec::as_slice)
    }

    /// A text field, trimmed (empty when absent).
    pub fn text(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .unwrap_or_default()
    }

    /// A checkbox: present and not empty.
    pub fn checked(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|b| !b.is_empty())
    }
}

/// Reads every field of the form, up to `limit` bytes in all.
pub async fn read(mut payload: Multipart, limit: usize) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut total = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("bank.upload_broken"))?;
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or("upload")
                .to_string();
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("bank.upload_broken"))?;
            total += chunk.len();
            if total > limit {
                upload.too_large = true;
                return Ok(upload);
            }
            bytes.extend_from_slice(&chunk);
        }
        upload.fields.insert(name, bytes);
    }
    Ok(upload)
}
