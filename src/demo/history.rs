//! The demo's past: three weeks before it is loaded, two teachers sat the basic-certificate
//! exam (CNTT-CO-BAN, IU01–IU06 with a practical part) at the first demo centre; one passed,
//! one did not; the practical scores were entered and the results approved. Everything goes
//! through the real paths (start, saves, submission, practical entry, approval), so the demo
//! has a credit ledger and a TT03-CB certificate to open at `/verify/NUMBER` at once.

use anyhow::Context;

use super::session::{Sitting, centre_of, digest_under, roster_rows, schedule_sitting};
use crate::{
    accounts::{model::Email, store as accounts},
    attempts::{
        clock::{Change, EndCause},
        finish::{finish, items_of, paper_of},
        responses,
        store::{self as attempt_store, Note},
    },
    blueprints::rng::DrawRng,
    clock,
    db::Db,
    grading::{model::Points, simulate::respond},
    results::{approval, practical},
    sessions::{enrolment::enrol, start::start, store as sessions},
};

const TITLE: &str = "Ca thi chứng chỉ cơ bản (đã phê duyệt) – dữ liệu mẫu";
const BLUEPRINT: &str = "CNTT-CO-BAN";
/// Who sat it: the first passes (answers right, practical 8), the second does not.
const ROSTER: &str = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã khác,Trường,Đối tượng
Trần Thị Bình,12/11/1985,Nữ,036185000123,,Trường THPT Chu Văn An,Giáo viên
Phạm Thị Dung,30/01/1978,Nữ,001178009876,,Trường THCS Láng Thượng,Giáo viên
";
const DAY_MS: i64 = 86_400_000;

/// Ensures the demo's approved past sitting (once); prints the certificate it issued.
pub async fn ensure(
    db: &Db,
    centre_code: &str,
    proctor_email: &str,
    manager_email: &str,
) -> anyhow::Result<()> {
    let (centre, department) = centre_of(db, centre_code).await?;
    let known = sessions::listed(&db.read, sessions::Scope::Centre(&centre.id))
        .await?
        .into_iter()
        .any(|s| s.title == TITLE);
    if !known {
        sit(db, &centre.id, &department, proctor_email, manager_email).await?;
    }
    let number: Option<(String, String)> = sqlx::query_as(
        "SELECT c.number, c.holder_name FROM certificates c
         JOIN exam_sessions s ON s.organisation_id = c.issuer_id
         WHERE s.title = $1 ORDER BY c.created_at LIMIT 1",
    )
    .bind(TITLE)
    .fetch_optional(&db.read)
    .await?;
    if let Some((number, holder)) = number {
        println!("Demo certificate of {holder}: /verify/{number}");
    }
    Ok(())
}

async fn sit(
    db: &Db,
    centre_id: &str,
    department: &str,
    proctor_email: &str,
    manager_email: &str,
) -> anyhow::Result<()> {
    let now = clock::now_ms();
    let starts_at = clock::local_to_ms(clock::local_date(now - 21 * DAY_MS), "08:00")
        .context("a local morning")?;
    let sitting = Sitting {
        title: TITLE,
        blueprint: BLUEPRINT,
        starts_at,
        ends_at: starts_at + 3 * 3_600_000,
    };
    let session = schedule_sitting(db, centre_id, department, proctor_email, &sitting).await?;
    let staff = |email: &str| {
        let email = Email::parse(email).map_err(anyhow::Error::msg);
        async move {
            accounts::credentials(&db.read, &email?)
                .await?
                .map(|c| c.id)
                .context("a demo account")
        }
    };
    let (proctor, manager) = (staff(proctor_email).await?, staff(manager_email).await?);
    let secret = crate::startup::server_secret(db).await?;
    let rows = roster_rows(ROSTER)?;
    let mut tx = db.begin_write().await?;
    enrol(
        &mut tx,
        &session,
        department,
        None,
        &rows,
        &digest_under(&secret),
    )
    .await?;
    sessions::open(&mut tx, &session.id, starts_at).await?;
    tx.commit().await?;
    let attempts: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM attempts WHERE session_id = $1 ORDER BY candidate_number",
    )
    .bind(&session.id)
    .fetch_all(&db.read)
    .await?;
    let mut rng = DrawRng::from_seed([7; 32]);
    for (n, attempt) in attempts.iter().enumerate() {
        let passes = n == 0;
        let at = starts_at + 60_000 * (n as i64 + 1);
        let mut tx = db.begin_write().await?;
        let note = || Note {
            actor: Some(proctor.as_str()),
            ..Note::default()
        };
        let check_in = Change::CheckIn {
            by: proctor.clone(),
        };
        attempt_store::apply(&mut tx, attempt, &check_in, at, note()).await?;
        attempt_store::apply(&mut tx, attempt, &Change::Authorise, at, note()).await?;
        tx.commit().await?;
        let started = start(db, attempt, at + 60_000)
            .await
            .map_err(|e| anyhow::anyhow!("the demo sitting cannot start: {e:?}"))?;
        let mut tx = db.begin_write().await?;
        let paper = started.paper_id.as_deref().context("a started paper")?;
        let (form, _) = paper_of(&mut tx, paper).await?;
        let items = items_of(&mut tx, &form).await?;
        let answered_at = at + 20 * 60_000;
        for (i, placed) in form.items().enumerate() {
            let item = &items[&placed.version_id];
            // The passer gets all but every tenth right; the other only every third.
            let right = if passes { i % 10 != 9 } else { i % 3 == 0 };
            let answer = respond(item, right, &mut rng);
            responses::save(
                &mut tx,
                attempt,
                &placed.item_id,
                1,
                Some(&answer),
                false,
                answered_at,
            )
            .await?;
        }
        finish(
            &mut tx,
            attempt,
            EndCause::Candidate,
            answered_at,
            Note::default(),
        )
        .await?;
        let entry = practical::Entry {
            attempt_id: attempt,
            part_code: "thuc-hanh",
            marking: 1,
            points: Points::from_integer(if passes { 8 } else { 4 }),
            grader: "Giám khảo mẫu",
            entered_by: &manager,
            source: "page",
            at: answered_at + DAY_MS,
        };
        practical::enter(&mut tx, entry)
            .await
            .map_err(|e| anyhow::anyhow!("the demo practical score: {e}"))?;
        tx.commit().await?;
    }
    let mut tx = db.begin_write().await?;
    sessions::close(&mut tx, &session.id, starts_at + 2 * 3_600_000).await?;
    approval::approve(&mut tx, &session.id, &manager)
        .await
        .map_err(|e| anyhow::anyhow!("the demo approval: {e}"))?;
    tx.commit().await?;
    Ok(())
}
