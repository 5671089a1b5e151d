//! Scoring 10,000 attempts of a 40-item paper, and item statistics over 100,000 responses.

use std::collections::HashMap;

use criterion::{Criterion, criterion_group, criterion_main};
use sathach::{
    banks::model::{Body, Choice, Difficulty, Item, Rich},
    blueprints::{
        draw::{DrawInputs, Excluded, Exposure, PoolItem, draw},
        read::read_blueprint,
    },
    grading::{
        model::Response,
        score::{Paper, score},
        stats::{AttemptRecord, ItemRecord, statistics},
    },
};

fn rich(text: String) -> Rich {
    Rich {
        html: format!("<p>{text}</p>"),
        source: text,
    }
}

fn item(i: usize) -> Item {
    let body = if i % 5 == 4 {
        Body::TrueFalse {
            answer: i.is_multiple_of(2),
        }
    } else {
        Body::Single {
            options: (0..4)
                .map(|o| Choice {
                    text: rich(format!("Phương án {o}")),
                    correct: o == i % 4,
                    pinned: false,
                })
                .collect(),
        }
    };
    Item {
        id: format!("B-{i:04}"),
        topic: ["IU01.1", "IU01.2", "IU01.3", "IU01.4"][i % 4].into(),
        difficulty: [
            Difficulty::NB,
            Difficulty::TH,
            Difficulty::VD,
            Difficulty::VDC,
        ][(i / 4) % 4],
        points: 1,
        tags: vec![],
        stem: rich(format!("Câu {i}")),
        explanation: None,
        media: vec![],
        body,
    }
}

fn bench_grading(c: &mut Criterion) {
    let pool: Vec<PoolItem> = (0..400)
        .map(|i| PoolItem {
            version_id: format!("v{i}"),
            item_id: format!("i{i}"),
            bank: "B".into(),
            item: item(i),
        })
        .collect();
    let text = "[blueprint]\ncode = \"B\"\ntitle = \"B\"\nmodules = [\"IU01\"]\npass = \"75%\"\n\n[[parts]]\ncode = \"a\"\npass = \"5/10\"\nsections = [{ title = \"s\", banks = [\"B\"], count = 40 }]\n";
    let blueprint = read_blueprint("b.toml", text).0.unwrap();
    let items: HashMap<String, Item> = pool
        .iter()
        .map(|p| (p.version_id.clone(), p.item.clone()))
        .collect();
    let papers: Vec<_> = (0..100u8)
        .map(|s| {
            let form = draw(&DrawInputs {
                blueprint: &blueprint,
                pool: &pool,
                exposure: &Exposure::default(),
                excluded: &Excluded::default(),
                seed: [s; 32],
            })
            .unwrap();
            let responses: HashMap<String, Response> = form
                .items()
                .enumerate()
                .map(|(n, fi)| {
                    let r = if n % 5 == 4 {
                        Response::TrueFalse(n % 3 == 0)
                    } else {
                        Response::Choices(vec![n % 4])
                    };
                    (fi.item_id.clone(), r)
                })
                .collect();
            (form, responses)
        })
        .collect();
    let external = HashMap::new();
    let mut group = c.benchmark_group("grading");
    group.sample_size(10);
    group.bench_function("score_10000_attempts_of_40_items", |b| {
        b.iter(|| {
            (0..10_000)
                .map(|n| {
                    let (form, responses) = &papers[n % papers.len()];
                    score(
                        &Paper {
                            blueprint: &blueprint,
                            form,
                            items: &items,
                        },
                        responses,
                        &external,
                    )
                    .total
                    .max
                })
                .sum::<i64>()
        })
    });
    // 2,500 attempts × 40 items = 100,000 responses.
    let attempts: Vec<AttemptRecord> = (0..2_500)
        .map(|a| AttemptRecord {
            items: (0..40)
                .map(|k| {
                    let id = (a * 7 + k * 13) % 400;
                    let right = (a + id) % 3 != 0;
                    let fraction = if right { 1.0 } else { 0.0 };
                    ItemRecord {
                        item_id: format!("i{id}"),
                        fraction,
                        points: fraction,
                        choices: vec![id % 4],
                        answered: true,
                    }
                })
                .collect(),
        })
        .collect();
    group.bench_function("statistics_over_100000_responses", |b| {
        b.iter(|| statistics(&attempts).1.reliability)
    });
    group.finish();
}

criterion_group!(benches, bench_grading);
criterion_main!(benches);
