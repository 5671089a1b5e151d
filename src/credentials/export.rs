//! Signed records made from the ledger: a module credit's or a certificate's Open Badges
//! credential (issued by the centre that examined it, or the certificate's issuer), a
//! person's CLR transcript (issued by their Department), and an issuer's status list. One
//! exporter signs a whole batch, reading each organisation's key file once.

use std::collections::HashMap;

use anyhow::Context;
use serde_json::Value;

use super::{
    jws,
    model::{self, Achievement, AchievementKind, Award, Holder, Issuer, StatusEntry},
    store::{self, EarnedCredit, Subject},
};
use crate::{
    banks::catalog::catalog,
    clock,
    credits::{certificate::CertificateView, verify},
    db::Db,
    keys::{self, SignError, Signer},
    orgs::{model::Organisation, store as orgs},
    people::model::Person,
    vocab::{Date, display_date},
};

/// Why a record could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// This node holds no usable key for the organisation: it refuses to sign.
    #[error(transparent)]
    Key(#[from] SignError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ExportError {
    fn from(e: sqlx::Error) -> Self {
        ExportError::Other(e.into())
    }
}

/// Signs records for one request or command.
pub struct Exporter<'a> {
    db: &'a Db,
    public_url: &'a url::Url,
    signers: HashMap<String, Signer>,
    issuers: HashMap<String, Issuer>,
}

impl<'a> Exporter<'a> {
    pub fn new(db: &'a Db, public_url: &'a url::Url) -> Self {
        Exporter {
            db,
            public_url,
            signers: HashMap::new(),
            issuers: HashMap::new(),
        }
    }

    /// The module credit's credential, signed.
    pub async fn credit(&mut self, credit: &EarnedCredit) -> Result<String, ExportError> {
        let award = self.credit_award(credit).await?;
        self.sign(&credit.centre_id, &model::open_badge(&award))
            .await
    }

    /// The certificate's credential, signed.
    pub async fn certificate(&mut self, c: &CertificateView) -> Result<String, ExportError> {
        let award = self.certificate_award(c).await?;
        self.sign(&c.issuer_id, &model::open_badge(&award)).await
    }

    /// The person's transcript: every module they hold and every certificate still in force
    /// (valid or expired), signed by their Department.
    pub async fn transcript(
        &mut self,
        person: &Person,
        certificates: &[CertificateView],
    ) -> Result<String, ExportError> {
        let mut credentials = Vec::new();
        for credit in store::standing_credits(&self.db.read, &person.id).await? {
            credentials.push(model::open_badge(&self.credit_award(&credit).await?));
        }
        for c in certificates.iter().filter(|c| c.in_force()) {
            credentials.push(model::open_badge(&self.certificate_award(c).await?));
        }
        let issuer = self.issuer(&person.department_id).await?;
        let holder = Holder {
            person_id: person.id.clone(),
            name: person.full_name.clone(),
        };
        let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
        let clr = model::transcript(&id, &issuer, &holder, clock::now_ms(), credentials);
        self.sign(&person.department_id, &clr).await
    }

    /// List `list` of the organisation's revocation status lists, with the bits of `revoked`
    /// (positions within the list) set, signed.
    pub async fn status_list(
        &mut self,
        org: &Organisation,
        list: u64,
        revoked: &[u64],
    ) -> Result<String, ExportError> {
        let issuer = self.issuer(&org.id).await?;
        let url = list_url(self.public_url, &org.code, list);
        let value = model::status_list(&url, &issuer, clock::now_ms(), revoked);
        self.sign(&org.id, &value).await
    }

    async fn sign(
        &mut self,
        organisation_id: &str,
        credential: &Value,
    ) -> Result<String, ExportError> {
        if !self.signers.contains_key(organisation_id) {
            let signer = keys::signer(self.db, organisation_id).await?;
            self.signers.insert(organisation_id.to_string(), signer);
        }
        let signer = &self.signers[organisation_id];
        Ok(jws::sign(signer, self.public_url, credential)?)
    }

    async fn issuer(&mut self, organisation_id: &str) -> Result<Issuer, ExportError> {
        if let Some(issuer) = self.issuers.get(organisation_id) {
            return Ok(issuer.clone());
        }
        let org = orgs::by_id(&self.db.read, organisation_id)
            .await?
            .with_context(|| format!("no organisation {organisation_id}"))?;
        let issuer = Issuer {
            did: keys::model::did_web(self.public_url, &org.code),
            code: org.code,
            name: org.name,
            url: self.public_url.to_string(),
        };
        self.issuers
            .insert(organisation_id.to_string(), issuer.clone());
        Ok(issuer)
    }

    /// The credential's status entry: its place taken (once) in `issuer`'s lists.
    async fn status(
        &self,
        organisation_id: &str,
        issuer: &Issuer,
        subject: Subject<'_>,
    ) -> Result<StatusEntry, ExportError> {
        // Taken once; later exports only read it (no write lock for a download).
        let place = match store::known_place(&self.db.read, subject).await? {
            Some(place) => place,
            None => {
                let mut tx = self.db.begin_write().await?;
                let place = store::place(&mut tx, organisation_id, subject).await?;
                tx.commit().await?;
                place
            }
        };
        let (list, index) = model::list_position(place);
        Ok(StatusEntry {
            list_url: list_url(self.public_url, &issuer.code, list),
            index,
        })
    }

