//! Stored papers: each drawn paper keeps its inputs, later papers see the exposure of earlier
//! ones, a person never gets an item again while alternatives exist, and the draw run again
//! from the stored inputs gives the same paper; the exposure counters kept at draw time give
//! the papers that counting every earlier paper gave.

use std::collections::{BTreeMap, HashSet};

use sathach::{
    blueprints::papers::{draw_paper, redraw_matches},
    db::Backend,
};

use crate::helpers::{TestApp, spawn_app_with_demo};

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

/// How often each item was drawn, counted the way the draw did before it kept counters: the
/// items of every paper the centre drew.
async fn counted_from_papers(app: &TestApp, centre: &str) -> BTreeMap<String, u32> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT pi.item_id, COUNT(*) FROM paper_items pi JOIN papers p ON p.id = pi.paper_id
         WHERE p.organisation_id = $1 GROUP BY pi.item_id",
    )
    .bind(centre)
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    rows.into_iter().map(|(id, n)| (id, n as u32)).collect()
}

/// The counters a draw reads now.
async fn counters(app: &TestApp, centre: &str) -> BTreeMap<String, u32> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT item_id, drawn FROM item_exposure WHERE organisation_id = $1")
            .bind(centre)
            .fetch_all(&app.db.read)
            .await
            .unwrap();
    rows.into_iter().map(|(id, n)| (id, n as u32)).collect()
}

#[tokio::test]
async fn exposure_counters_give_the_papers_counting_every_paper_gave() {
    let app = spawn_app_with_demo().await;
    let centre = sathach::orgs::store::by_code(&app.db.read, "TT-SAOMAI")
        .await
        .unwrap()
        .unwrap();
    let version: String = sqlx::query_scalar(
        "SELECT v.id FROM blueprint_versions v JOIN blueprints b ON b.id = v.blueprint_id WHERE b.code = 'IU01-THI'",
    )
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let blueprint = sathach::blueprints::store::version_blueprint(&app.db.read, &version)
        .await
        .unwrap();
    let pool: HashSet<String> = sathach::blueprints::store::pool_for(
        &app.db.read,
        &centre.id,
        centre.department(),
        &blueprint,
    )
    .await
    .unwrap()
    .into_iter()
    .map(|p| p.item_id)
    .collect();
    // A history: people drawing again (exclusions) and papers for nobody, in turn; 12 papers of
    // 25 from IU01's bank, so items come round again.
    let people = [Some("nguoi-1"), Some("nguoi-2"), None, Some("nguoi-1")];
    let mut previous_sequence = 0;
    for round in 0..12 {
        let before = counted_from_papers(&app, &centre.id).await;
        assert_eq!(counters(&app, &centre.id).await, before, "round {round}");
        let paper = draw_paper(&app.db, &centre, &version, people[round % people.len()])
            .await
            .unwrap();
        assert_eq!(paper.sequence, previous_sequence + 1);
        previous_sequence = paper.sequence;
        // The draw used exactly the counts of every earlier paper (of the pool's items)...
        let used: BTreeMap<String, u32> = serde_json::from_str(&paper.exposure).unwrap();
        let expected: BTreeMap<String, u32> = before
            .into_iter()
            .filter(|(id, _)| pool.contains(id))
            .collect();
        assert_eq!(used, expected, "round {round}");
        // ...so the draw from those counts and the paper's seed is the paper drawn.
        assert!(
            redraw_matches(&app.db, &paper).await.unwrap(),
            "round {round}"
        );
    }
    let after = counted_from_papers(&app, &centre.id).await;
    assert_eq!(counters(&app, &centre.id).await, after);
    assert!(after.values().any(|n| *n > 1), "items drawn more than once");

    // The migration that made the counters fills them from the papers drawn before it.
    sqlx::query("DELETE FROM item_exposure")
        .execute(&app.db.write)
        .await
        .unwrap();
    sqlx::query("DELETE FROM counters WHERE scope LIKE 'papers:%'")
        .execute(&app.db.write)
        .await
        .unwrap();
    let migration = match app.db.backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/0024_item_exposure.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/0024_item_exposure.sql"),
    };
    let fills = migration
        .split(';')
        .map(|s| {
            s.lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|s| s.trim_start().starts_with("INSERT"));
    for statement in fills {
        sqlx::query(&statement)
            .execute(&app.db.write)
            .await
            .unwrap();
    }
    assert_eq!(counters(&app, &centre.id).await, after);
    let next = draw_paper(&app.db, &centre, &version, None).await.unwrap();
    assert_eq!(next.sequence, previous_sequence + 1, "numbers go on");
}
