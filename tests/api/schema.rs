//! The schema a migrated database ends up with, read from the engine's own catalogue (SQLite's
//! pragmas, PostgreSQL's `information_schema` and `pg_index`) into one vocabulary, so the two
//! migration trees can be compared table by table and column by column.

use std::collections::{BTreeMap, BTreeSet};

use sathach::db::{Backend, Db};

/// A column: its type in the common vocabulary (TEXT, INTEGER, BIGINT, BLOB, REAL, BOOLEAN)
/// and whether it may hold NULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub ty: String,
    pub not_null: bool,
}

/// An index other than the primary key's: its columns in order (`(expression)` for an
/// expression), whether it is unique, whether it is partial (`WHERE …`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    pub columns: Vec<String>,
    pub unique: bool,
    pub partial: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    pub primary_key: Vec<String>,
    pub indexes: BTreeSet<Index>,
}

pub type Schema = BTreeMap<String, Table>;

/// The tables of a migrated database (without sqlx's own bookkeeping).
pub async fn read(db: &Db) -> Schema {
    match db.backend {
        Backend::Sqlite => read_sqlite(db).await,
        Backend::Postgres => read_postgres(db).await,
    }
}

/// A declared type in the common vocabulary. SQLite's integers are all 64-bit, so its
/// `INTEGER` is PostgreSQL's `BIGINT`; PostgreSQL's 32-bit `integer` stays `INTEGER`.
fn common_type(backend: Backend, declared: &str) -> String {
    let declared = declared.trim().to_ascii_lowercase();
    let common = match (backend, declared.as_str()) {
        (_, "text" | "character varying" | "varchar" | "character") => "TEXT",
        (_, "bigint" | "int8") => "BIGINT",
        (Backend::Sqlite, "integer" | "int") => "BIGINT",
        (Backend::Postgres, "integer" | "smallint") => "INTEGER",
        (_, "blob" | "bytea") => "BLOB",
        (_, "real" | "double precision" | "double") => "REAL",
        (_, "boolean" | "bool") => "BOOLEAN",
        (_, other) => return other.to_ascii_uppercase(),
    };
    common.to_string()
}

async fn read_sqlite(db: &Db) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for name in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(&db.read)
        .await
        .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, pk) in columns {
            let ty = common_type(Backend::Sqlite, &declared);
            // Primary-key columns count as NOT NULL, as PostgreSQL makes them. SQLite only
            // does so for an INTEGER PRIMARY KEY (the rowid); its other key columns accept NULL
            // unless declared NOT NULL (a known SQLite quirk; sathach always writes its ids).
            let not_null = not_null == 1 || pk > 0;
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            table.columns.insert(column, Column { ty, not_null });
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(&db.read)
                .await
                .unwrap();
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&db.read)
                    .await
                    .unwrap();
            table.indexes.insert(Index {
                columns: columns
                    .into_iter()
                    .map(|c| c.unwrap_or_else(|| "(expression)".into()))
                    .collect(),
                unique: unique == 1,
                partial: partial == 1,
            });
        }
        schema.insert(name, table);
    }
    schema
}

async fn read_postgres(db: &Db) -> Schema {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table, column, ty, nullable) in columns {
        let column_type = Column {
            ty: common_type(Backend::Postgres, &ty),
            not_null: nullable == "NO",
        };
        schema
            .entry(table)
            .or_default()
            .columns
            .insert(column, column_type);
    }
    let indexes: Vec<(String, bool, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
                array_to_string(ARRAY(
                    SELECT COALESCE(a.attname::text, '(expression)')
                    FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                    ORDER BY k.n), ',')
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE ns.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    for (table, primary, unique, partial, columns) in indexes {
        let columns: Vec<String> = columns.split(',').map(str::to_string).collect();
        let table = schema.entry(table).or_default();
        if primary {
            table.primary_key = columns;
        } else {
            table.indexes.insert(Index {
                columns,
                unique,
                partial,
            });
        }
    }
    schema
}

/// Every difference between two schemas, each naming its table (and column or index).
pub fn differences(left: (&str, &Schema), right: (&str, &Schema)) -> Vec<String> {
    let ((l, ls), (r, rs)) = (left, right);
    let mut out = Vec::new();
    let names: BTreeSet<&String> = ls.keys().chain(rs.keys()).collect();
    for name in names {
        let (a, b) = match (ls.get(name), rs.get(name)) {
            (Some(a), Some(b)) => (a, b),
            (Some(_), None) => {
                out.push(format!("table {name}: only on {l}"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only on {r}"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = a.columns.keys().chain(b.columns.keys()).collect();
        for column in columns {
            let show = |c: Option<&Column>| match c {
                Some(c) if c.not_null => format!("{} NOT NULL", c.ty),
                Some(c) => format!("{} NULL", c.ty),
                None => "missing".to_string(),
            };
            let (x, y) = (a.columns.get(column), b.columns.get(column));
            if x != y {
                out.push(format!(
                    "{name}.{column}: {} on {l}, {} on {r}",
                    show(x),
                    show(y)
                ));
            }
        }
        if a.primary_key != b.primary_key {
            out.push(format!(
                "{name} primary key: {:?} on {l}, {:?} on {r}",
                a.primary_key, b.primary_key
            ));
        }
        for index in a.indexes.symmetric_difference(&b.indexes) {
            let side = if a.indexes.contains(index) { l } else { r };
            let kind = match (index.unique, index.partial) {
                (true, true) => "partial unique index",
                (true, false) => "unique index",
                (false, true) => "partial index",
                (false, false) => "index",
            };
            let columns = index.columns.join(", ");
            out.push(format!("{name} {kind} ({columns}): only on {side}"));
        }
    }
    out
}