    async fn credit_award(&mut self, credit: &EarnedCredit) -> Result<Award, ExportError> {
        let issuer = self.issuer(&credit.centre_id).await?;
        let status = self
            .status(&credit.centre_id, &issuer, Subject::Credit(&credit.id))
            .await?;
        Ok(Award {
            id: format!("urn:uuid:{}", credit.id),
            issuer,
            holder: Holder {
                person_id: credit.person_id.clone(),
                name: credit.holder_name.clone(),
            },
            achievement: module_achievement(&credit.module, credit.credits),
            recorded_at: credit.created_at,
            valid_until: None,
            evidence: vec![format!(
                "Thi đạt ngày {} tại {}.",
                display_date(&credit.earned_on),
                credit.centre_name
            )],
            status: Some(status),
        })
    }

    async fn certificate_award(&mut self, c: &CertificateView) -> Result<Award, ExportError> {
        let issuer = self.issuer(&c.issuer_id).await?;
        let status = self
            .status(&c.issuer_id, &issuer, Subject::Certificate(&c.id))
            .await?;
        let modules = c.printed.modules.iter().map(|m| {
            format!(
                "{} – {}: {}, {}",
                m.code,
                m.name_vi,
                display_date(&m.date),
                m.place
            )
        });
        let earlier = c.printed.earlier.iter().map(|e| {
            format!(
                "{} số {}, {}, {}",
                e.name_vi,
                e.number,
                e.issuer,
                display_date(&e.date)
            )
        });
        let credits = c
            .printed
            .modules
            .iter()
            .filter_map(|m| catalog().module(&m.code))
            .map(|m| m.credits)
            .sum();
        Ok(Award {
            id: verify::address(self.public_url, &c.number),
            issuer,
            holder: Holder {
                person_id: c.person_id.clone(),
                name: c.holder_name.clone(),
            },
            achievement: Achievement {
                kind: AchievementKind::Certificate,
                code: c.code.clone(),
                name_vi: c.name_vi().to_string(),
                name_en: c.name_en().to_string(),
                criteria: certificate_criteria(c),
                credits,
            },
            recorded_at: c.created_at,
            valid_until: c.expires_on.as_deref().and_then(last_moment),
            evidence: modules.chain(earlier).collect(),
            status: Some(status),
        })
    }
}

/// The address of an organisation's status list `list`.
pub fn list_url(public_url: &url::Url, code: &str, list: u64) -> String {
    let path = format!("orgs/{code}/status/{list}");
    public_url
        .join(&path)
        .map_or_else(|_| format!("/{path}"), String::from)
}

/// The last millisecond of a day in Vietnam (a certificate is valid through its last day).
fn last_moment(day: &str) -> Option<i64> {
    clock::local_to_ms(Date::parse(day)?, "23:59").map(|ms| ms + 59_999)
}

/// A module as the catalog names it (its code alone if the catalog no longer has it).
fn module_achievement(code: &str, credits: i64) -> Achievement {
    let module = catalog().module(code);
    let scheme = module.and_then(|m| catalog().scheme(&m.scheme));
    let (name_vi, name_en) = module.map_or((code, code), |m| (&*m.name_vi, &*m.name_en));
    let criteria = format!(
        "Đạt bài thi mô-đun {code} – {name_vi}{}. (Passed the exam of module {code} – {name_en}{}.)",
        scheme.map_or(String::new(), |s| format!(", {}", s.name_vi)),
        scheme.map_or(String::new(), |s| format!(", {}", s.name_en)),
    );
    Achievement {
        kind: AchievementKind::Module,
        code: code.to_string(),
        name_vi: name_vi.to_string(),
        name_en: name_en.to_string(),
        criteria,
        credits: u32::try_from(credits).unwrap_or(0),
    }
}

/// What the certificate's rule asks, in words.
fn certificate_criteria(c: &CertificateView) -> String {
    let Some(rule) = c.rule() else {
        return format!("{} ({})", c.name_vi(), c.name_en());
    };
    let mut parts = Vec::new();
    if !rule.certificates.is_empty() {
        parts.push(format!("có chứng chỉ {}", rule.certificates.join(", ")));
    }
    if !rule.all.is_empty() {
        parts.push(format!("đạt các mô-đun {}", rule.all.join(", ")));
    }
    if let Some(any) = &rule.any {
        parts.push(format!(
            "đạt {} trong các mô-đun {}",
            any.count,
            any.of.join(", ")
        ));
    }
    if !rule.profile.is_empty() {
        parts.push(format!(
            "hồ sơ liệt kê các mô-đun đã đạt trong {}",
            rule.profile.join(", ")
        ));
    }
    format!(
        "{}: {}. ({}: the modules and certificates its rule in the catalog names.)",
        rule.name_vi,
        parts.join("; "),
        rule.name_en
    )
}
