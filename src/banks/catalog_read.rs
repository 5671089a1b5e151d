//! Reads a catalog file (`question_banks/catalog.toml` or a draft of it), reporting every
//! problem at its line at once: unknown keys, duplicate codes, references to schemes, modules
//! or certificates that do not exist, impossible rules, cycles, missing credits. Messages come
//! from the `report.cat` catalog table.

use std::{collections::BTreeMap, ops::Range};

use toml::de::DeValue;

use super::{
    catalog::Catalog,
    native::fields::{Ctx, Fields, Value, as_table},
    report::{Arg, FileReport, args},
};

pub const FORMAT: &str = "sathach-catalog";

fn what(key: &'static str, code: &str) -> Arg {
    Arg::msg(key, args![code = code])
}

/// A code in the file, and where the thing it names starts.
type Codes = BTreeMap<String, usize>;

/// A reference to check once every code is known: who refers, to what kind, where.
struct Reference {
    what: Arg,
    kind: Kind,
    code: String,
    span: Range<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Scheme,
    Module,
    Certificate,
}

/// What has been read so far.
#[derive(Default)]
struct Seen {
    schemes: Codes,
    modules: Codes,
    certificates: Codes,
    equivalences: Codes,
    topics: Codes,
    references: Vec<Reference>,
    /// Each certificate's required certificates, for the cycle check.
    needs: BTreeMap<String, (Vec<String>, Range<usize>)>,
}

/// Reads one catalog file; the catalog when it has no errors.
pub fn read_catalog(path: &str, text: &str) -> (Option<Catalog>, FileReport) {
    let (mut ctx, root) = Ctx::parse(path, FORMAT, text);
    let Some(root) = root else {
        return (None, ctx.report);
    };
    let mut seen = Seen::default();
    let mut top = Fields::new(
        root.get_ref(),
        root.span(),
        Arg::msg("report.what.file", vec![]),
    );
    if let Some(head) = top.get("catalog")
        && let Some(table) = as_table(&mut ctx, head, "[catalog]")
    {
        let mut fields = Fields::new(table, head.span(), "[catalog]");
        fields.integer(&mut ctx, "version");
        fields.finish(&mut ctx);
    }
    for (key, read) in [
        ("schemes", read_scheme as Reader),
        ("modules", read_module),
        ("certificates", read_certificate),
        ("equivalences", read_equivalence),
    ] {
        match top.array(&mut ctx, key) {
            Some((values, _)) => values.iter().for_each(|v| read(&mut ctx, &mut seen, v)),
            None if matches!(key, "schemes" | "modules") => {
                ctx.report
                    .error(1, "report.cat.no_list", args![key = format!("[[{key}]]")])
            }
            None => {}
        }
    }
    top.finish(&mut ctx);
    check_references(&mut ctx, &seen);
    check_cycles(&mut ctx, &seen);
    ctx.report.items = seen.modules.len();
    for (kind, codes) in [
        ("modules", &seen.modules),
        ("certificates", &seen.certificates),
        ("equivalences", &seen.equivalences),
    ] {
        ctx.report.counts.insert(kind.into(), codes.len());
    }
    if ctx.report.has_errors() {
        return (None, ctx.report);
    }
    match toml::from_str::<Catalog>(text) {
        Ok(catalog) => (Some(catalog), ctx.report),
        Err(e) => {
            let line = e.span().map(|s| ctx.line(s)).unwrap_or(0);
            let detail = e.message().trim().to_string();
            ctx.report
                .error(line, "report.invalid_toml", args![detail = detail]);
            (None, ctx.report)
        }
    }
}

type Reader = fn(&mut Ctx, &mut Seen, &Value);

/// The entry's code, checked against the codes already read; `None` for a missing code.
fn code(
    ctx: &mut Ctx,
    f: &mut Fields,
    codes: &mut Codes,
    what_key: &'static str,
) -> Option<String> {
    let (code, span) = f.text(ctx, "code", true)?;
    f.what = what(what_key, &code);
    let line = ctx.line(span);
    if let Some(first) = codes.insert(code.clone(), line) {
        codes.insert(code.clone(), first);
        ctx.report.error(
            line,
            "report.cat.duplicate_code",
            args![what = f.what.clone(), first = first],
        );
    }
    Some(code)
}

fn names(ctx: &mut Ctx, f: &mut Fields) {
    f.text(ctx, "name_vi", true);
    f.text(ctx, "name_en", true);
}

