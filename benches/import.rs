//! Importing a generated 10,000-item bank: reading and validating the TOML, and the whole
//! import into a fresh SQLite database. Also writes the file to
//! `target/bench-bank-10k.toml`, for measuring peak memory of `sathach bank import`. And
//! reading a 20,000-row roster as CSV and as `.xlsx` (the upload checker's table readers).

use std::fmt::Write;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sathach::{banks, config::Settings, db::Db};

const TOPICS: [&str; 5] = ["IU01.1", "IU01.2", "IU01.3", "IU01.4", "IU01.5"];
const LEVELS: [&str; 4] = ["NB", "TH", "VD", "VDC"];

/// A bank of `n` items cycling through single, multiple, true/false and grouped items.
fn generated_bank(n: usize) -> String {
    let mut out = String::from(
        "[bank]\ncode = \"BENCH-10K\"\ntitle = \"Ngân hàng sinh tự động\"\nmodule = \"IU01\"\n\n",
    );
    for i in 0..n {
        let (topic, level) = (TOPICS[i % 5], LEVELS[i % 4]);
        write!(out, "[[items]]\nid = \"B-{i:05}\"\ntopic = \"{topic}\"\ndifficulty = \"{level}\"\ntags = [\"sinh tự động\"]\n").unwrap();
        writeln!(
            out,
            "stem = \"Câu hỏi số {i}: thiết bị nào là **thiết bị nhập** trong cấu hình số {i}?\""
        )
        .unwrap();
        match i % 4 {
            0 => out.push_str("type = \"single\"\noptions = [{ text = \"Bàn phím\", correct = true }, { text = \"Màn hình\" }, { text = \"Loa\" }, { text = \"Máy in\" }]\n"),
            1 => out.push_str("type = \"multiple\"\noptions = [{ text = \"Chuột\", correct = true }, { text = \"Máy quét\", correct = true }, { text = \"Loa\" }]\n"),
            2 => out.push_str("type = \"true_false\"\nanswer = true\n"),
            _ => out.push_str("type = \"grouped_true_false\"\nstatements = [{ text = \"Ý a\", correct = true }, { text = \"Ý b\", correct = false }, { text = \"Ý c\", correct = true }, { text = \"Ý d\", correct = false }]\n"),
        }
        out.push_str("explanation = \"Giải thích ngắn.\"\n\n");
    }
    out
}

fn bench_import(c: &mut Criterion) {
    let text = generated_bank(10_000);
    let target =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-bank-10k.toml");
    std::fs::write(&target, &text).expect("write the generated bank");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut group = c.benchmark_group("bank_10k_items");
    group.sample_size(10);
    group.bench_function("read_and_validate", |b| {
        b.iter(|| {
            let (parsed, report) = banks::native::read_bank("bench.toml", &text, vec![]);
            assert!(!report.has_errors());
            parsed
        })
    });
    group.bench_function("read_validate_and_import_sqlite", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let settings = Settings::for_data_dir(dir.path());
                let db = runtime
                    .block_on(Db::connect_and_migrate(&settings))
                    .unwrap();
                runtime
                    .block_on(sathach::orgs::cli_add(
                        &db,
                        "SGD-B",
                        "Sở",
                        sathach::orgs::model::OrgKind::Department,
                        None,
                    ))
                    .ok();
                (dir, db)
            },
            |(_dir, db)| {
                runtime.block_on(async {
                    let org = sathach::orgs::store::by_code(&db.read, "SGD-B")
                        .await
                        .unwrap()
                        .unwrap();
                    let (parsed, _) = banks::native::read_bank("bench.toml", &text, vec![]);
                    let outcome = banks::import::import_bank(
                        &db,
                        &org.id,
                        "bench.toml",
                        &parsed.unwrap(),
                        Default::default(),
                    )
                    .await
                    .unwrap();
                    assert_eq!(outcome.added, 10_000);
                    db.close().await;
                })
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// 20,000 roster rows of five columns, as CSV and as `.xlsx`.
fn bench_tables(c: &mut Criterion) {
    use sathach::sheets;
    let rows: Vec<Vec<String>> = (0..20_000)
        .map(|i| {
            vec![
                format!("Nguyễn Văn Thí Sinh {i}"),
                "01/01/2008".into(),
                "Nam".into(),
                format!("0012080{i:05}"),
                "THPT Chu Văn An, Hà Nội".into(),
            ]
        })
        .collect();
    let header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Trường"];
    let csv = String::from_utf8(sheets::csv_with_bom(&header, &rows).unwrap()).unwrap();
    let sheet = sheets::Sheet {
        name: "DS",
        header: &header,
        rows: &rows,
    };
    let xlsx = sheets::xlsx(&[sheet]).unwrap();
    let mut group = c.benchmark_group("roster_20000_rows");
    group.sample_size(10);
    group.bench_function("csv", |b| {
        b.iter(|| assert_eq!(sheets::read_csv(&csv).unwrap().len(), 20_001))
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| assert_eq!(sheets::read_xlsx(&xlsx).unwrap().len(), 20_001))
    });
    group.finish();
}

criterion_group!(benches, bench_import, bench_tables);
criterion_main!(benches);
