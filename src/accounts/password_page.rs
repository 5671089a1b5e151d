//! Changing one's own password: the current one is checked (and guesses at it are throttled
//! like sign-in failures), the new one must be strong enough.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Staff, auth,
    model::{self, Action, Email},
    password, store, throttle,
};
use crate::{
    audit, clock,
    web::{AppError, AppState, Chrome, FormErrors, client::client_addr, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/password", web::get().to(form))
        .route("/account/password", web::post().to(change));
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    chrome: Chrome,
    must_change: bool,
    errors: FormErrors,
}

async fn form(staff: Staff) -> Result<HttpResponse, AppError> {
    let page = PasswordPage {
        must_change: staff.user.must_change_password,
        chrome: staff.chrome,
        errors: FormErrors::default(),
    };
    render(&page, 200)
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::UseAccount)?;
    let form = form.into_inner();
    let user = &staff.user;
    let email =
        Email::parse(&user.email).map_err(|_| anyhow::anyhow!("stored e-mail is invalid"))?;
    let now = clock::now_ms();
    let limits = state.settings.throttle;
    let client = client_addr(&req);
    // Guesses at the current password count against the account like sign-in failures.
    let attempt = match throttle::begin(&state.db, limits, email.as_str(), &client, now).await? {
        Ok(attempt) => attempt,
        Err(_) => {
            let mut errors = FormErrors::default();
            errors.push(("current", "error.throttled"));
            tracing::warn!(user.id = user.id, "password change throttled");
            let page = PasswordPage {
                must_change: user.must_change_password,
                chrome: staff.chrome,
                errors,
            };
            return render(&page, 429);
        }
    };
    let credentials = store::credentials(&state.db.read, &email).await?;
    let stored = credentials.map(|c| c.password_hash);
    let mut errors = FormErrors::default();
    let current_ok = form.current.chars().count() <= model::MAX_PASSWORD_CHARS
        && password::verify(model::normalize_password(&form.current), stored).await;
    if current_ok {
        let mut tx = state.db.begin_write().await?;
        attempt.succeeded(&mut tx).await?;
        tx.commit().await?;
    } else {
        errors.push(("current", "account.current_wrong"));
    }
    let new = match model::check_new_password(&form.new, &email) {
        Ok(new) => Some(new),
        Err(key) => {
            errors.push(("new", key));
            None
        }
    };
    if new.is_some() && form.new != form.confirm {
        errors.push(("confirm", "account.confirm_mismatch"));
    }
    let (Some(new), true) = (new, errors.is_empty()) else {
        let page = PasswordPage {
            must_change: user.must_change_password,
            chrome: staff.chrome,
            errors,
        };
        return render(&page, 422);
    };
    let hash = password::hash(new).await?;
    let digest = auth::session_digest(&req);
    let mut tx = state.db.begin_write().await?;
    store::set_password(&mut tx, &user.id, &hash, false).await?;
    store::revoke_sessions_of(&mut tx, &user.id, digest.as_deref()).await?;
    let entry = audit::AuditEntry {
        actor: Some(&user.id),
        action: "user.password_change",
        subject_id: &user.id,
        detail: String::new(),
    };
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/?done=password"))
        .finish())
}
