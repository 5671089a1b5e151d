//! Demo data for `serve --demo`: a department, two training centres with a room each, a
//! school, an admin, a centre manager and a proctor, the shipped question banks and
//! blueprints, and an exam session with a roster whose access codes are printed. Loading it
//! again changes nothing but re-enables the demo accounts (a password their owner changed is
//! kept), and schedules a new demo session once the last one's window has passed. It refuses
//! a database holding any other organisation.

mod history;
mod session;

/// The title of the demo's open session (the one candidates sit), as `--demo` schedules it.
pub use session::TITLE as SESSION_TITLE;

use anyhow::Context;

use crate::{
    accounts::{
        model::{Email, Role},
        password, store as accounts,
    },
    audit, banks, blueprints,
    db::Db,
    orgs::{model::OrgKind, store as orgs},
};

const DEPARTMENT: (&str, &str) = ("SGD-DEMO", "Sở Giáo dục và Đào tạo (dữ liệu mẫu)");
const CENTRES: [(&str, &str, &str, i64); 2] = [
    ("TT-SAOMAI", "Trung tâm Tin học Sao Mai", "Phòng máy 1", 30),
    (
        "TT-HONGHA",
        "Trung tâm Ngoại ngữ – Tin học Hồng Hà",
        "Phòng máy A",
        24,
    ),
];
const SCHOOL: (&str, &str) = ("THPT-CVA", "Trường THPT Chu Văn An");

/// Demo accounts: e-mail, name, role, organisation code, password.
pub const ACCOUNTS: [(&str, &str, Role, &str, &str); 3] = [
    (
        "admin@demo.sathach.vn",
        "Nguyễn Thị Quản Trị",
        Role::Admin,
        "SGD-DEMO",
        "demo-admin-2026",
    ),
    (
        "quanly@demo.sathach.vn",
        "Trần Văn Quản Lý",
        Role::CentreManager,
        "TT-SAOMAI",
        "demo-quanly-2026",
    ),
    (
        "giamthi@demo.sathach.vn",
        "Lê Thị Giám Thị",
        Role::Proctor,
        "TT-SAOMAI",
        "demo-giamthi-2026",
    ),
];

/// Loads (or refreshes) the demo data and prints the accounts and passwords.
pub async fn load(db: &Db) -> anyhow::Result<()> {
    refuse_foreign_organisations(db).await?;
    let department = ensure_org(db, OrgKind::Department, DEPARTMENT.0, DEPARTMENT.1, None).await?;
    for (code, name, room, seats) in CENTRES {
        let centre = ensure_org(db, OrgKind::Centre, code, name, Some(&department)).await?;
        let rooms = orgs::rooms(&db.read, &centre).await?;
        if !rooms.iter().any(|r| r.name == room) {
            let mut tx = db.begin_write().await?;
            orgs::insert_room(&mut tx, &centre, room, seats).await?;
            tx.commit().await?;
        }
    }
    ensure_org(db, OrgKind::School, SCHOOL.0, SCHOOL.1, Some(&department)).await?;
    load_banks(db).await?;
    load_blueprints(db).await?;

    println!("Demo data loaded. Demo accounts (sign in at /sign-in):");
    for (email, name, role, org_code, demo_password) in ACCOUNTS {
        let email = Email::parse(email).expect("demo e-mail is valid");
        let org = orgs::by_code(&db.read, org_code)
            .await?
            .context("demo organisation exists")?;
        let existing = accounts::credentials(&db.read, &email).await?;
        let mut kept = false;
        let mut tx = db.begin_write().await?;
        match existing {
            // A password someone changed is theirs now: never reset it.
            Some(existing) => {
                let stored = Some(existing.password_hash.clone());
                kept = !password::verify(demo_password.to_string(), stored).await;
                accounts::set_disabled(&mut tx, &existing.id, false).await?;
            }
            None => {
                let hash = password::hash(demo_password.to_string()).await?;
                let new = accounts::NewUser {
                    organisation_id: &org.id,
                    email: &email,
                    full_name: name,
                    role,
                    password_hash: &hash,
                    must_change_password: false,
                };
                let id = accounts::insert_user(&mut tx, new).await?;
                let entry = audit::AuditEntry {
                    actor: None,
                    action: "user.create",
                    subject_id: &id,
                    detail: "demo".into(),
                };
                audit::record(&mut tx, entry).await?;
            }
        }
        tx.commit().await?;
        let shown = if kept {
            "(changed by its owner, not reset)"
        } else {
            demo_password
        };
        println!(
            "  {:<15} {:<26} password: {shown}",
            role.as_str(),
            email.as_str()
        );
    }
    session::ensure(db, CENTRES[0].0, ACCOUNTS[2].0).await?;
    Ok(())
}

