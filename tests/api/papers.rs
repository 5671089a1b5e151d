//! Stored papers: each drawn paper keeps its inputs, later papers see the exposure of earlier
//! ones, a person never gets an item again while alternatives exist, and the draw run again
//! from the stored inputs gives the same paper.

use std::collections::HashSet;

use sathach::blueprints::papers::{draw_paper, redraw_matches};

use crate::helpers::spawn_app_with_demo;

#[tokio::test]
async fn papers_store_their_inputs_and_redraw_identically() {
    let app = spawn_app_with_demo().await;
    let centre = sathach::orgs::store::by_code(&app.db.read, "TT-SAOMAI")
        .await
        .unwrap()
        .unwrap();
    let version: String = sqlx::query_scalar(
        "SELECT v.id FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = 'CNTT-CO-BAN'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();

    let first = draw_paper(&app.db, &centre, &version, Some("nguoi-1"))
        .await
        .unwrap();
    let second = draw_paper(&app.db, &centre, &version, Some("nguoi-1"))
        .await
        .unwrap();
    assert_eq!((first.sequence, second.sequence), (1, 2));
    let items = |p: &sathach::blueprints::papers::PaperRow| -> HashSet<String> {
        p.form()
            .unwrap()
            .items()
            .map(|i| i.item_id.clone())
            .collect()
    };
    assert_eq!(items(&first).len(), 40);
    assert!(
        items(&first).is_disjoint(&items(&second)),
        "the same person never sees an item twice while the bank has others"
    );
    let exposure: std::collections::BTreeMap<String, u32> =
        serde_json::from_str(&second.exposure).unwrap();
    assert_eq!(
        exposure.len(),
        40,
        "the second paper saw the first one's items as used once"
    );
    assert!(exposure.values().all(|n| *n == 1));

    for paper in [&first, &second] {
        assert!(
            redraw_matches(&app.db, paper).await.unwrap(),
            "the stored inputs redraw the same paper"
        );
    }
    let mut tampered = second.clone();
    tampered.seed = "00".repeat(32);
    assert!(
        !redraw_matches(&app.db, &tampered).await.unwrap(),
        "other inputs give another paper"
    );
}