fn entry<'a, 'i>(
    ctx: &mut Ctx,
    value: &'a Value<'i>,
    a_what: &'static str,
) -> Option<Fields<'a, 'i>> {
    let table = as_table(ctx, value, Arg::msg(a_what, vec![]))?;
    Some(Fields::new(table, value.span(), Arg::msg(a_what, vec![])))
}

/// A reference to a scheme, module or certificate, checked once all codes are read.
fn refer(seen: &mut Seen, owner: &Arg, kind: Kind, code: String, span: Range<usize>) {
    seen.references.push(Reference {
        what: owner.clone(),
        kind,
        code,
        span,
    });
}

fn read_scheme(ctx: &mut Ctx, seen: &mut Seen, value: &Value) {
    let Some(mut f) = entry(ctx, value, "report.what.a_scheme") else {
        return;
    };
    code(ctx, &mut f, &mut seen.schemes, "report.what.scheme");
    names(ctx, &mut f);
    f.finish(ctx);
}

fn read_module(ctx: &mut Ctx, seen: &mut Seen, value: &Value) {
    let Some(mut f) = entry(ctx, value, "report.what.a_module") else {
        return;
    };
    let module = code(ctx, &mut f, &mut seen.modules, "report.what.module");
    if let Some((scheme, span)) = f.text(ctx, "scheme", true) {
        refer(seen, &f.what, Kind::Scheme, scheme, span);
    }
    f.text(ctx, "level", true);
    names(ctx, &mut f);
    positive(ctx, &mut f, "credits", true);
    if let Some((topics, _)) = f.array(ctx, "topics") {
        for topic in topics {
            let Some(mut t) = entry(ctx, topic, "report.what.a_topic") else {
                continue;
            };
            if let Some(code) = code(ctx, &mut t, &mut seen.topics, "report.what.topic")
                && let Some(module) = &module
                && !code.starts_with(&format!("{module}."))
            {
                let args = args![what = t.what.clone(), module = module];
                ctx.error_at(topic.span(), "report.cat.topic_prefix", args);
            }
            names(ctx, &mut t);
            t.finish(ctx);
        }
    }
    f.finish(ctx);
}

/// A whole number of at least 1 (credits, years, a count).
fn positive(ctx: &mut Ctx, f: &mut Fields, key: &'static str, required: bool) -> Option<i64> {
    let span = f.get(key).map(|v| v.span());
    let Some(span) = span else {
        if required {
            let args = args![what = f.what.clone(), key = key];
            ctx.error_at(f.span.clone(), "report.cat.missing_number", args);
        }
        return None;
    };
    let n = f.integer(ctx, key)?;
    if n < 1 {
        let args = args![what = f.what.clone(), key = key, value = n];
        ctx.error_at(span, "report.cat.not_positive", args);
        return None;
    }
    Some(n)
}

/// A list of codes in `f`, each to be checked as a `kind`; repeats are errors. Messages name
/// `owner` (the certificate, not its `any` table).
fn codes_list(
    ctx: &mut Ctx,
    seen: &mut Seen,
    (f, owner): (&mut Fields, &Arg),
    key: &'static str,
    kind: Kind,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (code, span) in f.texts(ctx, key).unwrap_or_default() {
        if out.contains(&code) {
            let args = args![what = owner.clone(), code = &code];
            ctx.error_at(span.clone(), "report.cat.listed_twice", args);
        }
        out.push(code.clone());
        refer(seen, owner, kind, code, span);
    }
    out
}

fn read_certificate(ctx: &mut Ctx, seen: &mut Seen, value: &Value) {
    let Some(mut f) = entry(ctx, value, "report.what.a_certificate") else {
        return;
    };
    let certificate = code(
        ctx,
        &mut f,
        &mut seen.certificates,
        "report.what.certificate",
    );
    if let Some((scheme, span)) = f.text(ctx, "scheme", true) {
        refer(seen, &f.what, Kind::Scheme, scheme, span);
    }
    names(ctx, &mut f);
    let owner = f.what.clone();
    let all = codes_list(ctx, seen, (&mut f, &owner), "all", Kind::Module);
    let needs_span = f.get("certificates").map(|v| v.span());
    let needs = codes_list(
        ctx,
        seen,
        (&mut f, &owner),
        "certificates",
        Kind::Certificate,
    );
    let profile = codes_list(ctx, seen, (&mut f, &owner), "profile", Kind::Module);
    let any_value = f.get("any");
    let any = any_value.and_then(|v| read_any(ctx, seen, &owner, v));
    positive(ctx, &mut f, "valid_years", false);
    if all.is_empty() && needs.is_empty() && profile.is_empty() && any_value.is_none() {
        let args = args![what = f.what.clone()];
        ctx.error_at(f.span.clone(), "report.cat.no_rule", args);
    }
    for module in any.iter().flatten() {
        if all.contains(module) {
            let args = args![what = f.what.clone(), module = module];
            ctx.error_at(f.span.clone(), "report.cat.all_and_any", args);
        }
    }
    if let (Some(code), Some(span)) = (certificate, needs_span) {
        seen.needs.entry(code).or_insert((needs, span));
    }
    f.finish(ctx);
}

