//! Who is asking: the `Staff` extractor turns the session cookie into a signed-in user, or
//! sends the visitor to the sign-in page.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use super::{SessionUser, model::Action, store};
use crate::{
    vocab::token::token_digest,
    web::{AppError, Chrome, chrome::state},
};

/// A signed-in staff member and the page chrome for them.
pub struct Staff {
    pub user: SessionUser,
    pub chrome: Chrome,
}

impl Staff {
    /// Refuses with 403 unless the user's role allows the action.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.user.role.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The digest of the session cookie this request carries, if any.
pub fn session_digest(req: &HttpRequest) -> Option<String> {
    let names = state(req).cookies();
    req.cookie(names.session()).map(|c| token_digest(c.value()))
}

impl FromRequest for Staff {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let next = match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{q}", req.path()),
            };
            let sign_in = || AppError::SignInRequired { next: next.clone() };
            let digest = session_digest(&req).ok_or_else(sign_in)?;
            let user = store::session_user(&state(&req).db.read, &digest)
                .await?
                .ok_or_else(sign_in)?;
            req.extensions_mut().insert(user.viewer());
            // A temporary password must be replaced before anything else is done.
            if user.must_change_password && req.path() != "/account/password" {
                return Err(AppError::MustChangePassword);
            }
            let chrome = Chrome::from_request(&req);
            Ok(Staff { user, chrome })
        })
    }
}
