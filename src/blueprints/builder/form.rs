//! The builder's form as the manager filled it in: read from the posted fields (every value
//! kept as typed, so a mistake is shown back unchanged), filled from a stored blueprint, and
//! changed by the buttons that add or remove a part or a section.

/// Parts and sections beyond these are ignored: no page needs more, and a crafted index must
/// not make the server build huge forms.
const MAX_PARTS: usize = 20;
const MAX_SECTIONS: usize = 60;

#[derive(Clone, Debug, PartialEq)]
pub struct BuilderForm {
    pub organisation_id: String,
    pub code: String,
    pub title: String,
    /// The banks chosen for the whole blueprint: sections pick among them.
    pub banks: Vec<String>,
    pub modules: Vec<String>,
    pub separate_module_pass: bool,
    pub duration_minutes: String,
    pub navigation: String,
    pub review: String,
    pub attempts_allowed: String,
    pub retake_wait_days: String,
    pub shuffle_items: bool,
    pub shuffle_options: bool,
    pub partial_credit: bool,
    pub pass: String,
    pub target_difficulty: String,
    pub difficulty_tolerance: String,
    pub parts: Vec<PartForm>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartForm {
    pub code: String,
    pub title: String,
    /// Scored outside sathach (a practical part) rather than drawn from banks.
    pub external: bool,
    pub pass: String,
    pub max_points: String,
    pub graders: String,
    pub max_difference: String,
    pub rounding: String,
    pub sections: Vec<SectionForm>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SectionForm {
    pub title: String,
    pub module: String,
    pub banks: Vec<String>,
    pub topics: Vec<String>,
    pub difficulties: Vec<String>,
    pub types: Vec<String>,
    pub tags: String,
    pub count: String,
    pub points: String,
}

/// The button that sent the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Re-render with the pickers and the matching counts brought up to date.
    Refresh,
    Save,
    AddPart,
    AddSection(usize),
    RemovePart(usize),
    RemoveSection(usize, usize),
}

impl Action {
    fn parse(value: &str) -> Self {
        let numbers =
            |rest: &str| -> Vec<usize> { rest.split('-').filter_map(|n| n.parse().ok()).collect() };
        match value.split_once('-') {
            _ if value == "save" => Action::Save,
            _ if value == "add_part" => Action::AddPart,
            Some(("add_section", rest)) => match numbers(rest)[..] {
                [p] => Action::AddSection(p),
                _ => Action::Refresh,
            },
            Some(("remove_part", rest)) => match numbers(rest)[..] {
                [p] => Action::RemovePart(p),
                _ => Action::Refresh,
            },
            Some(("remove_section", rest)) => match numbers(rest)[..] {
                [p, s] => Action::RemoveSection(p, s),
                _ => Action::Refresh,
            },
            _ => Action::Refresh,
        }
    }
}

impl Default for BuilderForm {
    /// A new blueprint: one drawn part with one section, the defaults the reader assumes.
    fn default() -> Self {
        Self {
            organisation_id: String::new(),
            code: String::new(),
            title: String::new(),
            banks: vec![],
            modules: vec![],
            separate_module_pass: false,
            duration_minutes: "45".into(),
            navigation: "free".into(),
            review: "score".into(),
            attempts_allowed: "1".into(),
            retake_wait_days: "0".into(),
            shuffle_items: true,
            shuffle_options: true,
            partial_credit: false,
            pass: "50%".into(),
            target_difficulty: String::new(),
            difficulty_tolerance: String::new(),
            parts: vec![PartForm {
                code: "ly-thuyet".into(),
                sections: vec![SectionForm::default()],
                ..PartForm::default()
            }],
        }
    }
}

pub(super) fn set(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// `p3` → 3, within the limit.
fn index(text: &str, letter: char, limit: usize) -> Option<usize> {
    text.strip_prefix(letter)?
        .parse()
        .ok()
        .filter(|n| *n < limit)
}

impl BuilderForm {
    /// Reads the posted fields (names as the template writes them: `title`, `p0.pass`,
    /// `p0.s1.count`…) and the button pressed. Checkboxes missing from the post are unticked.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Action) {
        let mut form = Self {
            parts: vec![],
            shuffle_items: false,
            shuffle_options: false,
            ..Self::default()
        };
        let mut action = Action::Refresh;
        for (name, value) in pairs {
            let mut path = name.splitn(3, '.');
            let (first, second, third) = (path.next(), path.next(), path.next());
            match (first, second, third) {
                (Some("action"), None, _) => action = Action::parse(value),
                (Some(key), None, _) => form.set_head(key, value),
                (Some(part), Some(key), None) => {
                    if let Some(p) = index(part, 'p', MAX_PARTS) {
                        form.part(p).set(key, value);
                    }
                }
                (Some(part), Some(section), Some(key)) => {
                    if let (Some(p), Some(s)) = (
                        index(part, 'p', MAX_PARTS),
                        index(section, 's', MAX_SECTIONS),
                    ) {
                        form.part(p).section(s).set(key, value);
                    }
                }
                _ => {}
            }
        }
        (form, action)
    }

    fn part(&mut self, p: usize) -> &mut PartForm {
        if self.parts.len() <= p {
            self.parts.resize_with(p + 1, PartForm::default);
        }
        &mut self.parts[p]
    }

    fn set_head(&mut self, key: &str, value: &str) {
        let text = value.trim().to_string();
        match key {
            "organisation_id" => self.organisation_id = text,
            "code" => self.code = text,
            "title" => self.title = text,
            "banks" => set(&mut self.banks, value),
            "modules" => set(&mut self.modules, value),
            "separate_module_pass" => self.separate_module_pass = true,
            "duration_minutes" => self.duration_minutes = text,
            "navigation" => self.navigation = text,
            "review" => self.review = text,
            "attempts_allowed" => self.attempts_allowed = text,
            "retake_wait_days" => self.retake_wait_days = text,
            "shuffle_items" => self.shuffle_items = true,
            "shuffle_options" => self.shuffle_options = true,
            "partial_credit" => self.partial_credit = true,
            "pass" => self.pass = text,
            "target_difficulty" => self.target_difficulty = text,
            "difficulty_tolerance" => self.difficulty_tolerance = text,
            _ => {}
        }
    }

    /// Applies an add or remove button; a new section draws from every chosen bank.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::AddPart => self.parts.truncate(MAX_PARTS - 1),
            Action::AddSection(p) if p < self.parts.len() => {
                self.parts[p].sections.truncate(MAX_SECTIONS - 1)
            }
            _ => {}
        }
        match action {
            Action::AddPart => {
                let number = self.parts.len() + 1;
                self.parts.push(PartForm {
                    code: format!("phan-{number}"),
                    sections: vec![self.new_section()],
                    ..PartForm::default()
                });
            }
            Action::AddSection(p) if p < self.parts.len() => {
                let section = self.new_section();
                self.parts[p].sections.push(section);
            }
            Action::RemovePart(p) if p < self.parts.len() => {
                self.parts.remove(p);
            }
            Action::RemoveSection(p, s)
                if p < self.parts.len() && s < self.parts[p].sections.len() =>
            {
                self.parts[p].sections.remove(s);
            }
            _ => {}
        }
    }

    fn new_section(&self) -> SectionForm {
        SectionForm {
            banks: self.banks.clone(),
            count: "5".into(),
            ..SectionForm::default()
        }
    }
}

