//! The demo's exam session: a sitting of the IU01 test at the first demo centre whose window
//! covers the moment the demo is loaded, the demo proctor assigned, and a roster of demo
//! candidates whose access codes are printed on the console (so the candidate's side can be
//! tried at once).

use anyhow::Context;

use crate::{
    accounts::model::Email,
    attempts::{self, model::access_code_digest, store as attempt_store},
    blueprints::{read::read_blueprint, store as blueprints},
    clock,
    db::Db,
    orgs::store as orgs,
    people::store::{self as people, NewAccommodation},
    sessions::{
        enrolment::enrol,
        model::Schedule,
        roster::parse_roster,
        store::{self as sessions, NewSession},
    },
    sheets,
    vocab::Date,
};

pub const TITLE: &str = "Ca thi mẫu – Mô đun IU01";
const BLUEPRINT: &str = "IU01-THI";

/// Demo candidates: real-looking CCCD numbers (province, century and sex, birth year), one
/// student without a CCCD, one teacher with extra time.
const ROSTER: &str = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã khác,Trường,Đối tượng
Nguyễn Văn An,05/03/2008,Nam,001208012345,,Trường THPT Chu Văn An,Học sinh
Trần Thị Bình,12/11/1985,Nữ,036185000123,,Trường THPT Chu Văn An,Giáo viên
Lê Hoàng Cường,21/07/2008,Nam,079208004567,,Trường THPT Chu Văn An,Học sinh
Phạm Thị Dung,30/01/1978,Nữ,001178009876,,Trường THCS Láng Thượng,Giáo viên
Hoàng Minh Đức,14/09/2009,Nam,,HS-2009-0142,Trường THPT Chu Văn An,Học sinh
Vũ Ngọc Hà,02/02/2008,Nữ,031308001122,,Trường THPT Chu Văn An,Học sinh
";

/// Ensures an open-for-business demo session and prints its candidates' numbers and codes.
pub async fn ensure(db: &Db, centre_code: &str, proctor_email: &str) -> anyhow::Result<()> {
    let (centre, department) = centre_of(db, centre_code).await?;
    let now = clock::now_ms();
    let existing = sessions::listed(&db.read, sessions::Scope::Centre(&centre.id))
        .await?
        .into_iter()
        .find(|s| s.title == TITLE && s.ends_at > now && s.closed_at.is_none());
    let session = match existing {
        Some(session) => session,
        None => schedule(db, &centre.id, &department, proctor_email, now).await?,
    };
    let secret = crate::startup::server_secret(db).await?;
    let rows = roster_rows(ROSTER)?;
    let mut tx = db.begin_write().await?;
    enrol(
        &mut tx,
        &session,
        &department,
        None,
        &rows,
        &digest_under(&secret),
    )
    .await?;
    let teacher = people::resolve_roster_row(&mut tx, &department, &rows[1]).await?;
    if people::accommodations(&mut tx, &teacher, None)
        .await?
        .is_empty()
    {
        let new = NewAccommodation {
            person_id: &teacher,
            centre_id: Some(&centre.id),
            extra_percent: 25,
            reason: "Dữ liệu mẫu: thị lực kém, có giấy xác nhận",
            expires_on: Date(2099, 12, 31),
            created_by: None,
        };
        people::add_accommodation(&mut tx, new).await?;
    }
    tx.commit().await?;
    println!(
        "Demo session {} \"{}\" ({}), console at /sessions/{}/console. Candidates:",
        session.code,
        session.title,
        session.when(),
        session.id
    );
    for entry in attempt_store::roster(&db.read, &session.id).await? {
        let code = attempts::access_code(&secret, &entry.id, entry.code_generation);
        println!(
            "  {:<10} {code}  {}",
            entry.candidate_number, entry.full_name
        );
    }
    Ok(())
}

/// A demo centre and its department's id.
pub async fn centre_of(
    db: &Db,
    centre_code: &str,
) -> anyhow::Result<(crate::orgs::model::Organisation, String)> {
    let centre = orgs::by_code(&db.read, centre_code)
        .await?
        .context("demo centre exists")?;
    let department = centre
        .department_id
        .clone()
        .context("a centre has a department")?;
    Ok((centre, department))
}

/// The access-code digest of each attempt's code under the server's secret.
pub fn digest_under(secret: &[u8]) -> impl Fn(&str, i64) -> String + '_ {
    move |attempt: &str, generation: i64| {
        access_code_digest(secret, &attempts::access_code(secret, attempt, generation))
    }
}

/// A demo roster's rows (the demo's own CSV, so any problem is a bug).
pub fn roster_rows(csv: &str) -> anyhow::Result<Vec<crate::people::model::RosterRow>> {
    let (rows, problems) = parse_roster(&sheets::read_csv(csv).expect("demo roster reads"));
    anyhow::ensure!(
        problems.iter().all(|p| !p.error),
        "demo roster is invalid: {problems:?}"
    );
    Ok(rows)
}

/// A demo sitting to schedule: its title, blueprint and window (UTC milliseconds).
pub struct Sitting<'a> {
    pub title: &'a str,
    pub blueprint: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// Schedules the demo session: from five minutes ago for three hours, late entry up to two hours.
async fn schedule(
    db: &Db,
    centre_id: &str,
    department_id: &str,
    proctor_email: &str,
    now: i64,
) -> anyhow::Result<crate::sessions::model::ExamSession> {
    let sitting = Sitting {
        title: TITLE,
        blueprint: BLUEPRINT,
        starts_at: now - 5 * 60_000,
        ends_at: now + 3 * 3_600_000,
    };
    schedule_sitting(db, centre_id, department_id, proctor_email, &sitting).await
}

/// Schedules a sitting at a demo centre with the demo proctor assigned.
pub async fn schedule_sitting(
    db: &Db,
    centre_id: &str,
    department_id: &str,
    proctor_email: &str,
    sitting: &Sitting<'_>,
) -> anyhow::Result<crate::sessions::model::ExamSession> {
    let blueprint = blueprints::blueprints_of(&db.read, department_id, Some(centre_id))
        .await?
        .into_iter()
        .find(|b| b.code == sitting.blueprint)
        .context("the demo blueprint is stored")?;
    let version = blueprints::versions(&db.read, &blueprint.id)
        .await?
        .into_iter()
        .next()
        .context("the demo blueprint has a version")?;
    let duration = read_blueprint("stored", &version.source)
        .0
        .context("the demo blueprint reads")?
        .duration_minutes;
    let room = orgs::rooms(&db.read, centre_id)
        .await?
        .into_iter()
        .next()
        .context("demo room")?;
    let email = Email::parse(proctor_email).map_err(anyhow::Error::msg)?;
    let proctor = crate::accounts::store::credentials(&db.read, &email)
        .await?
        .context("demo proctor exists")?;
    let schedule = Schedule {
        title: sitting.title.into(),
        starts_at: sitting.starts_at,
        ends_at: sitting.ends_at,
        late_entry_minutes: 120,
        reauthorise_on_return: true,
        allow_reopen: true,
        ask_birth_date: false,
    };
    let mut tx = db.begin_write().await?;
    let new = NewSession {
        organisation_id: centre_id,
        blueprint_version_id: &version.id,
        room_id: &room.id,
        duration_minutes: i64::from(duration),
        schedule: &schedule,
        proctors: &[proctor.id],
        created_by: None,
    };
    let (id, _) = sessions::insert(&mut tx, new).await?;
    tx.commit().await?;
    sessions::by_id(&db.read, &id)
        .await?
        .context("the demo session was stored")
}
