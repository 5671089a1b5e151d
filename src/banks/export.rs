//! `sathach bank export`: a bank's newest version as sathach TOML (pictures in `media/` beside
//! the file) or as an IMS QTI 2.1 content package; both import back to the same bank.

use std::path::Path;

use anyhow::Context;

use super::{
    BankMeta, MediaFile,
    cli::ExportFormat,
    foreign::qti,
    model::{Item, MediaRef},
    native, store,
};
use crate::{db::Db, orgs, vocab::Failure};

pub async fn run(
    db: &Db,
    code: &str,
    org: &str,
    to: ExportFormat,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let (meta, items) = newest(db, code, org).await?;
    let mut refs: Vec<MediaRef> = items.iter().flat_map(|i| i.media.iter().cloned()).collect();
    refs.sort_by(|a, b| a.path.cmp(&b.path));
    refs.dedup_by(|a, b| a.path == b.path);
    let media = pictures(db, &refs).await?;
    match to {
        ExportFormat::Toml => {
            let text = native::write_bank(&meta, &items);
            let Some(path) = out else {
                if !media.is_empty() {
                    return Err(Failure::Environment(
                        "this bank has pictures: export it to a file with -o FILE".into(),
                    ));
                }
                print!("{text}");
                return Ok(());
            };
            write(path, text.as_bytes())?;
            let folder = path.parent().unwrap_or(Path::new("."));
            for picture in &media {
                write(&folder.join(&picture.path), &picture.bytes)?;
            }
            Ok(())
        }
        ExportFormat::Qti => {
            let Some(path) = out else {
                return Err(Failure::Environment(
                    "a QTI package is a .zip file: export it to a file with -o FILE.zip".into(),
                ));
            };
            write(path, &qti::export_package(&meta, &items, &media))
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The newest version of a bank: its description and items.
async fn newest(db: &Db, code: &str, org: &str) -> Result<(BankMeta, Vec<Item>), Failure> {
    let org = orgs::by_code_for_cli(db, org).await?;
    let bank = store::bank_by_code(&db.read, &org.id, &code.trim().to_uppercase())
        .await
        .context("cannot read banks")?
        .ok_or_else(|| Failure::Content(format!("{} has no bank {code}", org.code)))?;
    let versions = store::versions(&db.read, &bank.id)
        .await
        .context("cannot read versions")?;
    let latest = versions
        .first()
        .ok_or_else(|| Failure::Content(format!("bank {code} has no version yet")))?;
    let rows = store::version_items(&db.read, &latest.id)
        .await
        .context("cannot read items")?;
    let items = rows
        .iter()
        .map(|r| r.item())
        .collect::<Result<Vec<_>, _>>()
        .context("a stored item is damaged")?;
    let meta = BankMeta {
        code: bank.code,
        title: bank.title,
        module: bank.module,
        language: bank.language,
    };
    Ok((meta, items))
}

/// The pictures the items show, read from the database.
async fn pictures(db: &Db, refs: &[MediaRef]) -> Result<Vec<MediaFile>, Failure> {
    let mut files = Vec::new();
    for picture in refs {
        let (_, bytes) = store::media(&db.read, &picture.sha256)
            .await
            .context("cannot read media")?
            .ok_or_else(|| {
                Failure::Environment(format!(
                    "picture {} is missing from the database",
                    picture.path
                ))
            })?;
        let file = super::source::media_file(picture.path.clone(), bytes)
            .map_err(|_| Failure::Environment(format!("picture {} is damaged", picture.path)))?;
        files.push(file);
    }
    Ok(files)
}
