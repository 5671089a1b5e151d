//! The credit rules as plain functions over values: a person's earned module entries and
//! recognised earlier certificates, read against the catalog, give their total credits and the
//! certificates they satisfy, with the entries each rests on, the day it was met and its expiry.

use std::collections::BTreeMap;

use crate::{
    banks::catalog::{Catalog, Certificate},
    vocab::Date,
};

/// Where an earned module comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A passing, approved attempt (its id).
    Attempt(String),
    /// A recognised earlier certificate counting as the module (its record id).
    Earlier(String),
}

/// One module a person has earned. Revoked entries are left out by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub module: String,
    pub date: Date,
    /// The centre that examined it (or, for an earlier certificate, its issuer).
    pub centre: String,
    pub source: Source,
}

/// A recognised earlier certificate on a person's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earlier {
    /// The record's id.
    pub id: String,
    /// The catalog equivalence it was recorded under.
    pub equivalence: String,
    pub date: Date,
    pub issuer: String,
}

/// A certificate whose rule a person's entries meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Satisfied {
    pub certificate: String,
    /// The module entries it rests on (through the certificates it builds on too), one per
    /// module, in the order of the catalog's modules.
    pub entries: Vec<Entry>,
    /// The earlier certificates recognised as a whole certificate it rests on (record ids).
    pub earlier: Vec<String>,
    /// The day the rule was met: the latest day among what it rests on (for a profile, the
    /// day of its first module).
    pub satisfied_on: Date,
    /// The last day it is valid, when its rule has a validity.
    pub expires_on: Option<Date>,
}

/// Everything a person's record adds up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Credits of the distinct modules earned (a module passed twice counts once).
    pub credits: u32,
    /// The satisfied certificates, in the catalog's order.
    pub certificates: Vec<Satisfied>,
}

/// The module entries an earlier certificate stands for, and what it counts as as a whole.
/// Certificates issued on or after the equivalence's `issued_before`, or under an unknown
/// equivalence, count for nothing.
fn recognised<'c>(
    catalog: &'c Catalog,
    earlier: &[Earlier],
) -> (Vec<Entry>, Vec<(&'c str, Earlier)>) {
    let mut entries = Vec::new();
    let mut whole = Vec::new();
    for record in earlier {
        let Some(eq) = catalog.equivalence(&record.equivalence) else {
            continue;
        };
        if eq.issued_before.is_some_and(|day| record.date >= day) {
            continue;
        }
        entries.extend(eq.modules.iter().map(|module| Entry {
            module: module.clone(),
            date: record.date,
            centre: record.issuer.clone(),
            source: Source::Earlier(record.id.clone()),
        }));
        if let Some(certificate) = &eq.certificate {
            whole.push((certificate.as_str(), record.clone()));
        }
    }
    (entries, whole)
}

/// A person's credits and satisfied certificates.
pub fn standing(catalog: &Catalog, entries: &[Entry], earlier: &[Earlier]) -> Standing {
    let (from_earlier, whole) = recognised(catalog, earlier);
    // The entry that counts for each module: the earliest, then by source, so the choice
    // never depends on the order the caller lists them in.
    let mut first: BTreeMap<&str, &Entry> = BTreeMap::new();
    for entry in entries.iter().chain(&from_earlier) {
        if catalog.module(&entry.module).is_none() {
            continue;
        }
        first
            .entry(entry.module.as_str())
            .and_modify(|kept| {
                if (entry.date, &entry.source) < (kept.date, &kept.source) {
                    *kept = entry;
                }
            })
            .or_insert(entry);
    }
    let credits = first
        .keys()
        .filter_map(|m| catalog.module(m))
        .map(|m| m.credits)
        .sum();
    let mut eval = Eval {
        catalog,
        first,
        whole,
        done: BTreeMap::new(),
    };
    for certificate in &catalog.certificates {
        eval.certificate(certificate, 0);
    }
    let certificates = catalog
        .certificates
        .iter()
        .filter_map(|c| eval.done.get(c.code.as_str()).cloned().flatten())
        .collect();
    Standing {
        credits,
        certificates,
    }
}

/// A record's entries being read against the catalog's certificates.
struct Eval<'c, 'e> {
    catalog: &'c Catalog,
    /// The entry that counts for each module.
    first: BTreeMap<&'e str, &'e Entry>,
    /// Earlier certificates recognised as a whole: (certificate, record).
    whole: Vec<(&'c str, Earlier)>,
    /// Certificates already decided.
    done: BTreeMap<&'c str, Option<Satisfied>>,
}

impl<'c> Eval<'c, '_> {
    /// Whether a certificate is met, by its rule or through an earlier certificate
    /// (`depth` guards against a cycle, which the catalog check refuses).
    fn certificate(&mut self, certificate: &'c Certificate, depth: usize) -> Option<Satisfied> {
        if let Some(known) = self.done.get(certificate.code.as_str()) {
            return known.clone();
        }
        if depth > self.catalog.certificates.len() {
            return None;
        }
        // Met both ways: the way it was met first counts (the rule on a tie).
        let result = match (
            self.by_rule(certificate, depth),
            self.by_earlier(certificate),
        ) {
            (Some(rule), Some(earlier)) if earlier.satisfied_on < rule.satisfied_on => {
                Some(earlier)
            }
            (rule, earlier) => rule.or(earlier),
        };
        self.done.insert(certificate.code.as_str(), result.clone());
        result
    }

    /// Through the earliest earlier certificate recognised as this certificate.
    fn by_earlier(&self, certificate: &Certificate) -> Option<Satisfied> {
        let (_, record) = self
            .whole
            .iter()
            .filter(|(code, _)| *code == certificate.code)
            .min_by(|a, b| (a.1.date, &a.1.id).cmp(&(b.1.date, &b.1.id)))?;
        Some(Satisfied {
            certificate: certificate.code.clone(),
            entries: Vec::new(),
            earlier: vec![record.id.clone()],
            satisfied_on: record.date,
            expires_on: expiry(certificate, record.date),
        })
    }

    fn by_rule(&mut self, certificate: &'c Certificate, depth: usize) -> Option<Satisfied> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut earlier: Vec<String> = Vec::new();
        let mut days: Vec<Date> = Vec::new();
        for code in &certificate.certificates {
            let needed = self.catalog.certificate(code)?;
            let met = self.certificate(needed, depth + 1)?;
            days.push(met.satisfied_on);
            entries.extend(met.entries);
            earlier.extend(met.earlier);
        }
        for module in &certificate.all {
            let entry = self.first.get(module.as_str())?;
            days.push(entry.date);
            entries.push((*entry).clone());
        }
        if let Some(any) = &certificate.any {
            // Earliest first, then by module code: the same record always picks the same.
            let mut candidates: Vec<&Entry> = any
                .of
                .iter()
                .filter(|m| !entries.iter().any(|e| &e.module == *m))
                .filter_map(|m| self.first.get(m.as_str()).copied())
                .collect();
            if candidates.len() < any.count {
                return None;
            }
            candidates.sort_by(|a, b| (a.date, &a.module).cmp(&(b.date, &b.module)));
            for entry in candidates.into_iter().take(any.count) {
                days.push(entry.date);
                entries.push(entry.clone());
            }
        }
        let mut satisfied_on = days.iter().max().copied();
        if !certificate.profile.is_empty() {
            let passed: Vec<&Entry> = certificate
                .profile
                .iter()
                .filter_map(|m| self.first.get(m.as_str()).copied())
                .collect();
            let first_day = passed.iter().map(|e| e.date).min()?;
            satisfied_on = Some(satisfied_on.map_or(first_day, |d| d.max(first_day)));
            entries.extend(passed.into_iter().cloned());
        }
        let satisfied_on = satisfied_on?;
        let order = |e: &Entry| self.catalog.modules.iter().position(|m| m.code == e.module);
        entries.sort_by_key(|e| order(e));
        entries.dedup_by(|a, b| a.module == b.module);
        earlier.sort();
        earlier.dedup();
        Some(Satisfied {
            certificate: certificate.code.clone(),
            entries,
            earlier,
            satisfied_on,
            expires_on: expiry(certificate, satisfied_on),
        })
    }
}

/// A certificate a person holds (issued and neither revoked nor replaced).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub id: String,
    /// The catalog certificate it was issued under.
    pub certificate: String,
    /// The modules it lists, as printed.
    pub modules: Vec<String>,
}

