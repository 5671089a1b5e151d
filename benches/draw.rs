//! Drawing one 40-item paper from a 2,000-item bank, with exposure counts and a difficulty
//! target, as a session start does for every candidate.

use criterion::{Criterion, criterion_group, criterion_main};
use sathach::{
    banks::model::{Body, Choice, Difficulty, Item, Rich},
    blueprints::{
        draw::{DrawInputs, Excluded, Exposure, PoolItem, draw, draw_prepared, prepare},
        read::read_blueprint,
    },
};

const TOPICS: [&str; 5] = ["IU01.1", "IU01.2", "IU01.3", "IU01.4", "IU01.5"];
const LEVELS: [Difficulty; 4] = [
    Difficulty::NB,
    Difficulty::TH,
    Difficulty::VD,
    Difficulty::VDC,
];

fn rich(text: String) -> Rich {
    Rich {
        html: format!("<p>{text}</p>"),
        source: text,
    }
}

fn pool(n: usize) -> Vec<PoolItem> {
    (0..n)
        .map(|i| {
            let options = (0..4)
                .map(|o| Choice {
                    text: rich(format!("Phương án {o}")),
                    correct: o == 0,
                    pinned: o == 3 && i % 7 == 0,
                })
                .collect();
            let item = Item {
                id: format!("B-{i:05}"),
                topic: TOPICS[i % 5].into(),
                difficulty: LEVELS[(i / 5) % 4],
                points: 1,
                tags: vec![],
                stem: rich(format!("Câu hỏi {i}")),
                explanation: None,
                media: vec![],
                body: Body::Single { options },
            };
            PoolItem {
                version_id: format!("v{i}"),
                item_id: format!("i{i}"),
                bank: "BENCH".into(),
                item,
            }
        })
        .collect()
}

fn bench_draw(c: &mut Criterion) {
    let pool = pool(2_000);
    let sections: String = TOPICS
        .iter()
        .map(|t| {
            format!(
                "  {{ title = \"{t}\", topics = [\"{t}\"], banks = [\"BENCH\"], count = 8 }},\n"
            )
        })
        .collect();
    let text = format!(
        "[blueprint]\ncode = \"B\"\ntitle = \"B\"\nmodules = [\"IU01\"]\ntarget_difficulty = 0.55\ndifficulty_tolerance = 0.05\n\n[[parts]]\ncode = \"a\"\nsections = [\n{sections}]\n"
    );
    let blueprint = read_blueprint("bench.toml", &text)
        .0
        .expect("valid bench blueprint");
    let exposure: Exposure = (0..2_000)
        .step_by(3)
        .map(|i| (format!("i{i}"), (i % 5) as u32))
        .collect();
    let excluded: Excluded = (0..2_000).step_by(50).map(|i| format!("i{i}")).collect();
    let mut seed = [0u8; 32];
    let mut next_seed = move || {
        seed[0] = seed[0].wrapping_add(1);
        seed[1] = seed[1].wrapping_add(u8::from(seed[0] == 0));
        seed
    };
    let inputs = |seed| DrawInputs {
        blueprint: &blueprint,
        pool: &pool,
        exposure: &exposure,
        excluded: &excluded,
        seed,
    };
    c.bench_function("draw_40_from_2000", |b| {
        b.iter(|| draw(&inputs(next_seed())).expect("drawable"))
    });
    let rules = prepare(&blueprint, &pool);
    c.bench_function("draw_40_from_2000_prepared", |b| {
        b.iter(|| draw_prepared(&inputs(next_seed()), &rules).expect("drawable"))
    });

    // Criterion reports means of batches; a session cares about the slowest draws too, so
    // time 10,000 single draws and print the percentiles.
    let mut times: Vec<u128> = (0..10_000)
        .map(|_| {
            let started = std::time::Instant::now();
            std::hint::black_box(draw(&inputs(next_seed())).expect("drawable"));
            started.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize] as f64 / 1000.0;
    println!(
        "draw_40_from_2000 single draws: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

criterion_group!(benches, bench_draw);
criterion_main!(benches);