impl PartForm {
    fn section(&mut self, s: usize) -> &mut SectionForm {
        if self.sections.len() <= s {
            self.sections.resize_with(s + 1, SectionForm::default);
        }
        &mut self.sections[s]
    }

    fn set(&mut self, key: &str, value: &str) {
        let text = value.trim().to_string();
        match key {
            "code" => self.code = text,
            "title" => self.title = text,
            "external" => self.external = text == "1",
            "pass" => self.pass = text,
            "max_points" => self.max_points = text,
            "graders" => self.graders = text,
            "max_difference" => self.max_difference = text,
            "rounding" => self.rounding = text,
            _ => {}
        }
    }
}

impl SectionForm {
    fn set(&mut self, key: &str, value: &str) {
        let text = value.trim().to_string();
        match key {
            "title" => self.title = text,
            "module" => self.module = text,
            "banks" => set(&mut self.banks, value),
            "topics" => set(&mut self.topics, value),
            "difficulties" => set(&mut self.difficulties, value),
            "types" => set(&mut self.types, value),
            "tags" => self.tags = text,
            "count" => self.count = text,
            "points" => self.points = text,
            _ => {}
        }
    }

    /// The tags typed, separated by commas.
    pub fn tag_list(&self) -> Vec<String> {
        self.tags
            .split([',', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_add_and_remove_rows_and_crafted_indices_are_ignored() {
        let pairs = [
            ("title", "Thi thử"),
            ("banks", "A"),
            ("banks", "B"),
            ("p0.code", "lt"),
            ("p0.s0.title", "Một"),
            ("p0.s0.topics", "IU01.1"),
            ("p0.s0.topics", "IU01.2"),
            ("p1.code", "th"),
            ("p1.external", "1"),
            ("p99999.code", "x"),
            ("p0.s99999.title", "x"),
            ("action", "add_section-0"),
        ];
        let (mut form, action) = BuilderForm::from_pairs(pairs);
        assert_eq!(action, Action::AddSection(0));
        assert_eq!(form.parts.len(), 2);
        assert!(form.parts[1].external && !form.shuffle_items);
        assert_eq!(form.parts[0].sections[0].topics, ["IU01.1", "IU01.2"]);
        form.apply(action);
        assert_eq!(form.parts[0].sections[1].banks, ["A", "B"]);
        form.apply(Action::parse("remove_section-0-0"));
        assert_eq!(form.parts[0].sections.len(), 1);
        form.apply(Action::parse("remove_part-1"));
        assert_eq!(form.parts.len(), 1);
        assert_eq!(Action::parse("remove_section-x"), Action::Refresh);
    }
}
