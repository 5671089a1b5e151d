//! Writes the builder's form as blueprint TOML, the same format experts write, remembering
//! which field each line came from so the reader's findings can be shown at that field.
//! Whole numbers are checked here (a number field holding words cannot be written as TOML);
//! every other rule is the reader's and the bank check's.

use super::form::{BuilderForm, PartForm, SectionForm};

/// Where a line of the written TOML came from: the field's prefix (`""` for the blueprint,
/// `p0` for a part, `p0-s1` for a section) and its key (empty on a table's own line).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Place {
    pub prefix: String,
    pub key: String,
}

impl Place {
    /// The field's id in the page: `title`, `p0-pass`, `p0-s1-count`.
    pub fn id(&self, key: &str) -> String {
        match (self.prefix.is_empty(), key.is_empty()) {
            (true, _) => key.to_string(),
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}-{key}", self.prefix),
        }
    }
}

/// A field the builder itself refuses (a whole number written with letters): its place and
/// the catalog key of the message.
pub type FieldProblem = (Place, &'static str);

/// The written TOML, the place of each of its lines, and what could not be written.
#[derive(Debug, Default)]
pub struct Written {
    pub text: String,
    /// `places[n]` is line n + 1.
    pub places: Vec<Place>,
    pub problems: Vec<FieldProblem>,
}

impl Written {
    /// The place of a 1-based line (the last table's for lines past the end).
    pub fn place(&self, line: usize) -> Place {
        let index = line
            .saturating_sub(1)
            .min(self.places.len().saturating_sub(1));
        self.places.get(index).cloned().unwrap_or_default()
    }

    fn line(&mut self, prefix: &str, key: &str, text: String) {
        self.text.push_str(&text);
        self.text.push('\n');
        self.places.push(Place {
            prefix: prefix.into(),
            key: key.into(),
        });
    }

    fn string(&mut self, prefix: &str, key: &str, value: &str) {
        if !value.is_empty() {
            self.line(prefix, key, format!("{key} = {}", quoted(value)));
        }
    }

    fn strings(&mut self, prefix: &str, key: &str, values: &[String]) {
        if !values.is_empty() {
            let list: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            self.line(prefix, key, format!("{key} = [{}]", list.join(", ")));
        }
    }

    fn boolean(&mut self, prefix: &str, key: &str, value: bool) {
        self.line(prefix, key, format!("{key} = {value}"));
    }

    /// A whole number as typed; words are refused at the field, an empty field left out.
    fn whole(&mut self, prefix: &str, key: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        match value.parse::<i64>() {
            Ok(n) => self.line(prefix, key, format!("{key} = {n}")),
            Err(_) => self.refuse(prefix, key, "blueprint.builder.not_whole"),
        }
    }

    /// A decimal as typed, with a point or a comma.
    fn number(&mut self, prefix: &str, key: &str, value: &str) {
        match (value.is_empty(), decimal(value)) {
            (true, _) => {}
            (false, Some(n)) => self.line(prefix, key, format!("{key} = {n}")),
            (false, None) => self.refuse(prefix, key, "blueprint.builder.not_number"),
        }
    }

    fn refuse(&mut self, prefix: &str, key: &str, message: &'static str) {
        let place = Place {
            prefix: prefix.into(),
            key: key.into(),
        };
        self.problems.push((place, message));
    }
}

fn decimal(text: &str) -> Option<f64> {
    text.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The blueprint as TOML. `rules_only` writes only what the draw needs (modules, drawn parts,
/// sections and the difficulty target) with placeholders elsewhere, so the banks can be
/// checked even while a pass rule or a practical part is still wrong.
pub fn write(form: &BuilderForm, rules_only: bool) -> Written {
    let mut w = Written::default();
    w.line("", "", "[blueprint]".into());
    let code = form.code.to_uppercase();
    let placeholder = |value: &str| {
        if rules_only && value.is_empty() {
            "X".to_string()
        } else {
            value.to_string()
        }
    };
    w.string("", "code", &placeholder(&code));
    w.string("", "title", &placeholder(&form.title));
    w.strings("", "modules", &form.modules);
    if !rules_only {
        if form.modules.len() > 1 {
            w.boolean("", "separate_module_pass", form.separate_module_pass);
        }
        w.whole("", "duration_minutes", &form.duration_minutes);
        w.string("", "navigation", &form.navigation);
        w.string("", "review", &form.review);
        w.whole("", "attempts_allowed", &form.attempts_allowed);
        w.whole("", "retake_wait_days", &form.retake_wait_days);
        w.boolean("", "shuffle_items", form.shuffle_items);
        w.boolean("", "shuffle_options", form.shuffle_options);
        w.boolean("", "partial_credit", form.partial_credit);
        w.string("", "pass", &form.pass);
    }
    let decimal = |v: &str| v.is_empty() || decimal(v).is_some();
    if !rules_only || (decimal(&form.target_difficulty) && decimal(&form.difficulty_tolerance)) {
        w.number("", "target_difficulty", &form.target_difficulty);
        w.number("", "difficulty_tolerance", &form.difficulty_tolerance);
    }
    for (p, part) in form.parts.iter().enumerate() {
        if !(rules_only && part.external) {
            write_part(&mut w, form, p, part, rules_only);
        }
    }
    w
}

fn write_part(w: &mut Written, form: &BuilderForm, p: usize, part: &PartForm, rules_only: bool) {
    let prefix = format!("p{p}");
    w.line("", "", String::new());
    w.line(&prefix, "", "[[parts]]".into());
    if rules_only {
        w.string(&prefix, "code", &prefix);
    } else {
        w.string(&prefix, "code", &part.code);
        w.string(&prefix, "title", &part.title);
        w.string(&prefix, "pass", &part.pass);
    }
    if part.external {
        w.boolean(&prefix, "external", true);
        w.whole(&prefix, "max_points", &part.max_points);
        if part.graders != "1" {
            w.whole(&prefix, "graders", &part.graders);
        }
        w.string(&prefix, "max_difference", &part.max_difference);
        w.string(&prefix, "rounding", &part.rounding);
        return;
    }
    for (s, section) in part.sections.iter().enumerate() {
        write_section(w, form, &format!("{prefix}-s{s}"), section, rules_only);
    }
}

fn write_section(
    w: &mut Written,
    form: &BuilderForm,
    prefix: &str,
    section: &SectionForm,
    rules_only: bool,
) {
    w.line(prefix, "", String::new());
    w.line(prefix, "", "[[parts.sections]]".into());
    match section.title.is_empty() && rules_only {
        true => w.string(prefix, "title", prefix),
        false => w.string(prefix, "title", &section.title),
    }
    if form.modules.len() > 1 {
        w.string(prefix, "module", &section.module);
    }
    w.strings(prefix, "banks", &section.banks);
    w.strings(prefix, "topics", &section.topics);
    w.strings(prefix, "difficulties", &section.difficulties);
    w.strings(prefix, "types", &section.types);
    w.strings(prefix, "tags", &section.tag_list());
    w.whole(prefix, "count", &section.count);
    w.whole(prefix, "points", &section.points);
}
