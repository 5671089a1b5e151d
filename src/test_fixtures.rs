//! Test data shared by the unit tests: the fixture bank with one item of every type.

use crate::{
    banks::{
        self,
        model::{Body, Difficulty, Item, Rich},
    },
    blueprints::draw::PoolItem,
};

/// `tests/fixtures/banks/all-types/bank.toml`: T-001 single (pinned last option), T-002
/// multiple (partial), T-003 true/false, T-004 grouped, T-005 short text, T-006 numeric,
/// T-007 matching, T-008 ordering.
pub const ALL_TYPES: &str = include_str!("../tests/fixtures/banks/all-types/bank.toml");

/// The fixture's text without its picture, so it reads without a media folder.
pub fn all_types_text() -> String {
    ALL_TYPES.replace(" ![Máy tính để bàn](media/may-tinh.png)", "")
}

pub fn all_types_items() -> Vec<Item> {
    banks::native::read_bank("all.toml", &all_types_text(), vec![])
        .0
        .expect("the fixture bank is valid")
        .items
}

/// The fixture items as a draw pool of bank TEST-ALL (version ids `v-T-001`…).
pub fn all_types_pool() -> Vec<PoolItem> {
    all_types_items()
        .into_iter()
        .map(|item| PoolItem {
            version_id: format!("v-{}", item.id),
            item_id: item.id.clone(),
            bank: "TEST-ALL".into(),
            item,
        })
        .collect()
}

/// A zip archive of these entries (names and contents).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// What an importer chooses for a file from another platform in tests: module IU01, topic
/// IU01.1, level TH.
pub fn foreign_defaults() -> crate::banks::foreign::Defaults {
    crate::banks::foreign::Defaults {
        module: Some("IU01".into()),
        topic: Some("IU01.1".into()),
        level: Some(crate::banks::model::Difficulty::TH),
        ..Default::default()
    }
}

/// Rich text of one paragraph.
pub fn rich(text: &str) -> Rich {
    Rich {
        source: text.into(),
        html: format!("<p>{text}</p>"),
    }
}

/// An item T-1 of topic IU01.1, level TH, one point, stem "Câu hỏi", with this body.
pub fn item_with(body: Body) -> Item {
    Item {
        id: "T-1".into(),
        topic: "IU01.1".into(),
        difficulty: Difficulty::TH,
        points: 1,
        tags: vec![],
        stem: rich("Câu hỏi"),
        explanation: None,
        media: vec![],
        body,
    }
}