/// What bringing a person's certificates in line with their standing must do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Certificates met and not held: issue them.
    pub issue: Vec<Satisfied>,
    /// Held certificates whose rule is no longer met: revoke them (ids).
    pub revoke: Vec<String>,
    /// Held profiles whose modules changed: replace each (its id) with a new one.
    pub replace: Vec<(String, Satisfied)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.issue.is_empty() && self.revoke.is_empty() && self.replace.is_empty()
    }
}

/// Compares what a person's record meets with the certificates they hold. sathach issues a
/// certificate only when it rests on at least one module examined here: a rule met by
/// earlier certificates alone is theirs already, and is not issued again. A held certificate
/// stays as issued while its rule is still met, unless it is a profile listing other modules.
pub fn reconcile(catalog: &Catalog, standing: &Standing, held: &[Held]) -> Plan {
    let mut plan = Plan::default();
    for certificate in held {
        let met = standing
            .certificates
            .iter()
            .find(|s| s.certificate == certificate.certificate);
        match met {
            None => plan.revoke.push(certificate.id.clone()),
            Some(met) => {
                let is_profile = catalog
                    .certificate(&certificate.certificate)
                    .is_some_and(|c| !c.profile.is_empty());
                let listed: Vec<&str> = met.entries.iter().map(|e| e.module.as_str()).collect();
                if is_profile && listed != certificate.modules {
                    plan.replace.push((certificate.id.clone(), met.clone()));
                }
            }
        }
    }
    for met in &standing.certificates {
        let examined_here = met
            .entries
            .iter()
            .any(|e| matches!(e.source, Source::Attempt(_)));
        let is_held = held.iter().any(|h| h.certificate == met.certificate);
        if examined_here && !is_held {
            plan.issue.push(met.clone());
        }
    }
    plan
}

/// Letters and digits that cannot be mistaken for each other (Crockford's base 32).
const NUMBER_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A certificate's public number: 12 characters from the OS-seeded generator (60 bits, so it
/// cannot be guessed), in groups of four: `7KQ2-M9XD-4TRB`.
pub fn certificate_number() -> String {
    let raw = crate::text::random_chars(NUMBER_ALPHABET, 12);
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// A number as someone typed it, in its printed form: case, spaces and dashes do not
/// matter, and O, I and L read as 0, 1 and 1. None when it cannot be a number.
pub fn normalize_number(typed: &str) -> Option<String> {
    let raw: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '.'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let valid = raw.len() == 12 && raw.bytes().all(|b| NUMBER_ALPHABET.contains(&b));
    valid.then(|| format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..]))
}

/// The day it expires: `valid_years` after the day the rule was met (from 29 February, the
/// 28th); it is valid up to and including that day.
fn expiry(certificate: &Certificate, from: Date) -> Option<Date> {
    let Date(year, month, day) = from;
    let year = year + i32::from(certificate.valid_years?);
    Date::parse(&Date(year, month, day).iso()).or(Some(Date(year, month, 28)))
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