/// The demo's approved past sitting and the certificate it issued (`serve --demo` loads it
/// after `load`; the tests load it where they need it).
pub async fn load_history(db: &Db) -> anyhow::Result<()> {
    history::ensure(db, CENTRES[0].0, ACCOUNTS[2].0, ACCOUNTS[1].0).await
}

/// The demo resets nothing of anyone else's: a database holding organisations other than
/// the demo's is a real one, and `--demo` refuses to run on it.
async fn refuse_foreign_organisations(db: &Db) -> anyhow::Result<()> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM organisations ORDER BY code")
        .fetch_all(&db.read)
        .await?;
    let demo = |code: &str| {
        code == DEPARTMENT.0 || code == SCHOOL.0 || CENTRES.iter().any(|c| c.0 == code)
    };
    let foreign: Vec<&str> = codes
        .iter()
        .map(String::as_str)
        .filter(|c| !demo(c))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "--demo refuses to run on this database: it holds organisations that are not the demo's ({}). \
         Run the demo on its own data folder or database (e.g. --data-dir ./demo-data).",
        foreign.join(", ")
    )
}

/// Imports the shipped banks into the first demo centre; unchanged banks are left alone.
async fn load_banks(db: &Db) -> anyhow::Result<()> {
    let centre = orgs::by_code(&db.read, CENTRES[0].0)
        .await?
        .context("demo centre exists")?;
    for (name, text) in banks::SHIPPED {
        let (parsed, report) = banks::native::read_bank(name, text, vec![]);
        let parsed = parsed.with_context(|| {
            format!(
                "shipped bank {name} is invalid: {:?}",
                report.lines(crate::vocab::Lang::En)
            )
        })?;
        let outcome = banks::import::import_bank(db, &centre.id, name, &parsed, Default::default())
            .await
            .map_err(|e| anyhow::anyhow!("cannot import {name}: {e}"))?;
        if outcome.version.is_some() {
            println!("  {}", outcome.describe(crate::vocab::Lang::En));
        }
    }
    Ok(())
}

/// Stores the shipped blueprints for the first demo centre; unchanged ones are left alone.
async fn load_blueprints(db: &Db) -> anyhow::Result<()> {
    let centre = orgs::by_code(&db.read, CENTRES[0].0)
        .await?
        .context("demo centre exists")?;
    for (name, text) in blueprints::SHIPPED {
        let (blueprint, report) = blueprints::validate_for(db, &centre, name, text).await?;
        let blueprint = blueprint.with_context(|| {
            format!(
                "shipped blueprint {name} is invalid: {:?}",
                report.lines(crate::vocab::Lang::En)
            )
        })?;
        let saved = blueprints::store::save(
            db,
            &centre.id,
            &blueprint.code,
            &blueprint.title,
            text,
            None,
        )
        .await?;
        if let blueprints::store::Saved::Version { number, .. } = saved {
            println!("  {} v{number}", blueprint.code);
        }
    }
    Ok(())
}

async fn ensure_org(
    db: &Db,
    kind: OrgKind,
    code: &str,
    name: &str,
    department: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(existing) = orgs::by_code(&db.read, code).await? {
        return Ok(existing.id);
    }
    let mut tx = db.begin_write().await?;
    let id = orgs::insert(&mut tx, kind, code, name, department).await?;
    crate::keys::issue_first(&mut tx, &db.keys.signing, &id, code).await?;
    tx.commit().await?;
    Ok(id)
}