/// `any = { count = N, of = [...] }`: its modules when N fits the list.
fn read_any(ctx: &mut Ctx, seen: &mut Seen, owner: &Arg, value: &Value) -> Option<Vec<String>> {
    let what = Arg::msg("report.what.any_of", args![what = owner.clone()]);
    let table = as_table(ctx, value, what.clone())?;
    let mut f = Fields::new(table, value.span(), what);
    let count = f.integer(ctx, "count");
    if count.is_none() && f.get("count").is_none() {
        let args = args![what = f.what.clone(), key = "count"];
        ctx.error_at(value.span(), "report.cat.missing_number", args);
    }
    let of = codes_list(ctx, seen, (&mut f, owner), "of", Kind::Module);
    f.finish(ctx);
    let count = count?;
    if count < 1 || count as usize > of.len() {
        let args = args![what = owner.clone(), count = count, listed = of.len()];
        ctx.error_at(value.span(), "report.cat.any_count", args);
        return None;
    }
    Some(of)
}

fn read_equivalence(ctx: &mut Ctx, seen: &mut Seen, value: &Value) {
    let Some(mut f) = entry(ctx, value, "report.what.an_equivalence") else {
        return;
    };
    code(
        ctx,
        &mut f,
        &mut seen.equivalences,
        "report.what.equivalence",
    );
    names(ctx, &mut f);
    let owner = f.what.clone();
    let modules = codes_list(ctx, seen, (&mut f, &owner), "modules", Kind::Module);
    let certificate = f.text(ctx, "certificate", false);
    if let Some((code, span)) = certificate.clone() {
        refer(seen, &f.what, Kind::Certificate, code, span);
    }
    if modules.is_empty() == certificate.is_none() {
        let args = args![what = f.what.clone()];
        ctx.error_at(f.span.clone(), "report.cat.counts_as", args);
    }
    if let Some(date) = f.get("issued_before")
        && !matches!(date.get_ref(), DeValue::Datetime(d) if d.date.is_some() && d.time.is_none())
    {
        let args = args![what = f.what.clone()];
        ctx.error_at(date.span(), "report.cat.not_a_date", args);
    }
    f.finish(ctx);
}

fn check_references(ctx: &mut Ctx, seen: &Seen) {
    for r in &seen.references {
        let (codes, key) = match r.kind {
            Kind::Scheme => (&seen.schemes, "report.cat.unknown_scheme"),
            Kind::Module => (&seen.modules, "report.cat.unknown_module"),
            Kind::Certificate => (&seen.certificates, "report.cat.unknown_certificate"),
        };
        if !codes.contains_key(&r.code) {
            let args = args![what = r.what.clone(), code = &r.code];
            ctx.error_at(r.span.clone(), key, args);
        }
    }
}

/// A certificate that needs itself, directly or through others, can never be met.
fn check_cycles(ctx: &mut Ctx, seen: &Seen) {
    for (start, (_, span)) in &seen.needs {
        let mut path = vec![start.clone()];
        if reaches(seen, start, start, &mut path) {
            let args = args![
                what = what("report.what.certificate", start),
                path = path.join(" → ")
            ];
            ctx.error_at(span.clone(), "report.cat.cycle", args);
        }
    }
}

/// Whether `from` needs `target`, with the path that leads there.
fn reaches(seen: &Seen, from: &str, target: &str, path: &mut Vec<String>) -> bool {
    let Some((needs, _)) = seen.needs.get(from) else {
        return false;
    };
    for next in needs {
        if path.len() > seen.needs.len() + 1 {
            return false;
        }
        path.push(next.clone());
        if next == target
            || (!path[1..path.len() - 1].contains(next) && reaches(seen, next, target, path))
        {
            return true;
        }
        path.pop();
    }
    false
}

#[cfg(test)]
#[path = "catalog_read_tests.rs"]
mod tests;
